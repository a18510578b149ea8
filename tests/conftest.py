"""Fixtures shared by the whole suite, in the style of Flask's tutorial (flaskr).

The app runs as in production: CSRF protection on, two-factor login required for
staff, and no app context held across requests. Every request of the test client
runs in its own context, so it loads the user anew (the session checks run every
time) and reads only what earlier requests committed. A test reaches into the
database in a ``with app.app_context():`` block of its own, between requests.

Database tests run once on SQLite and, when ``TEST_DATABASE_URL`` names a
PostgreSQL database, once more on PostgreSQL. The schema always comes from the
migrations: once per run into a template, then copied (SQLite) or emptied
(PostgreSQL) for every test.
"""

from __future__ import annotations

import functools
import hashlib
import html
import os
import re
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import argon2
import flask_migrate
import pyotp
import pytest
from cryptography.fernet import Fernet
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, text
from werkzeug.datastructures import MultiDict

from journey import accounts, create_app, visits
from journey.accounts import create_account
from journey.extensions import db
from journey.models import Role, User

PASSWORD = "een-lang-genoeg-wachtwoord"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])
REDIS_URL = "redis://127.0.0.1:6379"  # .ci/system-packages test starts it
PLACE = "veilige-haven"  # a place of the default world that tests write at


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass(frozen=True)
class Actor:
    """Someone a test acts as: what the test knows of the account, not a database row.

    ``totp_secret`` is the secret of their authenticator app (None without two-factor).
    Read the account itself with ``db.session.get(User, actor.id)`` inside an app context.
    """

    id: int
    pseudonym: str
    role: Role
    password: str = PASSWORD
    totp_secret: str | None = None


class Client(FlaskClient):
    """A browser on a page of the app: every POST carries the page's CSRF token, as the
    form field ``csrf_token`` for a form and as the ``X-CSRFToken`` header (as
    ``journey.js`` sends it) for JSON. ``csrf=False`` sends none: a forged or stale
    request. The token is the one Flask-WTF would have put in the page for this
    client's session."""

    def open(self, *args: Any, csrf: bool = True, **kwargs: Any):
        if csrf and kwargs.get("method", "GET") in ("POST", "PUT", "PATCH", "DELETE"):
            token = self.csrf_token()
            data = kwargs.get("data")
            if isinstance(data, dict) and not any(k.endswith("csrf_token") for k in data):
                data = MultiDict(data)  # a copy, keeping every value of a MultiDict
                data.add("csrf_token", token)
                kwargs["data"] = data
            else:  # JSON, a raw body or none: the header, as journey.js sends it
                headers = dict(kwargs.get("headers") or {})
                headers.setdefault("X-CSRFToken", token)
                kwargs["headers"] = headers
        return super().open(*args, **kwargs)

    def csrf_token(self) -> str:
        """The CSRF token of this client's session (a new session gets one, as a page would)."""
        with self.session_transaction() as session:
            if "csrf_token" not in session:
                session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324
            raw = session["csrf_token"]
        serializer = URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token")
        return serializer.dumps(raw)


def text_of(page: str) -> str:
    """The page as read: tags gone, entities decoded, white space squashed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _migrated(url: str) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("template") / "journey.sqlite3"
    _migrated(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> str:
    url = os.environ["TEST_DATABASE_URL"]
    _migrated(url)
    return url


@pytest.hookimpl(tryfirst=True)  # before the fixture's own params are spread out
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``@pytest.mark.backends("postgresql")``: the test runs on those databases only (a
    test of SQLite's write lock means nothing on PostgreSQL), instead of running on each
    and skipping. Without TEST_DATABASE_URL a PostgreSQL-only test has no database to
    run on, and pytest says so."""
    marker = metafunc.definition.get_closest_marker("backends")
    if marker is not None and "database_url" in metafunc.fixturenames:
        chosen = [backend for backend in BACKENDS if backend in marker.args]
        metafunc.definition.add_marker(
            pytest.mark.parametrize("database_url", chosen, indirect=True)
        )


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path):
    """A migrated, empty database for one test."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        target = tmp_path / "journey.sqlite3"
        with sqlite3.connect(template) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        source.close()
        copy.close()
        yield f"sqlite:///{target}"
        return
    url = request.getfixturevalue("postgres_url")
    yield url
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    with app.app_context():
        tables = ", ".join(t.name for t in db.metadata.sorted_tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


@pytest.fixture
def app_settings() -> dict:
    """Settings a test module adds to the app's (override the fixture: another world...)."""
    return {}


@pytest.fixture
def app(database_url: str, clock: Clock, app_settings: dict):
    """The app on a fresh database, configured as in production (CSRF and two-factor on).

    No app context is pushed: each request gets its own, as under a real server.
    """
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "CLOCK": clock,
            **app_settings,
        }
    )
    app.test_client_class = Client
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def production_config(database_url: str, **extra) -> dict:
    """Settings production accepts: its own secrets, Redis for the throttles (a key prefix
    of its own, so tests do not count each other's attempts), and ``extra``."""
    return {
        "ENV_NAME": "production",
        "SECRET_KEY": uuid.uuid4().hex,
        "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"journey-test-{uuid.uuid4().hex}",
        **extra,
    }


