"""Configuration: defaults here, overridden by ``JOURNEY_*`` environment variables.

``JOURNEY_SECRET_KEY``, ``JOURNEY_DATABASE_URL``, ``JOURNEY_WORLD``,
``JOURNEY_DEFAULT_PROMISE_HOURS``, ``JOURNEY_RATELIMIT_STORAGE_URI`` and the other
keys below are read with Flask's ``from_prefixed_env``. ``JOURNEY_ENV`` names the
environment: ``development`` (the default) or ``production``; see
``apply_environment``.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from . import locales, timezones

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-change-me"  # noqa: S105
# The key that encrypts written texts in development; never good enough for real texts.
DEVELOPMENT_ENCRYPTION_KEY = "rh9E2nEfzNfR4a_hjQLWxBUVDj5KyXPe50YoYC2jxtQ="
PRODUCTION = "production"
PG_CONNECT_TIMEOUT = 5  # seconds

# (config key, development value): in production each must be set, and not to that value.
# Add a key here when it guards data (for instance the encryption key of written texts).
SECRETS_REQUIRED_IN_PRODUCTION: list[tuple[str, str | None]] = [
    ("SECRET_KEY", DEVELOPMENT_SECRET_KEY),
    ("ENCRYPTION_KEYS", DEVELOPMENT_ENCRYPTION_KEY),
]


class Defaults:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
    DATABASE_URL: str | None = None  # None: SQLite in the instance folder
    WORLD = str(PROJECT_ROOT / "worlds" / "places.yaml")
    FRAMES = str(PROJECT_ROOT / "worlds" / "frames.yaml")
    SAMPLES = str(PROJECT_ROOT / "worlds" / "samples")  # a folder of sample journeys (*.yaml)
    # The library of texts to read (*.md); None: the folder library/ beside the world file.
    LIBRARY: str | None = None
    DEFAULT_PROMISE_HOURS = 48
    MAX_ANSWER_LENGTH = 20_000
    MAX_NOTE_LENGTH = 4_000
    # Goals and the progress scale: a coachee may write a goal, and each letter asks how far
    # they are on their way to it (0 to 10); the dossier and the caseload show it. Switch
    # off with JOURNEY_GOAL_AND_PROGRESS=false (mood stays).
    GOAL_AND_PROGRESS = True
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024  # one request at most 2 MB (413 beyond)
    # The organisation's language ("nl" or "en"): for pages of people who chose none on
    # their account page and whose browser asks for none of Journey's languages.
    DEFAULT_LOCALE = "nl"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent / "translations")
    # The organisation's time zone (an IANA name): times are typed and shown in it.
    TIME_ZONE = "Europe/Amsterdam"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # True in production (apply_environment)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False  # True in production (apply_environment)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # hide_parameters: no value of a statement in a log line or an error message (the
    # texts are encrypted, but pseudonyms and e-mail addresses are not).
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True, "hide_parameters": True}
    # Fernet keys for the written texts, comma-separated: the first encrypts, all decrypt
    # (see journey/crypto.py). This fixed key is for development only: set
    # JOURNEY_ENCRYPTION_KEYS in production, and keep it as safe as the database backups.
    ENCRYPTION_KEYS = DEVELOPMENT_ENCRYPTION_KEY

    # Sessions: signed out after IDLE_MINUTES without a request (sliding), and
    # after SESSION_MAX_HOURS whatever happens; the browser is warned first.
    IDLE_MINUTES = 60
    IDLE_WARNING_MINUTES = 5
    SESSION_MAX_HOURS = 12

    # Throttles (journey/throttles.py), shared by every app server through the storage
    # (``redis://host:6379`` when more than one worker or server runs; required in production).
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "journey"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute"  # password and code attempts together, per address
    REGISTER_RATE_LIMIT = "10 per hour"  # new accounts, per address
    EXPORT_RATE_LIMIT = "20 per hour"  # dossier exports and data archives, per person
    # How many reverse proxies (nginx, a load balancer) stand in front of Journey: their
    # X-Forwarded-For and X-Forwarded-Proto are trusted, so that throttles see the
    # visitor's address. 0: Journey is reached directly.
    PROXIES = 0

    # Roles that must log in with a code from an authenticator app (TOTP).
    TWO_FACTOR_REQUIRED_ROLES: tuple[str, ...] = ("coach", "supervisor", "admin")
    TOTP_ISSUER = "Journey"

    # Mail (journey/mail.py): notices go out through this SMTP server, sent by
    # `journey worker`. Without MAIL_HOST, notices are shown in the app only.
    MAIL_HOST: str | None = None
    MAIL_PORT = 587
    MAIL_SECURITY = "starttls"  # "starttls", "tls" (SMTPS, port 465) or "none"
    MAIL_USER: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER: str | None = None  # the From address: "Journey <journey@example.org>"
    MAIL_TIMEOUT = 20  # seconds to wait for the mail server
    # Quiet hours: no mail goes out to anyone in these local hours (each person may set
    # their own on their account page); what falls in them is sent when they end.
    QUIET_HOURS = "22:00-08:00"
    # The agenda: a coachee may move or cancel a booked live session up to this many
    # hours before it starts (the coach at any time).
    CANCEL_HOURS = 24
    # Live chats: where their doorbell rings between app servers (redis://host:6379); unset,
    # the throttles' Redis when they count in Redis, else within one process only.
    REALTIME_URL: str | None = None
    # How long one Server-Sent Events connection of a chat page lasts before the browser
    # reconnects (and goes on where it was): shorter than any proxy's read timeout.
    CHAT_STREAM_SECONDS = 45
    # A coach is told when a letter they hold is due within this many hours (journey tick).
    DUE_SOON_HOURS = 12
    # Where a letter goes when its due time passes unanswered (journey tick): "pool" (back
    # to the shared pool) or "substitute" (the coach's substitute while they are away,
    # else the pool). The admins are told either way.
    OVERDUE_TO = "pool"
    # Coachees are reminded (at most once a week) of a draft left this many days, and
    # after this many days without a letter while their trajectory is open.
    REMIND_DRAFT_DAYS = 3
    REMIND_SILENCE_DAYS = 14
    # The address people reach Journey at (https://journey.example.org): links in mails.
    BASE_URL: str | None = None

    # Logging (journey/logs.py): "text" lines or "json" (one object per line), to stderr.
    LOG_FORMAT = "text"
    LOG_LEVEL = "INFO"


def apply_environment(config: MutableMapping[str, Any]) -> None:
    """Settle the settings that depend on others and on the environment, in place.

    ``ENV_NAME`` comes from the configuration or else from ``JOURNEY_ENV``
    ("development" when unset). In production the cookies are Secure and every
    secret in ``SECRETS_REQUIRED_IN_PRODUCTION`` must be set. Raises RuntimeError
    when one is missing or still has its development value.
    """
    if "ENV_NAME" not in config:
        config["ENV_NAME"] = os.environ.get("JOURNEY_ENV", "development")
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=config["IDLE_MINUTES"])
    config.setdefault("TIME_ZONE", Defaults.TIME_ZONE)
    try:
        timezones.zone(config["TIME_ZONE"])
    except ValueError as error:
        raise RuntimeError(f"JOURNEY_TIME_ZONE: {error}") from None
    config["BABEL_DEFAULT_TIMEZONE"] = config["TIME_ZONE"]
    config.setdefault("DEFAULT_LOCALE", Defaults.DEFAULT_LOCALE)
    try:
        locales.check(str(config["DEFAULT_LOCALE"]))
    except ValueError as error:
        raise RuntimeError(f"JOURNEY_DEFAULT_LOCALE: {error}") from None
    config["BABEL_DEFAULT_LOCALE"] = str(config["DEFAULT_LOCALE"])
    check_mail_settings(config)
    config["GOAL_AND_PROGRESS"] = switch(config.get("GOAL_AND_PROGRESS", True), "GOAL_AND_PROGRESS")
    config.setdefault("OVERDUE_TO", Defaults.OVERDUE_TO)
    config.setdefault("QUIET_HOURS", Defaults.QUIET_HOURS)
    if str(config["OVERDUE_TO"]) not in ("pool", "substitute"):
        raise RuntimeError(
            f"JOURNEY_OVERDUE_TO must be pool or substitute, not {config.get('OVERDUE_TO')!r}."
        )
    try:
        config["QUIET"] = timezones.parse_hours(str(config.get("QUIET_HOURS") or "00:00-00:00"))
    except ValueError as error:
        raise RuntimeError(f"JOURNEY_QUIET_HOURS: {error}") from None
    if config["ENV_NAME"] == PRODUCTION:
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
        check_secrets(config, SECRETS_REQUIRED_IN_PRODUCTION)
        if str(config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
            raise RuntimeError(
                "JOURNEY_RATELIMIT_STORAGE_URI must name a storage every worker shares "
                f"(redis://host:6379) when JOURNEY_ENV={PRODUCTION}: with memory:// each "
                "worker counts login attempts and two-factor codes on its own."
            )


SWITCH_VALUES = {"1": True, "true": True, "yes": True, "on": True}
SWITCH_VALUES |= {"0": False, "false": False, "no": False, "off": False}


def switch(value: Any, key: str) -> bool:
    """An on/off setting as True or False: a boolean, 1 or 0, or one of the words in
    ``SWITCH_VALUES``; RuntimeError naming the variable for anything else."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word not in SWITCH_VALUES:
        raise RuntimeError(f"JOURNEY_{key} must be true or false (on/off, 1/0), not {value!r}.")
    return SWITCH_VALUES[word]


