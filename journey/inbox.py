"""The coach's side of a letter: routing, the inbox, claiming from the pool, feedback.

Functions take model objects and plain values (the current time included),
change the session and flush; the request commits once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import and_, case, func, select, union_all, update
from sqlalchemy.orm import joinedload, load_only

from . import drafts, letters, notices, second_reader, verdicts
from .extensions import db
from .frames import Frame
from .models import (
    Absence,
    Feedback,
    FeedbackPart,
    Letter,
    LetterEvent,
    LetterEventKind,
    NoticeKind,
    Role,
    User,
    Visit,
)
from .paging import COUNT_CAP, Page, capped_count, page_of

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
    history(letter, LetterEventKind.SENT, now, coach)
    if coach is not None:
        notices.record(coach, NoticeKind.LETTER_ARRIVED, now, letter=letter)


def _waiting(coach_id: int | None):
    """Sent letters to answer that wait for this coach (None: the shared pool). A letter
    waits when it has a due time and no answer; drafts and a coach's own letters have
    no due time."""
    owner = Letter.coach_id.is_(None) if coach_id is None else Letter.coach_id == coach_id
    return and_(Letter.answered_at.is_(None), owner, Letter.due_at.is_not(None))


def _answered_by(coach: User):
    return and_(Letter.coach_id == coach.id, Letter.answered_at.is_not(None))


def _filter(coach_id: int | None, name: str, now: datetime, day_end: datetime):
    """The letters of one filter among those waiting for ``coach_id`` (or the pool)."""
    waiting = _waiting(coach_id)
    return {
        "waiting": waiting,
        "overdue": and_(waiting, Letter.due_at < now),
        "today": and_(waiting, Letter.due_at < day_end),
    }[name]


@dataclass(frozen=True)
class InboxPage:
    letters: Page[Letter]
    counts: dict[str, int]


def inbox_page(
    coach: User,
    name: str,
    now: datetime,
    day_end: datetime,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> InboxPage:
    """One page of the coach's inbox under filter ``name`` (one of FILTERS), with the
    count of every filter (up to ``COUNT_CAP``). Two queries, each reading about a
    page's worth of rows from the indexes, however many letters there are.

    Waiting letters (the coach's own and the pool's) come by due time, soonest first;
    answered ones newest first.
    """
    counts = {
        f: capped_count(Letter, _filter(coach.id, f, now, day_end))
        + capped_count(Letter, _filter(None, f, now, day_end))
        for f in FILTERS
        if f != "answered"
    }
    counts["answered"] = capped_count(Letter, _answered_by(coach))
    row = db.session.execute(select(*(counts[f].label(f) for f in FILTERS))).one()
    counts = {f: min(getattr(row, f), COUNT_CAP) for f in FILTERS}
    options = (
        joinedload(Letter.coachee),
        joinedload(Letter.visit).load_only(Visit.place_id),
    )
    if name == "answered":
        query = select(Letter).where(_answered_by(coach)).options(*options)
        query = query.order_by(Letter.answered_at.desc(), Letter.id.desc())
        return InboxPage(page_of(query, page, per_page), counts)
    # The coach's letters and the pool's, each read in due order from the index
    # (ix_letters_inbox) up to this page, then merged: no sort of every waiting letter.
    # The page's ids first, then their letters: a plan no database can turn into a scan.
    page = max(page, 1)
    arms = [
        select(Letter.id, Letter.due_at)
        .where(_filter(owner, name, now, day_end))
        .order_by(Letter.due_at, Letter.id)
        .limit(page * per_page + 1)
        .subquery()
        for owner in (coach.id, None)
    ]
    merged = union_all(*(select(arm.c.id, arm.c.due_at) for arm in arms)).subquery()
    ids = list(
        db.session.scalars(
            select(merged.c.id)
            .order_by(merged.c.due_at, merged.c.id)
            .limit(per_page + 1)
            .offset((page - 1) * per_page)
        )
    )
    found = db.session.scalars(select(Letter).where(Letter.id.in_(ids)).options(*options))
    by_id = {letter.id: letter for letter in found.unique()}
    letters = [by_id[i] for i in ids[:per_page]]
    return InboxPage(Page(letters, page, len(ids) > per_page), counts)


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
    if result.rowcount == 1:
        history(letter, LetterEventKind.CLAIMED, now, coach)
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


def second_reading(letter: Letter, frame: Frame) -> list[second_reader.Finding]:
    """The second reader's findings on the feedback draft of ``letter`` ([] before any text)."""
    return verdicts.reading(letter.feedback, frame) if letter.feedback else []


