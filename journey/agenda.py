"""The agenda: a coach publishes time for live sessions, a coachee books, moves or cancels.

A coach's *availability* is kept in the coach's own clock (a weekly Tuesday 10:00 in
Amsterdam stays 10:00 there when summer time starts); ``slots`` turns it into concrete
UTC *slots* for the weeks ahead, leaving out what has passed, what the coach's absences
cover and what is booked. A booked slot is an *appointment*, with a live chat
(journey/chats.py) for the session itself. A coachee may move or cancel up to
``limit`` (JOURNEY_CANCEL_HOURS, 24 by default) before the start; the coach may cancel
at any time. Each appointment can be downloaded as an iCalendar file.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import icalendar
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from . import notices, timezones
from .extensions import db
from .models import (
    Absence,
    Appointment,
    Availability,
    Chat,
    ChatKind,
    NoticeKind,
    User,
)

MIN_MINUTES, MAX_MINUTES = 15, 240  # the length of a session
WEEKS_AHEAD = 8  # how far ahead slots are offered
MAX_AHEAD = timedelta(days=366)  # how far ahead an availability may start
MAX_LINK_LENGTH = 500
LINK_SCHEMES = ("https://", "http://")


class AgendaError(ValueError):
    """Why an agenda step cannot be taken; ``code`` names it for the page's message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Slot:
    """A bookable stretch of a coach's time, in UTC."""

    availability_id: int
    starts_at: datetime
    ends_at: datetime

    @property
    def key(self) -> str:
        """How a form names the slot: ``<availability id>-<start as a UTC timestamp>``."""
        return f"{self.availability_id}-{int(self.starts_at.timestamp())}"


# --- the coach publishes ------------------------------------------------------------


def availability_problem(
    starts_on: date, minute: int, minutes: int, weekly: bool, until: date | None, today: date
) -> str | None:
    """Why this availability cannot be published (a code), or None."""
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        return "length"
    if not 0 <= minute < 24 * 60:
        return "time"
    if starts_on < today:
        return "past"
    if starts_on > today + MAX_AHEAD:
        return "far"
    if until is not None and (not weekly or until < starts_on):
        return "until"
    return None


def publish(
    coach: User,
    *,
    starts_on: date,
    minute: int,
    minutes: int,
    weekly: bool,
    until: date | None,
    zone_name: str,
    now: datetime,
) -> Availability:
    """Publish time of ``coach``, in their zone ``zone_name``; AgendaError when it cannot be."""
    today = timezones.local_date(now, timezones.zone(zone_name))
    problem = availability_problem(starts_on, minute, minutes, weekly, until, today)
    if problem:
        raise AgendaError(problem)
    availability = Availability(
        coach=coach,
        starts_on=starts_on,
        minute=minute,
        minutes=minutes,
        weekly=weekly,
        until=until if weekly else None,
        time_zone=zone_name,
        created_at=now,
    )
    db.session.add(availability)
    db.session.flush()
    return availability


def availabilities_of(coach: User) -> list[Availability]:
    query = select(Availability).where(Availability.coach_id == coach.id)
    return list(db.session.scalars(query.order_by(Availability.starts_on, Availability.minute)))


def withdraw(availability: Availability) -> None:
    """Take published time back; appointments already booked in it stay."""
    db.session.delete(availability)
    db.session.flush()


# --- slots ----------------------------------------------------------------------------


def _starts(availability: Availability, first: date, last: date) -> list[datetime]:
    """The UTC starts of ``availability`` on the local days ``first`` to ``last``."""
    zone = timezones.zone(availability.time_zone)
    at = timezones.at_minutes(availability.minute)
    if not availability.weekly:
        days = [availability.starts_on] if first <= availability.starts_on <= last else []
    else:
        begin = max(first, availability.starts_on)
        end = min(last, availability.until) if availability.until else last
        offset = (availability.starts_on.weekday() - begin.weekday()) % 7
        days = []
        day = begin + timedelta(days=offset)
        while day <= end:
            days.append(day)
            day += timedelta(days=7)
    return [timezones.from_local(datetime.combine(day, at), zone) for day in days]


def _overlaps(start: datetime, end: datetime, spans) -> bool:
    return any(other_start < end and start < other_end for other_start, other_end in spans)


def slots(coach: User, now: datetime, *, weeks: int = WEEKS_AHEAD) -> list[Slot]:
    """The coach's free slots from ``now`` for ``weeks`` weeks, soonest first: published,
    not begun, not in an absence, not overlapping a booked appointment."""
    horizon = now + timedelta(weeks=weeks)
    absences = db.session.execute(
        select(Absence.starts_at, Absence.ends_at).where(
            Absence.coach_id == coach.id, Absence.ends_at > now, Absence.starts_at < horizon
        )
    ).all()
    booked = db.session.execute(
        select(Appointment.starts_at, Appointment.ends_at).where(
            Appointment.coach_id == coach.id,
            Appointment.cancelled_at.is_(None),
            Appointment.ends_at > now,
        )
    ).all()
    found: dict[datetime, Slot] = {}
    for availability in availabilities_of(coach):
        zone = timezones.zone(availability.time_zone)
        first = timezones.local_date(now, zone) - timedelta(days=1)
        last = timezones.local_date(horizon, zone)
        for start in _starts(availability, first, last):
            end = start + timedelta(minutes=availability.minutes)
            if start <= now or start >= horizon or start in found:
                continue
            if _overlaps(start, end, absences) or _overlaps(start, end, booked):
                continue
            found[start] = Slot(availability.id, start, end)
    return sorted(found.values(), key=lambda slot: slot.starts_at)


