"""Tip: match the coachee's language: feedback not markedly harder to read than their text."""

from __future__ import annotations

from flask_babel import gettext as _

from .dutch import WORD, Readability, Sentence, Text, flesch_douma, measure, syllables
from .finding import Finding

ID = "language_level"
NEEDS_COACHEE = True

MIN_WORDS_TO_MEASURE = 5
EASY_SCORE = 80  # Flesch–Douma at or above this reads easily: always fine
# A gap in Flesch–Douma this large or larger is clear (measured on the labelled texts with
# textstat's syllables, which reads plain Dutch a few points easier than vowel groups did).
SCORE_GAP = 25
SENTENCE_GAP = 10  # words per sentence, together with ...
LONG_WORD_GAP = 0.05  # ... a gap in the share of words of four syllables or more


def check(feedback: Text, coachee: Text | None = None) -> Finding:
    """Is the feedback not markedly harder to read than the coachee's text?

    Compares the Flesch–Douma score, the average sentence length and the share
    of long words (four syllables or more). Harder means a clear gap: 25 points of
    Flesch–Douma, or both ten words more per sentence and five percent more long
    words. Feedback that is itself easy to read (Flesch–Douma 80 or more) and
    texts too short to measure (under five words) are always fine. Limits:
    syllables are counted by textstat with Dutch hyphenation (pyphen), so a
    few words are off by one; the measure knows nothing of rare words that are short.
    """
    body = feedback.body
    own, theirs = measure(body), measure(coachee.sentences if coachee else [])
    numbers = {"feedback": round(own.score), "coachee": round(theirs.score)}
    if own.words < MIN_WORDS_TO_MEASURE or theirs.words < MIN_WORDS_TO_MEASURE:
        message = _(
            "De teksten zijn te kort om het taalniveau te vergelijken; houd je zinnen kort en "
            "eenvoudig."
        )
        return Finding(ID, True, message)
    if _markedly_harder(own, theirs):
        message = _(
            "Je tekst is moeilijker te lezen dan die van de coachee (Flesch-Douma %(feedback)s "
            "tegen %(coachee)s); met kortere zinnen en gewone woorden sluit je beter aan.",
            **numbers,
        )
        return Finding(ID, False, message, tuple(_hardest(body)))
    message = _(
        "Je tekst past bij het taalniveau van de coachee (Flesch-Douma %(feedback)s tegen "
        "%(coachee)s); zo kan de coachee je goed volgen.",
        **numbers,
    )
    return Finding(ID, True, message)


def _markedly_harder(own: Readability, theirs: Readability) -> bool:
    if own.score >= EASY_SCORE:
        return False
    longer = own.sentence_length - theirs.sentence_length >= SENTENCE_GAP
    wordier = own.long_words - theirs.long_words >= LONG_WORD_GAP
    return theirs.score - own.score >= SCORE_GAP or (longer and wordier)


def _hardest(body: list[Sentence], count: int = 2) -> list[str]:
    """The ``count`` hardest sentences of the feedback, in their order."""
    scored = []
    for index, sentence in enumerate(body):
        counts = [syllables(w) for w in WORD.findall(sentence.text)]
        if counts:
            scored.append((flesch_douma(sum(counts), len(counts), 1), index))
    chosen = sorted(index for _, index in sorted(scored)[:count])
    return [body[index].text for index in chosen]
