"""Tip: take up the coachee's own words: a quotation, or a phrase of several words reused."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import gettext as _

from .dutch import WORD, Sentence, Text
from .finding import Finding
from .words import derived, entries

ID = "quotes_coachee"
NEEDS_COACHEE = True


def check(feedback: Text, coachee: Text | None = None) -> Finding:
    """Does the feedback take up the coachee's own words?

    Yes when a quotation in the feedback (or the words after "je schrijft:") is
    found in the coachee's text, or when the feedback reuses a run of at least
    three consecutive words of it with two content words (five with one, six
    with none). The coachee's "ik/mijn/me" and the coach's "je/jouw/je" count as
    the same word, as do verb forms that differ only by a final -t ("ben",
    "bent"). Limits: a paraphrase in a new word order is not a reuse; a
    quotation of something the coachee did not write does not count.
    """
    body = feedback.body
    coachee_tokens = [norm_tokens(s.text) for s in (coachee.sentences if coachee else [])]
    phrase, sentence = (
        _quoted_phrase(body, coachee_tokens) or _reused_phrase(body, coachee_tokens) or ("", "")
    )
    if phrase:
        message = _(
            "Je neemt de woorden van de coachee over (‘%(phrase)s’); zo laat je zien dat je "
            "goed gelezen hebt.",
            phrase=phrase,
        )
        return Finding(ID, True, message, (sentence,))
    message = _(
        "Je neemt nergens de woorden van de coachee over; citeer een paar van die woorden, "
        "dan voelt de coachee zich echt gelezen."
    )
    return Finding(ID, False, message)


_PRONOUNS = {
    **dict.fromkeys(
        [
            "ik",
            "je",
            "jij",
            "u",
            "me",
            "mij",
            "jou",
            "mijn",
            "m'n",
            "jouw",
            "uw",
            "ikke",
            "ikzelf",
            "jijzelf",
        ],
        "P",
    ),
    **dict.fromkeys(["mezelf", "mijzelf", "jezelf", "jouzelf", "uzelf"], "PS"),
}
MIN_REUSE_WORDS = 3


def norm(word: str) -> str:
    """One spelling for the coachee's and the coach's form of a word."""
    word = word.lower().replace("’", "'")
    if word in _PRONOUNS:
        return _PRONOUNS[word]
    if len(word) >= 4 and word.endswith("t") and word[-2] != "t":
        word = word[:-1]  # "bent" and "ben", "voelt" and "voel"
        if word.endswith("aa"):
            word = word[:-1]  # "gaat" and "ga"
    return word


@derived
def _stopwords() -> frozenset[str]:
    return frozenset(norm(w) for w in entries("stopwords"))


def norm_tokens(text: str) -> list[str]:
    return [norm(w) for w in WORD.findall(text)]


def _quoted_phrase(body: list[Sentence], coachee: list[list[str]]) -> tuple[str, str] | None:
    """(quotation, sentence) of the first quotation found in the coachee's text."""
    for sentence in body:
        for quote in sentence.quotes:
            for part in re.split(r"\.\.\.|…|\[[^\]]*\]", quote):
                tokens = norm_tokens(part)
                if tokens and _occurs(tokens[: MIN_REUSE_WORDS + 2], coachee):
                    return quote, sentence.text
    return None


def _occurs(tokens: list[str], coachee: list[list[str]]) -> bool:
    """True when ``tokens`` (or its first three) occur in order in a coachee sentence."""
    probe = tokens[:MIN_REUSE_WORDS] if len(tokens) > MIN_REUSE_WORDS else tokens
    size = len(probe)
    return any(
        sentence[i : i + size] == probe
        for sentence in coachee
        for i in range(len(sentence) - size + 1)
    )


def _reused_phrase(body: list[Sentence], coachee: list[list[str]]) -> tuple[str, str] | None:
    """(phrase, sentence) of the longest run of the coachee's words the feedback reuses."""
    grams = {
        tuple(s[i : i + MIN_REUSE_WORDS])
        for s in coachee
        for i in range(len(s) - MIN_REUSE_WORDS + 1)
    }
    best: tuple[int, str, str] | None = None
    for sentence in body:
        words = WORD.findall(sentence.own)
        for start, end in _runs([norm(w) for w in words], grams):
            content = sum(norm(w) not in _stopwords() for w in words[start:end])
            length = end - start
            if (content >= 2 or (content >= 1 and length >= 5) or length >= 6) and (
                best is None or length > best[0]
            ):
                best = (length, _as_written(words[start:end], sentence.text), sentence.text)
    return (best[1], best[2]) if best else None


def _as_written(words: list[str], text: str) -> str:
    """The words as they stand in ``text`` (case, apostrophes and punctuation kept)."""
    pattern = r"\W+".join(re.escape(w) for w in words)
    match = re.search(pattern, text.replace("’", "'"), re.IGNORECASE)
    return text[match.start() : match.end()] if match else " ".join(words)


def _runs(tokens: list[str], grams: set[tuple[str, ...]]) -> Iterable[tuple[int, int]]:
    """(start, end) of the maximal runs of ``tokens`` whose every trigram is in ``grams``."""
    n = MIN_REUSE_WORDS
    i = 0
    while i <= len(tokens) - n:
        if tuple(tokens[i : i + n]) not in grams:
            i += 1
            continue
        end = i + n
        while end < len(tokens) and tuple(tokens[end - n + 1 : end + 1]) in grams:
            end += 1
        yield i, end
        i = end - n + 1
