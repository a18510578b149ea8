"""Positive naming: does a sentence name something positive about the coachee or their
writing? Shared by the checks on the opening and the closing sentence."""

from __future__ import annotations

import re

from .advice import is_advice
from .dutch import WORD, Sentence, parse
from .words import wordset

# Words that name something positive about the coachee or their writing.
# A wish ("Ik wens je veel kracht") names nothing the coachee has or did.
WISH = re.compile(r"\b(?:wens|wenst|wensen|toegewenst|gewenst|toewens\w*)\b")
# Phrases of praise or thanks that hold no word from the list above.
POSITIVE_PHRASES = tuple(
    re.compile(p)
    for p in (
        r"\b(?:dank|dankjewel|dankuwel|bedankt|dankje)\b",
        r"\bspreekt\s+(?:\w+\s+)?voor\s+(?:je|jou|u)\b",
        r"\bonder\s+de\s+indruk\b",
        r"\b(?:jezelf|je\s+gevoel|je\s+gevoelens)\s+(?:\w+\s+){0,4}?serieus\b",
        r"\bvan\s+harte\b",
        r"\b(?:je|jij|u)\s+(?:hebt|had)\s+(?:de\s+)?moed\b",
        r"\b(?:het|dat|dit)\s+is\s+(?:je|jou|u)\s+(?:toch\s+)?gelukt\b",
        r"\b(?:je|jij|u)\s+(?:bent|was)\s+(?:er\s+)?in\s+geslaagd\b",
        r"\b(?:je|jij|u)\s+(?:neemt|nam|hebt|had)\s+(?:echt\s+)?(?:de\s+)?tijd\s+(?:genomen\s+)?"
        r"(?:om|voor)\b",
        r"\bgetuigt\s+van\b",
        r"\bpetje\s+af\b",
        r"\bhulde\b",
        r"\bgoed\s+bezig\b",
        r"\b(?:je|jij|u)\s+(?:doet|deed)\s+(?:het|dat|dit)\s+(?:\w+\s+)?(?:goed|fantastisch|"
        r"geweldig|knap|prima|super)\b",
        r"\bniet\s+(?:niks|niets|gering|makkelijk|eenvoudig|vanzelfsprekend)\b",
        r"\bwat\s+een\s+(?:stap|werk|inzet|brief|verhaal)\b",
        r"\bduidelijk\s+(?:verwoord|beschreven|opgeschreven|omschreven)\b",
        r"\b(?:je|jij|u)\s+(?:zet|zette|hebt\s+gezet)\s+(?:\w+\s+)?stap",
        r"\bgoed\s+(?:verwoord|beschreven|opgeschreven|omschreven|gedaan|gelukt)\b",
        r"\bmet\s+(?:veel\s+|zoveel\s+|grote\s+|dezelfde\s+)?(?:zorg|aandacht|toewijding|"
        r"liefde|geduld|oog\s+voor)\b",
        r"\bmag\s+(?:je|jij|u)\s+(?:\w+\s+)?(?:vieren|trots)\b",
        r"\b(?:beschrijf|beschrijft|verwoord|verwoordt|schrijf|schrijft|vertel|vertelt)\s+"
        r"(?:\w+\s+)?(?:heel\s+|zo\s+|erg\s+|mooi\s+)?(?:precies|nauwkeurig|treffend|beeldend)\b",
        r"\bvoor\s+(?:jezelf|uzelf)\s+(?:\w+\s+)?(?:op(?:gekomen|komen|komt|kwam)|gekozen)\b",
    )
)
# Phrases that praise when what they show is no hardship: "laat zien dat je doorzet",
# not "laat zien dat je het zwaar hebt".
SHOWING_PHRASES = tuple(
    re.compile(p)
    for p in (
        r"\blaat\s+(?:\w+\s+){0,6}?zien\s+(?:dat|hoe|hoeveel|wat|waar)\b",
        r"\b(?:zegt|zeggen|vertelt)\s+(?:al\s+|echt\s+|zo\s+|heel\s+)?veel\s+over\b",
    )
)
SPEAKS_FROM = re.compile(r"\bspreekt\s+(?:er\s+)?(?:uit|eruit)\b|\bspreekt\s+\w+\s+uit\b")
# Phrases with a positive word that do not praise: removed before matching.
NOT_PRAISE = re.compile(
    r"\b(?:goed\s+(?:voorstellen|voorstelen|begrijpen|indenken|inbeelden|snappen|"
    r"om\s+te(?!\s+(?:lezen|horen|zien|merken))|"
    r"idee\s+om|of\s+fout|of\s+slecht)|(?:begrijp|snap|kan|kun|weet|ken)\s+(?:me\s+|het\s+|dat\s+"
    r"|heel\s+|wel\s+|ook\s+|zo\s+)*goed|eerlijk\s+gezegd|eerlijk\s+is\s+eerlijk|open\s+vraag|"
    r"open\s+vragen|groet\w*|respect\s+voor\s+(?:mezelf|mijzelf)|het\s+goede\s+antwoord)\b"
)


