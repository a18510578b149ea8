"""Response figures: how quickly coaches answer the letters they receive.

``summarise`` is a pure function of letter times and the current time; the
queries beside it count the waiting letters in the database and fetch the times of
recent answers, a fixed number of queries whatever the number of letters or
coaches. A coach's own free letters and unsent drafts never count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask_babel import gettext, ngettext
from sqlalchemy import and_, case, func, select

from .extensions import db
from .models import Letter
from .paging import capped_count

WINDOW_DAYS = 30
# The most answers the median and the share within the promise are taken over: a coach's
# latest in the window (a coach who answers fewer than 6 letters a day has all counted).
SAMPLE = 200

# (sent_at, due_at, answered_at) of one letter; answered_at is None while it waits.
LetterTimes = tuple[datetime, datetime, datetime | None]


@dataclass(frozen=True)
class ResponseFigures:
    """A coach's figures: answers of the last ``days`` days, and letters waiting now.

    ``median`` (answered minus sent) and ``within_promise`` (a share from 0 to 1 of
    answers sent by their due time) are None when nothing was answered in the window.
    """

    answered: int = 0
    median: timedelta | None = None
    within_promise: float | None = None
    waiting: int = 0
    overdue: int = 0
    days: int = WINDOW_DAYS

    @property
    def within_promise_percent(self) -> int | None:
        """``within_promise`` as a whole percentage, or None."""
        return None if self.within_promise is None else round(self.within_promise * 100)


def summarise(
    letters: Iterable[LetterTimes], now: datetime, days: int = WINDOW_DAYS
) -> ResponseFigures:
    """The figures of these letters at ``now``.

    Answered letters count when they were answered in the last ``days`` days
    (``answered_at >= now - days``); waiting ones count whenever they were sent,
    and are overdue once their due time has passed.
    """
    since = now - timedelta(days=days)
    times: list[timedelta] = []
    on_time = waiting = overdue = 0
    for sent_at, due_at, answered_at in letters:
        if answered_at is None:
            waiting += 1
            overdue += due_at < now
        elif since <= answered_at <= now:
            times.append(answered_at - sent_at)
            on_time += answered_at <= due_at
    if not times:
        return ResponseFigures(waiting=waiting, overdue=overdue, days=days)
    return ResponseFigures(
        answered=len(times),
        median=_median(times),
        within_promise=on_time / len(times),
        waiting=waiting,
        overdue=overdue,
        days=days,
    )


def _median(values: list[timedelta]) -> timedelta:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _waiting(now: datetime):
    """Letters that wait for an answer, and those of them that are overdue at ``now``
    (only a coachee's sent letters have a due time: see ``Letter.due_at``)."""
    waiting = and_(Letter.answered_at.is_(None), Letter.due_at.is_not(None))
    return waiting, and_(waiting, Letter.due_at < now)


def _answered_within(now: datetime, days: int):
    """Letters a coach answered in the ``days`` before ``now``."""
    return and_(
        Letter.answered_at >= now - timedelta(days=days),
        Letter.answered_at <= now,
        Letter.sent_at.is_not(None),
        Letter.from_coach.is_(False),
    )


def figures_for(coach_id: int, now: datetime, days: int = WINDOW_DAYS) -> ResponseFigures:
    """The response figures of one coach at ``now``, in two queries that read no more than
    ``SAMPLE`` answers and ``COUNT_CAP`` waiting letters from the indexes."""
    waiting, overdue = _waiting(now)
    mine = Letter.coach_id == coach_id
    counts = db.session.execute(
        select(capped_count(Letter, and_(mine, waiting)), capped_count(Letter, and_(mine, overdue)))
    ).one()
    answers = db.session.execute(
        select(Letter.sent_at, Letter.due_at, Letter.answered_at)
        .where(mine, _answered_within(now, days))
        .order_by(Letter.answered_at.desc())
        .limit(SAMPLE)
    )
    figures = summarise((tuple(row) for row in answers), now, days)
    return replace(figures, waiting=counts[0], overdue=counts[1])


def figures_by_coach(now: datetime, days: int = WINDOW_DAYS) -> dict[int | None, ResponseFigures]:
    """Every coach's response figures at ``now`` in two queries, by coach id.

    The key None holds the shared pool (letters no coach has claimed yet). Coaches
    without any letter that counts are left out: use ``ResponseFigures()`` for them.
    The waiting letters are counted in the database; of the answers, each coach's
    latest ``SAMPLE`` are read.
    """
    waiting, overdue = _waiting(now)
    counted = db.session.execute(
        select(Letter.coach_id, func.count(), func.count(case((overdue, 1))))
        .where(waiting)
        .group_by(Letter.coach_id)
    )
    counts = {coach_id: (number, late) for coach_id, number, late in counted}
    latest = (
        select(
            Letter.coach_id,
            Letter.sent_at,
            Letter.due_at,
            Letter.answered_at,
            func.row_number()
            .over(partition_by=Letter.coach_id, order_by=Letter.answered_at.desc())
            .label("n"),
        )
        .where(_answered_within(now, days))
        .subquery()
    )
    grouped: dict[int | None, list[LetterTimes]] = defaultdict(list)
    for row in db.session.execute(select(latest).where(latest.c.n <= SAMPLE)):
        grouped[row.coach_id].append((row.sent_at, row.due_at, row.answered_at))
    result = {}
    for coach_id in grouped.keys() | counts.keys():
        figures = summarise(grouped.get(coach_id, []), now, days)
        number, late = counts.get(coach_id, (0, 0))
        result[coach_id] = replace(figures, waiting=number, overdue=late)
    return result


def duration(value: timedelta | None) -> str:
    """A duration in Dutch words, as precise as is useful: "45 minuten", "2 uur 5 minuten",
    "31 uur", "2 dagen 4 uur". None (no figure) gives a dash."""
    if value is None:
        return "–"
    minutes = max(0, round(value.total_seconds() / 60))
    if minutes == 0:
        return gettext("minder dan een minuut")
    if minutes < 60:
        return ngettext("%(num)d minuut", "%(num)d minuten", minutes)
    if minutes < 6 * 60:
        hours, rest = divmod(minutes, 60)
        text = ngettext("%(num)d uur", "%(num)d uur", hours)
        return text + " " + ngettext("%(num)d minuut", "%(num)d minuten", rest) if rest else text
    hours = (minutes + 30) // 60  # half an hour rounds up
    if hours < 48:
        return ngettext("%(num)d uur", "%(num)d uur", hours)
    days, rest = divmod(hours, 24)
    text = ngettext("%(num)d dag", "%(num)d dagen", days)
    return text + " " + ngettext("%(num)d uur", "%(num)d uur", rest) if rest else text
