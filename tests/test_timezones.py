"""One time-zone rule: stored UTC, typed and shown in the user's zone (zoneinfo), across
midnight and both daylight-saving changes; typed times out of range are refused."""

from __future__ import annotations

import html
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from journey import timezones
from journey.extensions import db
from journey.models import Absence, Letter
from journey.web import datetime_filter

from .conftest import a_place_letter, login

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (datetime(2026, 1, 15, 10, 0), utc(2026, 1, 15, 9, 0)),  # winter: +1
        (datetime(2026, 7, 15, 10, 0), utc(2026, 7, 15, 8, 0)),  # summer: +2
        (datetime(2026, 3, 29, 1, 59), utc(2026, 3, 29, 0, 59)),  # just before summer time
        (datetime(2026, 3, 29, 3, 0), utc(2026, 3, 29, 1, 0)),  # just after it began
        (datetime(2026, 3, 29, 2, 30), utc(2026, 3, 29, 1, 30)),  # the skipped hour
        (datetime(2026, 10, 25, 2, 30), utc(2026, 10, 25, 0, 30)),  # the doubled hour: first
        (datetime(2026, 10, 25, 3, 0), utc(2026, 10, 25, 2, 0)),  # winter time again
        (datetime(2026, 12, 31, 23, 59), utc(2026, 12, 31, 22, 59)),  # before midnight
    ],
)
def test_a_typed_local_time_becomes_utc(typed, stored):
    assert timezones.from_local(typed, AMSTERDAM) == stored


@pytest.mark.parametrize("year", [1, 1835, 1999, 2200, 9999])
def test_typed_times_far_out_are_refused(year):
    with pytest.raises(timezones.OutOfRange):
        timezones.from_local(datetime(year, 12, 31, 23, 59), AMSTERDAM)


@pytest.mark.parametrize(
    ("moment", "day_end", "hours_long"),
    [
        (utc(2026, 3, 2, 9, 0), utc(2026, 3, 2, 23, 0), 24),
        (utc(2026, 3, 2, 22, 59), utc(2026, 3, 2, 23, 0), 24),  # 23:59 local: 1 minute left
        (utc(2026, 3, 2, 23, 0), utc(2026, 3, 3, 23, 0), 24),  # local midnight: a new day
        (utc(2026, 3, 29, 10, 0), utc(2026, 3, 29, 22, 0), 23),  # summer time begins
        (utc(2026, 10, 25, 10, 0), utc(2026, 10, 25, 23, 0), 25),  # summer time ends
        (utc(2026, 7, 1, 21, 59), utc(2026, 7, 1, 22, 0), 24),  # summer, 23:59 local
    ],
)
def test_the_day_ends_at_local_midnight(moment, day_end, hours_long):
    assert timezones.end_of_day(moment, AMSTERDAM) == day_end
    start = timezones.end_of_day(day_end - timedelta(days=1, hours=2), AMSTERDAM)
    assert day_end - start == timedelta(hours=hours_long)


def test_times_are_shown_in_the_users_zone(app):
    with app.test_request_context():
        assert datetime_filter(utc(2026, 1, 15, 9, 0), "d MMM HH:mm") == "15 jan 10:00"
        assert datetime_filter(utc(2026, 7, 15, 8, 0), "d MMM HH:mm") == "15 jul 10:00"
        assert datetime_filter(utc(2026, 12, 31, 23, 30), "d MMM y HH:mm") == "1 jan 2027 00:30"


def test_an_unknown_time_zone_stops_the_app_with_its_name(database_url):
    from journey import create_app

    with pytest.raises(RuntimeError, match="JOURNEY_TIME_ZONE: unknown time zone 'Mars/Olympus'"):
        create_app({"TESTING": True, "DATABASE_URL": database_url, "TIME_ZONE": "Mars/Olympus"})


def plan_absence(client, starts: str, ends: str):
    return client.post(
        "/inbox/settings",
        data={
            "absence-starts_at": starts,
            "absence-ends_at": ends,
            "absence-substitute": "0",
            "absence-submit": "",
        },
    )


def absences(app) -> list[tuple[datetime, datetime]]:
    with app.app_context():
        rows = db.session.scalars(db.select(Absence).order_by(Absence.id))
        return [(a.starts_at, a.ends_at) for a in rows]


