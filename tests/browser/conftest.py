"""Fixtures for the real-browser tests: a live Journey server and Debian's Chromium.

The server is the real app (CSRF and two-factor on) on a fresh, migrated SQLite
database, served on a free loopback port by werkzeug in a daemon thread. Its clock
is the real one, which a test may move forward (``live_server.clock.advance``) to
let a session go idle. ``log_in`` logs someone in through the forms as a person would:
the password, then for staff a code from their authenticator app (``LiveServer.code_for``).
The browser is started once per module; every test gets its own context and page.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import flask_migrate
import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Page, sync_playwright
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
WAIT = 10_000  # ms: generous for a slow machine; the autosave itself waits 0.8 s


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
        """A code of ``pseudonym``'s authenticator app that the server has not accepted yet.

        A code is good once (``users.totp_last_step``): when the code of this time step
        and of the next (which the server accepts too) were used already, the server's
        clock moves on to the next step, as a person would wait for it.
        """
        totp = pyotp.TOTP(self.secrets[pseudonym], interval=accounts.TOTP_STEP_SECONDS)
        with self.app.app_context():
            last = db.session.scalars(
                db.select(User.totp_last_step).where(User.pseudonym == pseudonym)
            ).one()
            db.session.remove()
        while True:
            current = int(self.clock().timestamp()) // accounts.TOTP_STEP_SECONDS
            step = current if last is None else max(current, last + 1)
            if step <= current + accounts.TOTP_WINDOW:
                return totp.generate_otp(step)
            self.clock.advance(seconds=accounts.TOTP_STEP_SECONDS)

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


def log_in(page: Page, server: LiveServer, pseudonym: str, path: str = "/login") -> None:
    """Log in through the form at ``path`` (which may carry ``?next=``): the password and,
    for staff, then a code from their authenticator app, typed as a person would."""
    page.goto(server.url + path)
    form = page.locator("main form")
    form.locator('[name="pseudonym"]').fill(pseudonym)
    form.locator('[name="password"]').fill(PASSWORD)
    form.locator('button[type="submit"]').click()
    if pseudonym in server.secrets:  # staff: the code from their authenticator app
        page.wait_for_url("**/login/code*", timeout=WAIT)
        page.locator('main form [name="code"]').fill(server.code_for(pseudonym))
        page.locator('main form button[type="submit"]').click()
    page.wait_for_selector("body[data-user]", timeout=WAIT)
    page.wait_for_load_state("domcontentloaded")  # the page's deferred scripts have run


def journey_keys(page: Page) -> list[str]:
    """The localStorage keys Journey's script wrote on this origin."""
    return page.evaluate(
        "() => Object.keys(localStorage).filter((key) => key.startsWith('journey:'))"
    )


@contextlib.contextmanager
def serve(database: Path) -> Iterator[LiveServer]:
    """The app on a fresh database at ``database``, served on a free port until the end
    of the ``with`` block."""
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


@pytest.fixture
def live_server(tmp_path, quick_password_hashes) -> Iterator[LiveServer]:
    """The app on a fresh database, served on a free port; accounts get cheap password
    hashes (logging in still checks the password; tests/test_auth_security.py tests the
    real cost)."""
    with serve(tmp_path / "journey.sqlite3") as server:
        yield server


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
