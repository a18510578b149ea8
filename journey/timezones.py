"""Time zones: the one place where stored UTC times and a person's local times meet.

Journey stores every time as aware UTC. A time someone types (an absence from 10:00)
is local to them and becomes UTC here; days end at local midnight here. Pages show
times through ``web.datetime_filter``, which gives Babel the same ``zoneinfo`` zone
(``web.user_zone``). Never attach a zone to a naive time by hand with pytz: its
zones attached that way use the oldest offset (Amsterdam's +0:18 of 1835).
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Typed times outside these years are refused: nothing in Journey is planned that far
# back or ahead, and near the ends of the calendar a conversion would overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2199


class OutOfRange(ValueError):
    """A typed time lies outside ``FIRST_YEAR`` to ``LAST_YEAR``."""


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The time zone called ``name`` (``Europe/Amsterdam``); ValueError when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        message = f"unknown time zone {name!r} (use an IANA name such as Europe/Amsterdam)"
        raise ValueError(message) from None


def to_local(moment: datetime, where: ZoneInfo) -> datetime:
    """The aware UTC ``moment`` as a local time in ``where`` (aware)."""
    return moment.astimezone(where)


def local_date(moment: datetime, where: ZoneInfo) -> date:
    """The calendar day it is in ``where`` at ``moment``."""
    return to_local(moment, where).date()


def from_local(local: datetime, where: ZoneInfo) -> datetime:
    """The naive local time ``local`` in ``where``, as aware UTC.

    A time that does not exist (the hour skipped when summer time starts) is read with
    the offset before the change, so 02:30 becomes 03:30 summer time; a time that
    exists twice (when summer time ends) is the first of the two. Raises OutOfRange
    for a year outside ``FIRST_YEAR`` to ``LAST_YEAR``.
    """
    if not FIRST_YEAR <= local.year <= LAST_YEAR:
        raise OutOfRange(local)
    return local.replace(tzinfo=where, fold=0).astimezone(UTC)


def end_of_day(moment: datetime, where: ZoneInfo) -> datetime:
    """When the local day of ``moment`` ends in ``where`` (the next local midnight), as UTC.

    Days are 23 or 25 hours long when daylight saving starts or ends.
    """
    tomorrow = local_date(moment, where) + timedelta(days=1)
    return datetime.combine(tomorrow, time(), tzinfo=where).astimezone(UTC)


def quiet_end(moment: datetime, where: ZoneInfo, start: time, end: time) -> datetime | None:
    """When the quiet hours ``start``–``end`` (local times in ``where``; across midnight
    when ``start`` is later than ``end``) that hold ``moment`` end, as UTC; None when
    ``moment`` lies outside them, or ``start == end`` (no quiet hours).

    On the day the clocks change the end is still the local time ``end`` (an hour that
    does not exist that day is read as in ``from_local``)."""
    if start == end:
        return None
    local = to_local(moment, where)
    now = local.time()  # the wall-clock time, without its zone
    if start < end:
        inside, end_day = start <= now < end, local.date()
    elif now >= start:
        inside, end_day = True, local.date() + timedelta(days=1)
    else:
        inside, end_day = now < end, local.date()
    if not inside:
        return None
    return from_local(datetime.combine(end_day, end), where)


def parse_hours(text: str) -> tuple[time, time]:
    """``"22:00-08:00"`` as (start, end); ValueError when it is not two HH:MM times."""
    found = re.fullmatch(r"\s*(\d\d):(\d\d)\s*-\s*(\d\d):(\d\d)\s*", text)
    try:
        if not found:
            raise ValueError
        hours = [int(part) for part in found.groups()]
        return time(hours[0], hours[1]), time(hours[2], hours[3])
    except ValueError:
        raise ValueError(f"not two times such as 22:00-08:00: {text!r}") from None


def minutes(moment: time) -> int:
    """A time of day as minutes after midnight (how users.quiet_start/end store it)."""
    return moment.hour * 60 + moment.minute


def at_minutes(count: int) -> time:
    return time(count // 60, count % 60)
