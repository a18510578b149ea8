"""The coach's side of a letter: routing, the inbox, claiming from the pool, feedback.

Functions take model objects and plain values (the current time included),
change the session and flush; the request commits once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, case, func, or_, select, update
from sqlalchemy.orm import joinedload

from . import drafts, letters, second_reader
from .extensions import db
from .frames import Frame
from .models import Absence, Feedback, FeedbackPart, Letter, Role, User

FILTERS = ("waiting", "overdue", "today", "answered")
PER_PAGE = 25
MAX_ABSENCE_AHEAD = timedelta(days=2 * 365)  # how far ahead an absence may reach


class AlreadyAnswered(Exception):
    """The letter's feedback was sent: it can no longer change."""


def current_absence(coach: User, now: datetime) -> Absence | None:
    """The coach's absence that covers ``now``, if any."""
    query = select(Absence).where(
        Absence.coach_id == coach.id, Absence.starts_at <= now, Absence.ends_at > now
    )
    return db.session.scalars(query.order_by(Absence.starts_at)).first()


def routed_coach(coachee: User, now: datetime) -> User | None:
    """Who receives the coachee's new letter: the assigned coach, or while that coach is
    away their substitute (followed along, once each); None means the shared pool."""
    coach, seen = coachee.coach, set()
    while coach is not None and coach.id not in seen:
        seen.add(coach.id)
        absence = current_absence(coach, now)
        if absence is None:
            return coach
        coach = absence.substitute
    return None


def address_letter(letter: Letter, now: datetime, default_promise_hours: int) -> None:
    """Send ``letter`` now: to the routed coach (or the pool), due after that coach's
    promise (or the default promise)."""
    coach = routed_coach(letter.coachee, now)
    promise = (coach.promise_hours if coach else None) or default_promise_hours
    letter.coach = coach
    letter.sent_at = now
    letter.due_at = letters.due_at(now, promise)


def _waiting_for(coach: User):
    """Sent letters to answer that this coach may take: their own and the pool's."""
    return and_(
        Letter.sent_at.is_not(None),
        Letter.from_coach.is_(False),
        Letter.answered_at.is_(None),
        or_(Letter.coach_id == coach.id, Letter.coach_id.is_(None)),
    )


def _answered_by(coach: User):
    return and_(Letter.coach_id == coach.id, Letter.answered_at.is_not(None))


def _filter(coach: User, name: str, now: datetime, day_end: datetime):
    waiting = _waiting_for(coach)
    return {
        "waiting": waiting,
        "overdue": and_(waiting, Letter.due_at < now),
        "today": and_(waiting, Letter.due_at < day_end),
        "answered": _answered_by(coach),
    }[name]


@dataclass(frozen=True)
class InboxPage:
    letters: list[Letter]
    counts: dict[str, int]
    page: int
    pages: int


