"""Response figures: how quickly coaches answer the letters they receive.

``summarise`` is a pure function of letter times and the current time; the
queries beside it fetch just those times, one query whatever the number of
letters or coaches. A coach's own free letters and unsent drafts never count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext, ngettext
from sqlalchemy import or_, select

from .extensions import db
from .models import Letter

WINDOW_DAYS = 30

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


def _letter_times(now: datetime, days: int):
    """The query for (coach_id, sent_at, due_at, answered_at) of the letters that can
    count at ``now``: sent to a coach or the pool, waiting or answered recently."""
    return select(Letter.coach_id, Letter.sent_at, Letter.due_at, Letter.answered_at).where(
        Letter.from_coach.is_(False),
        Letter.sent_at.is_not(None),
        or_(Letter.answered_at.is_(None), Letter.answered_at >= now - timedelta(days=days)),
    )


def figures_for(coach_id: int, now: datetime, days: int = WINDOW_DAYS) -> ResponseFigures:
    """The response figures of one coach at ``now`` (one query)."""
    rows = db.session.execute(_letter_times(now, days).where(Letter.coach_id == coach_id))
    return summarise(((r.sent_at, r.due_at, r.answered_at) for r in rows), now, days)


def figures_by_coach(now: datetime, days: int = WINDOW_DAYS) -> dict[int | None, ResponseFigures]:
    """Every coach's response figures at ``now`` in one query, by coach id.

    The key None holds the shared pool (letters no coach has claimed yet). Coaches
    without any letter that counts are left out: use ``ResponseFigures()`` for them.
    """
    grouped: dict[int | None, list[LetterTimes]] = defaultdict(list)
    for row in db.session.execute(_letter_times(now, days)):
        grouped[row.coach_id].append((row.sent_at, row.due_at, row.answered_at))
    return {coach_id: summarise(times, now, days) for coach_id, times in grouped.items()}


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
