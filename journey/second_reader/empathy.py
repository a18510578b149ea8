"""Tip: let the coachee feel understood: at least one sentence reflects their feeling or
experience in their terms ("Je schrijft dat je opgelucht was ...", "Het klinkt alsof dat
veel van je vraagt.")."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from .dutch import WORD, Sentence, Text
from .finding import Finding
from .words import derived, wordset

ID = "empathy"
NEEDS_COACHEE = False

# Frames that reflect an experience whatever words follow.
REFLECTING = tuple(
    re.compile(p)
    for p in (
        r"\b(?:het|dat|dit)\s+klinkt\s+(?:\w+\s+)?(?:alsof|als\s+(?:een|iets)|of|naar)\b",
        r"\bklinkt\s+(?:\w+\s+)?(?:zwaar|pijnlijk|moeilijk|eenzaam|heftig|intens|verdrietig|"
        r"spannend|ingrijpend|uitputtend|verwarrend|beangstigend|naar|rot|verschrikkelijk)\b",
        r"\b(?:kan|kun)\s+(?:ik\s+)?(?:me|mij)\s+(?:\w+\s+)?(?:voorstellen|indenken|inbeelden)\b",
        r"\bhet\s+lijkt\s+(?:\w+\s+)?(?:alsof|of)\s+(?:je|jij|u)\b",
        r"\b(?:lees|hoor|proef|voel|merk|zie)\s+(?:ik\s+)?(?:\w+\s+){0,4}?(?:hoeveel|hoe\s+"
        r"(?:zwaar|moeilijk|eenzaam|verdrietig|bang|boos|blij|trots|moe|onzeker|erg|groot|diep|"
        r"veel|pijnlijk|fijn|alleen|machteloos|opgelucht|gespannen|onrustig))\b",
        r"\b(?:wat|hoe)\s+(?:een\s+)?(?:zwaar|zware|moeilijk|moeilijke|pijnlijk|pijnlijke|eenzaam|"
        r"eenzame|verdrietig|verdrietige|heftig|heftige|intens|intense|ingrijpend|ingrijpende|"
        r"rot|rotte|naar|nare|verschrikkelijk|verschrikkelijke|onzeker|onzekere)\b",
        r"\b(?:dat|dit|het)\s+(?:moet|moest|moeten)\s+(?:\w+\s+){0,3}?(?:zwaar|pijnlijk|moeilijk|"
        r"eenzaam|heftig|verdrietig|eng|beangstigend|spannend|rot|naar|ingrijpend|fijn|een\s+"
        r"opluchting|veel\s+van\s+je)\b",
        r"\b(?:je|jij|u)\s+(?:voel|voelt|voelde|voelden)\s+(?:je|jij|u|zich)\b",
        r"\bvoel(?:de|t)?\s+(?:je|jij|u)\s+(?:je|jij|u|zich)\b",
        r"\b(?:je|jij|u)\s+(?:je|zich|u)\s+(?:[\w',]+\s+){0,8}?(?:voel|voelt|voelde|voelden)\b",
        r"\bis\s+(?:heel\s+|erg\s+|zeer\s+|goed\s+)?(?:begrijpelijk|invoelbaar|voorstelbaar)\b",
        r"\b(?:wat|hoeveel)\s+(?:het|dat|dit)\s+(?:\w+\s+)?(?:je|jou|u)\s+(?:\w+\s+)?(?:kost|kostte|"
        r"gekost|doet|deed|gedaan)\b",
        r"\bwat\s+een\s+(?:schrik|opluchting|klap|verdriet|pijn|angst|ellende|onzekerheid|"
        r"spanning|zorgen|gemis|verlies|teleurstelling|onrust|strijd|eenzaamheid|gedoe)\b",
        r"\bmoet\s+(?:dat|het|dit)\s+(?:\w+\s+){0,2}?geweest\s+zijn\b",
        r"^\W*(?:dat|dit|het)\s+(?:is|was)\s+(?:een\s+)?(?:\w+\s+)?(?:schok|klap|verlies|opluchting|"
        r"gemis|ontnuchtering|teleurstelling|domper|aanslag)\b",
        r"\bgrond\s+onder\s+(?:je|jouw|uw)\s+voeten\b|\bop\s+(?:jouw|je|uw)\s+schouders\b",
        r"\bvoor\s+(?:jou|u)\s+(?:is|was|betekent|betekende)\s+(?:het|dat|dit)\s+(?:niet\s+)?"
        r"(?:zomaar|meer\s+dan|veel\s+meer|alles)\b",
        r"\b(?:je|jij|u)\s+(?:stond|staat|sta)\s+(?:er\s+)?(?:\w+\s+)?alleen\s+voor\b",
        r"\bveel\s+van\s+(?:je|jou|u)\s+(?:vraagt|vroeg|gevraagd|heeft\s+gevraagd)\b",
        r"\b(?:je|jij|u)\s+(?:draagt|droeg|sleept|sleepte)\s+(?:\w+\s+){0,3}?(?:mee|met\s+je\s+mee)\b",
        r"\b(?:wat|hoeveel)\s+(?:\w+\s+){0,2}?(?:doormaakt|hebt\s+doorgemaakt|meemaakt|"
        r"hebt\s+meegemaakt|te\s+verduren|op\s+je\s+bord)\b",
        r"\b(?:dat|het|dit)\s+is\s+(?:\w+\s+)?(?:begrijpelijk|invoelbaar|voorstelbaar|menselijk|"
        r"niet\s+vreemd|heel\s+logisch)\b",
        r"\b(?:dat|het|dit)\s+is\s+(?:een\s+)?(?:heel\s+|erg\s+|zeer\s+)?terecht\w*\b",
        r"\bhoe\s+(?:je|jij|u)\s+(?:\w+\s+)?(?:merkt|voelt|ervaart|beleeft|beleefde|ervoer)\b",
        r"\bin\s+(?:je|jouw|uw)\s+eentje\b|\balleen\s+voor\s+(?:je|jou|u)\s+gevoel\b",
        r"\b(?:begrijpelijk|logisch|invoelbaar|voorstelbaar|menselijk|niet\s+gek)\s+dat\s+"
        r"(?:je|jij|u)\b",
    )
)
COACHEE = frozenset({"je", "jij", "jou", "jouw", "u", "uw", "jezelf", "uzelf"})
# Whose feeling it is when one of these stands nearer than the coachee: the coach's own
# ("Ik ben trots op je") or someone else's ("je hond, die angstig is").
OTHERS = frozenset({"ik", "ikzelf", "mij", "me", "hij", "zij", "ze", "hem", "haar", "wij", "we"})


def check(feedback: Text, coachee: Text | None = None) -> Finding:
    """Does at least one sentence reflect the coachee's feeling or experience?

    A statement (not a question) in the coach's own words that frames an experience
    (``REFLECTING``: "het klinkt alsof", "ik kan me voorstellen", "wat een zware tijd",
    "dat moet pijnlijk zijn") or gives the coachee a feeling word (``words/feelings.txt``
    beside "je", "jij", "jouw", "u": "Je schrijft dat je opgelucht was", "je verdriet").
    A quotation of the coachee's own feeling words counts when the sentence takes them
    up as theirs ("Je schrijft: 'Ik ben zo moe.'"). Limits: empathy in words not on the
    lists is missed; a feeling word beside "je" in a sentence that is not about the
    coachee's feeling ("je hebt een zware tas") counts.
    """
    found = next((s for s in feedback.body if is_empathic(s)), None)
    if found is not None:
        message = _(
            "Je benoemt wat de coachee voelt of meemaakt; zo voelt de coachee zich begrepen."
        )
        return Finding(ID, True, message, (found.text,))
    message = _(
        "Geen zin benoemt wat de coachee voelt of meemaakt; zeg in de woorden van de coachee "
        "wat je leest, bijvoorbeeld ‘Het klinkt alsof dat veel van je vraagt.’"
    )
    return Finding(ID, False, message)


def is_empathic(sentence: Sentence) -> bool:
    """True when the sentence reflects the coachee's feeling or experience."""
    own = sentence.own
    if sentence.is_question:
        return False
    if any(p.search(own) for p in REFLECTING):
        return True
    words = WORD.findall(own)
    feelings = wordset("feelings")
    if any(_coachees(words, index) for index, word in enumerate(words) if word in feelings):
        return True
    quoted = " ".join(sentence.quotes).lower()
    return bool(COACHEE.intersection(words)) and any(
        word in feelings for word in WORD.findall(quoted)
    )


@derived
def _others() -> frozenset[str]:
    return OTHERS | wordset("other_people")


def _coachees(words: list[str], index: int) -> bool:
    """Is the feeling at ``index`` the coachee's? The nearest person before it (within six
    words) is the coachee ("dat je opgelucht was", "je verdriet"), not the coach ("ik ben
    trots op je") or someone else ("hij was bang", "je moeder voelt zich eenzaam": the
    people of ``words/other_people.txt``); with nobody before it, the nearest person
    just after it ("hoeveel verdriet je hebt", "een knoop in je buik")."""
    others = _others()
    for word in reversed(words[max(0, index - 6) : index]):
        if word in COACHEE:
            return True
        if word in others:
            return False
    for word in words[index + 1 : index + 7]:
        if word in COACHEE:
            return True
        if word in others:
            return False
    return False