def test_an_absence_typed_in_winter_and_in_summer_is_stored_in_utc(app, client, coach, clock):
    clock.now = utc(2026, 1, 10, 9, 0)
    login(client, coach)
    assert plan_absence(client, "2026-01-15T10:00", "2026-01-16T10:00").status_code == 302
    assert plan_absence(client, "2026-07-15T10:00", "2026-07-16T10:00").status_code == 302
    assert absences(app) == [
        (utc(2026, 1, 15, 9, 0), utc(2026, 1, 16, 9, 0)),
        (utc(2026, 7, 15, 8, 0), utc(2026, 7, 16, 8, 0)),
    ]
    page = client.get("/inbox/settings").get_data(as_text=True)
    assert "15 jan 2026 10:00" in page and "15 jul 2026 10:00" in page


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [
        ("9999-12-31T22:00", "9999-12-31T23:59", "kies een datum in de komende twee jaar"),
        ("0001-01-01T00:00", "0001-01-02T00:00", "kies een datum in de komende twee jaar"),
        ("2026-03-02T08:00", "2031-03-02T08:00", "kies een datum in de komende twee jaar"),
        ("2025-01-01T08:00", "2025-01-02T08:00", "Deze afwezigheid is al voorbij"),
    ],
)
def test_an_absence_out_of_range_is_refused_and_the_page_still_works(
    app, client, coach, starts, ends, message
):
    login(client, coach)
    response = plan_absence(client, starts, ends)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert message in page and starts in page and ends in page  # what was typed stays
    assert absences(app) == []
    assert client.get("/inbox/settings").status_code == 200


def test_due_today_ends_at_local_midnight_across_midnight_and_daylight_saving(
    app, client, make_user, coach, clock
):
    coachee = make_user("Reiziger", coach=coach)
    for now, last_minute in [
        (utc(2026, 3, 2, 9, 0), utc(2026, 3, 2, 22, 59)),  # winter
        (utc(2026, 3, 29, 9, 0), utc(2026, 3, 29, 21, 59)),  # the day summer time begins
        (utc(2026, 10, 25, 9, 0), utc(2026, 10, 25, 22, 59)),  # the day it ends
    ]:
        clock.now = now
        today = a_place_letter(app, coachee, clock, answer="Vandaag.")
        tomorrow = a_place_letter(app, coachee, clock, answer="Morgen.")
        with app.app_context():
            db.session.get(Letter, today).due_at = last_minute
            db.session.get(Letter, tomorrow).due_at = last_minute + timedelta(minutes=2)
            db.session.commit()
        login(client, coach)
        page = client.get("/inbox/?filter=today").get_data(as_text=True)
        assert f"/inbox/letters/{today}" in page, now
        assert f"/inbox/letters/{tomorrow}" not in page, now
        client.post("/logout")
        with app.app_context():  # answered: out of the next round's inbox
            for letter_id in (today, tomorrow):
                db.session.get(Letter, letter_id).answered_at = now
            db.session.commit()


AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NIGHT = (time(22, 0), time(8, 0))


@pytest.mark.parametrize(
    ("moment", "quiet_until"),
    [
        # 21:59 local (UTC+1): not quiet yet
        (datetime(2026, 3, 2, 20, 59, tzinfo=UTC), None),
        # 22:00 local: quiet until 08:00 local the next morning (07:00 UTC)
        (datetime(2026, 3, 2, 21, 0, tzinfo=UTC), datetime(2026, 3, 3, 7, 0, tzinfo=UTC)),
        # 00:30 local, after midnight: until 08:00 the same local day
        (datetime(2026, 3, 2, 23, 30, tzinfo=UTC), datetime(2026, 3, 3, 7, 0, tzinfo=UTC)),
        # 08:00 local: no longer quiet
        (datetime(2026, 3, 3, 7, 0, tzinfo=UTC), None),
        # the night summer time starts (29 March, 02:00 -> 03:00): 08:00 CEST is 06:00 UTC
        (datetime(2026, 3, 28, 22, 30, tzinfo=UTC), datetime(2026, 3, 29, 6, 0, tzinfo=UTC)),
        # the night it ends (25 October, 03:00 -> 02:00): 08:00 CET is 07:00 UTC
        (datetime(2026, 10, 24, 21, 0, tzinfo=UTC), datetime(2026, 10, 25, 7, 0, tzinfo=UTC)),
    ],
)
def test_quiet_hours_end_at_the_local_morning_across_midnight_and_clock_changes(
    moment, quiet_until
):
    assert timezones.quiet_end(moment, AMSTERDAM, *NIGHT) == quiet_until


def test_quiet_hours_within_one_day_and_none_at_all():
    lunch = (time(12, 0), time(13, 0))
    assert timezones.quiet_end(datetime(2026, 3, 2, 11, 30, tzinfo=UTC), AMSTERDAM, *lunch) == (
        datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    )
    assert timezones.quiet_end(datetime(2026, 3, 2, 12, 30, tzinfo=UTC), AMSTERDAM, *lunch) is None
    never = (time(0, 0), time(0, 0))
    assert timezones.quiet_end(datetime(2026, 3, 2, 23, 0, tzinfo=UTC), AMSTERDAM, *never) is None


@pytest.mark.parametrize(
    "text", ["22-08", "22:00", "22:00-8", "x-y", "22:00:30-08:00", "25:00-08:00"]
)
def test_quiet_hours_setting_must_be_two_times(text, another_app, database_url):
    with pytest.raises(ValueError, match="not two times"):
        timezones.parse_hours(text)
    with pytest.raises(RuntimeError, match="JOURNEY_QUIET_HOURS"):
        another_app({"DATABASE_URL": database_url, "QUIET_HOURS": text})
