"""Configuration: defaults here, overridden by ``JOURNEY_*`` environment variables.

``JOURNEY_SECRET_KEY``, ``JOURNEY_DATABASE_URL``, ``JOURNEY_WORLD`` and
``JOURNEY_DEFAULT_PROMISE_HOURS`` are read with Flask's ``from_prefixed_env``.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-change-me"  # noqa: S105


class Defaults:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
    DATABASE_URL: str | None = None  # None: SQLite in the instance folder
    WORLD = str(PROJECT_ROOT / "worlds" / "places.yaml")
    FRAMES = str(PROJECT_ROOT / "worlds" / "frames.yaml")
    DEFAULT_PROMISE_HOURS = 48
    MAX_ANSWER_LENGTH = 20_000
    MAX_NOTE_LENGTH = 4_000
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}


def database_uri(url: str | None, instance_path: str) -> str:
    """The SQLAlchemy URI for ``url``: PostgreSQL through psycopg 3, else SQLite."""
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "journey.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url
