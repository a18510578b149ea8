"""What every request shares: the clock, the world, who may enter, errors and headers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import get_time_format
from flask import (
    Flask,
    Response,
    current_app,
    flash,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date, format_number, format_time, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.exceptions import BadRequest, HTTPException, NotFound, UnsupportedMediaType
from werkzeug.routing import IntegerConverter, Map

from . import (
    accounts,
    chats,
    figures,
    locales,
    progress,
    proposals,
    reactions,
    rescue,
    templating,
    timezones,
)
from .config import PRODUCTION
from .drafts import StaleDraft
from .extensions import db, login_manager
from .figures import duration
from .frames import FrameSet
from .library import Library
from .models import Role, User
from .paging import count_label
from .practice import CHECK_TITLES
from .samples import SampleSet
from .worlds import World

HSTS = "max-age=31536000; includeSubDomains"
MAX_ID = 2**31 - 1  # the largest id every supported database holds (PostgreSQL's integer)
MAX_PAGE = 100_000  # the last page number a list may be asked for


def now() -> datetime:
    """The current time (aware, UTC) from the app's clock; tests set their own."""
    return current_app.config["CLOCK"]()


def world() -> World:
    return current_app.extensions["journey.world"]


def library() -> Library:
    return current_app.extensions["journey.library"]


def goal_and_progress() -> bool:
    """Whether the organisation works with goals and the progress scale."""
    return progress.enabled(current_app.config)


def frames() -> FrameSet:
    return current_app.extensions["journey.frames"]


def samples() -> SampleSet:
    return current_app.extensions["journey.samples"]


def wants_json() -> bool:
    """True for the page's own fetch requests (autosave), which expect JSON back."""
    return request.is_json or request.accept_mimetypes.best == "application/json"


def role_required(*roles: Role) -> Callable:
    """Only signed-in users with one of ``roles`` may enter; others get 404."""

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                raise NotFound()
            return view(*args, **kwargs)

        wrapped.roles = roles  # read by the rescue path (journey/rescue.py)
        return wrapped

    return decorate


# --- auth and sessions: the session's user, while the session may go on ---------
# (journey/blueprints/auth.py starts sessions and slides their idle time.)
@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    if user is None:
        return None
    seen, since = (
        datetime.fromtimestamp(value, UTC) if isinstance(value, int | float) else None
        for value in (session.get("seen"), session.get("since"))
    )
    reason = accounts.session_end_reason(
        user,
        epoch=session.get("epoch"),
        seen=seen,
        since=since,
        now=now(),
        idle=timedelta(minutes=current_app.config["IDLE_MINUTES"]),
        max_age=timedelta(hours=current_app.config["SESSION_MAX_HOURS"]),
    )
    if reason is None:
        return user
    session.clear()  # logged out elsewhere, idle too long, or too old: anonymous now
    if reason == "idle":
        message = _(
            "Je deed een tijd niets en bent daarom uitgelogd. Wat je typte, blijft bewaard."
        )
        flash(message, "info")
    elif reason == "too_old":
        flash(_("Je was lang ingelogd. Log voor de zekerheid opnieuw in."), "info")
    return None


# --- end of auth and sessions --------------------------------------------------------


@login_manager.unauthorized_handler
def _unauthorized() -> Any:
    if wants_json():
        message = _("Je bent niet meer ingelogd. Je tekst blijft in deze browser bewaard.")
        return jsonify(error="login", message=message), 401

    flash(_("Log eerst in om verder te gaan."), "info")
    return redirect(url_for("auth.login", next=_return_path()))


