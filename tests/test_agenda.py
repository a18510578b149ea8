"""The agenda: a coach publishes time for live sessions (once or weekly, in their own
zone), a coachee books, moves or cancels it up to a set time before, absences block
slots, and both download the appointment as an iCalendar file that reads back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from journey import agenda
from journey.extensions import db
from journey.models import Absence, Appointment, Notice, NoticeKind, User

from .conftest import login

AMSTERDAM, NEW_YORK = "Europe/Amsterdam", "America/New_York"
# Tuesday 16 March 2027: New York is on summer time since the 14th, Amsterdam changes on
# the 28th. A weekly Tuesday 10:00 in Amsterdam is 09:00 UTC before, 08:00 UTC after.
FIRST_TUESDAY = date(2027, 3, 16)


@pytest.fixture
def coach_in_amsterdam(make_user):
    from journey.models import Role

    return make_user("Coach Anna", Role.COACH, time_zone=AMSTERDAM)


@pytest.fixture
def coachee(make_user, coach_in_amsterdam):
    return make_user("Reiziger", coach=coach_in_amsterdam, time_zone=NEW_YORK)


@pytest.fixture
def march(clock):
    clock.now = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
    return clock


def publish_weekly(app, coach, clock, **extra):
    with app.app_context():
        user = db.session.get(User, coach.id)
        availability = agenda.publish(
            user,
            starts_on=extra.get("starts_on", FIRST_TUESDAY),
            minute=extra.get("minute", 10 * 60),
            minutes=extra.get("minutes", 60),
            weekly=extra.get("weekly", True),
            until=extra.get("until", date(2027, 4, 6)),
            zone_name=AMSTERDAM,
            now=clock(),
        )
        db.session.commit()
        return availability.id


def free_slots(app, coach, clock) -> list[agenda.Slot]:
    with app.app_context():
        return agenda.slots(db.session.get(User, coach.id), clock())


def test_a_weekly_time_stays_at_the_coachs_clock_across_daylight_saving(
    app, coach_in_amsterdam, march
):
    publish_weekly(app, coach_in_amsterdam, march)
    starts = [slot.starts_at for slot in free_slots(app, coach_in_amsterdam, march)]
    assert starts == [
        datetime(2027, 3, 16, 9, 0, tzinfo=UTC),
        datetime(2027, 3, 23, 9, 0, tzinfo=UTC),
        datetime(2027, 3, 30, 8, 0, tzinfo=UTC),  # summer time in Amsterdam
        datetime(2027, 4, 6, 8, 0, tzinfo=UTC),  # the last week ("until" counts)
    ]


def test_the_coachee_sees_the_slots_in_their_own_zone_and_books_one(
    app, client, coach_in_amsterdam, coachee, march
):
    publish_weekly(app, coach_in_amsterdam, march)
    login(client, coachee)
    page = client.get("/agenda/").get_data(as_text=True)
    # 10:00 in Amsterdam is 05:00 in New York, and 04:00 once Amsterdam is on summer time
    # too (New York changed two weeks earlier).
    assert "05:00–06:00" in page and "04:00–05:00" in page
    key = free_slots(app, coach_in_amsterdam, march)[0].key
    booked = client.post("/agenda/book", data={"slot": key})
    assert booked.status_code == 302
    with app.app_context():
        appointment = db.session.scalars(sa.select(Appointment)).one()
        assert appointment.coachee_id == coachee.id
        assert appointment.starts_at == datetime(2027, 3, 16, 9, 0, tzinfo=UTC)
        assert appointment.chat is not None
        told = db.session.scalars(sa.select(Notice).where(Notice.user_id == coach_in_amsterdam.id))
        assert [n.kind for n in told] == [NoticeKind.APPOINTMENT_BOOKED]
    assert len(free_slots(app, coach_in_amsterdam, march)) == 3  # the booked one is gone
    page = client.get(booked.headers["Location"]).get_data(as_text=True)
    assert "dinsdag 16 maart om 05:00" in page


def test_a_booked_slot_cannot_be_booked_twice(app, client, make_user, coach_in_amsterdam, march):
    publish_weekly(app, coach_in_amsterdam, march)
    first = make_user("Eerste", coach=coach_in_amsterdam)
    second = make_user("Tweede", coach=coach_in_amsterdam)
    key = free_slots(app, coach_in_amsterdam, march)[0].key
    login(client, first)
    assert client.post("/agenda/book", data={"slot": key}).status_code == 302
    client.post("/logout")
    login(client, second)
    refused = client.post("/agenda/book", data={"slot": key}, follow_redirects=True)
    assert "net door iemand anders geboekt" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Appointment)) == 1


def book(app, coachee, coach, clock, index=0) -> int:
    with app.app_context():
        key = agenda.slots(db.session.get(User, coach.id), clock())[index].key
        appointment = agenda.book(db.session.get(User, coachee.id), key, clock())
        db.session.commit()
        return appointment.id


def test_moving_and_cancelling_work_until_the_limit_before_the_start(
    app, client, coach_in_amsterdam, coachee, march
):
    publish_weekly(app, coach_in_amsterdam, march)
    appointment_id = book(app, coachee, coach_in_amsterdam, march)
    slots = free_slots(app, coach_in_amsterdam, march)
    login(client, coachee)
    moved = client.post(f"/agenda/appointments/{appointment_id}/move", data={"slot": slots[0].key})
    assert moved.status_code == 302
    with app.app_context():
        appointment = db.session.get(Appointment, appointment_id)
        assert appointment.starts_at == datetime(2027, 3, 23, 9, 0, tzinfo=UTC)
        assert appointment.sequence == 1
        kinds = db.session.scalars(
            sa.select(Notice.kind).where(Notice.user_id == coach_in_amsterdam.id)
        ).all()
        assert NoticeKind.APPOINTMENT_CHANGED in kinds

    # 23 hours before the start: too late for the coachee to move or cancel.
    march.now = datetime(2027, 3, 22, 10, 0, tzinfo=UTC)
    client.post("/logout")
    login(client, coachee)  # days later: a new session
    later = free_slots(app, coach_in_amsterdam, march)[-1].key
    refused = client.post(
        f"/agenda/appointments/{appointment_id}/move", data={"slot": later}, follow_redirects=True
    )
    assert "kan niet meer verzet of afgezegd worden" in refused.get_data(as_text=True)
    refused = client.post(f"/agenda/appointments/{appointment_id}/cancel", follow_redirects=True)
    assert "kan tot 24 uur van tevoren" in refused.get_data(as_text=True)
    with app.app_context():
        appointment = db.session.get(Appointment, appointment_id)
        assert appointment.cancelled_at is None
        assert appointment.starts_at == datetime(2027, 3, 23, 9, 0, tzinfo=UTC)

    # 25 hours before: the coachee may still cancel.
    march.now = datetime(2027, 3, 22, 8, 0, tzinfo=UTC)
    client.post("/logout")
    login(client, coachee)
    assert client.post(f"/agenda/appointments/{appointment_id}/cancel").status_code == 302
    with app.app_context():
        assert db.session.get(Appointment, appointment_id).cancelled_at == march.now
    assert datetime(2027, 3, 23, 9, 0, tzinfo=UTC) in [
        s.starts_at for s in free_slots(app, coach_in_amsterdam, march)
    ]  # the slot is free again


def test_the_coach_may_cancel_late(app, client, coach_in_amsterdam, coachee, march):
    publish_weekly(app, coach_in_amsterdam, march)
    appointment_id = book(app, coachee, coach_in_amsterdam, march)
    march.now = datetime(2027, 3, 16, 8, 30, tzinfo=UTC)  # half an hour before
    login(client, coach_in_amsterdam)
    assert client.post(f"/agenda/appointments/{appointment_id}/cancel").status_code == 302
    with app.app_context():
        assert db.session.get(Appointment, appointment_id).cancelled_at is not None
        kinds = db.session.scalars(sa.select(Notice.kind).where(Notice.user_id == coachee.id))
        assert list(kinds) == [NoticeKind.APPOINTMENT_CHANGED]


def test_a_cancel_limit_of_the_organisation_is_honoured(
    app, client, coach_in_amsterdam, coachee, march
):
    app.config["CANCEL_HOURS"] = 72
    publish_weekly(app, coach_in_amsterdam, march)
    appointment_id = book(app, coachee, coach_in_amsterdam, march)
    march.now = datetime(2027, 3, 13, 12, 0, tzinfo=UTC)  # 69 hours before
    login(client, coachee)
    refused = client.post(f"/agenda/appointments/{appointment_id}/cancel", follow_redirects=True)
    assert "kan tot 72 uur van tevoren" in refused.get_data(as_text=True)


def test_an_absence_blocks_the_slots_it_covers(app, coach_in_amsterdam, march):
    publish_weekly(app, coach_in_amsterdam, march)
    with app.app_context():
        db.session.add(
            Absence(
                coach_id=coach_in_amsterdam.id,
                starts_at=datetime(2027, 3, 22, 0, 0, tzinfo=UTC),
                ends_at=datetime(2027, 3, 23, 9, 30, tzinfo=UTC),  # into the session
            )
        )
        db.session.commit()
    starts = [slot.starts_at for slot in free_slots(app, coach_in_amsterdam, march)]
    assert datetime(2027, 3, 23, 9, 0, tzinfo=UTC) not in starts
    assert datetime(2027, 3, 16, 9, 0, tzinfo=UTC) in starts


def test_a_single_time_across_local_midnight_and_past_slots(app, coach_in_amsterdam, march):
    # 23:30 for 60 minutes in Amsterdam on 20 March: 22:30 to 23:30 UTC.
    publish_weekly(
        app,
        coach_in_amsterdam,
        march,
        starts_on=date(2027, 3, 20),
        minute=23 * 60 + 30,
        weekly=False,
        until=None,
    )
    (slot,) = free_slots(app, coach_in_amsterdam, march)
    assert (slot.starts_at, slot.ends_at) == (
        datetime(2027, 3, 20, 22, 30, tzinfo=UTC),
        datetime(2027, 3, 20, 23, 30, tzinfo=UTC),
    )
    march.now = datetime(2027, 3, 20, 22, 31, tzinfo=UTC)  # begun: no longer bookable
    assert free_slots(app, coach_in_amsterdam, march) == []


def test_the_icalendar_file_reads_back(app, client, coach_in_amsterdam, coachee, march):
    publish_weekly(app, coach_in_amsterdam, march)
    appointment_id = book(app, coachee, coach_in_amsterdam, march)
    login(client, coach_in_amsterdam)
    client.post(
        f"/agenda/appointments/{appointment_id}/link",
        data={"video_link": "https://video.example.org/kamer-7"},
    )
    response = client.get(f"/agenda/appointments/{appointment_id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    (event,) = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2027, 3, 16, 9, 0, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2027, 3, 16, 10, 0, tzinfo=UTC)
    assert str(event["summary"]) == "Chatgesprek met Reiziger"
    assert "https://video.example.org/kamer-7" in str(event["description"])
    assert str(event["status"]) == "CONFIRMED"
    with app.app_context():
        uid = db.session.get(Appointment, appointment_id).uid
    assert str(event["uid"]) == uid

    client.post(f"/agenda/appointments/{appointment_id}/cancel")
    (event,) = icalendar.Calendar.from_ical(
        client.get(f"/agenda/appointments/{appointment_id}.ics").data
    ).walk("VEVENT")
    assert str(event["status"]) == "CANCELLED" and int(event["sequence"]) == 1


def test_the_video_link_and_the_appointment_are_the_two_of_them_only(
    app, client, make_user, coach_in_amsterdam, coachee, march
):
    from journey.models import Role

    publish_weekly(app, coach_in_amsterdam, march)
    appointment_id = book(app, coachee, coach_in_amsterdam, march)
    with app.app_context():
        db.session.get(Appointment, appointment_id).video_link = "https://video.example.org/x"
        db.session.commit()
    login(client, coachee)
    assert "https://video.example.org/x" in client.get(
        f"/agenda/appointments/{appointment_id}"
    ).get_data(as_text=True)
    client.post("/logout")
    for other in (make_user("Ander", coach=coach_in_amsterdam), make_user("Bert", Role.COACH)):
        login(client, other)
        assert client.get(f"/agenda/appointments/{appointment_id}").status_code == 404
        assert client.get(f"/agenda/appointments/{appointment_id}.ics").status_code == 404
        assert client.post(f"/agenda/appointments/{appointment_id}/cancel").status_code == 404
        client.post("/logout")


def test_a_refused_publication_keeps_what_was_typed(app, client, coach_in_amsterdam, march):
    login(client, coach_in_amsterdam)
    refused = client.post(
        "/agenda/availability",
        data={"starts_on": "2027-03-01", "starts_at": "10:15", "minutes": "45", "weekly": "y"},
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Die datum is al voorbij" in page
    assert 'value="2027-03-01"' in page and 'value="10:15"' in page
    assert '<option selected value="45">' in page
    ok = client.post(
        "/agenda/availability",
        data={"starts_on": "2027-03-16", "starts_at": "10:15", "minutes": "45", "weekly": "y"},
        follow_redirects=True,
    )
    assert "Elke dinsdag om 10:15, 45 minuten" in ok.get_data(as_text=True)


def test_a_video_link_must_be_a_web_address(app, client, coach_in_amsterdam, coachee, march):
    publish_weekly(app, coach_in_amsterdam, march)
    appointment_id = book(app, coachee, coach_in_amsterdam, march)
    login(client, coach_in_amsterdam)
    refused = client.post(
        f"/agenda/appointments/{appointment_id}/link", data={"video_link": "javascript:alert(1)"}
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Een link begint met https://" in page and "javascript:alert(1)" in page


def test_slots_only_reach_the_weeks_ahead(app, coach_in_amsterdam, march):
    publish_weekly(app, coach_in_amsterdam, march, until=None)
    slots = free_slots(app, coach_in_amsterdam, march)
    assert len(slots) == agenda.WEEKS_AHEAD
    assert all(s.starts_at < march.now + timedelta(weeks=agenda.WEEKS_AHEAD) for s in slots)