def find_slot(coach: User, key: str, now: datetime) -> Slot | None:
    """The free slot a form named ``key`` (see ``Slot.key``), if it is still free."""
    return next((slot for slot in slots(coach, now) if slot.key == key), None)


# --- the coachee books, moves, cancels ----------------------------------------------


def may_change(appointment: Appointment, user: User, now: datetime, limit: timedelta) -> bool:
    """Whether ``user`` may still move or cancel: the coach always before the end, the
    coachee up to ``limit`` before the start."""
    if appointment.is_cancelled or appointment.ends_at <= now:
        return False
    if user.id == appointment.coach_id:
        return True
    return user.id == appointment.coachee_id and now <= appointment.starts_at - limit


def book(coachee: User, key: str, now: datetime) -> Appointment:
    """Book the free slot ``key`` of the coachee's coach: an appointment with its live
    chat, and a notice to the coach. AgendaError ``no_coach``, ``closed`` or ``taken``."""
    coach = coachee.coach
    if coach is None:
        raise AgendaError("no_coach")
    if coachee.is_closed:
        raise AgendaError("closed")
    slot = find_slot(coach, key, now)
    if slot is None:
        raise AgendaError("taken")
    chat = Chat(kind=ChatKind.LIVE, coach=coach, coachee=coachee, created_at=now)
    appointment = Appointment(
        coach=coach,
        coachee=coachee,
        availability_id=slot.availability_id,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        uid=f"{uuid.uuid4()}@journey",
        created_at=now,
        chat=chat,
    )
    _save(appointment)
    notices.record(coach, NoticeKind.APPOINTMENT_BOOKED, now, appointment=appointment)
    return appointment


def _save(appointment: Appointment) -> None:
    """Flush, turning a lost race for the slot (the unique index) into ``taken``."""
    db.session.add(appointment)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise AgendaError("taken") from None


def move(appointment: Appointment, by: User, key: str, now: datetime, limit: timedelta) -> None:
    """Move the appointment to the free slot ``key``; the other is told."""
    if not may_change(appointment, by, now, limit):
        raise AgendaError("too_late")
    slot = find_slot(appointment.coach, key, now)
    if slot is None:
        raise AgendaError("taken")
    appointment.starts_at, appointment.ends_at = slot.starts_at, slot.ends_at
    appointment.availability_id = slot.availability_id
    appointment.sequence += 1
    _save(appointment)
    notices.record(
        _other(appointment, by), NoticeKind.APPOINTMENT_CHANGED, now, appointment=appointment
    )


def cancel(appointment: Appointment, by: User, now: datetime, limit: timedelta) -> None:
    """Cancel the appointment (its slot is free again); the other is told."""
    if not may_change(appointment, by, now, limit):
        raise AgendaError("too_late")
    appointment.cancelled_at = now
    appointment.cancelled_by_id = by.id
    appointment.sequence += 1
    db.session.flush()
    notices.record(
        _other(appointment, by), NoticeKind.APPOINTMENT_CHANGED, now, appointment=appointment
    )


def _other(appointment: Appointment, user: User) -> User:
    return appointment.coachee if user.id == appointment.coach_id else appointment.coach


def link_problem(link: str) -> str | None:
    """Why ``link`` cannot be an appointment's video or phone link (a code), or None."""
    if not link:
        return None
    if len(link) > MAX_LINK_LENGTH:
        return "link_long"
    if not link.startswith(LINK_SCHEMES) or any(char.isspace() for char in link):
        return "link"
    return None


def set_link(appointment: Appointment, link: str) -> None:
    link = link.strip()
    problem = link_problem(link)
    if problem:
        raise AgendaError(problem)
    appointment.video_link = link


# --- reading ----------------------------------------------------------------------------


def appointments_of(user: User, now: datetime, *, past: bool = False) -> list[Appointment]:
    """The user's appointments (as coach or coachee), coming ones soonest first, or
    (``past``) ended and cancelled ones newest first."""
    query = select(Appointment).options(
        joinedload(Appointment.coach), joinedload(Appointment.coachee), joinedload(Appointment.chat)
    )
    query = query.where((Appointment.coach_id == user.id) | (Appointment.coachee_id == user.id))
    if past:
        query = query.where(
            (Appointment.ends_at <= now) | Appointment.cancelled_at.is_not(None)
        ).order_by(Appointment.starts_at.desc())
        return list(db.session.scalars(query.limit(50)))
    query = query.where(Appointment.ends_at > now, Appointment.cancelled_at.is_(None))
    return list(db.session.scalars(query.order_by(Appointment.starts_at)))


def all_of(coachee: User) -> list[Appointment]:
    """Every appointment the coachee booked, oldest first (for their data archive)."""
    query = select(Appointment).where(Appointment.coachee_id == coachee.id)
    query = query.options(joinedload(Appointment.coach)).order_by(Appointment.starts_at)
    return list(db.session.scalars(query))


def appointment_for(user: User, appointment_id: int) -> Appointment | None:
    """The appointment ``appointment_id`` if ``user`` is its coach or coachee, else None."""
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or user.id not in (appointment.coach_id, appointment.coachee_id):
        return None
    return appointment


# --- iCalendar ------------------------------------------------------------------------


def ics(appointment: Appointment, summary: str, description: str, url: str, now: datetime) -> bytes:
    """The appointment as an iCalendar file (one event; cancelled ones say so)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Journey//agenda//NL")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", appointment.uid)
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", appointment.starts_at.astimezone(UTC))
    event.add("dtend", appointment.ends_at.astimezone(UTC))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("status", "CANCELLED" if appointment.is_cancelled else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
