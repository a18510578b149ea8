"""Free letters ("mailcoaching"): written without a place, by a coachee or by a coach.

A coachee's free letter is routed and due like a place letter. A coach's free
letter goes to one of their coachees and waits for nobody.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from . import notices
from .drafts import check_version
from .extensions import db
from .inbox import address_letter
from .models import Letter, LetterKind, NoticeKind, User


class AlreadySent(Exception):
    """The free letter was sent: it can no longer change."""


def open_draft(coachee: User) -> Letter | None:
    """The coachee's unsent free letter, if there is one."""
    query = select(Letter).where(
        Letter.coachee_id == coachee.id,
        Letter.kind == LetterKind.FREE,
        Letter.from_coach.is_(False),
        Letter.sent_at.is_(None),
    )
    return db.session.scalars(query.order_by(Letter.id.desc())).first()


def draft(coachee: User, now: datetime) -> Letter:
    """The coachee's unsent free letter, started now if there is none."""
    letter = open_draft(coachee)
    if letter is None:
        letter = Letter(coachee=coachee, kind=LetterKind.FREE, body="", note="", created_at=now)
        db.session.add(letter)
        db.session.flush()
    return letter


def save_body(
    letter: Letter, text: str, now: datetime, expected_version: int | None = None
) -> Letter:
    """Store ``text`` as the draft's body; raises AlreadySent once it was sent, StaleDraft
    when ``expected_version`` is older than the stored one."""
    if letter.is_sent:
        raise AlreadySent(letter.id)
    check_version(expected_version, letter.body_version, letter.body, text)
    if letter.body != text:
        letter.body = text
        letter.body_version += 1
    db.session.flush()
    return letter


def send(
    letter: Letter,
    body: str,
    mood: int | None,
    note: str,
    now: datetime,
    default_promise_hours: int,
    progress: int | None = None,
) -> Letter:
    """Send the coachee's free letter to their coach or the pool, with a due time."""
    save_body(letter, body, now)
    letter.mood, letter.progress, letter.note = mood, progress, note.strip()
    address_letter(letter, now, default_promise_hours)
    db.session.flush()
    return letter


def write_to_coachee(coach: User, coachee: User, body: str, now: datetime) -> Letter:
    """A coach's free letter to a coachee: sent at once, with no due time."""
    letter = Letter(
        coachee=coachee,
        coach=coach,
        kind=LetterKind.FREE,
        from_coach=True,
        body=body,
        note="",
        created_at=now,
        sent_at=now,
    )
    db.session.add(letter)
    notices.record(coachee, NoticeKind.COACH_LETTER_ARRIVED, now, letter=letter)
    db.session.flush()
    return letter