def positive_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that name something positive about the coachee or their
    writing (as the checks on opening and closing positively read them)."""
    return [sentence.text for sentence in parse(text) if is_positive(sentence)]


def is_positive(sentence: Sentence) -> bool:
    """True when the sentence names something positive about the coachee or their writing."""
    text = NOT_PRAISE.sub(" ", sentence.own)
    words = WORD.findall(text)
    praise = set(_praise_words(words))
    if is_advice(sentence) or _undone_by_but(words):
        # "Schrijf op wat goed ging." tells; "Een goede baan, maar ..." takes it back.
        praise -= wordset("weak_positive_words")
    if WISH.search(text):
        praise -= wordset("weak_positive_words") | wordset("wished_words")
        text = text.replace("van harte", " ")
    if not praise and not _praising_phrase(text):
        return False
    if text.rstrip(" …\"'”’»").endswith("?"):
        return not any(w in wordset("hypothetical_words") for w in words)
    return True


def _praising_phrase(text: str) -> bool:
    if any(p.search(text) for p in POSITIVE_PHRASES) or _speaks_from(text):
        return True
    for pattern in SHOWING_PHRASES:
        match = pattern.search(text)
        shown = WORD.findall(text[match.end() :].split(",")[0]) if match else []
        if match and not wordset("hardship_words").intersection(shown):
            return True
    return False


def _speaks_from(text: str) -> bool:
    """ "Je zorg voor je kinderen spreekt uit elke zin": praise, unless what speaks is a
    hardship ("Je verdriet spreekt uit elke zin")."""
    match = SPEAKS_FROM.search(text)
    return bool(match) and not wordset("hardship_words").intersection(
        WORD.findall(text[: match.start()])
    )


def _undone_by_but(words: list[str]) -> bool:
    """True when a "maar" follows every positive word: "Een goede baan, maar je voelt je leeg"."""
    if "maar" not in words:
        return False
    last_but = len(words) - 1 - words[::-1].index("maar")
    return not _praise_words(words[last_but + 1 :])


def _praise_words(words: list[str]) -> list[str]:
    """The positive words in ``words`` that are not negated just before them."""
    found = []
    for index, word in enumerate(words):
        if _negated(words, index):
            continue
        daring = word in wordset("daring_words") and "niet" not in words[index + 1 : index + 4]
        positive = _positive_form(word)
        if positive or daring:
            found.append(positive or word)
    return found


def _positive_form(word: str) -> str | None:
    """The listed positive word ``word`` is a form of ("trouwe", "zuiverste" -> "trouw",
    "zuiver"), or None. Adjectives take -e, -ere and -ste; -er and -st are left out, as
    they turn nouns into other words ("moed" and "moeder")."""
    if word in wordset("positive_words"):
        return word
    for ending in ("ste", "ere", "e"):
        stem = word.removesuffix(ending)
        if stem != word and len(stem) >= 3:
            if stem in wordset("positive_words"):
                return stem
            if len(stem) >= 4 and stem[-1] == stem[-2] and stem[:-1] in wordset("positive_words"):
                return stem[:-1]  # "knappe" -> "knap"
    return None


def _negated(words: list[str], index: int) -> bool:
    for previous in reversed(words[max(0, index - 3) : index]):
        if previous in wordset("negation_stops"):
            return False
        if previous in wordset("negations"):
            return True
    return False
