"""Throttles: how often an address or a person may do something costly or guessable.

The counts live in the rate-limit storage (``RATELIMIT_STORAGE_URI``), which every
app server shares when it is Redis; production refuses ``memory://``, where each
worker would count on its own. Limits come from the configuration:

- ``LOGIN_RATE_LIMIT``: password and code attempts together, per address;
- ``REGISTER_RATE_LIMIT``: new accounts, per address;
- ``EXPORT_RATE_LIMIT``: dossier and book exports and data archives, per person; and one
  person's exports run one at a time, so that nobody can tie up every worker.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from .extensions import limiter

EXPORT_LOCK_SECONDS = 300  # a running export's lock expires by itself after this long


def _config(key: str) -> Callable[[], str]:
    return lambda: current_app.config[key]


def _person() -> str:
    return f"user:{current_user.get_id()}"


login_throttle = limiter.shared_limit(_config("LOGIN_RATE_LIMIT"), scope="login", methods=["POST"])
registration_throttle = limiter.shared_limit(
    _config("REGISTER_RATE_LIMIT"), scope="register", methods=["POST"]
)
export_throttle = limiter.shared_limit(
    _config("EXPORT_RATE_LIMIT"), scope="export", key_func=_person
)


def one_export_at_a_time(view: Callable) -> Callable:
    """Let a person's exports run one after the other: while one is being made, another
    request of theirs gets 429 with a message (on every app server sharing the storage)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not limiter.enabled:
            return view(*args, **kwargs)
        prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
        key = f"{prefix}/export-running/{current_user.get_id()}"
        if limiter.storage.incr(key, EXPORT_LOCK_SECONDS) > 1:
            message = _(
                "Je vorige download wordt nog gemaakt. Wacht even tot die klaar is en "
                "probeer het dan opnieuw."
            )
            return render_template("auth/too_many.html", message=message), 429
        try:
            return view(*args, **kwargs)
        finally:
            limiter.storage.clear(key)

    return wrapped