MAIL_SECURITIES = ("starttls", "tls", "none")


def check_mail_settings(config: MutableMapping[str, Any]) -> None:
    """With a mail server set, the sender and the base URL must be too; RuntimeError else."""
    if not config.get("MAIL_HOST"):
        return
    security = str(config.get("MAIL_SECURITY") or "").lower()
    if security not in MAIL_SECURITIES:
        raise RuntimeError(
            f"JOURNEY_MAIL_SECURITY must be one of {', '.join(MAIL_SECURITIES)}, not {security!r}."
        )
    config["MAIL_SECURITY"] = security
    for key, example in (
        ("MAIL_SENDER", "Journey <journey@example.org>"),
        ("BASE_URL", "https://journey.example.org"),
    ):
        if not config.get(key):
            raise RuntimeError(
                f"JOURNEY_{key} must be set when JOURNEY_MAIL_HOST is (for example {example!r})."
            )
    config["BASE_URL"] = str(config["BASE_URL"]).rstrip("/")


def check_secrets(config: MutableMapping[str, Any], required: list[tuple[str, str | None]]) -> None:
    """Raise RuntimeError naming the variable of the first secret that is unset or a dev value."""
    for key, development_value in required:
        value = config.get(key)
        values = [v.strip() for v in value.split(",")] if isinstance(value, str) else value
        if not value or development_value in (values or []):
            raise RuntimeError(
                f"JOURNEY_{key} must be set to a secret value of your own when "
                f"JOURNEY_ENV={PRODUCTION}; Journey refuses to start without it."
            )


def database_uri(url: str | None, instance_path: str) -> str:
    """The SQLAlchemy URI for ``url``: PostgreSQL through psycopg 3, else SQLite.

    A PostgreSQL connection attempt gives up after ``PG_CONNECT_TIMEOUT`` seconds unless
    the URL sets ``connect_timeout`` itself: an unreachable host then fails a request (and
    the health check) quickly instead of holding a worker until gunicorn kills it."""
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "journey.sqlite3")
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url.removeprefix(prefix)
    if url.startswith("postgresql") and "connect_timeout=" not in url:
        url += ("&" if "?" in url else "?") + f"connect_timeout={PG_CONNECT_TIMEOUT}"
    return url
