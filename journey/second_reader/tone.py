"""Tip: one professional and friendly tone throughout.

No reproach or judgement of the coachee ("Dat had je beter niet kunnen doen.",
"Waarom heb je niet ...?", "Dat is nogal egoïstisch."), no sarcasm, no slang or
swearing, no emoji or emoticons, no shouting capitals or rows of exclamation marks,
no over-familiar names ("meis", "lieverd").
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from .dutch import WORD, Sentence, Text
from .finding import Finding
from .words import derived, entries, wordset

ID = "tone"
NEEDS_COACHEE = False

# Reproach of what the coachee did or did not do, on the coach's own lowercased words.
REPROACH = tuple(
    re.compile(p)
    for p in (
        r"\b(?:had|hadden)\s+(?:je|jij|u)\s+(?:dat\s+|het\s+|dit\s+)?(?:\w+\s+){0,3}?"
        r"(?:beter|toch|gewoon|eerder|echt|zelf|wel|best)\s+(?:\w+\s+){0,6}?(?:moeten|kunnen|"
        r"mogen|gedaan|gezegd|geweten)\b",
        r"\b(?:je|jij|u)\s+(?:had|hadden)\s+(?:dat\s+|het\s+|dit\s+)?(?:\w+\s+){0,3}?"
        r"(?:beter|toch|gewoon|eerder|echt|zelf|wel|best)\s+(?:\w+\s+){0,3}?(?:moeten|kunnen|"
        r"mogen)\b",
        r"\b(?:je|jij|u)\s+(?:had|hadden)\s+(?:\w+\s+){0,4}?moeten\b",
        r"\b(?:had|hadden)\s+(?:je|jij|u)\s+(?:\w+\s+){0,4}?moeten\b(?![^?]*\?)",
        r"\bwaarom\s+(?:heb|had|ben|was|deed|ging|zei|kon|wilde|durfde|liet|koos|bleef)\s+"
        r"(?:je|jij|u)\s+(?:\w+\s+){0,6}?(?:niet|geen|nooit|niets)\b",
        r"\bwaarom\s+(?:\w+\s+){0,3}?(?:je|jij|u)\s+(?:\w+\s+){0,4}?(?:dan\s+toch|nou|in\s+"
        r"vredesnaam|in\s+hemelsnaam|godsnaam|toch\s+weer|weer\s+eens|telkens\s+weer)\b",
        r"\b(?:je|jij|u)\s+(?:moet|moest)\s+(?:\w+\s+)?(?:niet\s+)?(?:zo\s+)?(?:zeuren|klagen|"
        r"overdrijven|piepen|janken|zeiken|miepen|zielig\s+doen|moeilijk\s+doen|aanstellen)\b",
        r"\b(?:je|jij|u)\s+(?:stelt|stelde)\s+(?:je|jij|u)\s+(?:\w+\s+)?aan\b",
        r"\bstel\s+(?:je|jij)\s+(?:je\s+|jij\s+)?(?:\w+\s+){0,4}?aan\b",
        r"\bzo\s+(?:erg|ernstig|zwaar|moeilijk|groot|dramatisch|raar)\s+(?:is|was)\s+(?:het|dat)\s+"
        r"(?:\w+\s+){0,3}?niet\b|\bhet\s+valt\s+(?:toch\s+|best\s+|allemaal\s+)*wel\s+mee\b",
        r"\b(?:niet|nou\s+niet)\s+zo\s+(?:zeuren|klagen|moeilijk\s+doen|dramatisch|negatief|"
        r"overdrijven|zielig)\b",
        r"\b(?:je|jouw|uw)\s+eigen\s+schuld\b|\beigen\s+schuld\b",
        r"\bkom\s+(?:op|nou)\b(?!\s+voor)",
        r"\b(?:hou|houd|stop)\s+(?:toch|nou|eens|gewoon)\s+(?:op|eens\s+op|met)\b",
        r"\b(?:je|jij|u)\s+(?:had|hebt|heeft)\s+(?:het\s+|dat\s+)?(?:toch|best|ook|heus)\s+"
        r"(?:kunnen|moeten)\s+(?:weten|zien\s+aankomen|verwachten)\b",
        r"\bdat\s+(?:had|heb)\s+(?:je|jij|u)\s+(?:toch\s+|zelf\s+|echt\s+)+(?:kunnen|moeten)\b",
        r"\bwat\s+(?:had|dacht)\s+(?:je|jij|u)\s+(?:dan\s+|nou\s+|anders\s+)+"
        r"(?:verwacht|gedacht)\b",
        r"\bzo\s+moeilijk\s+(?:is|was|kan)\s+(?:dat|het)\s+(?:toch\s+)?(?:niet|ook\s+niet)\b",
        r"\b(?:eerlijk\s+gezegd|sorry,?\s+maar)\s+(?:\w+\s+){0,3}?(?:snap|begrijp|vind)\s+ik\s+"
        r"(?:\w+\s+){0,3}?(?:niet|weinig)\b",
        r"\bdat\s+slaat\s+nergens\s+op\b|\bwat\s+een\s+onzin\b|\bdoe\s+(?:toch\s+)?(?:normaal|"
        r"niet\s+zo)\b",
        r"\b(?:je|jij|u)\s+(?:maakt|maakte)\s+(?:het|er)\s+(?:\w+\s+)?(?:een\s+)?(?:probleem|"
        r"drama|punt)\s+van\b|\b(?:je|jij|u)\s+(?:maakt|maakte)\s+(?:het\s+)?(?:jezelf\s+)?"
        r"(?:\w+\s+){0,3}?moeilijk\b(?!\s+voor)",
    )
)
# Ironic praise and sarcasm.
SARCASM = tuple(
    re.compile(p)
    for p in (
        r"^\W*(?:nou|goh|tja|jaja|ja\s+ja|nou\s+nou|zo\s+zo|hm+|tsja)\W+(?:\w+\s+){0,3}?"
        r"(?:lekker|verrassing|knap|slim|fijn|mooi|goed|geweldig|handig|briljant|prachtig|"
        r"fantastisch|een\s+plan|origineel|bijzonder|heldhaftig)\w*\b",
        r"\bwat\s+een\s+verrassing\b|\bdat\s+ging\s+(?:dus\s+)?lekker\b|\blekker\s+dan\b",
        # "Knap hoor!" at the end of a sentence that ends with an exclamation mark
        r"\b(?:knap|slim|handig|briljant|sterk|goed\s+gedaan|fijn|mooi)\s+hoor\b[^.?!]*[.!]*!$",
        r"\b(?:briljant|geniaal|heldhaftig|handig)\s+(?:plan|idee|zet|hoor)\b",
        r"\b(?:fijn|mooi|lekker|leuk|handig|knap|slim|geweldig)\s+hoor\s*,\s+(?:zo'?n|met|als|dat)\b",
        r"\bgefeliciteerd\s+(?:hoor|dan)\b|\bbravo\s+hoor\b|\bmooi\s+zo\s+hoor\b",
        r"\bnatuurlijk\s+(?:weer|wéér)\b|\bzoals\s+altijd\s+weer\b|\bwie\s+had\s+dat\s+"
        r"(?:nou\s+)?(?:gedacht|verwacht)\b",
        r"\bhet\s+zal\s+(?:eens|ook)\s+niet\b|\bik\s+(?:zou\s+)?(?:haast|bijna)\s+zeggen\b",
    )
)
# Judgement words count after "je bent", "je was", "dat is", "wat ..." about the coachee.
JUDGEMENT_FRAME = re.compile(
    r"\b(?:(?:je|jij|u)\s+(?:bent|was|doet|deed|reageert|reageerde|gedraagt|gedroeg|klinkt|"
    r"lijkt|stelt\s+je)|dat\s+(?:is|was|vind\s+ik|klinkt)|(?:vind|vond)\s+ik\s+(?:het|dat|je|"
    r"jou|u)|wat\s+(?:een|ben\s+je))\s+"
    r"(?:\w+\s+){0,3}?"
)
NEGATIONS = frozenset({"niet", "geen", "nooit", "allerminst", "helemaal"})
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b50\u2b55\u2190-\u21ff\ufe0f\u200d]")
EMOTICON = re.compile(
    r"(?:^|\s)(?:[:;=8][\-o^']?[)(\]\[dpo3/\\|*>]|<3|x-?d|\^[_-]?\^)(?=\s|$|[.,!?])", re.IGNORECASE
)
MANY_MARKS = re.compile(r"!{2,}|[!?]{3,}|\?!|!\?")
CAPITALS = re.compile(r"\b[A-ZÀ-Ý][A-ZÀ-Ý'’-]{2,}\b")


def check(feedback: Text, coachee: Text | None = None) -> Finding:
    """Is the tone professional and friendly throughout?

    Looks in the coach's own words (quotations of the coachee set aside) for reproach
    (``REPROACH``: "had je beter", "waarom heb je niet", "je stelt je aan"), judgement
    words said of the coachee (``words/judgement_words.txt`` after "je bent", "dat is"),
    sarcasm (``SARCASM``), slang and swearing (``words/slang.txt``), emoji and
    emoticons, words in capitals that are no acronym (``words/acronyms.txt``), two or
    more exclamation marks, and over-familiar names (``words/familiar_names.txt``
    anywhere, ``words/familiar_address.txt`` when they address the coachee, the
    salutation included). Limits: reproach in words not on the list is missed; irony
    without a marker is taken at face value.
    """
    parsed = feedback.sentences
    body = set(map(id, feedback.body))
    hits = [s.text for s in parsed if _off_tone(s, id(s) in body)]
    hits += _stray_emoji(feedback.raw, parsed)
    if hits:
        message = _(
            "Je toon is hier niet professioneel en vriendelijk (verwijt, oordeel, ironie, "
            "straattaal, emoji, hoofdletters of uitroeptekens); schrijf rustig en warm, dan "
            "blijft de coachee zich veilig voelen."
        )
        return Finding(ID, False, message, tuple(hits))
    message = _("Je toon is professioneel en vriendelijk; zo voelt de coachee zich veilig.")
    return Finding(ID, True, message)


@derived
def _slang() -> re.Pattern:
    return _phrases(entries("slang"))


@derived
def _familiar() -> re.Pattern:
    return _phrases(entries("familiar_names"))


@derived
def _familiar_address() -> re.Pattern:
    names = "|".join(map(re.escape, entries("familiar_address")))
    return re.compile(
        rf"(?:^\W*(?:(?:hoi|hey|hee|hé|hallo|dag|ach|och|lieve|beste|nou|kom\s+op)\s+)*"
        rf"(?:mijn\s+|m'n\s+|lieve\s+)*(?:{names})\s*(?:[,!.:]|$)|,\s*(?:mijn\s+|m'n\s+|lieve\s+)*"
        rf"(?:{names})\s*[,!.?]*$|\b(?:mijn|m'n)\s+(?:lieve\s+)?(?:{names})\b\s*[,!.?]*$)"
    )


def _phrases(items) -> re.Pattern:
    return re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, items)) + r")(?![\w'])")


def _off_tone(sentence: Sentence, in_body: bool) -> bool:
    own = sentence.own
    written = _without_quotes(sentence)
    if _familiar().search(own) or _familiar_address().search(own):
        return True
    if EMOJI.search(written) or EMOTICON.search(written) or MANY_MARKS.search(written):
        return True
    if _slang().search(own):
        return True
    if not in_body:
        return False  # a salutation or sign-off: "Groet, ANNA" is no shouting
    if _shouts(written):
        return True
    if any(p.search(own) for p in REPROACH) or any(p.search(own) for p in SARCASM):
        return True
    return _judges(own)


def _without_quotes(sentence: Sentence) -> str:
    text = sentence.text
    for quote in sentence.quotes:
        text = text.replace(quote, " ")
    return text


def _shouts(text: str) -> bool:
    acronyms = wordset("acronyms")
    return any(word.lower().rstrip("'’-") not in acronyms for word in CAPITALS.findall(text))


def _judges(own: str) -> bool:
    judged = wordset("judgement_words")
    for match in JUDGEMENT_FRAME.finditer(own):
        following = WORD.findall(own[match.end() :])[:4]
        for index, word in enumerate(following):
            said = WORD.findall(match.group()) + following[:index]
            if word in judged and not NEGATIONS.intersection(said):
                return True
    return False


def _stray_emoji(raw: str, parsed: list[Sentence]) -> list[str]:
    """Lines of emoji outside every sentence (a sentence needs a word: "😊" alone is none)."""
    held = " ".join(s.text for s in parsed)
    lines = [line.strip() for line in (raw or "").splitlines()]
    strays = [part for line in lines for part in line.split() if EMOJI.search(part)]
    return [part for part in dict.fromkeys(strays) if part not in held]
