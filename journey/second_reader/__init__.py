"""The second reader: checks a coach's feedback on the mindful-analysis tips.

Rule-based and explainable, with no network and no model. ``dutch`` reads the text
(sentences, quotations, salutation and sign-off, readability); each tip is a module
of its own with its patterns and one ``check`` that returns one ``Finding``: whether
the feedback honours the tip, a one-line Dutch message for the coach and the
sentence(s) it is about. The word lists the checks use are plain text files in
``words/`` (see ``words``), so a coach trainer can extend them without Python.
"""

from __future__ import annotations

from . import (
    advice,
    closes_positive,
    first_person,
    language_level,
    opens_positive,
    own_experience,
    quotes_coachee,
    theory,
)
from .dutch import Readability, Text, readability, sentences, syllables
from .finding import Finding
from .praise import positive_sentences

_MODULES = (
    opens_positive,
    closes_positive,
    first_person,
    own_experience,
    advice,
    theory,
    quotes_coachee,
    language_level,
)
CHECKS: tuple[str, ...] = tuple(module.ID for module in _MODULES)
NEEDS_COACHEE: frozenset[str] = frozenset(m.ID for m in _MODULES if m.NEEDS_COACHEE)

__all__ = [
    "CHECKS",
    "NEEDS_COACHEE",
    "Finding",
    "Readability",
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