def _return_path() -> str:
    """Where to come back after logging in: this page, or for a refused form the page
    that showed it (a POST address cannot be opened again)."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("journey.home")


def too_long_message(length: int, limit: int) -> str:
    """Why a text was refused for its length; it says the text is still there."""
    return _(
        "Deze tekst is %(length)s tekens lang; het maximum is %(limit)s. "
        "Je tekst staat er nog: kort hem wat in.",
        length=format_number(length),
        limit=format_number(limit),
    )


def storable(text: str) -> bool:
    """True when ``text`` can be stored and shown: no NUL character (PostgreSQL refuses
    it in text) and no lone surrogate (it is not UTF-8)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def draft_request() -> tuple[str | None, int | None]:
    """The text of an autosave request, and the version of the draft the writer's copy
    started from (None when the page did not say). The text is None when the body is
    not a JSON object with a storable ``text`` (a string, a number, a list, nesting too
    deep for the parser, a NUL or a lone surrogate)."""
    payload = _json_object()
    if payload is None:
        return None, None
    text, version = payload.get("text"), payload.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        version = None
    return (text if isinstance(text, str) and storable(text) else None), version


def page_arg() -> int:
    """The ``page`` query argument: a page number from 1 to ``MAX_PAGE`` (1 when absent or
    not a number; a larger one is the last possible)."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


class IdConverter(IntegerConverter):
    """``<int:...>`` in Journey's URLs: an id from 0 to ``MAX_ID``; a larger number is no
    page of Journey (404), instead of an error from a database that cannot hold it."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def reads_json(view: Callable) -> Callable:
    """Mark a view that takes a JSON body (an autosave). Every other view refuses JSON:
    forms read form data only."""
    view.reads_json = True
    return view


def stateless(view: Callable) -> Callable:
    """Mark a view that uses no session and no login (the health check): the hooks of
    every request leave the session and the user alone for it."""
    view.stateless = True
    return view


def is_stateless() -> bool:
    """True while a view marked ``stateless`` answers the request."""
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "stateless", False)


def _json_object() -> dict | None:
    """The request's JSON body if it is an object, else None (no JSON, not an object,
    invalid or nested too deep for the parser)."""
    try:
        payload = request.get_json(silent=True)
    except RecursionError:
        return None
    return payload if isinstance(payload, dict) else None


def _refuse_malformed_input() -> Any:
    """Refuse, before any view runs, what no view can use: a NUL character in a query or
    form value (no database stores it), JSON sent to a form, or an autosave whose body
    is not a JSON object. Answers 4xx with a message."""
    if request.is_json:
        view = current_app.view_functions.get(request.endpoint or "")
        if not getattr(view, "reads_json", False):
            return _refusal(415, _("Deze pagina verwacht een formulier, geen JSON."))
        if _json_object() is None:
            return _refusal(400, _("Dit konden we niet opslaan."))
    fields = [*request.args.lists(), *(request.form.lists() if request.method == "POST" else [])]
    for name, values in fields:
        if not all(storable(value) for value in [name, *values]):
            message = _(
                "Wat je stuurde bevat een onzichtbaar teken dat Journey niet kan bewaren "
                "(een nulteken). Haal het weg en probeer het opnieuw."
            )
            return _refusal(400, message)
    return None


def _refusal(code: int, message: str) -> Any:
    if wants_json():
        return jsonify(error="bad_request", message=message), code
    error = UnsupportedMediaType() if code == 415 else BadRequest()
    return render_template("error.html", error=error, message=message), code


def _stale_draft(error: StaleDraft) -> Any:
    message = _(
        "Deze tekst is intussen in een ander venster of op een ander apparaat veranderd. "
        "Kies welke versie je wilt houden."
    )
    return jsonify(error="conflict", message=message, text=error.text, version=error.version), 409


def _error_page(error: HTTPException) -> Any:
    message = None
    if error.code == 413:
        limit = format_number(current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024))
        message = _(
            "Dat was te veel tekst in één keer: het maximum is %(limit)s MB. "
            "Je tekst staat nog in je browser; ga terug en maak hem korter.",
            limit=limit,
        )
    if wants_json():
        return jsonify(error=error.name, message=message or error.description), error.code
    return render_template("error.html", error=error, message=message), error.code