def inbox_page(
    coach: User,
    name: str,
    now: datetime,
    day_end: datetime,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> InboxPage:
    """One page of the coach's inbox under filter ``name`` (one of FILTERS), with the
    count of every filter. Two queries, however many letters there are.

    Waiting letters come by due time, soonest first; answered ones newest first.
    """
    counts_row = db.session.execute(
        select(*(func.count(case((_filter(coach, f, now, day_end), 1))) for f in FILTERS))
        .select_from(Letter)
        .where(or_(_waiting_for(coach), _answered_by(coach)))
    ).one()
    counts = dict(zip(FILTERS, counts_row, strict=True))
    pages = max(1, math.ceil(counts[name] / per_page))
    page = min(max(page, 1), pages)
    query: Select = select(Letter).where(_filter(coach, name, now, day_end))
    if name == "answered":
        query = query.order_by(Letter.answered_at.desc(), Letter.id.desc())
    else:
        query = query.order_by(Letter.due_at, Letter.id)
    query = query.options(joinedload(Letter.coachee), joinedload(Letter.visit))
    letters = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return InboxPage(letters, counts, page, pages)


def claim(letter: Letter, coach: User, now: datetime) -> bool:
    """Take a pool letter. Exactly one coach wins when several claim at once: the update
    only applies while the letter has no coach. Returns True for the winner."""
    result = db.session.execute(
        update(Letter)
        .where(Letter.id == letter.id, Letter.coach_id.is_(None), Letter.answered_at.is_(None))
        .values(coach_id=coach.id, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(letter)
    return result.rowcount == 1


def feedback_draft(letter: Letter, coach: User, frame: Frame, now: datetime) -> Feedback:
    """The letter's feedback, started now in ``frame`` if the coach had not begun yet."""
    if letter.feedback is None:
        letter.feedback = Feedback(coach=coach, frame_id=frame.id, started_at=now)
        db.session.flush()
    return letter.feedback


def feedback_keys(frame: Frame, letter: Letter) -> list[str]:
    """Every text a coach can write in answer to ``letter``: the frame's sections
    (``s-<id>``) and a comment on each answer (``c-<question id>``)."""
    keys = [f"s-{section.id}" for section in frame.sections]
    if letter.visit is not None:
        keys += [f"c-{a.question_id}" for a in letter.visit.answers if a.text.strip()]
    return keys


def save_feedback_part(
    feedback: Feedback, key: str, text: str, now: datetime, expected_version: int | None = None
) -> FeedbackPart:
    """Store one piece of the feedback draft; raises AlreadyAnswered once it was sent,
    StaleDraft when ``expected_version`` is older than the stored one."""
    if feedback.is_sent:
        raise AlreadyAnswered(feedback.letter_id)
    part = feedback.part(key)
    if part is None:
        part = FeedbackPart(feedback=feedback, key=key, text="", version=0, updated_at=now)
        db.session.add(part)
    drafts.store(part, text, now, expected_version)
    db.session.flush()
    return part


def coachee_text(letter: Letter) -> str:
    """What the coachee wrote in ``letter`` (answers and note, or the free letter), as one
    text: what the second reader compares the feedback with."""
    texts = [a.text for a in letter.visit.answers] if letter.visit else [letter.body]
    return "\n\n".join(t for t in [*texts, letter.note] if t and t.strip())


def second_reading(letter: Letter, frame: Frame) -> list[second_reader.Finding]:
    """The second reader's findings on the feedback draft of ``letter`` ([] before any text)."""
    texts = {p.key: p.text for p in letter.feedback.parts} if letter.feedback else {}
    feedback = frame.reading_text(texts)
    return second_reader.review(feedback, coachee_text(letter)) if feedback else []


def send_feedback(
    feedback: Feedback, texts: Mapping[str, str], frame: Frame, now: datetime
) -> None:
    """Save the final texts and send the feedback: the letter leaves the waiting list and
    its response time is recorded. The caller checked that every required section is written."""
    for key, text in texts.items():
        if text or feedback.part(key):
            save_feedback_part(feedback, key, text, now)
    feedback.sent_at = now
    feedback.letter.answered_at = now
    db.session.flush()


def unread_feedback(coachee: User) -> list[Feedback]:
    """Sent feedback the coachee has not opened yet, oldest first."""
    query = (
        select(Feedback)
        .join(Letter, Feedback.letter_id == Letter.id)
        .where(Letter.coachee_id == coachee.id, Feedback.sent_at.is_not(None))
        .where(Feedback.read_at.is_(None))
        .order_by(Feedback.sent_at)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class CaseloadRow:
    coachee: User
    last_sent: datetime | None
    waiting: int


def caseload(coach: User) -> list[CaseloadRow]:
    """The coach's assigned coachees with their latest letter and how many wait, in one
    query; the longest silent first."""
    sent = and_(Letter.sent_at.is_not(None), Letter.from_coach.is_(False))
    waiting = func.count(case((and_(sent, Letter.answered_at.is_(None)), 1)))
    query = (
        select(User, func.max(case((sent, Letter.sent_at))), waiting)
        .outerjoin(Letter, Letter.coachee_id == User.id)
        .where(User.coach_id == coach.id)
        .group_by(User.id)
    )
    rows = [CaseloadRow(user, last, count) for user, last, count in db.session.execute(query)]
    return sorted(
        rows, key=lambda r: (r.last_sent is not None, r.last_sent or r.coachee.created_at)
    )


def absences_of(coach: User, now: datetime) -> list[Absence]:
    """The coach's current and coming absences, soonest first."""
    query = select(Absence).where(Absence.coach_id == coach.id, Absence.ends_at > now)
    return list(db.session.scalars(query.order_by(Absence.starts_at)))


def absence_problem(starts_at: datetime, ends_at: datetime, now: datetime) -> str | None:
    """Why an absence from ``starts_at`` to ``ends_at`` cannot be planned now: ``order``
    (it ends before it starts), ``over`` (it has ended already) or ``too_far`` (it ends
    more than ``MAX_ABSENCE_AHEAD`` from now); None when it can."""
    if ends_at <= starts_at:
        return "order"
    if ends_at <= now:
        return "over"
    if ends_at - now > MAX_ABSENCE_AHEAD:
        return "too_far"
    return None


def add_absence(
    coach: User, starts_at: datetime, ends_at: datetime, substitute: User | None
) -> Absence:
    """Plan an absence: while it lasts, new letters to ``coach`` go to ``substitute``
    (None: the pool). Raises ValueError when it ends before it starts."""
    if ends_at <= starts_at:
        raise ValueError("an absence ends after it starts")
    absence = Absence(coach=coach, starts_at=starts_at, ends_at=ends_at, substitute=substitute)
    db.session.add(absence)
    db.session.flush()
    return absence


def other_coaches(coach: User) -> list[User]:
    query = select(User).where(User.role == Role.COACH, User.id != coach.id)
    return list(db.session.scalars(query.order_by(User.pseudonym)))


def close_trajectory(coachee: User, now: datetime) -> None:
    """Close the coachee's trajectory: they keep reading their dossier, nothing is added."""
    if coachee.closed_at is None:
        coachee.closed_at = now
        db.session.flush()
