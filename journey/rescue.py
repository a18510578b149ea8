"""Forms refused for their CSRF token: keep the writer's texts, and only theirs.

A page's CSRF token belongs to the login session it was made in. When that session
ends (idle, too old, logged out elsewhere) and the writer logs in again in another
tab, the old tab's form comes back with a token that no longer fits. Its texts are
kept as drafts (they are the writer's own work) when, and only when:

- the form carries a *writer token* (``WRITER_FIELD``), signed with the app's secret
  key, that names the user who is logged in now and an *earlier* login session of
  theirs: a forged post from another site has none, and cannot read one from a page;
- the user may use the view the form was posted to (its roles), and the object is
  theirs: the rescuer looks it up with the same access rules as the view.

Everything else is refused with 400 and changes nothing. A form posted after the
session ended (nobody logged in) goes to the login page instead; the browser keeps
its copy of the texts meanwhile (``static/js/journey.js``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import (
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.exceptions import HTTPException

from .extensions import db

WRITER_FIELD = "writer_token"  # the hidden field of templates/_macros.html writer_token_field
WRITER_TOKEN_MAX_AGE = timedelta(days=7)  # how long a page may stay open and still be rescued
_SALT = "journey-writer-token"
LOGIN_KEY = "login"  # session key: a random name for this login, set when it starts

RESCUERS: dict[str, Callable[..., str]] = {}


def rescues(endpoint: str) -> Callable:
    """Register how to keep the texts of a form posted to ``endpoint`` as drafts when its
    CSRF token was refused. The function gets the form data and the view's arguments,
    looks the object up with the view's own access rules (aborting with 404 or 409 when
    it may not be written), and returns the page to show the texts on."""

    def register(function: Callable[..., str]) -> Callable[..., str]:
        RESCUERS[endpoint] = function
        return function

    return register


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT)


def writer_token() -> str:
    """The writer token of this page: the user and the login session it was made in."""
    return _serializer().dumps({"user": current_user.id, "login": session.get(LOGIN_KEY)})


def from_earlier_session(token: str | None) -> bool:
    """True when ``token`` is a genuine writer token of the logged-in user, made in an
    earlier login session of theirs (not the current one) and not too long ago."""
    if not token or not current_user.is_authenticated:
        return False
    try:
        made = _serializer().loads(token, max_age=int(WRITER_TOKEN_MAX_AGE.total_seconds()))
    except BadData:
        return False
    if not isinstance(made, dict) or made.get("user") != current_user.id:
        return False
    return made.get("login") != session.get(LOGIN_KEY)


def _may_enter_view() -> bool:
    """Whether the logged-in user has a role the posted-to view lets in."""
    view = current_app.view_functions.get(request.endpoint or "")
    roles = getattr(view, "roles", None)
    return bool(roles) and current_user.has_role(*roles)


def _rescued() -> str | None:
    """Keep the posted texts as drafts when this is the writer's own stale form; returns
    the page to show them on, or None when nothing may be kept (nothing changed then)."""
    rescuer = RESCUERS.get(request.endpoint or "")
    if rescuer is None or not _may_enter_view():
        return None
    if not from_earlier_session(request.form.get(WRITER_FIELD)):
        return None
    try:
        page = rescuer(request.form, **(request.view_args or {}))
    except HTTPException:
        db.session.rollback()
        return None
    db.session.commit()
    return page


def csrf_refused(error: CSRFError, unauthorized: Callable[[], Any], wants_json: bool) -> Any:
    """The answer to a request whose CSRF token was missing or did not fit."""
    if not current_user.is_authenticated:
        # An ended session also loses its CSRF token: say what really happened.
        return unauthorized()
    page = None if wants_json else _rescued()
    if page is not None:
        flash(
            _(
                "Deze pagina was te lang open. We hebben je tekst als concept bewaard: "
                "kijk hem na en verstuur hem opnieuw."
            ),
            "info",
        )
        return redirect(page)
    if wants_json:
        message = _(
            "Deze pagina was te lang open om veilig te versturen. Herlaad de pagina; "
            "wat je in Journey typte, blijft bewaard."
        )
        return jsonify(error="csrf", message=message), 400
    message = _(
        "Deze pagina was te lang open om veilig te versturen, of het verzoek kwam niet "
        "van een pagina van Journey. Er is niets veranderd. Ga terug en herlaad de pagina; "
        "wat je typte, staat nog in je browser."
    )
    return render_template("error.html", error=error, message=message), 400
