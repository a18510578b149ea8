"""Registering, logging in and out, and the account page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from .. import accounts
from ..extensions import db
from ..forms import ROLE_NAMES, ActionForm, LoginForm, RegisterForm
from ..web import now

bp = Blueprint("auth", __name__)


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
def register():
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
            field, message = _registration_problem(problem.kind)
            form[field].errors.append(message)
        else:
            db.session.commit()
            session.clear()
            login_user(user)
            flash(_("Welkom bij Journey, %(name)s.", name=user.pseudonym), "success")
            return redirect(home_url())
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


def _registration_problem(kind: str) -> tuple[str, str]:
    if kind == "unknown_code":
        return "invitation_code", _("Deze uitnodigingscode kennen we niet. Kijk hem nog eens na.")
    return "pseudonym", _("Deze schuilnaam is al in gebruik. Kies een andere.")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or home_url())
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.pseudonym.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or home_url())
        form.password.errors.append(_("Deze schuilnaam en dit wachtwoord horen niet bij elkaar."))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = ActionForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash(_("Je bent uitgelogd. Tot een volgende keer."), "info")
    return redirect(url_for("journey.home"))


@bp.route("/account")
@login_required
def account():
    promise = current_user.promise_hours or current_app.config["DEFAULT_PROMISE_HOURS"]
    return render_template("auth/account.html", role_names=ROLE_NAMES, promise_hours=promise)
