"""Registering, logging in (password, then a code when two-factor is on) and out,
the account page with two-factor settings, and the hooks that keep sessions safe.

The login, code and registration forms check their CSRF token themselves (the views
are exempt from the page-wide check, marked ``@csrf.exempt``): a stale token shows the
form again with what was typed and a message, instead of sending someone who is not
logged in to the login page.

The half-logged-in state between the password and the code lives in the session
under ``PENDING``; nobody is logged in until the code is right. Staff whose role
requires two-factor and who have no authenticator app yet are logged in but can
reach only the setup page (and logout) until they set one up.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import segno
from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from .. import accounts, rescue
from ..extensions import csrf, db
from ..forms import (
    ROLE_NAMES,
    ActionForm,
    CodeForm,
    EmailForm,
    LanguageForm,
    LoginForm,
    RegisterForm,
    TimeSettingsForm,
    TwoFactorOffForm,
    account_problem,
)
from ..logs import security_event
from ..models import User
from ..throttles import login_throttle, registration_throttle
from ..web import is_stateless, now, reads_json, select_locale, wants_json

bp = Blueprint("auth", __name__)

PENDING = "pending_login"  # session key: password accepted, code still to come
PENDING_TIME = timedelta(minutes=5)
SETUP_KEY = "totp_setup"  # session key: the secret shown on the setup page
# What staff without two-factor may reach before they set it up.
OPEN_BEFORE_SETUP = frozenset({"auth.two_factor_setup", "auth.logout", "auth.keep_alive", "static"})

REFUSED = _l(
    "Deze schuilnaam en dit wachtwoord horen niet bij elkaar, of dit account is na "
    "%(count)d mislukte pogingen %(minutes)d minuten op slot gegaan. Kijk je gegevens "
    "na of probeer het later nog eens.",
    count=accounts.MAX_FAILED_LOGINS,
    minutes=accounts.LOCK_TIME.seconds // 60,
)
LOCKED_AFTER_CODES = _l(
    "Te veel verkeerde codes: je account is %(minutes)d minuten op slot. "
    "Probeer het daarna opnieuw.",
    minutes=accounts.LOCK_TIME.seconds // 60,
)
WRONG_CODE = _l(
    "Deze code klopt niet. Neem de nieuwste code uit je app en kijk of de tijd op je "
    "telefoon goed staat."
)
TOO_MANY_ACCOUNTS = _l(
    "Vanaf dit adres zijn het afgelopen uur al veel accounts aangemaakt. Probeer het later "
    "nog eens, of vraag je coach om hulp."
)
TOO_MANY = _l(
    "Je hebt het te vaak kort na elkaar geprobeerd. Wacht een minuut en probeer het dan opnieuw."
)


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a relative path on this site, else None."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ch in target for ch in "\\\r\n\t") or urlsplit(target).netloc:
        return None
    return target


def home_url() -> str:
    return url_for("journey.home")


@bp.route("/register", methods=["GET", "POST"])
@registration_throttle
@csrf.exempt  # the form checks its token (see above)
def register():
    if current_user.is_authenticated:
        return redirect(home_url())
    form = RegisterForm(invitation_code=request.args.get("code", ""))
    if form.validate_on_submit():
        try:
            user = accounts.register_coachee(
                form.pseudonym.data,
                form.password.data,
                now(),
                email=form.email.data,
                invitation_code=form.invitation_code.data or "",
            )
        except accounts.AccountProblem as problem:
            field, message = account_problem(problem.kind)
            form[field].errors.append(message)
        else:
            _start_session(user, "registered")
            flash(_("Welkom bij Journey, %(name)s.", name=user.pseudonym), "success")
            return redirect(home_url())
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@login_throttle
@csrf.exempt  # the form checks its token (see above)
def login():
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or home_url())
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.check_login(form.pseudonym.data, form.password.data, now())
        except accounts.LoginRefused as refused:
            db.session.commit()  # the failed attempt counts
            _log_refused_password(form.pseudonym.data, refused.kind)
            form.password.errors.append(str(REFUSED))
        else:
            db.session.commit()  # a password hash made anew
            return _password_accepted(user, target)
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


def _log_refused_password(pseudonym: str, kind: str) -> None:
    """A refused password: who (when the pseudonym is an account's; what was typed is
    never logged) and, when this attempt locked the account, the lockout."""
    user = accounts.find_by_pseudonym(pseudonym)
    security_event("login_failed", user, step="password", reason=kind, known_account=bool(user))
    if user is not None and kind == "wrong" and accounts.is_locked(user, now()):
        security_event("lockout", user, step="password")


def _password_accepted(user: User, target: str | None) -> Any:
    """After the right password: ask for the code, or log in (and set up two-factor)."""
    if user.totp_secret:
        session.clear()
        session[PENDING] = {
            "user": user.id,
            "epoch": user.session_epoch,
            "at": now().timestamp(),
            "next": target,
        }
        return redirect(url_for("auth.login_code"))
    _start_session(user)
    if _setup_needed(user):
        return redirect(url_for("auth.two_factor_setup"))
    return redirect(target or home_url())


@bp.route("/login/code", methods=["GET", "POST"])
@login_throttle
@csrf.exempt  # the form checks its token (see above)
def login_code():
    user = _pending_user()
    if user is None:
        flash(_("Log opnieuw in met je schuilnaam en wachtwoord."), "info")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if accounts.is_locked(user, now()):
            security_event("login_failed", user, step="code", reason="locked")
            return _locked_out()
        if accounts.use_totp_code(user, user.totp_secret, form.code.data, now()):
            target = session[PENDING].get("next")
            _start_session(user)
            return redirect(target or home_url())
        locked = accounts.record_failed_login(user, now())
        db.session.commit()
        security_event("login_failed", user, step="code", reason="wrong")
        if locked:
            security_event("lockout", user, step="code")
            return _locked_out()
        form.code.errors.append(str(WRONG_CODE))
    return render_template("auth/login_code.html", form=form), 422 if form.errors else 200


def _locked_out() -> Any:
    """The account locked during the code step: back to the start, saying why."""
    session.pop(PENDING, None)
    flash(str(LOCKED_AFTER_CODES), "notice")
    return redirect(url_for("auth.login"))


def _pending_user() -> User | None:
    """The account whose password was just accepted, while the code may still come."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    user = db.session.get(User, pending.get("user", 0))
    started = datetime.fromtimestamp(pending.get("at", 0), UTC)
    if (
        user is None
        or not user.totp_secret
        or user.session_epoch != pending.get("epoch")
        or now() - started > PENDING_TIME
    ):
        session.pop(PENDING, None)
        return None
    return user


