"""Tip: let the coachee feel understood: at least one sentence reflects their feeling or
experience in their terms ("Je schrijft dat je opgelucht was ...", "Het klinkt alsof dat
veel van je vraagt.")."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from .dutch import WORD, Sentence, Text
from .finding import Finding
from .words import wordset

ID = "empathy"
NEEDS_COACHEE = False

# Frames that reflect an experience whatever words follow.
REFLECTING = tuple(
    re.compile(p)
    for p in (
        r"\b(?:het|dat|dit)\s+klinkt\s+(?:\w+\s+)?(?:alsof|als\s+(?:een|iets)|of|naar)\b",
        r"\bklinkt\s+(?:\w+\s+)?(?:zwaar|pijnlijk|moeilijk|eenzaam|heftig|intens|verdrietig|"
        r"spannend|ingrijpend|uitputtend|verwarrend|beangstigend|naar|rot|verschrikkelijk)\b",
        r"\b(?:kan|kun)\s+(?:me|mij|je|ik\s+me)\s+(?:\w+\s+)?(?:voorstellen|indenken|inbeelden)\b",
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
        r"\b(?:je|jij|u)\s+(?:stond|staat|sta)\s+(?:er\s+)?(?:\w+\s+)?alleen\s+voor\b",
        r"\bveel\s+van\s+(?:je|jou|u)\s+(?:vraagt|vroeg|gevraagd|heeft\s+gevraagd)\b",
        r"\b(?:je|jij|u)\s+(?:draagt|droeg|sleept|sleepte)\s+(?:\w+\s+){0,3}?(?:mee|met\s+je\s+mee)\b",
        r"\b(?:wat|hoeveel)\s+(?:\w+\s+){0,2}?(?:doormaakt|hebt\s+doorgemaakt|meemaakt|"
        r"hebt\s+meegemaakt|te\s+verduren|op\s+je\s+bord)\b",
        r"\b(?:begrijpelijk|logisch|invoelbaar|voorstelbaar|menselijk|niet\s+gek)\s+dat\s+"
        r"(?:je|jij|u)\b",
    )
)
COACHEE = frozenset({"je", "jij", "jou", "jouw", "u", "uw", "jezelf", "uzelf"})
# The coach's own feeling ("Ik vond het fijn je brief te lezen") is no reflection.
OWN_FEELING = re.compile(r"\bik\s+(?:vond|vind|ben|was|voel|voelde|word|werd)\b|\bmij\s+raakt\b")


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
    if own.rstrip(" …\"'”’»)").endswith("?"):
        return False
    if any(p.search(own) for p in REFLECTING):
        return True
    if OWN_FEELING.search(own) and not COACHEE.intersection(WORD.findall(own)):
        return False
    words = WORD.findall(own)
    if not COACHEE.intersection(words):
        return False
    feelings = wordset("feelings")
    if any(word in feelings for word in words):
        return True
    quoted = " ".join(sentence.quotes).lower()
    return bool(quoted) and any(word in feelings for word in WORD.findall(quoted))
