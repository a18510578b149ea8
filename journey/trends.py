"""A coach's own trends: month by month, how their feedback honours the tips of the second
reader, how quickly they answer, and how their comments land with their coachees.

The page is the coach's. Their supervisor and the admins read it only while the coach
shares it (``may_read``); nobody else, and no other page shows these figures per coach.

The figures come from stored values, never from reading every feedback again: the
verdicts kept when feedback was sent (journey/verdicts.py), the letters' times and the
coachees' reactions (journey/reactions.py). What is missing (feedback sent before verdicts
were kept, a check added later, a reaction whose comment was not read yet) is filled in
first (``to_fill``, ``fill``), at most ``FILL_BATCH`` at a time. ``monthly`` is a pure
function of those values, the coach's time zone and the clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import reactions, second_reader, verdicts
from .extensions import db
from .frames import FrameSet
from .models import (
    Feedback,
    FeedbackVerdict,
    Letter,
    Reaction,
    ReactionKind,
    Role,
    User,
    Visit,
)
from .timezones import from_local, local_date

MONTHS = 12  # the months a page shows: this one and the eleven before
FILL_BATCH = 200  # feedbacks (and reactions) read at most per page view
LETTER = "letter"  # the kind of a reaction to the feedback as a whole (reactions.END)
OTHER = "other"  # a comment in which the second reader recognises no kind
OWN_KIND_TITLES = {LETTER: _l("De brief als geheel"), OTHER: _l("Geen herkenbare soort")}


# -- who may read them -------------------------------------------------------------------


def may_read(viewer: User, coach: User) -> bool:
    """Whether ``viewer`` may read ``coach``'s trends: the coach always; while the coach
    shares them, their supervisor and the admins."""
    if not coach.has_role(Role.COACH):
        return False
    if viewer.id == coach.id:
        return True
    if coach.trends_shared_at is None:
        return False
    if viewer.has_role(Role.ADMIN):
        return True
    return viewer.has_role(Role.SUPERVISOR) and coach.supervisor_id == viewer.id


def share(coach: User, now: datetime) -> None:
    """The coach's supervisor and the admins may read the coach's trends from now on."""
    if coach.trends_shared_at is None:
        coach.trends_shared_at = now
    db.session.flush()


def unshare(coach: User) -> None:
    coach.trends_shared_at = None
    db.session.flush()


def shared_with(supervisor: User) -> list[User]:
    """The coaches who share their trends with ``supervisor``, by pseudonym."""
    query = select(User).where(
        User.supervisor_id == supervisor.id,
        User.role == Role.COACH,
        User.trends_shared_at.is_not(None),
    )
    return list(db.session.scalars(query.order_by(User.login_name)))


# -- the figures, from plain values ------------------------------------------------------


@dataclass(frozen=True)
class FeedbackFacts:
    """One sent feedback: when it was sent, when its letter was sent and due, and the
    second reader's kept verdicts by check (None: no verdict)."""

    sent_at: datetime
    letter_sent_at: datetime
    due_at: datetime | None
    verdicts: Mapping[str, bool | None]


@dataclass(frozen=True)
class ReactionFacts:
    """A coachee's reaction (``touches``, ``misses``) to a comment of feedback sent at
    ``sent_at``; ``comment_kinds`` are the comment's kinds (``(LETTER,)`` for the end)."""

    sent_at: datetime
    kind: str
    comment_kinds: tuple[str, ...]


@dataclass(frozen=True)
class Share:
    """``count`` of ``of``; ``percent`` is None when there is nothing to count."""

    count: int = 0
    of: int = 0

    @property
    def percent(self) -> int | None:
        return None if not self.of else round(100 * self.count / self.of)


@dataclass(frozen=True)
class Tally:
    touches: int = 0
    misses: int = 0

    def __bool__(self) -> bool:
        return bool(self.touches or self.misses)


@dataclass(frozen=True)
class Month:
    """The figures of the feedback sent in one month (``start``: its first day, in the
    coach's time zone; None for the months together)."""

    start: date | None
    letters: int
    checks: dict[str, Share]
    median: timedelta | None  # from the letter sent to the feedback sent
    on_time: Share  # answered by the letter's due time
    reactions: dict[str, Tally] = field(default_factory=dict)


