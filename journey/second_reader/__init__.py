"""The second reader: checks a coach's feedback on the mindful-analysis tips.

Rule-based and explainable, with no network and no model. ``dutch`` reads the text
(sentences, quotations, salutation and sign-off, readability); each tip is a module
of its own with its patterns and one ``check`` that returns one ``Finding``: whether
the feedback honours the tip, a one-line Dutch message for the coach and the
sentence(s) it is about. The word lists the checks use are plain text files in
``words/`` (see ``words``), so a coach trainer can extend them without Python.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from . import (
    address_form,
    advice,
    closes_positive,
    curiosity,
    empathy,
    first_person,
    language_level,
    opens_positive,
    own_experience,
    quotes_coachee,
    theory,
    tone,
)
from .dutch import Readability, Text, readability, sentences, syllables
from .finding import Finding
from .praise import is_positive, positive_sentences

_MODULES = (
    opens_positive,
    closes_positive,
    first_person,
    own_experience,
    advice,
    theory,
    quotes_coachee,
    language_level,
    curiosity,
    address_form,
    tone,
    empathy,
)
CHECKS: tuple[str, ...] = tuple(module.ID for module in _MODULES)
NEEDS_COACHEE: frozenset[str] = frozenset(m.ID for m in _MODULES if m.NEEDS_COACHEE)

__all__ = [
    "CHECKS",
    "COMMENT_KINDS",
    "COMMENT_KIND_TITLES",
    "NEEDS_COACHEE",
    "Finding",
    "Readability",
    "comment_kinds",
    "positive_sentences",
    "readability",
    "review",
    "sentences",
    "syllables",
]


def review(feedback: str, coachee: str | None = None) -> list[Finding]:
    """One finding per check id, in the order of ``CHECKS``.

    The checks in ``NEEDS_COACHEE`` are left out when no coachee text is given.
    Never raises on odd input: empty or very long text, other languages, stray quotes.
    """
    text = Text(feedback or "")
    theirs = Text(coachee) if coachee is not None else None
    return [
        module.check(text, theirs)
        for module in _MODULES
        if theirs is not None or not module.NEEDS_COACHEE
    ]


# What a coach's comment does, for the coach's trends: which kinds of comment land.
COMMENT_KINDS: tuple[str, ...] = ("empathy", "praise", "question", "quote", "advice")
COMMENT_KIND_TITLES = {
    "empathy": _l("Benoemt een gevoel"),
    "praise": _l("Benoemt iets positiefs"),
    "question": _l("Stelt een vraag"),
    "quote": _l("Neemt woorden van de coachee over"),
    "advice": _l("Geeft een advies"),
}


def comment_kinds(text: str, coachee: str | None = None) -> tuple[str, ...]:
    """The kinds of ``COMMENT_KINDS`` a comment shows, in that order (none, one or more):
    it reflects a feeling, names something positive, asks, takes up the coachee's own
    words (only with ``coachee``, the text the comment is on), or tells what to do."""
    comment = Text(text or "")
    parsed = comment.sentences
    found = {
        "empathy": any(empathy.is_empathic(s) for s in parsed),
        "praise": any(is_positive(s) for s in parsed),
        "question": any(s.is_question for s in parsed),
        "quote": bool(coachee) and quotes_coachee.check(comment, Text(coachee)).ok,
        "advice": any(advice.is_advice(s) for s in parsed),
    }
    return tuple(kind for kind in COMMENT_KINDS if found[kind])