def _csrf_error(error: CSRFError) -> Any:
    return rescue.csrf_refused(error, _unauthorized, wants_json())


def _security_headers(response: Any) -> Any:
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config["ENV_NAME"] == PRODUCTION:  # served over HTTPS only, from now on
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if not is_stateless() and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def user_zone() -> ZoneInfo:
    """The time zone the current user reads and types times in: their own, else the
    organisation's."""
    if current_user and current_user.is_authenticated:
        return accounts.zone_of(current_user, current_app.config["TIME_ZONE"])
    return timezones.zone(current_app.config["TIME_ZONE"])


def local_today() -> date:
    """Today's date in the current user's time zone."""
    return timezones.local_date(now(), user_zone())


def today_of(user: User) -> date:
    """Today's date in ``user``'s time zone (a coachee's, when their coach looks)."""
    return timezones.local_date(now(), accounts.zone_of(user, current_app.config["TIME_ZONE"]))


def moment_format() -> str:
    """The usual format of a moment in the page's language ("zaterdag 28 november om
    16:05", "Saturday 28 November at 4:05 PM")."""
    # Translators: a Babel date pattern: translate the words in single quotes, keep the
    # letters (EEEE weekday, d day, MMMM month, y year, HH:mm 24-hour or h:mm a 12-hour clock).
    return templating.gettext("EEEE d MMMM 'om' HH:mm")  # the request's kept catalogue


def long_moment_format() -> str:
    """A moment with its year, in the page's language."""
    # Translators: a Babel date pattern, as the one above.
    return templating.gettext("EEEE d MMMM y 'om' HH:mm")


def datetime_filter(value: datetime, format: str | None = None) -> str:
    """``value`` (aware UTC) in the user's time zone and language, in Babel's ``format``
    (by default ``moment_format()``)."""
    return templating.format_moment(value, str(format or moment_format()), user_zone())


def clock_time(value: datetime) -> str:
    """The time of day of ``value`` in the user's time zone, written as the page's language
    writes it ("16:05", "4:05 PM")."""
    pattern = get_time_format("short", locale=get_locale()).pattern
    return templating.format_moment(value, pattern, user_zone())


def saved_response(version: int) -> Response:
    """The answer to an autosave: the draft's new version and when it was saved, also as
    the user's local time of day for the page's "Saved at ..." message."""
    saved_at = now()
    return jsonify(version=version, saved_at=saved_at.isoformat(), saved_time=clock_time(saved_at))