def _start_session(user: User, event: str = "login_succeeded") -> None:
    """Log ``user`` in with a fresh session that remembers its epoch and times; the
    security log records ``event``."""
    session.clear()
    login_user(user)
    moment = now().timestamp()
    session.update(epoch=user.session_epoch, seen=moment, since=moment)
    session[rescue.LOGIN_KEY] = secrets.token_urlsafe(12)  # names this login in writer tokens
    session.permanent = True
    accounts.record_login(user)
    db.session.commit()
    security_event(event, user)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        accounts.end_sessions(current_user._get_current_object())
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Je bent uitgelogd. Tot een volgende keer."), "info")
    return redirect(url_for("journey.home"))


@bp.route("/session/keep-alive", methods=["POST"])
@reads_json
@login_required
def keep_alive():
    """A fetch from the idle warning: the request itself keeps the session going."""
    return jsonify(idle_seconds=current_app.config["IDLE_MINUTES"] * 60)


@bp.route("/account")
@login_required
def account():
    return _account_page()


def _account_page(
    off_form: TwoFactorOffForm | None = None,
    email_form: EmailForm | None = None,
    time_form: TimeSettingsForm | None = None,
    language_form: LanguageForm | None = None,
) -> Any:
    off_form = off_form or TwoFactorOffForm(formdata=None)
    language_form = language_form or LanguageForm(
        formdata=None, data={"locale": current_user.locale or ""}
    )
    email_form = email_form or EmailForm(formdata=None, data={"email": current_user.email})
    time_form = time_form or _time_form(formdata=None)
    promise = current_user.promise_hours or current_app.config["DEFAULT_PROMISE_HOURS"]
    return (
        render_template(
            "auth/account.html",
            role_names=ROLE_NAMES,
            promise_hours=promise,
            two_factor_required=_two_factor_required(current_user),
            off_form=off_form,
            email_form=email_form,
            time_form=time_form,
            language_form=language_form,
        ),
        422
        if off_form.errors or email_form.errors or time_form.errors or language_form.errors
        else 200,
    )


def _time_form(**kwargs: Any) -> TimeSettingsForm:
    config = current_app.config
    start, end = accounts.quiet_hours_of(current_user, config["QUIET"])
    zone = current_user.time_zone or config["TIME_ZONE"]
    return TimeSettingsForm(
        data={"time_zone": zone, "quiet_start": start, "quiet_end": end}, **kwargs
    )


@bp.route("/account/time", methods=["POST"])
@login_required
def change_time_settings():
    """The user's own time zone and quiet hours; a refused form keeps what was chosen."""
    form = _time_form()
    if form.validate_on_submit():
        quiet = (form.quiet_start.data, form.quiet_end.data)
        accounts.set_time_settings(current_user, form.time_zone.data, quiet)
        db.session.commit()
        flash(_("Je tijdzone en rustige uren zijn bewaard."), "success")
        return redirect(url_for("auth.account") + "#time")
    return _account_page(time_form=form)


@bp.route("/account/language", methods=["POST"])
@login_required
def change_language():
    """The language of the user's pages; a refused form keeps what was chosen."""
    form = LanguageForm()
    if form.validate_on_submit():
        accounts.set_locale(current_user, form.locale.data)
        db.session.commit()
        with force_locale(select_locale()):  # the message in the language just chosen
            flash(_("Je taal is bewaard."), "success")
        return redirect(url_for("auth.account") + "#language")
    return _account_page(language_form=form)


