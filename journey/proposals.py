"""Next steps a coach proposes to a coachee: a place, one question of a place, or a text
of the library, with an optional date and a short reason. A choice, never a lock.

A proposal made on its own is visible to the coachee at once; one made with a letter's
feedback (``letter_id``) belongs to that feedback's draft and becomes visible when the
feedback is sent. ``created_at`` is when the coach proposed it.

A proposal is done when the coachee writes at its place (for a question: that question's
answer gets text), or reads its text, after it became visible. Plain functions of model
objects and plain values: the current time and the coachee's time zone are passed in;
the library is reached only through the ``known_text`` the caller passes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import joinedload

from .extensions import db
from .models import Feedback, Proposal, ProposalKind, User, Visit
from .worlds import World

MAX_REASON_LENGTH = 500

OPEN, DONE, PAST_DATE = "open", "done", "past date"


@dataclass(frozen=True)
class ProposalProblem:
    """Why a proposal cannot be made.

    ``kind`` is one of ``no_target`` (nothing chosen), ``unknown_place``,
    ``unknown_question``, ``unknown_text``, ``not_your_coachee``, ``closed``,
    ``date_past`` and ``reason_too_long``; ``field`` names the form field it concerns.
    """

    kind: str
    field: str | None = None
    length: int = 0
    limit: int = 0


def check_proposal(
    coach: User,
    coachee: User,
    kind: str,
    place_id: str | None,
    question_id: str | None,
    text_id: str | None,
    due_on: date | None,
    reason: str,
    today: date,
    letter=None,
    *,
    world: World,
    known_text: Callable[[str], bool],
) -> list[ProposalProblem]:
    """Every reason why this proposal cannot be made; [] when it can. ``today`` is the
    date in the coachee's time zone. The coachee is the coach's when assigned to them,
    or (a coachee of the pool) when the coach holds ``letter`` of theirs."""
    problems = []
    holds_letter = letter is not None and (letter.coach_id, letter.coachee_id) == (
        coach.id,
        coachee.id,
    )
    if coachee.coach_id != coach.id and not holds_letter:
        problems.append(ProposalProblem("not_your_coachee"))
    if coachee.is_closed:
        problems.append(ProposalProblem("closed"))
    problems += _target_problems(kind, place_id, question_id, text_id, world, known_text)
    if due_on is not None and due_on < today:
        problems.append(ProposalProblem("date_past", "due_on"))
    if len(reason) > MAX_REASON_LENGTH:
        problems.append(
            ProposalProblem("reason_too_long", "reason", len(reason), MAX_REASON_LENGTH)
        )
    return problems


def _target_problems(
    kind: str,
    place_id: str | None,
    question_id: str | None,
    text_id: str | None,
    world: World,
    known_text: Callable[[str], bool],
) -> list[ProposalProblem]:
    if kind == ProposalKind.TEXT:
        if not text_id:
            return [ProposalProblem("no_target", "target")]
        return [] if known_text(text_id) else [ProposalProblem("unknown_text", "target")]
    if kind not in (ProposalKind.PLACE, ProposalKind.QUESTION) or not place_id:
        return [ProposalProblem("no_target", "target")]
    place = world.place(place_id)
    if place is None:
        return [ProposalProblem("unknown_place", "target")]
    if kind == ProposalKind.QUESTION and (not question_id or place.question(question_id) is None):
        return [ProposalProblem("unknown_question", "target")]
    return []


class ProposalRefused(ValueError):
    """``propose`` was asked for a proposal with problems (``problems``)."""

    def __init__(self, problems: list[ProposalProblem]) -> None:
        super().__init__(", ".join(p.kind for p in problems))
        self.problems = problems


def propose(
    coach: User,
    coachee: User,
    kind: str,
    place_id: str | None,
    question_id: str | None,
    text_id: str | None,
    due_on: date | None,
    reason: str,
    now: datetime,
    letter=None,
    *,
    world: World,
    known_text: Callable[[str], bool],
    today: date | None = None,
) -> Proposal:
    """Store the coach's proposal (with ``letter``'s feedback, or on its own).

    ``today`` is the date in the coachee's zone (defaults to ``now``'s UTC date).
    Raises ProposalRefused when ``check_proposal`` finds problems."""
    reason = reason.strip()
    problems = check_proposal(
        coach,
        coachee,
        kind,
        place_id,
        question_id,
        text_id,
        due_on,
        reason,
        today or now.date(),
        letter,
        world=world,
        known_text=known_text,
    )
    if problems:
        raise ProposalRefused(problems)
    proposal = Proposal(
        coachee_id=coachee.id,
        coach_id=coach.id,
        letter_id=letter.id if letter is not None else None,
        kind=str(kind),
        place_id=place_id if kind != ProposalKind.TEXT else None,
        question_id=question_id if kind == ProposalKind.QUESTION else None,
        text_id=text_id if kind == ProposalKind.TEXT else None,
        reason=reason,
        due_on=due_on,
        created_at=now,
    )
    db.session.add(proposal)
    db.session.flush()
    return proposal


def withdraw(proposal: Proposal, now: datetime) -> None:
    """The coach takes the proposal back: the coachee no longer sees it."""
    if proposal.withdrawn_at is None:
        proposal.withdrawn_at = now
        db.session.flush()


def visible() -> ColumnElement[bool]:
    """The proposals the coachee may see: not withdrawn, and proposed on their own or
    with feedback that was sent."""
    sent = exists().where(Feedback.letter_id == Proposal.letter_id, Feedback.sent_at.is_not(None))
    return and_(Proposal.withdrawn_at.is_(None), or_(Proposal.letter_id.is_(None), sent))


def open_for(coachee: User) -> list[Proposal]:
    """The coachee's visible proposals not yet done, those with the soonest date first."""
    query = (
        select(Proposal)
        .where(Proposal.coachee_id == coachee.id, Proposal.done_at.is_(None), visible())
        .options(joinedload(Proposal.coach))
        .order_by(Proposal.due_on.is_(None), Proposal.due_on, Proposal.created_at, Proposal.id)
    )
    return list(db.session.scalars(query))


