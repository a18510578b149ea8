"""Operations on a coachee's journey: visiting places, saving drafts, sending letters.

Each function takes model objects and plain values, changes the session and
flushes; the request that called it commits once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload, load_only

from . import drafts, letters, proposals
from .drafts import check_version
from .extensions import db
from .inbox import address_letter
from .models import Answer, Letter, LetterKind, User, Visit
from .paging import Page, page_of


class VisitAlreadySent(Exception):
    """The visit's letter was sent: its answers can no longer change."""


def open_visit(coachee: User, place_id: str) -> Visit | None:
    """The coachee's unsent visit at this place, if there is one."""
    query = (
        select(Visit)
        .outerjoin(Letter, Letter.visit_id == Visit.id)
        .where(Visit.coachee_id == coachee.id, Visit.place_id == place_id, Letter.id.is_(None))
        .order_by(Visit.id.desc())
    )
    return db.session.scalars(query).first()


def visit_place(coachee: User, place_id: str, now: datetime) -> Visit:
    """The coachee's unsent visit at this place, started now if there was none."""
    visit = open_visit(coachee, place_id)
    if visit is None:
        visit = Visit(coachee=coachee, place_id=place_id, started_at=now, note="")
        db.session.add(visit)
        db.session.flush()
    return visit


def route(coachee: User) -> list[Visit]:
    """The coachee's visits with writing, in the order the writing began, each with its
    letter (if sent). A place only opened is no part of it.

    Only where and when: the texts stay unread (and undecrypted) until asked for."""
    query = (
        select(Visit)
        .outerjoin(Letter, Letter.visit_id == Visit.id)
        .where(Visit.coachee_id == coachee.id, Visit.written_at.is_not(None))
        .options(
            load_only(Visit.place_id, Visit.started_at, Visit.written_at, Visit.coachee_id),
            contains_eager(Visit.letter).load_only(Letter.sent_at, Letter.visit_id),
        )
        .order_by(Visit.written_at, Visit.id)
    )
    return list(db.session.scalars(query))


def has_writing(visit: Visit) -> bool:
    """Whether anything but white space is written at the visit: an answer or the note."""
    return bool(visit.note.strip()) or any(a.text.strip() for a in visit.answers)


def _mark_writing(visit: Visit, now: datetime) -> None:
    """Keep ``written_at``: set when the first word is saved, cleared when every text of
    an unsent visit is empty again. Writing completes what the coach proposed here
    (``proposals.done_by_writing``)."""
    if has_writing(visit):
        if visit.written_at is None:
            visit.written_at = now
        proposals.done_by_writing(visit, now)
    elif not visit.is_sent:
        visit.written_at = None


def letters_from(coachee: User, place_id: str) -> list[Letter]:
    """The letters the coachee sent from this place, oldest first."""
    query = (
        select(Letter)
        .join(Visit, Letter.visit_id == Visit.id)
        .where(Visit.coachee_id == coachee.id, Visit.place_id == place_id)
        .order_by(Letter.sent_at, Letter.id)
    )
    return list(db.session.scalars(query))


def drafting_places(coachee: User) -> set[str]:
    """The places where the coachee wrote something that is not sent yet (one query, over
    the unsent visits only)."""
    query = (
        select(Visit.place_id, Answer.text)
        .join(Answer, Answer.visit_id == Visit.id)
        .outerjoin(Letter, Letter.visit_id == Visit.id)
        .where(Visit.coachee_id == coachee.id, Letter.id.is_(None))
    )
    return {place_id for place_id, text in db.session.execute(query) if text.strip()}


def save_draft(
    visit: Visit, question_id: str, text: str, now: datetime, expected_version: int | None = None
) -> Answer:
    """Store ``text`` as the draft answer to ``question_id``; returns the Answer.

    Raises VisitAlreadySent, or StaleDraft when ``expected_version`` is older than
    the stored one."""
    if visit.is_sent:
        raise VisitAlreadySent(visit.id)
    answer = visit.answer_to(question_id)
    if answer is None:
        answer = Answer(visit=visit, question_id=question_id, text="", version=0)
        db.session.add(answer)
    drafts.store(answer, text, now, expected_version)
    _mark_writing(visit, now)
    db.session.flush()
    return answer


def save_note(visit: Visit, text: str, now: datetime, expected_version: int | None = None) -> Visit:
    """Store ``text`` as the draft note that goes with the visit's letter."""
    if visit.is_sent:
        raise VisitAlreadySent(visit.id)
    check_version(expected_version, visit.note_version, visit.note, text)
    if visit.note != text:
        visit.note = text
        visit.note_version += 1
        visit.note_updated_at = now
    _mark_writing(visit, now)
    db.session.flush()
    return visit


def save_drafts(
    visit: Visit,
    answers: Mapping[str, str],
    note: str,
    now: datetime,
    max_length: Mapping[str, int],
) -> list[str]:
    """Save every answer (and the note) that fits its length limit as a draft.

    ``max_length`` holds the limits under ``answer`` and ``note``. Returns the
    question ids (and ``note``) that were too long and so were not saved.
    """
    skipped = []
    for question_id, text in answers.items():
        if letters.too_long(text, max_length["answer"]):
            skipped.append(question_id)
        elif text or visit.answer_to(question_id):
            save_draft(visit, question_id, text, now)
    if letters.too_long(note, max_length["note"]):
        skipped.append("note")
    else:
        save_note(visit, note, now)
    return skipped


def send_letter(
    visit: Visit,
    answers: Mapping[str, str],
    mood: int | None,
    note: str,
    now: datetime,
    default_promise_hours: int,
    progress: int | None = None,
) -> Letter:
    """Save the final answers and send the visit as one letter to the coach or the pool
    (``inbox.address_letter``), with the mood and the progress towards the goal given.

    The caller has checked the content with ``letters.check_letter``.
    Raises VisitAlreadySent when the visit was sent before.
    """
    for question_id, text in answers.items():
        save_draft(visit, question_id, text, now)
    save_note(visit, note, now)
    letter = Letter(
        coachee=visit.coachee,
        visit=visit,
        kind=LetterKind.PLACE,
        created_at=now,
        mood=mood,
        progress=progress,
        note=note.strip(),
    )
    db.session.add(letter)
    address_letter(letter, now, default_promise_hours)
    db.session.flush()
    return letter


LETTERS_PER_PAGE = 25


def letters_of(coachee: User, page: int = 1, per_page: int = LETTERS_PER_PAGE) -> Page[Letter]:
    """A page of the coachee's sent letters and the coach's letters to them, newest first,
    each with its feedback, coach and place (one query)."""
    query = (
        select(Letter)
        .where(Letter.coachee_id == coachee.id, Letter.sent_at.is_not(None))
        .order_by(Letter.sent_at.desc(), Letter.id.desc())
        .options(
            joinedload(Letter.feedback),
            joinedload(Letter.coach),
            joinedload(Letter.visit).load_only(Visit.place_id),
        )
    )
    return page_of(query, page, per_page)