@bp.route("/account/email", methods=["POST"])
@login_required
@login_throttle
def change_email():
    """A new e-mail address for notices (or none), with the password; a refused form keeps
    what was typed."""
    form = EmailForm()
    if form.validate_on_submit():
        if accounts.confirm_password(current_user, form.password.data):
            accounts.set_email(current_user, form.email.data)
            db.session.commit()
            security_event("email_changed", removed=not current_user.email)
            if current_user.email:
                flash(_("Je e-mailadres is bewaard."), "success")
            else:
                flash(
                    _("Je e-mailadres is weggehaald. Berichten zie je voortaan alleen hier."),
                    "info",
                )
            return redirect(url_for("auth.account") + "#email")
        security_event("email_change_refused", reason="wrong_password")
        form.password.errors.append(
            _("Dit wachtwoord klopt niet. Je e-mailadres is niet veranderd.")
        )
    return _account_page(email_form=form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
@login_throttle
def two_factor_setup():
    if current_user.totp_secret:
        flash(_("Inloggen met een code staat al aan."), "info")
        return redirect(url_for("auth.account"))
    secret = session.setdefault(SETUP_KEY, accounts.new_totp_secret())
    form = CodeForm()
    if form.validate_on_submit():
        if accounts.use_totp_code(current_user, secret, form.code.data, now()):
            accounts.enable_two_factor(current_user, secret)
            db.session.commit()
            security_event("two_factor_enabled")
            session.pop(SETUP_KEY, None)
            flash(_("Inloggen met een code staat aan."), "success")
            return redirect(home_url())
        form.code.errors.append(str(WRONG_CODE))
    uri = accounts.totp_uri(secret, current_user.pseudonym, current_app.config["TOTP_ISSUER"])
    return render_template(
        "auth/two_factor_setup.html",
        form=form,
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        qr_code=_qr_svg(uri),
        required=_two_factor_required(current_user),
    ), 422 if form.errors else 200


def _qr_svg(uri: str) -> str:
    """The QR code of ``uri`` as an SVG data URI for an <img> (made here, no script)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, light="#fff")


@bp.route("/account/two-factor/off", methods=["POST"])
@login_required
@login_throttle
def two_factor_off():
    if _two_factor_required(current_user) or not current_user.totp_secret:
        return redirect(url_for("auth.account"))
    form = TwoFactorOffForm()
    if form.validate_on_submit():
        if accounts.confirm_password(current_user, form.password.data):
            accounts.disable_two_factor(current_user)
            db.session.commit()
            security_event("two_factor_disabled")
            flash(_("Inloggen met een code staat uit."), "info")
            return redirect(url_for("auth.account"))
        security_event("two_factor_off_refused", reason="wrong_password")
        message = _("Dit wachtwoord klopt niet. Inloggen met een code staat nog aan.")
        form.password.errors.append(message)
    return _account_page(off_form=form)


def _two_factor_required(user: User) -> bool:
    return accounts.two_factor_required(user, current_app.config["TWO_FACTOR_REQUIRED_ROLES"])


def _setup_needed(user: User) -> bool:
    return _two_factor_required(user) and not user.has_two_factor


# --- hooks for every request: two-factor setup first, sliding sessions, 429 page ---


@bp.before_app_request
def _require_two_factor_setup() -> Any:
    """Staff who must use two-factor and have not set it up reach only the setup page."""
    if request.endpoint in OPEN_BEFORE_SETUP or is_stateless():
        return None
    if not current_user.is_authenticated:
        return None
    if not _setup_needed(current_user):
        return None
    message = _("Stel eerst inloggen met een code in.")
    if wants_json():
        return jsonify(error="two_factor_setup", message=message), 403
    return redirect(url_for("auth.two_factor_setup"))


@bp.after_app_request
def _refresh_session(response: Any) -> Any:
    """Every request of a logged-in user keeps the session going (the idle time slides)."""
    if not is_stateless() and "_user_id" in session and current_user.is_authenticated:
        session["seen"] = now().timestamp()
        session.permanent = True
    return response


@bp.app_errorhandler(429)
def _too_many_attempts(error: Any) -> Any:
    security_event("rate_limited", endpoint=request.endpoint)
    message = str(TOO_MANY)
    if wants_json():
        return jsonify(error="too_many", message=message), 429
    if request.endpoint == "auth.login":
        form = LoginForm()  # keeps the pseudonym that was typed
        form.form_errors.append(message)
        return render_template("auth/login.html", form=form), 429
    if request.endpoint == "auth.register":
        form = RegisterForm()  # keeps what was typed (but the passwords)
        form.form_errors.append(str(TOO_MANY_ACCOUNTS))
        return render_template("auth/register.html", form=form), 429
    return render_template("auth/too_many.html", message=message), 429