def for_coachee(coachee: User) -> list[Proposal]:
    """All the coachee's visible proposals: the open ones first (soonest date first),
    then the done ones (the latest done first)."""
    done = (
        select(Proposal)
        .where(Proposal.coachee_id == coachee.id, Proposal.done_at.is_not(None), visible())
        .options(joinedload(Proposal.coach))
        .order_by(Proposal.done_at.desc(), Proposal.id.desc())
    )
    return open_for(coachee) + list(db.session.scalars(done))


def of_coach(coach: User, coachee: User) -> list[Proposal]:
    """What ``coach`` proposed to ``coachee`` and did not withdraw, also what waits for
    unsent feedback, the newest first."""
    query = (
        select(Proposal)
        .where(
            Proposal.coachee_id == coachee.id,
            Proposal.coach_id == coach.id,
            Proposal.withdrawn_at.is_(None),
        )
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
    )
    return list(db.session.scalars(query))


def with_letter(letter_id: int) -> list[Proposal]:
    """The proposals made with one letter's feedback (not withdrawn), in proposed order."""
    query = (
        select(Proposal)
        .where(Proposal.letter_id == letter_id, Proposal.withdrawn_at.is_(None))
        .order_by(Proposal.created_at, Proposal.id)
    )
    return list(db.session.scalars(query))


def is_visible(proposal: Proposal) -> bool:
    """Whether the coachee sees ``proposal`` now (see ``visible``)."""
    if proposal.withdrawn_at is not None:
        return False
    if proposal.letter_id is None:
        return True
    query = select(Feedback.sent_at).where(Feedback.letter_id == proposal.letter_id)
    return db.session.scalar(query) is not None


def state(proposal: Proposal, today: date) -> str:
    """``open``, ``done`` or ``past date`` (open, and its date lies before ``today``, the
    date in the coachee's time zone)."""
    if proposal.done_at is not None:
        return DONE
    if proposal.due_on is not None and proposal.due_on < today:
        return PAST_DATE
    return OPEN


def counts(coachees: Iterable[User], today_of: Callable[[User], date]) -> dict[int, Counter]:
    """Per coachee id, how many visible proposals are open, done and past their date
    (``today_of`` gives a coachee's date in their zone). One grouped query."""
    by_id = {c.id: c for c in coachees}
    found: dict[int, Counter] = {i: Counter() for i in by_id}
    if not by_id:
        return found
    query = (
        select(
            Proposal.coachee_id,
            Proposal.done_at.is_not(None).label("done"),
            Proposal.due_on,
            func.count(),
        )
        .where(Proposal.coachee_id.in_(by_id), visible())
        .group_by(Proposal.coachee_id, Proposal.done_at.is_not(None), Proposal.due_on)
    )
    for coachee_id, done, due_on, count in db.session.execute(query):
        if done:
            found[coachee_id][DONE] += count
        elif due_on is not None and due_on < today_of(by_id[coachee_id]):
            found[coachee_id][PAST_DATE] += count
        else:
            found[coachee_id][OPEN] += count
    return found


def open_due_by(day: date) -> list[Proposal]:
    """Every visible open proposal with a date on or before ``day``, soonest first: what
    later reminders look for."""
    query = (
        select(Proposal)
        .where(
            Proposal.done_at.is_(None),
            Proposal.due_on.is_not(None),
            Proposal.due_on <= day,
            visible(),
        )
        .order_by(Proposal.due_on, Proposal.id)
    )
    return list(db.session.scalars(query))


def _complete(query, now: datetime) -> list[Proposal]:
    done = list(db.session.scalars(query.where(Proposal.done_at.is_(None), visible())))
    for proposal in done:
        proposal.done_at = now
    return done


def done_by_writing(visit: Visit, now: datetime) -> list[Proposal]:
    """Mark done the coachee's open proposals this visit's writing answers: for its
    place, and for a question of it whose answer holds text. Returns them."""
    answered = [a.question_id for a in visit.answers if a.text.strip()]
    query = select(Proposal).where(
        Proposal.coachee_id == visit.coachee_id,
        Proposal.place_id == visit.place_id,
        Proposal.created_at <= now,
        or_(
            Proposal.kind == ProposalKind.PLACE,
            and_(Proposal.kind == ProposalKind.QUESTION, Proposal.question_id.in_(answered)),
        ),
    )
    return _complete(query, now)


def done_by_reading(coachee: User, text_id: str, now: datetime) -> list[Proposal]:
    """Mark done the coachee's open proposals to read the text ``text_id``. Returns them."""
    query = select(Proposal).where(
        Proposal.coachee_id == coachee.id,
        Proposal.kind == ProposalKind.TEXT,
        Proposal.text_id == text_id,
        Proposal.created_at <= now,
    )
    return _complete(query, now)
