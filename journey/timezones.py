"""Time zones: the one place where stored UTC times and a person's local times meet.

Journey stores every time as aware UTC. A time someone types (an absence from 10:00)
is local to them and becomes UTC here; days end at local midnight here. Pages show
times through ``web.datetime_filter``, which gives Babel the same ``zoneinfo`` zone
(``web.user_zone``). Never attach a zone to a naive time by hand with pytz: its
zones attached that way use the oldest offset (Amsterdam's +0:18 of 1835).
"""

from __future__ import annotations

import functools
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
