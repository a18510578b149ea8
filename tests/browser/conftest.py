"""Fixtures for the real-browser tests: a live Journey server and Debian's Chromium.

The server is the real app (CSRF on, real clock) on a fresh, migrated SQLite
database, served on a free loopback port by werkzeug in a daemon thread. The
browser is started once per module; every test gets its own context and page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import flask_migrate
import pytest
from flask import Flask
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from journey import create_app
from journey.accounts import create_account
from journey.extensions import db
from journey.models import Answer, Role

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


@dataclass
class LiveServer:
    """A running Journey app: its base URL and a few helpers that use its database."""

    app: Flask
    url: str

    def create_coachee(self, pseudonym: str) -> int:
        """A new coachee with ``PASSWORD``; returns the user's id."""
        with self.app.app_context():
            user = create_account(pseudonym, PASSWORD, Role.COACHEE, datetime.now(UTC))
            db.session.commit()
            user_id = user.id
            db.session.remove()
        return user_id

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
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-test-secret",
            "TWO_FACTOR_REQUIRED_ROLES": (),  # two-factor is tested in test_auth_security.py
            "DATABASE_URL": f"sqlite:///{database}",
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="journey-live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
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
