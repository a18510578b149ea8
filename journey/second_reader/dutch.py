"""Dutch text as the second reader reads it: sentences, quotations, the salutation and
sign-off around a letter's body, and readability.

A text is split into sentences; quotations (in any quote style, and the words after
"je schrijft:") are set aside first, so an "ik" or a "moet" inside a quotation is the
coachee's, not the coach's. A salutation ("Beste Sanne,") and a sign-off ("Warme
groet, Anna") are not the first or last sentence of the body.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property

from textstat.textstat import textstatistics

from .words import derived, entries, wordset

WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_QUOTE_CHAR = re.compile(r"[\"“”„«»‹›'‘’‚]")
_DOUBLE_CLOSERS = {
    '"': '"',
    "“": '”“"',
    "„": '”“"',
    "”": "”",
    "«": "»",
    "»": "«",
    "‹": "›",
    "›": "‹",
}
_SINGLE_OPENERS = "'‘‚’"
_SINGLE_CLOSER = re.compile(r"(?<=\S)['’‘](?![^\W_])")
_APOSTROPHE_WORD = re.compile(r"['‘’](?:s|t|k|n|m|r|em|ns|tzelfde|ie)\b|['‘’]\d", re.IGNORECASE)
_OPEN_AFTER = "([{:;,—–-/“„\"'‘«‹"
_MAX_QUOTE = 800
_BOUNDARY = re.compile(r"(?P<punct>[.!?…]+[\"'”’»›)\]]*)(?P<space>\s+)|(?P<nl>[ \t]*\n\s*)")
_SAYING_COLON = re.compile(
    r"\b(?:schrijft|schreef|schrijf\s+je|zegt|zei|noemt|noemde|vertelt|vertelde|woorden|"
    r"letterlijk|citaat)\s*:\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Sentence:
    """One sentence: as written, and the coach's own words in it."""

    text: str  # the sentence as written
    own: str  # the coach's own words: lowercased, quotations replaced by "…"
    quotes: tuple[str, ...]  # the quoted passages in it

    @property
    def is_question(self) -> bool:
        """The coach's own words end with a question mark (a quoted question is not theirs)."""
        return self.own.rstrip(" …\"'”’»)").endswith("?")


@dataclass
class Text:
    """A text read once: its sentences, and its body without salutation and sign-off."""

    raw: str

    @cached_property
    def sentences(self) -> list[Sentence]:
        return parse(self.raw or "")

    @cached_property
    def body(self) -> list[Sentence]:
        return letter_body(self.sentences)

    @cached_property
    def plain(self) -> str:
        return plain(self.raw or "")


def sentences(text: str) -> list[str]:
    """The sentences of a Dutch text, in order, each stripped of surrounding space.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` followed by space (not after an
    abbreviation such as "bijv." or an initial, and not inside a quotation), at a
    blank line, and at a line break unless the next line goes on in lowercase.
    A salutation or sign-off on its own line is a sentence of its own.
    """
    return [sentence.text for sentence in parse(text)]


def parse(text: str) -> list[Sentence]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    spans = _quote_spans(text)
    starts = [start for start, _ in spans]
    parsed = []
    for start, end in _sentence_spans(text, spans, starts):
        inside = spans[bisect_left(starts, start) : bisect_left(starts, end)]
        parsed.append(_make_sentence(text, start, end, inside))
    return [sentence for sentence in parsed if WORD.search(sentence.text)]