def send_feedback(
    feedback: Feedback, texts: Mapping[str, str], frame: Frame, now: datetime
) -> None:
    """Save the final texts and send the feedback: the letter leaves the waiting list and
    its response time and the second reader's verdicts (``verdicts.store``) are recorded.
    The caller checked that every required section is written."""
    for key, text in texts.items():
        if text or feedback.part(key):
            save_feedback_part(feedback, key, text, now)
    verdicts.store(feedback, verdicts.reading(feedback, frame))
    feedback.sent_at = now
    feedback.letter.answered_at = now
    letter = feedback.letter
    history(letter, LetterEventKind.ANSWERED, now, feedback.coach)
    notices.record(letter.coachee, NoticeKind.FEEDBACK_ARRIVED, now, letter=letter)
    db.session.flush()


UNREAD_NOTICES = 3  # feedback notices shown on every page; the letters list shows the rest


class FeedbackNotice(NamedTuple):
    """Feedback the coachee has not opened yet, as the notice on every page names it."""

    letter_id: int
    letter_sent_at: datetime
    coach: str  # the coach's pseudonym


def unread_feedback(coachee: User, limit: int = UNREAD_NOTICES) -> list[FeedbackNotice]:
    """Sent feedback the coachee has not opened yet, oldest first: at most ``limit`` and one
    more (so a page can say there is more), in one query of plain rows (every coachee page
    asks, so no objects are built)."""
    query = (
        select(Letter.id, Letter.sent_at, User.pseudonym)
        .select_from(Feedback)
        .join(Letter, Feedback.letter_id == Letter.id)
        .join(User, Feedback.coach_id == User.id)
        .where(Letter.coachee_id == coachee.id, Feedback.sent_at.is_not(None))
        .where(Feedback.read_at.is_(None))
        .order_by(Feedback.sent_at, Feedback.id)
        .limit(limit + 1)
    )
    return [FeedbackNotice(*row) for row in db.session.execute(query)]


def history(letter: Letter, kind: LetterEventKind, now: datetime, coach: User | None) -> None:
    """Add a step to the letter's history."""
    db.session.add(LetterEvent(letter=letter, at=now, kind=kind, coach=coach))


def history_of(letter: Letter) -> list[LetterEvent]:
    query = (
        select(LetterEvent)
        .where(LetterEvent.letter_id == letter.id)
        .order_by(LetterEvent.at, LetterEvent.id)
        .options(joinedload(LetterEvent.coach).load_only(User.pseudonym))
    )
    return list(db.session.scalars(query))


