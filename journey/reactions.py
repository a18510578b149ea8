"""What lands with the coachee: their reactions to the comments of sent feedback.

Beside each comment of the coach on an answer (the feedback part ``c-<question id>``)
and at the end of the feedback (``END``), the coachee may, if they wish, mark "Dit raakt
me" (``touches``) or "Hier mis ik iets" (``misses``) and add a line. One reaction per
comment: reacting again changes it, and it can be taken back. The coach reads the
reactions beside the comments; journey/trends.py counts them per kind of comment.

Plain functions: model objects and plain values in, the session flushed; the request
commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import second_reader
from .extensions import db
from .models import Feedback, Reaction, ReactionKind

END = "end"  # the reaction to the feedback as a whole, at its end
KINDS: tuple[str, ...] = tuple(ReactionKind)
KIND_TITLES = {
    ReactionKind.TOUCHES: _l("Dit raakt me"),
    ReactionKind.MISSES: _l("Hier mis ik iets"),
}
MAX_LINE_LENGTH = 500  # characters of the line a coachee may add


class ReactionRefused(Exception):
    """A reaction that cannot be kept: ``problem`` is ``unknown_kind`` or ``too_long``
    (the line has ``length`` characters, more than ``MAX_LINE_LENGTH``)."""

    def __init__(self, problem: str, length: int = 0) -> None:
        super().__init__(problem)
        self.problem = problem
        self.length = length


def keys_of(feedback: Feedback) -> list[str]:
    """What the coachee may react to in ``feedback``: every comment on an answer that holds
    text, in the order they were written, then ``END``; nothing while it is not sent."""
    if not feedback.is_sent:
        return []
    comments = [p.key for p in feedback.parts if p.key.startswith("c-") and p.text.strip()]
    return [*comments, END]


def problem_of(kind: str | None, line: str) -> ReactionRefused | None:
    """Why this reaction cannot be kept, or None when it can."""
    if kind not in KINDS:
        return ReactionRefused("unknown_kind")
    if len(line.strip()) > MAX_LINE_LENGTH:
        return ReactionRefused("too_long", len(line.strip()))
    return None


def react(feedback: Feedback, key: str, kind: str | None, line: str, now: datetime) -> Reaction:
    """Keep the coachee's reaction to the comment ``key`` of ``feedback`` (a new one, or a
    change of the one they gave). Raises ReactionRefused (nothing changes), and
    ValueError for a key that is not in ``keys_of(feedback)``."""
    if key not in keys_of(feedback):
        raise ValueError(f"no comment {key!r} to react to")
    refused = problem_of(kind, line)
    if refused is not None:
        raise refused
    reaction = find(feedback, key)
    if reaction is None:
        reaction = Reaction(feedback=feedback, key=key, created_at=now)
        reaction.comment_kinds = comment_kinds_of(feedback, key)
        db.session.add(reaction)
    reaction.kind, reaction.line, reaction.updated_at = kind, line.strip(), now
    db.session.flush()
    return reaction


def take_back(feedback: Feedback, key: str) -> bool:
    """Remove the coachee's reaction to ``key``; False when there was none."""
    reaction = find(feedback, key)
    if reaction is None:
        return False
    db.session.delete(reaction)
    db.session.flush()
    return True


def find(feedback: Feedback, key: str) -> Reaction | None:
    query = select(Reaction).where(Reaction.feedback_id == feedback.id, Reaction.key == key)
    return db.session.scalars(query).first()


def of_feedback(feedback_ids: Iterable[int]) -> dict[int, dict[str, Reaction]]:
    """The reactions to these feedbacks, by feedback id and key, in one query."""
    ids = list(feedback_ids)
    found: dict[int, dict[str, Reaction]] = {i: {} for i in ids}
    if ids:
        query = select(Reaction).where(Reaction.feedback_id.in_(ids))
        for reaction in db.session.scalars(query):
            found[reaction.feedback_id][reaction.key] = reaction
    return found


def given(feedback: Feedback | None) -> dict[str, Reaction]:
    """The reactions to sent ``feedback`` by key; {} for none or a draft."""
    if feedback is None or not feedback.is_sent:
        return {}
    return of_feedback([feedback.id])[feedback.id]


def comment_kinds_of(feedback: Feedback, key: str) -> list[str]:
    """The kinds of the comment ``key`` (``second_reader.comment_kinds``), read against the
    answer it stands beside; [] for ``END``."""
    if key == END:
        return []
    letter = feedback.letter
    answer = letter.visit.answer_to(key.removeprefix("c-")) if letter.visit else None
    kinds = second_reader.comment_kinds(feedback.text_of(key), answer.text if answer else None)
    return list(kinds)
