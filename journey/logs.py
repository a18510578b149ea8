"""Logging: one ``logging.config.dictConfig`` per process, plain text or JSON lines,
and the security events of the logger ``journey.security``.

``LOG_FORMAT`` (``JOURNEY_LOG_FORMAT``) is ``text`` (the default) or ``json``: one JSON
object per line, for a log collector. ``create_app`` sets logging up once per process
(not under tests, which keep pytest's own capture); gunicorn's own loggers get the same
format through ``deploy/gunicorn.conf.py``.

A security event says what happened (``event``), who did it (user id, pseudonym and
role when known; the system user for a command), when (UTC, ISO 8601) and from where
(the request's address, the visitor's own behind a proxy when ``JOURNEY_PROXIES`` is
set). It never carries a written text: ``security_event`` takes only ids, names of
things and numbers as details.
"""

from __future__ import annotations

import getpass
import json
import logging
import logging.config
import os
import time
from datetime import UTC, datetime
from typing import Any

from flask import Flask, has_request_context, request

FORMATS = ("text", "json")
SECURITY = "journey.security"
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"

security_logger = logging.getLogger(SECURITY)
CURRENT_USER: Any = object()  # ``security_event``'s default: the signed-in user, if any
_configured = False


class UTCFormatter(logging.Formatter):
    """Plain text lines with the time in UTC, ISO 8601 (``2026-03-02T09:00:00.123Z``)."""

    converter = time.gmtime

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return iso_time(record.created)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time`` (UTC), ``level``, ``logger``, ``message``, the
    process, the fields of a security event and a traceback as ``exception``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": iso_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        security = getattr(record, "security", None)
        if isinstance(security, dict):
            entry.update(security)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class NoRowsFilter(logging.Filter):
    """Drops what SQLAlchemy logs at DEBUG on ``sqlalchemy.engine``: the rows it read,
    with the texts already decrypted. (Its statements, at INFO, stay: their values are
    hidden by the engine option ``hide_parameters``.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name.startswith("sqlalchemy.engine") and record.levelno < logging.INFO)


def iso_time(timestamp: float) -> str:
    """``timestamp`` as UTC ISO 8601 with milliseconds and a ``Z``."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def check_format(value: Any) -> str:
    """The log format ``value`` names; RuntimeError (naming the variable) otherwise."""
    name = str(value or "text").strip().lower()
    if name not in FORMATS:
        raise RuntimeError(f"JOURNEY_LOG_FORMAT must be 'text' or 'json', not {value!r}.")
    return name


def _formatters() -> dict[str, dict[str, Any]]:
    return {
        "text": {"()": UTCFormatter, "format": TEXT_FORMAT},
        "json": {"()": JsonFormatter},
    }


def logging_config(log_format: str = "text", level: str = "INFO") -> dict[str, Any]:
    """The ``dictConfig`` of the app: every record to stderr, in ``log_format``."""
    log_format = check_format(log_format)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": _formatters(),
        "filters": {"no_rows": {"()": NoRowsFilter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["no_rows"],
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {SECURITY: {"level": "INFO"}},
    }


def gunicorn_logging_config(log_format: str = "text", level: str = "INFO") -> dict[str, Any]:
    """The app's ``dictConfig`` plus gunicorn's loggers: its errors to stderr and its
    access log to stdout, in the same format (for ``logconfig_dict``)."""
    config = logging_config(log_format, level)
    config["handlers"]["stdout"] = {
        "class": "logging.StreamHandler",
        "formatter": check_format(log_format),
        "filters": ["no_rows"],
        "stream": "ext://sys.stdout",
    }
    config["loggers"] |= {
        "gunicorn.error": {"level": level, "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["stdout"], "propagate": False},
    }
    return config


def configure_logging(app: Flask) -> None:
    """Set logging up for this process from ``LOG_FORMAT`` and ``LOG_LEVEL``, once.

    Tests (``TESTING``) keep the logging pytest set up. Raises RuntimeError on an
    unknown format.
    """
    global _configured
    log_format = check_format(app.config.get("LOG_FORMAT"))
    if _configured or app.testing:
        return
    logging.config.dictConfig(logging_config(log_format, app.config.get("LOG_LEVEL", "INFO")))
    _configured = True


def security_event(event: str, user: Any = CURRENT_USER, **details: Any) -> None:
    """Log the security event ``event`` on ``journey.security``: who (``user``: by default
    the signed-in user of the request; None for nobody known), when and from where (in a
    command: the system user, from ``cli``).

    ``details`` are ids, names of things (a format, a reason) and numbers; never pass a
    written text.
    """
    fields: dict[str, Any] = {"event": event, "at": iso_time(time.time())}
    if user is CURRENT_USER:
        user = None
        if has_request_context():
            from flask_login import current_user

            if current_user and current_user.is_authenticated:
                user = current_user
    if user is not None:
        fields |= {"user_id": user.id, "pseudonym": user.pseudonym, "role": str(user.role)}
    if has_request_context():
        fields["remote_addr"] = request.remote_addr
    else:
        fields["system_user"] = _system_user()
        fields["remote_addr"] = "cli"
    for key, value in details.items():
        if value is not None and not isinstance(value, bool | int | float | str):
            value = str(value)
        fields[key] = value
    message = " ".join(f"{key}={_text(value)}" for key, value in fields.items())
    security_logger.info(message, extra={"security": fields})


def _text(value: Any) -> str:
    """A value in a plain text line: strings quoted (no line breaks can be forged)."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def _system_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return str(os.getuid())
