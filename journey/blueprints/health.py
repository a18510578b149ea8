"""``/healthz``: is this app server ready to serve? For load balancers, systemd and
monitoring.

No login, no session, no cookie and no throttle: it checks the database (``SELECT 1``)
and, when the throttles count in Redis, Redis (a ``PING`` with a short timeout). It
answers 200 with ``{"status": "ok", "database": "ok", "redis": "ok"}`` (``"not
configured"`` for Redis when the throttles count elsewhere), or 503 with ``"status":
"error"`` and ``"error"`` beside the check that failed. Why a check failed goes to the
log, never into the answer.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, limiter
from ..web import stateless

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)

OK, ERROR, NOT_CONFIGURED = "ok", "error", "not configured"
REDIS_TIMEOUT_SECONDS = 2.0
REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://")


@bp.route("/healthz")
@limiter.exempt
@stateless
def healthz() -> Any:
    checks = {"database": database_check(), "redis": redis_check()}
    healthy = ERROR not in checks.values()
    response = jsonify(status=OK if healthy else ERROR, **checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def database_check() -> str:
    """``ok`` when the database answers ``SELECT 1``, else ``error`` (logged)."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning("Health check: the database does not answer (%s).", type(error).__name__)
        return ERROR
    return OK


def redis_check() -> str:
    """``ok`` when the throttles' Redis answers a ping, ``not configured`` when the
    throttles count elsewhere, else ``error`` (logged)."""
    uri = str(current_app.config.get("RATELIMIT_STORAGE_URI") or "")
    if not uri.startswith(REDIS_SCHEMES):
        return NOT_CONFIGURED
    if uri.startswith("redis+unix://"):
        uri = "unix://" + uri.removeprefix("redis+unix://")
    try:
        client = redis.Redis.from_url(
            uri,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError) as error:
        log.warning("Health check: Redis does not answer (%s).", type(error).__name__)
        return ERROR
    return OK
