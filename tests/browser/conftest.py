"""Fixtures for the real-browser tests: a live Journey server and Debian's Chromium.

The server is the real app (CSRF and two-factor on) on a fresh, migrated SQLite
database, served on a free loopback port by werkzeug in a daemon thread. Its clock
is the real one, which a test may move forward (``live_server.clock.advance``) to
let a session go idle. The browser is started once per module; every test gets its
own context and page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import flask_migrate
import pyotp
import pytest
from flask import Flask
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from journey import accounts, create_app
from journey.accounts import create_account
from journey.extensions import db
from journey.models import Answer, Role, User

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "een-lang-genoeg-wachtwoord"


class ServerClock:
    """The server's clock: the real time, plus however far a test moved it forward."""

    def __init__(self) -> None:
        self.ahead = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.ahead

    def advance(self, **delta: float) -> None:
        self.ahead += timedelta(**delta)


@dataclass
class LiveServer:
    """A running Journey app: its base URL and a few helpers that use its database."""

    app: Flask
    url: str
    clock: ServerClock
    secrets: dict[str, str] = field(default_factory=dict)  # pseudonym -> TOTP secret

    def create_coachee(self, pseudonym: str) -> int:
        """A new coachee with ``PASSWORD``; returns the user's id."""
        return self.create_user(pseudonym, Role.COACHEE)

    def create_user(self, pseudonym: str, role: Role, *, coach_id: int | None = None) -> int:
        """A new account with ``PASSWORD``; staff who must use two-factor get an
        authenticator app (its secret in ``secrets``). Returns the user's id."""
        with self.app.app_context():
            coach = db.session.get(User, coach_id) if coach_id else None
            user = create_account(pseudonym, PASSWORD, role, self.clock(), coach=coach)
            if role in self.app.config["TWO_FACTOR_REQUIRED_ROLES"]:
                self.secrets[pseudonym] = accounts.new_totp_secret()
                accounts.enable_two_factor(user, self.secrets[pseudonym])
            db.session.commit()
            user_id = user.id
            db.session.remove()
        return user_id

    def code_for(self, pseudonym: str) -> str:
        """A code of ``pseudonym``'s authenticator app that the server has not accepted yet
        (a code is good once: the next step's code when this one was used)."""
        with self.app.app_context():
            last = db.session.scalars(
                db.select(User.totp_last_step).where(User.pseudonym == pseudonym)
            ).one()
            db.session.remove()
        step = int(self.clock().timestamp()) // accounts.TOTP_STEP_SECONDS
        if last is not None and last >= step - accounts.TOTP_WINDOW:
            step = last + 1
        assert step <= int(self.clock().timestamp()) // accounts.TOTP_STEP_SECONDS + 1
        return pyotp.TOTP(self.secrets[pseudonym]).generate_otp(step)

    def first_question(self, place_id: str) -> str:
        """The id of the first question of ``place_id`` in the app's world."""
        place = self.app.extensions["journey.world"].place(place_id)
        assert place is not None, place_id
        return place.questions[0].id

    def answers(self, question_id: str) -> list[str]:
        """The stored texts of every answer to ``question_id``, straight from the database."""
        with self.app.app_context():
            query = db.select(Answer.text).where(Answer.question_id == question_id)
            texts = list(db.session.scalars(query))
            db.session.remove()
        return texts


@pytest.fixture
def live_server(tmp_path) -> Iterator[LiveServer]:
    database = tmp_path / "journey.sqlite3"
    clock = ServerClock()
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-test-secret",
            "DATABASE_URL": f"sqlite:///{database}",
            "CLOCK": clock,
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="journey-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}", clock=clock)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="nl-NL")
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(context):
    return context.new_page()