@pytest.fixture
def another_app():
    """``another_app(config)``: an app configured otherwise than the test's; its sessions
    and database connections are closed afterwards."""
    made = []

    def make(config: dict):
        made.append(create_app({"TESTING": True, **config}))
        made[-1].test_client_class = Client
        return made[-1]

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app) -> Client:
    return app.test_client()


@pytest.fixture
def make_user(app, clock: Clock):
    """Create an account and return its Actor: ``make_user("Ada", Role.COACH, promise_hours=4)``.

    ``coach`` and ``supervisor`` take Actors; other keywords set attributes of the
    account. Staff whose role requires two-factor get an authenticator app
    (``two_factor=False`` leaves them to set it up; ``True`` gives one to anyone).
    """

    def make(
        pseudonym: str,
        role: Role = Role.COACHEE,
        *,
        coach: Actor | None = None,
        supervisor: Actor | None = None,
        two_factor: bool | None = None,
        **attributes: Any,
    ) -> Actor:
        if two_factor is None:
            two_factor = role in app.config["TWO_FACTOR_REQUIRED_ROLES"]
        secret = accounts.new_totp_secret() if two_factor else None
        with app.app_context():
            coach_user = db.session.get(User, coach.id) if coach else None
            user = create_account(pseudonym, PASSWORD, role, clock(), coach=coach_user)
            if supervisor is not None:
                user.supervisor_id = supervisor.id
            if secret:
                accounts.enable_two_factor(user, secret)
            for name, value in attributes.items():
                setattr(user, name, value)
            db.session.commit()
            return Actor(user.id, user.pseudonym, Role(user.role), PASSWORD, secret)

    return make


@pytest.fixture
def world(app):
    """The app's world, as loaded at start-up."""
    return app.extensions["journey.world"]


@pytest.fixture
def frame(app):
    """The default feedback frame."""
    return app.extensions["journey.frames"].default


@pytest.fixture
def coach(make_user) -> Actor:
    """A coach, Coach Anna (with an authenticator app)."""
    return make_user("Coach Anna", Role.COACH)


def login(client: FlaskClient, user: Actor, password: str | None = None):
    """Log ``user`` in through the login form, with the code from their authenticator
    app when they have one; returns the last response.

    A code is good once: when the codes of the current time step and its neighbours
    were used already, the app's clock moves on 30 seconds, as a person would wait.
    """
    response = client.post(
        "/login", data={"pseudonym": user.pseudonym, "password": password or user.password}
    )
    if response.status_code == 302 and response.headers["Location"].startswith("/login/code"):
        code = fresh_code(client.application, user)
        response = client.post("/login/code", data={"code": code})
    return response


def fresh_code(app, user: Actor) -> str:
    """A code from ``user``'s authenticator app that the app has not accepted yet."""
    assert user.totp_secret, f"{user.pseudonym} has no authenticator app"
    with app.app_context():
        last = db.session.get(User, user.id).totp_last_step
    clock = app.config["CLOCK"]
    totp = pyotp.TOTP(user.totp_secret, interval=accounts.TOTP_STEP_SECONDS)
    while True:
        current = int(clock().timestamp()) // accounts.TOTP_STEP_SECONDS
        window = range(current - accounts.TOTP_WINDOW, current + accounts.TOTP_WINDOW + 1)
        for step in window:
            if last is None or step > last:
                return totp.generate_otp(step)
        clock.advance(seconds=accounts.TOTP_STEP_SECONDS)


def a_place_letter(
    app, coachee: Actor, clock: Clock, answer: str = "Bij de zee voel ik me thuis.", place=PLACE
) -> int:
    """Send a place letter from ``coachee`` with an answer to the place's first question;
    returns the letter's id."""
    with app.app_context():
        user = db.session.get(User, coachee.id)
        visit = visits.visit_place(user, place, clock())
        question = app.extensions["journey.world"].place(place).questions[0].id
        letter = visits.send_letter(visit, {question: answer}, 6, "Een notitie.", clock(), 48)
        db.session.commit()
        return letter.id


@pytest.fixture
def count_queries(app):
    """``count_queries(client.get, url)``: the response, and how many SQL statements it ran."""

    def count(request, *args: Any, **kwargs: Any):
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            response = request(*args, **kwargs)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return response, len(statements)

    return count


@functools.cache
def quick_hash(password: str) -> str:
    """An argon2id hash made with the lowest cost: the same check, none of the wait."""
    return argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(password)


@pytest.fixture
def quick_password_hashes(monkeypatch):
    """Accounts get cheap password hashes (the real cost is for attackers, and
    test_auth_security tests it); logging in still checks the password."""
    monkeypatch.setattr(accounts, "hash_password", quick_hash)
    yield
    accounts._dummy_hash.cache_clear()  # a cheap dummy hash must not outlive the test