def _make_sentence(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> Sentence:
    own_parts, quoted, position = [], [], start
    for quote_start, quote_end in quotes:
        own_parts.append(text[position:quote_start])
        own_parts.append(" … ")
        quoted.append(" ".join(text[quote_start + 1 : quote_end - 1].split()))
        position = quote_end
    own_parts.append(text[position:end])
    own = plain("".join(own_parts))
    said = _SAYING_COLON.search(own)
    if said and not own[said.end() :].lstrip().startswith("…"):
        quoted.append(own[said.end() :].strip(" .!?"))
        own = own[: said.end()] + "…"
    return Sentence(" ".join(text[start:end].split()), own, tuple(quoted))


def plain(text: str) -> str:
    """Lowercased, with typographic apostrophes made plain and space collapsed."""
    return " ".join(text.lower().replace("’", "'").replace("‘", "'").split())


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation, quote marks included; apostrophes are no quotes."""
    spans: list[tuple[int, int]] = []
    position = 0
    while match := _QUOTE_CHAR.search(text, position):
        start = match.start()
        end = _quote_end(text, start) if _can_open(text, start) else None
        if end is None:
            position = start + 1
        else:
            spans.append((start, end))
            position = end
    return spans


def _can_open(text: str, i: int) -> bool:
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if after.isspace() or not (before.isspace() or before in _OPEN_AFTER):
        return False
    return text[i] not in _SINGLE_OPENERS or not _APOSTROPHE_WORD.match(text, i)


def _quote_end(text: str, start: int) -> int | None:
    """The end of the quotation opened at ``start``, or None when it is not closed."""
    limit = min(len(text), start + _MAX_QUOTE)
    mark = text[start]
    if mark in _SINGLE_OPENERS:
        closer = _SINGLE_CLOSER.search(text, start + 2, limit)
        close = closer.start() if closer else -1
    else:
        close = min(
            (c for c in (text.find(ch, start + 1, limit) for ch in _DOUBLE_CLOSERS[mark]) if c > 0),
            default=-1,
        )
    if close < 0 or "\n\n" in text[start:close] or not text[start + 1 : close].strip():
        return None
    return close + 1


def _sentence_spans(text: str, spans: list[tuple[int, int]], starts: list[int]):
    """(start, end) of each sentence: see ``sentences``."""
    start = 0
    for match in _BOUNDARY.finditer(text):
        cut = match.end("punct") if match.group("punct") else match.start()
        if _inside_quote(cut, spans, starts) or not _ends_sentence(text, match):
            continue
        yield start, cut
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _inside_quote(position: int, spans: list[tuple[int, int]], starts: list[int]) -> bool:
    index = bisect_left(starts, position) - 1
    return index >= 0 and spans[index][0] < position < spans[index][1]


def _ends_sentence(text: str, match: re.Match) -> bool:
    following = text[match.end() : match.end() + 1]
    if match.group("nl") is not None:
        return match.group("nl").count("\n") > 1 or not following.islower()
    punct = match.group("punct").rstrip("\"'”’»›)]")
    if "?" in punct or "!" in punct:
        return True
    if "…" in punct or ".." in punct:
        return following.isupper() or following in "\"“„«'‘"
    previous = text[max(0, match.start() - 25) : match.start()].split()
    word = previous[-1].lower().lstrip("(\"'“‘") if previous else ""
    if word in wordset("final_abbreviations"):
        return following.isupper()
    return not (
        word in wordset("abbreviations") or re.fullmatch(r"[^\W\d_]|(?:\w{1,3}\.)+\w{1,3}", word)
    )


# --- Salutation and sign-off ---------------------------------------------------------------


@derived
def _salutation() -> re.Pattern:
    return re.compile(
        r"^\W*(?:"
        + "|".join(map(re.escape, entries("salutations")))
        + r")\b(?:\s+[\w'’.-]+){0,4}?\s*(?:[,!:]+\s*|$)",
        re.IGNORECASE,
    )


# A sign-off: a greeting formula. A wish ("Veel sterkte!") is a sentence of the letter.
SIGN_OFF_GREETINGS = (
    r"(?:met\s+)?(?:(?:hele|heel|veel|vele|een)\s+)?(?:[^\W\d_]+e\s+|warm\s+|hartelijk\s+|"
    r"vriendelijk\s+|liefs\s+)*(?:groet|groeten|groetjes|gegroet)",
    r"groetjes|liefs|gr|mvg|hgr|kusjes|(?:dikke\s+)?knuffel|x+|cheers|take care|namaste|"
    r"hoogachtend|doei|ciao|bye",
    r"tot\s+(?:snel|gauw|schrijfs|later|ziens|morgen|zo|de\s+volgende\s+(?:keer|brief)|"
    r"volgende\s+(?:week|keer|brief)|de\s+volgende)",
    r"alle\s+goeds|het\s+beste|het\s+ga\s+je\s+goed",
)

_NAME_ONLY = re.compile(r"^[A-ZÀ-Ý][\w'’-]*(?:\s+[A-ZÀ-Ý][\w'’-]*){0,2}\s*,$")
_SIGN_OFF = re.compile(
    r"^\W*(?:" + "|".join(SIGN_OFF_GREETINGS) + r")\b[\s,.!]*"
    r"(?:(?:en|van|namens)\s+(?:tot|veel|een|alle|het|liefs|groet|groetjes|hartelijke|warme)?"
    r"[^.?]*?[\s,.!]*)?(?:[\w'’.()-]+(?:\s+[\w'’.()-]+){0,3})?[\s.!)x]*$",
    re.IGNORECASE,
)
_DASH_NAME = re.compile(r"^[-–—~]+\s*[A-ZÀ-Ý][\w'’.-]*(?:\s+[\w'’.()-]+){0,3}$")
_NAME_LINE = re.compile(
    r"^[-–—~\s]*(?:(?:je|jouw|uw)\s+coach\s*,?\s*)?[A-ZÀ-Ý][\w'’.-]*"
    r"(?:\s+(?:van|de|der|den|ter|ten|het|[A-ZÀ-Ý][\w'’.-]*)){0,3}\s*(?:\([^)]*\))?\s*[.!]?$"
)


def letter_body(parsed: list[Sentence]) -> list[Sentence]:
    """The sentences without the salutation and the sign-off."""
    body = list(parsed)
    if body and (_NAME_ONLY.match(body[0].text) or _is_whole_salutation(body[0])):
        body.pop(0)
    elif body:
        body[0] = _without_salutation(body[0])
    return body[: _sign_off_start(body)]


def _sign_off_start(body: list[Sentence]) -> int:
    """Where the sign-off begins: a greeting formula followed by nothing but name lines
    ("Warme groet,", "Anna de Vries", "Coach"), or a closing "— Anna"; len(body) if none."""
    start = len(body)
    while start and _DASH_NAME.match(body[start - 1].text):
        start -= 1
    if start and _NAME_LINE.match(body[start - 1].text) and body[start - 1].text[-1] not in ".!?":
        start -= 1  # a name on its own line, without punctuation: a signature
    for index in range(len(body) - 1, max(-1, len(body) - 6), -1):
        text = body[index].text
        if _is_sign_off(text):
            start = min(start, index)
        elif not _NAME_LINE.match(text):
            break
    return start


def _is_whole_salutation(sentence: Sentence) -> bool:
    match = _salutation().match(sentence.text)
    return bool(match) and not WORD.search(sentence.text[match.end() :])


def _without_salutation(sentence: Sentence) -> Sentence:
    match = _salutation().match(sentence.text)
    if not match or not match.group().rstrip().endswith((",", "!", ":")):
        return sentence
    text = sentence.text[match.end() :]
    own = plain(sentence.own[len(plain(match.group())) :])
    return Sentence(text, own, sentence.quotes)


def _is_sign_off(text: str) -> bool:
    return len(WORD.findall(text)) <= 8 and bool(_SIGN_OFF.match(text))


# --- Readability -----------------------------------------------------------------------

LONG_WORD_SYLLABLES = 4
_TEXTSTAT = textstatistics()
_TEXTSTAT.set_lang("nl_NL")  # pyphen's Dutch hyphenation; Flesch–Douma's weights


@dataclass(frozen=True)
class Readability:
    """Readability figures of a text: Flesch–Douma ``score``, words per sentence,
    share of long words (four syllables or more), and the number of words measured."""

    score: float
    sentence_length: float
    long_words: float
    words: int


def syllables(word: str) -> int:
    """The syllables of a Dutch word, as textstat counts them with Dutch hyphenation."""
    return max(1, _TEXTSTAT.syllable_count(word))


def readability(text: str) -> Readability:
    """The readability figures of ``text`` (all its sentences)."""
    return measure(parse(text))


def flesch_douma(syllable_count: int, word_count: int, sentence_count: int) -> float:
    """Flesch–Douma (textstat's Dutch Flesch reading ease): 206.835 − 0.93 × words per
    sentence − 77 × syllables per word; 100 for a text without words."""
    if not word_count or not sentence_count:
        return 100.0
    return 206.835 - 0.93 * word_count / sentence_count - 77 * syllable_count / word_count


def measure(parsed: list[Sentence]) -> Readability:
    """The readability figures of parsed sentences, counted per sentence as split here
    (textstat's own splitting does not know abbreviations or quotations)."""
    counts = [[syllables(w) for w in WORD.findall(s.text)] for s in parsed]
    counts = [c for c in counts if c]
    words_measured = sum(len(c) for c in counts)
    if not words_measured:
        return Readability(100.0, 0.0, 0.0, 0)
    total = sum(sum(c) for c in counts)
    long_words = sum(n >= LONG_WORD_SYLLABLES for c in counts for n in c)
    return Readability(
        flesch_douma(total, words_measured, len(counts)),
        words_measured / len(counts),
        long_words / words_measured,
        words_measured,
    )