def select_locale() -> str:
    """The language of this request's page (Flask-Babel's locale selector): the user's
    own choice, else the browser's, else the organisation's (``locales.choose``)."""
    default = current_app.config["DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    own = current_user.locale if current_user and current_user.is_authenticated else None
    return locales.choose(own, request.accept_languages, default)


def page_language() -> str:
    """The language tag of the page (``<html lang>``)."""
    return str(get_locale() or current_app.config["DEFAULT_LOCALE"])


def world_lang() -> Markup:
    """`` lang="nl"`` for an element holding the world's texts when the page is in another
    language (screen readers then read the place names and questions as Dutch), else
    nothing."""
    language = world().language
    if language.split("-")[0].lower() == page_language().split("_")[0].lower():
        return Markup("")
    return Markup(' lang="{}"').format(language)


def day_filter(value: date) -> str:
    """A calendar day (no time, no zone: a proposal's date is in the coachee's own
    calendar) in the page's language: "28 november 2026"."""
    return format_date(value, "long")


def month_filter(value: date, format: str = "LLLL y") -> str:
    """A month (its first day, in someone's own calendar) in the page's language, in Babel's
    ``format``: "maart 2026"."""
    return format_date(value, format)


def day_name_filter(value: date) -> str:
    """The name of the weekday of ``value`` in the page's language ("dinsdag")."""
    return format_date(value, "EEEE")


def minute_time_filter(minutes: int) -> str:
    """A time of day kept as minutes after midnight, as the page's language writes it."""
    return format_time(timezones.at_minutes(minutes), "short", rebase=False)


def chat_phase_title(phase_id: str) -> str:
    """The title of a phase of a live chat session ("Warm welkom")."""
    phase = chats.phase(phase_id)
    return str(phase.title) if phase else phase_id


def library_text_title(text_id: str) -> str | None:
    """The title of the library text ``text_id``; None when there is no such text."""
    text = library().text(text_id)
    return text.title if text else None


def known_text(text_id: str) -> bool:
    """Whether the library holds a text ``text_id`` (for ``proposals.propose``)."""
    return library().text(text_id) is not None


def library_text_choices() -> list[tuple[str, str]]:
    """The library's texts as ``(id, title)`` pairs, for the coach's proposal select."""
    return [(text.id, text.title) for text in library().texts]


def paragraphs_filter(text: str) -> list[str]:
    """The paragraphs of a text: blocks separated by an empty line, inner newlines kept."""
    return [block.strip() for block in text.replace("\r\n", "\n").split("\n\n") if block.strip()]


def time_left_label(due: datetime, current: datetime) -> str:
    """'nog 31 uur', 'nog 40 minuten', or when overdue '5 uur te laat'."""
    seconds = (due - current).total_seconds()
    minutes = round(abs(seconds) / 60)
    if minutes < 60:
        amount = ngettext("%(num)d minuut", "%(num)d minuten", minutes)
    else:
        amount = ngettext("%(num)d uur", "%(num)d uur", round(minutes / 60))
    if seconds < 0:
        return _("%(amount)s te laat", amount=amount)
    return _("nog %(amount)s", amount=amount)


def field_attributes(field: Any, hint: str | None, **attributes: Any) -> dict[str, Any]:
    """HTML attributes of a form field: ties it to its hint and marks it invalid on errors."""
    if hint:
        attributes["aria-describedby"] = f"{field.id}-hint"
    if field.errors:
        attributes["aria-invalid"] = "true"
    return {key: value for key, value in attributes.items() if value is not None}


def init_app(app: Flask) -> None:
    """Wire the shared request handling into ``app``; call before registering blueprints
    (their ``<int:...>`` routes need the id converter)."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(_refuse_malformed_input)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(StaleDraft, _stale_draft)
    for code in (400, 403, 404, 405, 409, 413, 500):
        app.register_error_handler(code, _error_page)
    app.after_request(_security_headers)
    app.add_template_filter(datetime_filter, "when")
    app.add_template_filter(paragraphs_filter, "paragraphs")
    app.add_template_filter(day_filter, "day")
    app.add_template_filter(day_name_filter, "day_name")
    app.add_template_filter(month_filter, "month")
    app.add_template_filter(minute_time_filter, "minute_time")
    app.add_template_filter(duration, "duration")
    app.add_template_filter(count_label, "count_label")
    app.jinja_env.globals["Role"] = Role
    app.jinja_env.globals["world"] = world
    app.jinja_env.globals["text_title"] = library_text_title
    app.jinja_env.globals["proposal_state"] = proposals.state
    app.jinja_env.globals["phase_title"] = chat_phase_title
    app.jinja_env.globals["page_language"] = page_language
    app.jinja_env.globals["world_lang"] = world_lang
    app.jinja_env.globals["long_moment_format"] = long_moment_format
    app.jinja_env.globals["frames"] = frames
    app.jinja_env.globals["goal_and_progress"] = goal_and_progress
    app.jinja_env.globals["field_attributes"] = field_attributes
    app.jinja_env.globals["time_left"] = time_left_label
    app.jinja_env.globals["check_titles"] = CHECK_TITLES
    app.jinja_env.globals["reaction_titles"] = reactions.KIND_TITLES
    app.jinja_env.globals["figures_sample"] = figures.SAMPLE
    app.jinja_env.globals["writer_token"] = rescue.writer_token
    templating.init_app(app)
    login_manager.login_view = "auth.login"
