"""Reading requests read a snapshot and never wait for SQLite's write lock; a reading
request that writes must say so first (``database.will_write()``)."""

from __future__ import annotations

import sqlite3
import time

import pytest
from flask import jsonify
from sqlalchemy import text

from journey import database
from journey.extensions import db

from .conftest import a_place_letter, login

pytestmark = pytest.mark.usefixtures("quick_password_hashes")
sqlite_only = pytest.mark.backends("sqlite")  # the write lock is SQLite's


def sqlite_file(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


@sqlite_only
def test_pages_are_read_while_another_request_holds_the_write_lock(
    app, client, make_user, coach, clock
):
    coachee = make_user("Reiziger", coach=coach)
    a_place_letter(app, coachee, clock)
    login(client, coachee)
    writer = sqlite3.connect(sqlite_file(app), isolation_level=None, timeout=10)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a long save holds the lock
        writer.execute("UPDATE users SET failed_logins = failed_logins WHERE id = ?", (coach.id,))
        for url in ("/map", "/letters", "/dossier", "/account"):
            started = time.monotonic()
            response = client.get(url)
            assert response.status_code == 200, url
            assert time.monotonic() - started < 2, f"{url} waited for the write lock"
    finally:
        writer.execute("ROLLBACK")
        writer.close()


@sqlite_only
def test_a_reading_request_that_writes_waits_for_the_lock_and_saves(
    app, client, make_user, coach, clock
):
    """Opening a place for the first time starts a visit: that GET takes the lock."""
    login(client, make_user("Reiziger", coach=coach))
    writer = sqlite3.connect(sqlite_file(app), isolation_level=None, timeout=10)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("ROLLBACK")  # the lock is free again: the GET gets it
    writer.close()
    assert client.get("/places/humor").status_code == 200
    with app.app_context():
        visits = db.session.execute(text("SELECT count(*) FROM visits")).scalar()
    assert visits == 1


def test_a_reading_request_that_writes_without_saying_so_is_refused(app):
    @app.get("/test-writes")
    def writes():
        db.session.execute(text("UPDATE users SET failed_logins = 0"))
        db.session.commit()
        return jsonify(done=True)

    @app.get("/test-says-it-writes")
    def says_it_writes():
        database.will_write()
        db.session.execute(text("UPDATE users SET failed_logins = 0"))
        db.session.commit()
        return jsonify(done=True)

    client = app.test_client()
    with pytest.raises(database.WriteWhileReading, match="GET /test-writes"):
        client.get("/test-writes")
    assert client.get("/test-says-it-writes").json == {"done": True}


def test_a_coach_reading_a_dossier_is_logged_from_a_get(app, client, make_user, coach, clock):
    coachee = make_user("Reiziger", coach=coach)
    a_place_letter(app, coachee, clock)
    login(client, coach)
    assert client.get(f"/dossier/{coachee.id}").status_code == 200
    with app.app_context():
        reads = db.session.execute(text("SELECT what FROM access_log")).scalars().all()
    assert reads == ["dossier-page"]
