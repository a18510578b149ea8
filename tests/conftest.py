"""Fixtures shared by the whole suite.

Database tests run once on SQLite and, when ``TEST_DATABASE_URL`` names a
PostgreSQL database, once more on PostgreSQL. The schema always comes from the
migrations: once per run into a template, then copied (SQLite) or emptied
(PostgreSQL) for every test.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from datetime import UTC, datetime, timedelta

import argon2
import flask_migrate
import pytest
from sqlalchemy import text

from journey import accounts, create_app
from journey.accounts import create_account
from journey.extensions import db
from journey.models import Role, User

PASSWORD = "een-lang-genoeg-wachtwoord"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


class Clock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


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
def app(database_url: str, clock: Clock):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "CLOCK": clock,
            "WTF_CSRF_ENABLED": False,
            "TWO_FACTOR_REQUIRED_ROLES": (),  # two-factor is tested in test_auth_security.py
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app, clock: Clock):
    """Create an account: ``make_user("Ada", Role.COACH, promise_hours=4)``."""

    def make(pseudonym: str, role: Role = Role.COACHEE, **attributes) -> User:
        coach = attributes.pop("coach", None)
        user = create_account(pseudonym, PASSWORD, role, clock(), coach=coach)
        for name, value in attributes.items():
            setattr(user, name, value)
        db.session.commit()
        return user

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
def coach(make_user):
    """A coach, Coach Anna."""
    return make_user("Coach Anna", Role.COACH)


def login(client, user: User, password: str = PASSWORD):
    """Log ``user`` in through the login form; returns the response."""
    return client.post("/login", data={"pseudonym": user.pseudonym, "password": password})


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