def hand_on_overdue(now: datetime, to: str) -> int:
    """Every letter that passed its due time unanswered with its coach goes on, once: to
    the coach's substitute (``to="substitute"``, while the coach has an absence with one)
    or else back to the shared pool, and every admin is told. Each step goes into the
    letter's history. Returns how many letters were handed on; run as often as wanted."""
    handed = select(LetterEvent.id).where(
        LetterEvent.letter_id == Letter.id, LetterEvent.kind == LetterEventKind.HANDED_ON
    )
    query = (
        select(Letter)
        .where(Letter.coach_id.is_not(None), Letter.answered_at.is_(None))
        .where(Letter.due_at.is_not(None), Letter.due_at <= now, ~handed.exists())
        .order_by(Letter.due_at, Letter.id)
    )
    overdue_letters = list(db.session.scalars(query))
    admins = list(db.session.scalars(select(User).where(User.role == Role.ADMIN)))
    for letter in overdue_letters:
        coach = letter.coach
        history(letter, LetterEventKind.OVERDUE, now, coach)
        absence = current_absence(coach, now) if to == "substitute" else None
        successor = absence.substitute if absence else None
        letter.coach, letter.claimed_at = successor, None
        history(letter, LetterEventKind.HANDED_ON, now, successor)
        if successor is not None and not notices.told(successor, NoticeKind.LETTER_ARRIVED, letter):
            notices.record(successor, NoticeKind.LETTER_ARRIVED, now, letter=letter)
        for admin in admins:
            notices.record(admin, NoticeKind.LETTER_OVERDUE, now, letter=letter)
        history(letter, LetterEventKind.ADMIN_TOLD, now, None)
    db.session.flush()
    return len(overdue_letters)


def overdue(now: datetime, page: int = 1, per_page: int = 25) -> Page[Letter]:
    """Every coachee's letter past its due time and not answered, with or without a coach
    (the pool), the longest overdue first: for the admin."""
    query = (
        select(Letter)
        .where(Letter.answered_at.is_(None), Letter.due_at.is_not(None), Letter.due_at < now)
        .order_by(Letter.due_at, Letter.id)
        .options(
            load_only(Letter.id, Letter.due_at, Letter.sent_at, Letter.coach_id),
            joinedload(Letter.coach).load_only(User.pseudonym),
        )
    )
    return page_of(query, page, per_page)


CASELOAD_PER_PAGE = 50


@dataclass(frozen=True)
class CaseloadRow:
    coachee: User
    last_sent: datetime | None
    waiting: int  # up to COUNT_CAP


def _waiting_of_coachee():
    """How many of a coachee's letters wait for an answer (up to ``COUNT_CAP``), as a
    subquery correlated with ``User``."""
    waiting = and_(
        Letter.coachee_id == User.id, Letter.answered_at.is_(None), Letter.due_at.is_not(None)
    )
    return capped_count(Letter, waiting).correlate(User)


def caseload(coach: User, page: int = 1, per_page: int = CASELOAD_PER_PAGE) -> Page[CaseloadRow]:
    """A page of the coach's assigned coachees with their latest letter and how many
    wait, the longest silent first (who never wrote, by sign-up, before everyone else).

    Two queries: one orders the coachees by their latest letter (one index lookup each),
    one reads the page's coachees and counts what waits for them.
    """
    last_sent = (
        select(Letter.sent_at)
        .where(
            Letter.coachee_id == User.id,
            Letter.sent_at.is_not(None),
            Letter.from_coach.is_(False),
        )
        .order_by(Letter.sent_at.desc())
        .limit(1)
        .correlate(User)
        .scalar_subquery()
    )
    listed = (
        select(User.id, User.created_at, last_sent.label("last_sent"))
        .where(User.coach_id == coach.id)
        .subquery()
    )
    ordered = select(listed.c.id, listed.c.last_sent).order_by(
        case((listed.c.last_sent.is_(None), 0), else_=1),
        func.coalesce(listed.c.last_sent, listed.c.created_at),
        listed.c.id,
    )
    offset = (max(page, 1) - 1) * per_page
    rows = db.session.execute(ordered.limit(per_page + 1).offset(offset)).all()
    last = {row.id: row.last_sent for row in rows[:per_page]}
    found = db.session.execute(select(User, _waiting_of_coachee()).where(User.id.in_(last)))
    waiting = {user.id: (user, count) for user, count in found}
    items = [CaseloadRow(waiting[i][0], last[i], waiting[i][1]) for i in last]
    return Page(items, max(page, 1), len(rows) > per_page)


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