@dataclass(frozen=True)
class Trends:
    """The months with sent feedback, oldest first, and all of them together (``total``);
    ``checks`` and ``kinds`` in the order to show them; ``pending``: there is feedback
    whose verdicts are still to be read (its checks are not counted until then)."""

    months: tuple[Month, ...]
    total: Month
    checks: tuple[str, ...]
    kinds: tuple[str, ...]
    since: datetime
    pending: bool = False


def window_start(now: datetime, zone: ZoneInfo, months: int = MONTHS) -> datetime:
    """When the first of the ``months`` months up to ``now`` began (local midnight on its
    first day, in ``zone``), as UTC."""
    today = local_date(now, zone)
    index = today.year * 12 + today.month - 1 - (months - 1)
    first = datetime(index // 12, index % 12 + 1, 1)
    return from_local(first, zone)


def month_of(moment: datetime, zone: ZoneInfo) -> date:
    """The first day of the month that ``moment`` falls in, in ``zone``."""
    return local_date(moment, zone).replace(day=1)


def comment_kinds() -> tuple[str, ...]:
    """The kinds of comment the trends count reactions by: the second reader's, the whole
    letter and the comments of no recognisable kind."""
    return (*second_reader.COMMENT_KINDS, LETTER, OTHER)


def kind_titles() -> dict[str, object]:
    return {**second_reader.COMMENT_KIND_TITLES, **OWN_KIND_TITLES}


def monthly(
    feedback: Iterable[FeedbackFacts],
    reacted: Iterable[ReactionFacts],
    zone: ZoneInfo,
    now: datetime,
    checks: Iterable[str],
    kinds: Iterable[str],
    months: int = MONTHS,
) -> tuple[tuple[Month, ...], Month]:
    """The figures of each month of the last ``months`` (in ``zone``, up to ``now``) in
    which feedback was sent, oldest first, and of those months together. A reaction counts
    in the month its feedback was sent, once for every kind its comment is of."""
    since, checks, kinds = window_start(now, zone, months), tuple(checks), tuple(kinds)
    sent: dict[date, list[FeedbackFacts]] = defaultdict(list)
    for facts in feedback:
        if since <= facts.sent_at <= now:
            sent[month_of(facts.sent_at, zone)].append(facts)
    counted: dict[date | None, dict[str, list[int]]] = defaultdict(
        lambda: {kind: [0, 0] for kind in kinds}
    )
    for reaction in reacted:
        if not since <= reaction.sent_at <= now:
            continue
        column = 0 if reaction.kind == ReactionKind.TOUCHES else 1
        for kind in set(reaction.comment_kinds) & set(kinds):
            for month in (month_of(reaction.sent_at, zone), None):
                counted[month][kind][column] += 1
    result = tuple(_month(start, sent[start], checks, counted[start]) for start in sorted(sent))
    every = [facts for start in sorted(sent) for facts in sent[start]]
    return result, _month(None, every, checks, counted[None])


def _month(
    start: date | None, sent: list[FeedbackFacts], checks: tuple[str, ...], counted: dict
) -> Month:
    shares = {}
    for check in checks:
        judged = [f.verdicts[check] for f in sent if f.verdicts.get(check) is not None]
        shares[check] = Share(sum(judged), len(judged))
    due = [f for f in sent if f.due_at is not None]
    on_time = Share(sum(f.sent_at <= f.due_at for f in due), len(due))
    times = sorted(f.sent_at - f.letter_sent_at for f in sent)
    tallies = {kind: Tally(*numbers) for kind, numbers in counted.items()}
    return Month(start, len(sent), shares, _median(times), on_time, tallies)


def _median(ordered: list[timedelta]) -> timedelta | None:
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


# -- from the database -------------------------------------------------------------------


@dataclass(frozen=True)
class ToFill:
    """What the trends of a coach still need read: feedback without every verdict and
    reactions whose comment's kinds are unknown (ids, at most ``FILL_BATCH`` of each);
    ``more``: there is more than that."""

    feedback_ids: tuple[int, ...] = ()
    reaction_ids: tuple[int, ...] = ()
    more: bool = False

    def __bool__(self) -> bool:
        return bool(self.feedback_ids or self.reaction_ids)


def to_fill(coach: User, since: datetime) -> ToFill:
    """What is missing for the coach's trends since ``since``, in two queries."""
    feedback_ids = verdicts.missing(coach.id, since, FILL_BATCH)
    query = (
        select(Reaction.id)
        .join(Feedback, Reaction.feedback_id == Feedback.id)
        .where(Feedback.coach_id == coach.id, Feedback.sent_at >= since)
        .where(Reaction.comment_kinds.is_(None), Reaction.key != reactions.END)
        .order_by(Reaction.id)
        .limit(FILL_BATCH + 1)
    )
    reaction_ids = list(db.session.scalars(query))
    more = len(feedback_ids) > FILL_BATCH or len(reaction_ids) > FILL_BATCH
    return ToFill(tuple(feedback_ids[:FILL_BATCH]), tuple(reaction_ids[:FILL_BATCH]), more)


def fill(missing: ToFill, frames: FrameSet) -> None:
    """Read what ``to_fill`` found missing: the verdicts of the feedback, the kinds of the
    reacted comments. The caller commits."""
    verdicts.fill(missing.feedback_ids, frames)
    if missing.reaction_ids:
        query = (
            select(Reaction)
            .where(Reaction.id.in_(missing.reaction_ids))
            .options(
                selectinload(Reaction.feedback).selectinload(Feedback.parts),
                selectinload(Reaction.feedback)
                .selectinload(Feedback.letter)
                .selectinload(Letter.visit)
                .selectinload(Visit.answers),
            )
        )
        for reaction in db.session.scalars(query):
            reaction.comment_kinds = reactions.comment_kinds_of(reaction.feedback, reaction.key)
    db.session.flush()


def build(coach: User, now: datetime, zone: ZoneInfo, pending: bool = False) -> Trends:
    """The coach's trends at ``now`` in ``zone`` (the coach's own), from what is stored: three
    queries, however much feedback there is."""
    since = window_start(now, zone)
    mine = (Feedback.coach_id == coach.id, Feedback.sent_at >= since, Feedback.sent_at <= now)
    kept: dict[int, dict[str, bool | None]] = defaultdict(dict)
    rows = db.session.execute(
        select(FeedbackVerdict.feedback_id, FeedbackVerdict.check_id, FeedbackVerdict.ok)
        .join(Feedback, FeedbackVerdict.feedback_id == Feedback.id)
        .where(*mine)
    )
    for feedback_id, check, ok in rows:
        kept[feedback_id][check] = ok
    sent = db.session.execute(
        select(Feedback.id, Feedback.sent_at, Letter.sent_at, Letter.due_at)
        .join(Letter, Feedback.letter_id == Letter.id)
        .where(*mine)
    )
    feedback = [FeedbackFacts(row[1], row[2], row[3], kept[row[0]]) for row in sent]
    found = db.session.execute(
        select(Feedback.sent_at, Reaction.kind, Reaction.key, Reaction.comment_kinds)
        .join(Feedback, Reaction.feedback_id == Feedback.id)
        .where(*mine)
    )
    reacted = [
        ReactionFacts(sent_at, kind, _kinds_of(key, stored)) for sent_at, kind, key, stored in found
    ]
    checks, kinds = tuple(second_reader.CHECKS), comment_kinds()
    months, total = monthly(feedback, reacted, zone, now, checks, kinds)
    return Trends(months, total, checks, kinds, since, pending)


def _kinds_of(key: str, stored: list | None) -> tuple[str, ...]:
    """The kinds a reaction counts under: the whole letter (the end), the comment's kinds,
    or OTHER when the comment shows none; none while they are unknown."""
    if key == reactions.END:
        return (LETTER,)
    if stored is None:
        return ()
    return tuple(stored) or (OTHER,)
