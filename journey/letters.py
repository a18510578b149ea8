"""Rules for letters: what may be sent, who receives it, and when an answer is due.

Plain functions of plain values: the current time is always passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

MOOD_MIN, MOOD_MAX = 1, 10
PROGRESS_MIN, PROGRESS_MAX = 0, 10  # how far on the way to the coachee's goal


@dataclass(frozen=True)
class LetterProblem:
    """Why a letter cannot be sent.

    ``kind`` is one of ``empty``, ``answer_too_long``, ``note_too_long``,
    ``mood_out_of_range`` and ``progress_out_of_range``; ``field`` names the answer
    (question id) or ``note``.
    """

    kind: str
    field: str | None = None
    length: int = 0
    limit: int = 0


def due_at(sent_at: datetime, promise_hours: int) -> datetime:
    """When the coach's answer is due: the sent time plus the coach's promise."""
    if promise_hours <= 0:
        raise ValueError("a promise is a positive number of hours")
    return sent_at + timedelta(hours=promise_hours)


def check_letter(
    answers: Mapping[str, str],
    note: str,
    mood: int | None,
    *,
    max_answer_length: int,
    max_note_length: int,
    progress: int | None = None,
) -> list[LetterProblem]:
    """Every reason why these answers, note, mood and progress (0 to 10 on the way to the
    coachee's goal) cannot be sent; [] when they can."""
    problems = [
        LetterProblem("answer_too_long", question_id, len(text), max_answer_length)
        for question_id, text in answers.items()
        if too_long(text, max_answer_length)
    ]
    if too_long(note, max_note_length):
        problems.append(LetterProblem("note_too_long", "note", len(note), max_note_length))
    if mood is not None and not MOOD_MIN <= mood <= MOOD_MAX:
        problems.append(LetterProblem("mood_out_of_range", "mood"))
    if progress is not None and not PROGRESS_MIN <= progress <= PROGRESS_MAX:
        problems.append(LetterProblem("progress_out_of_range", "progress"))
    if not any(text.strip() for text in answers.values()):
        problems.append(LetterProblem("empty"))
    return problems


def too_long(text: str, limit: int) -> bool:
    """True when ``text`` is longer than ``limit`` characters."""
    return len(text) > limit
