"""Tip: ask, do not advise. The coachee finds their own way and stays the owner of
the choice; a referral to professional help in a crisis is no advice."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from .dutch import WORD, Sentence, Text
from .finding import Finding
from .words import derived, wordset

ID = "advice"
NEEDS_COACHEE = False

# Advice in the coach's own words, as regular expressions on lowercased text.
ADVICE_PATTERNS = tuple(
    re.compile(p)
    for p in (
        r"\b(?:je|jij|u)\s+moet(?:en)?\b",
        r"\bmoet(?:en)?\s+(?:je|jij|u)\b",
        r"\b(?:je|jij|u)\s+zou(?:den)?\s+(?:\w+\s+){0,2}?(?:eens|moeten|beter|kunnen\s+proberen|"
        r"er\s+goed\s+aan\s+doen|het\s+beste|misschien\s+kunnen)\b",
        r"\b(?:je|jij|u)\s+zou(?:den)?\s+(?:[\w'’-]+\s+){0,7}?moeten\b(?![^.!?]*\?)",
        r"\bzou\s+(?:je|jij|u)\s+(?:niet\s+)?(?:eens|moeten|beter|kunnen\s+proberen|"
        r"er\s+goed\s+aan\s+doen)\b",
        r"\b(?:je|jij|u)\s+(?:kunt|kan)\s+(?:\w+\s+)?(?:beter|het\s+beste|eens|proberen|overwegen|"
        r"gewoon)\b",
        r"\b(?:je|jij|u)\s+zou(?:den)?\s+(?:\w+\s+){0,3}?kunnen\s+(?:proberen|overwegen|beginnen|"
        r"besluiten|kiezen|ervoor\s+kiezen|gaan)\b",
        r"\b(?:je|jij|u)\s+mag\s+(?:best|gerust|ook\s+best|ook\s+gewoon)\b",
        r"\b(?:kun|kan|kunt)\s+(?:je|jij|u)\s+(?:\w+\s+){0,2}?(?:niet\s+)?"
        r"(?:beter|eens|gewoon|proberen|"
        r"overwegen|ook\s+eens)\b",
        r"\b(?:het|dat)\s+(?:is|lijkt\s+(?:me|mij)|zou|kan|zal)\s+(?:\w+\s+){0,2}?(?:beter|"
        r"verstandig|slim|belangrijk|raadzaam|handig|nuttig|helpen|een\s+idee|"
        r"een\s+goed\s+idee|zinvol|wijs|nodig|tijd)\s+(?:zijn\s+)?(?:om|als\s+je|dat\s+je|"
        r"als\s+jij|dat\s+jij)\b",
        # "het is goed om ..." advises; "het is goed dat je ..." and "goed om te lezen" praise
        r"\b(?:het|dat)\s+(?:is|lijkt\s+(?:me|mij)|zou|kan|zal)\s+(?:\w+\s+){0,2}?goed\s+"
        r"(?:zijn\s+)?(?:om(?!\s+te\s+(?:lezen|horen|zien|merken))|als\s+(?:je|jij))\b",
        r"\bmisschien\s+(?:helpt|werkt)\s+het\b",
        r"\b(?:een|mijn|ander)\s+(?:idee|optie|voorstel|mogelijkheid)\s+"
        r"(?:is|zou\s+zijn|kan\s+zijn)"
        r"\s+(?:om|dat|als)\b",
        r"\bhet\s+helpt\s+(?:vaak\s+|soms\s+|misschien\s+|ook\s+|veel\s+mensen\s+)?(?:om|als)\b",
        r"\bwat\s+(?:kan|zou|kon)\s+helpen\s+is\b",
        r"\b(?:mijn|een|één|nog\s+een|klein)\s+(?:advies|tip|tipje|suggestie|aanrader)\b",
        r"\b(?:verdient|verdient\s+het)\s+(?:de\s+)?aanbeveling\b",
        r"\b(?:is\s+)?(?:aan\s+te\s+(?:raden|bevelen)|raadzaam)\b",
        r"\bhet\s+(?:\w+\s+)?(?:beter|verstandig|slim|belangrijk|raadzaam|handig|nuttig|"
        r"wijs|zinvol|nodig)\s+(?:is|zou\s+zijn|kan\s+zijn|lijkt|zal\s+zijn)\s+(?:om|als|dat)\b",
        r"\bhet\s+(?:\w+\s+)?goed\s+(?:is|zou\s+zijn|kan\s+zijn|lijkt|zal\s+zijn)\s+(?:om|als)\b",
        r"^\W*(?:advies|tip|suggestie)\s*:",
        r"\bik\s+(?:raad|adviseer|stel\s+voor|zou\s+(?:je\s+)?(?:aanraden|adviseren|willen\s+"
        r"voorstellen|voorstellen))",
        r"\braad\s+(?:ik\s+)?(?:je|jou|u)\s+aan\b",
        r"\badviseer\s+(?:ik\s+)?(?:je|jou|u)\b",
        r"\bals\s+ik\s+(?:jou|jij|u)\s+(?:was|ben|zou\s+zijn|zijn)\b",
        r"\bin\s+jouw\s+plaats\s+zou\s+ik\b",
        r"\bik\s+zou\s+(?:eens|zelf|maar|gewoon|in\s+jouw\s+plaats)\b",
        r"\bheb\s+(?:je|jij|u)\s+(?:er\s+)?(?:al\s+)?(?:eens\s+)?(?:(?:er\s+)?aan\s+gedacht|"
        r"overwogen|geprobeerd|(?:er\s+)?over\s+nagedacht)\s+om\b",
        r"\bheb\s+(?:je|jij|u)\s+(?:al\s+)?(?:eens\s+)?(?:overwogen|geprobeerd)\b",
        r"\bis\s+het\s+(?:niet\s+)?(?:geen\s+|een\s+)?(?:idee|optie|goed\s+idee|verstandig|beter)"
        r"\s+(?:om|als|dat)\b",
        r"\bwat\s+(?:dacht\s+je\s+van|let\s+je|als\s+je\s+eens|houdt\s+je\s+tegen\s+om)\b",
        r"\bwat\s+zou\s+(?:je|jij|u)\s+ervan\s+vinden\s+om\b",
        r"\bzou\s+het\s+(?:niet\s+)?(?:helpen|goed\s+zijn|een\s+idee\s+zijn|verstandig\s+zijn|"
        r"fijn\s+zijn|beter\s+zijn)\s+(?:als|om)\b",
        r"\bmisschien\s+(?:kun|kan|kunt|moet|zou|zal|is\s+het\s+(?:goed|een\s+idee|verstandig|"
        r"slim|handig|fijn|beter))\b",
        r"\bhet\s+(?:kan|zou|kon)\s+(?:je\s+)?(?:helpen|fijn\s+zijn|goed\s+zijn|de\s+moeite"
        r"\s+waard\s+zijn)\s+(?:om|als)\b",
        r"\b(?:wat\s+)?(?:vaak|soms|veel\s+mensen|anderen)\s+(?:helpt|helpen)\s+(?:is|om|bij)\b",
        r"\bprobeer\s+(?:eens|dan|maar|gewoon|het|om|vooral|toch)\b",
        r"\b(?:je|jij|u)\s+(?:doet|zou|zal)\s+er\s+goed\s+aan\b",
        r"\bvergeet\s+(?:vooral\s+)?niet\s+(?:om|te|dat)\b",
        r"\bzorg\s+(?:ervoor|er\s+voor|dat|goed|wel|dan)\b",
        r"\b(?:je|jij|u)\s+hoeft\s+(?:alleen|enkel|maar)\b",
        r"\b(?:het\s+beste|beter)\s+(?:kun|kan|kunt)\s+(?:je|jij|u)\b",
        r"\bga\s+(?:eens|maar|gewoon|vooral|toch|dan)\b",
        r"\b(?:neem|gun|geef)\s+(?:jezelf|jij\s+jezelf)\b",
        r"\bwees\s+(?:lief|mild|zacht|niet|eerlijk|trots|aardig)\b",
        r"\bwaarom\s+(?:\w+\s+)?(?:je|jij|u)\s+(?:\w+\s+){0,4}?(?:niet|geen)\b(?!.*\b(?:heb|had|"
        r"was|deed|ging|kon|wilde|zei|durfde|gedaan|gezegd)\b)",
    )
)
# A question with the verb before "je" and "niet gewoon": "Bel je haar niet gewoon?"
QUESTION_ADVICE = re.compile(
    r"\b\w+\s+(?:je|jij|u)\s+(?:\w+\s+){0,3}?niet\s+(?:gewoon|eens|even|liever|beter)\b.*\?"
)
# "moet" in the coachee's view or in an open question is no advice:
# "Je schrijft dat je moet afvallen.", "Wat moet je van jezelf?"
REPORTED_MUST = re.compile(
    r"\b(?:zeg|zegt|zei|schrijft|schreef|denkt|dacht|vindt|vond|voelt|gevoel|idee|meent|hoort|"
    r"hoorde|geleerd|leerde|verwacht\w*|vertelt|vertelde)\s+(?:\w+\s+){0,3}?dat\s+(?:je|jij|u)\s+"
    r"(?:\w+\s+){0,3}?moet"
)
OPEN_QUESTION = re.compile(
    r"^\W*(?:wat|wie|welke|welk|hoe|wanneer|waar|waarvan|waarom|hoezo)\b.*\?\W*$"
)
# "Je moet ..." that guesses a feeling ("Je moet je alleen gevoeld hebben") is no advice...
EPISTEMIC_MUST = re.compile(r"\bmoet\b.*\b(?:zijn|geweest|voelen|gevoeld|hebben|gehad)\W*$")
# ... unless "moet" is followed by one of these.
DIRECTIVE_AFTER_MUST = re.compile(
    r"\bmoet(?:en)?\s+(?:je|jij|u\s+)?\s*(?:\w+\s+)?(?:niet|eens|echt|gewoon|maar|vooral|beter|"
    r"meer|minder|nu|stoppen|ophouden|leren|proberen|gaan|jezelf|durven)\b"
)
# An invitation to tell the coach more is a question, not advice.
TELL_ME = re.compile(
    r"\b(?:vertel|vertellen|beschrijf|beschrijven|uitleggen|toelichten|schrijf\s+(?:me|mij)|"
    r"laat\s+(?:het\s+)?(?:me|mij)\s+(?:even\s+)?weten|schrijf\s+gerust)\b"
)
# Referrals to professional help in a crisis: never counted as advice.
CRISIS_REFERRALS = re.compile(
    r"\b(?:huisarts\w*|113|0800[\s-]?0113|112|crisisdienst\w*|crisislijn|hulplijn\w*|"
    r"luisterlijn|kindertelefoon|veilig\s+thuis|spoedeisende\s+hulp|seh|alarmnummer|"
    r"zelfmoordpreventie|suïcidepreventie|praktijkondersteuner|poh(?:-ggz)?|ggz|"
    r"huisartsenpost|noodnummer|hulpverlener\w*)\b"
)


def check(feedback: Text, coachee: Text | None = None) -> Finding:
    """Does the coach ask rather than tell the coachee what to do?

    Advice: an imperative at the start of a sentence or after a comma ("Neem
    rust.", "Als je moe bent, ga dan ..."), a modal that directs ("je moet", "je
    zou eens", "het is belangrijk dat je"), advice words ("mijn tip", "ik raad je
    aan") and advice dressed as a question ("Zou je niet eens ...?", "Waarom ga je
    niet ...?", "Heb je er al aan gedacht om ...?"). Not advice: words inside a
    quotation, an invitation to tell the coach more ("Vertel eens ..."), a
    guess at a feeling ("Je moet je alleen gevoeld hebben") and a referral to
    professional help in a crisis (huisarts, 113, 112, crisisdienst, hulplijn).
    Limits: advice without a listed verb or phrase is missed.
    """
    hits = [s.text for s in feedback.body if is_advice(s)]
    if hits:
        message = _(
            "Je vertelt de coachee wat die moet doen; met een open vraag vindt de coachee zelf "
            "de weg en blijft die eigenaar van de keuze."
        )
        return Finding(ID, False, message, tuple(hits))
    message = _(
        "Je geeft geen adviezen maar laat de keuzes bij de coachee; zo blijft die eigenaar."
    )
    return Finding(ID, True, message)


@derived
def _mid_imperative() -> re.Pattern:
    """An imperative after a comma: "Als je moe bent, ga dan ..."."""
    return re.compile(
        r"[,;:]\s*(?:"
        + "|".join(map(re.escape, sorted(wordset("imperative_verbs"))))
        + r")\s+(?:dan|eens|gewoon|maar|even|vooral|toch|rustig|alsjeblieft|jezelf|ook)\b"
    )


def is_advice(sentence: Sentence) -> bool:
    text = sentence.own
    if CRISIS_REFERRALS.search(text):
        return False
    telling = TELL_ME.search(text) is not None
    if _starts_with_imperative(text) and not telling:
        return True
    if (_mid_imperative().search(text) or QUESTION_ADVICE.search(text)) and not telling:
        return True
    for pattern in ADVICE_PATTERNS:
        match = pattern.search(text)
        if match and not _excused(text, match, telling):
            return True
    return False


def _excused(text: str, match: re.Match, telling: bool) -> bool:
    """True when a matched advice pattern is a guess at a feeling or an invitation to tell."""
    if "moet" in match.group():
        open_question = OPEN_QUESTION.match(text) and " niet" not in match.group()
        if REPORTED_MUST.search(text) or open_question:
            return True
        return bool(EPISTEMIC_MUST.search(text)) and not DIRECTIVE_AFTER_MUST.search(text)
    return telling and any(w in match.group() for w in ("kun", "kan", "misschien", "zou"))


def _starts_with_imperative(text: str) -> bool:
    if text.startswith("…") or re.match(
        r"^\W*(?:kijk\s*,|zeg\s*,|stel\s+dat\b|let\s+wel\b|neem\s+nou\b)", text
    ):
        return False
    words = WORD.findall(text)
    while words and words[0] in wordset("leading_words") and len(words) > 1:
        words = words[1:]
    if not words or words[0] not in wordset("imperative_verbs"):
        return False
    following = words[1] if len(words) > 1 else ""
    if following == "je" and words[0] in wordset("reflexive_imperatives"):
        return not text.rstrip(" …").endswith("?")
    if following in wordset("determiners") and words[0] in wordset("verb_only_imperatives"):
        return True  # "Bespreek die angst ...": no noun reads "bespreek"
    return following not in wordset("not_imperative_next")
