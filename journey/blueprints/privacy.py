"""A coachee's own data: who read it, all of it in one download, and erasing it."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired

from .. import access_log, accounts, data_rights
from ..dossier import slug
from ..extensions import db
from ..forms import ROLE_NAMES
from ..logs import security_event
from ..models import Role
from ..throttles import export_throttle, login_throttle, one_export_at_a_time
from ..web import frames, local_today, now, page_arg, role_required, world
from .book import epub_of
from .dossier import pdf_of

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


class EraseForm(FlaskForm):
    """Erasing an account asks for the password once more."""

    password = PasswordField(
        _l("Je wachtwoord"), validators=[DataRequired(_l("Vul je wachtwoord in."))]
    )


@bp.route("/")
@role_required(Role.COACHEE)
def index():
    """Who read the coachee's writing, and what they can do with their data."""
    page = page_arg()
    rows, more = access_log.reads_of(current_user, page)
    return render_template(
        "privacy/index.html",
        reads=access_log.grouped(rows),
        role_names=ROLE_NAMES,
        page=page,
        more=more,
    )


@bp.route("/archive.zip")
@role_required(Role.COACHEE)
@export_throttle
@one_export_at_a_time
def archive():
    def readable(dossier):
        return "dossier.pdf", pdf_of(dossier)

    def readable_book(book):
        return "boek.epub", epub_of(book)

    content = data_rights.archive(current_user, world(), frames(), readable, readable_book)
    response = Response(content, content_type="application/zip")
    day = local_today().isoformat()
    name = f"journey-{slug(current_user.pseudonym)}-{day}.zip"
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["Cache-Control"] = "no-store"
    security_event("data_archive_export", subject_id=current_user.id)
    return response


@bp.route("/erase", methods=["GET", "POST"])
@role_required(Role.COACHEE)
@login_throttle
def erase():
    form = EraseForm()
    if form.validate_on_submit():
        if not accounts.confirm_password(current_user, form.password.data):
            locked = accounts.record_failed_login(current_user, now())
            db.session.commit()
            security_event("erasure_refused", reason="wrong_password")
            if locked:
                security_event("lockout", step="erasure")
            form.password.errors.append(_("Dit wachtwoord klopt niet. Er is niets gewist."))
        else:
            user = current_user._get_current_object()
            erased = {"subject_id": user.id, "role": str(user.role)}
            data_rights.erase(user, now())
            db.session.commit()
            security_event("account_erased", None, **erased)  # no pseudonym: it is erased
            logout_user()
            session.clear()
            flash(_("Je account en alles wat je schreef zijn gewist. Het ga je goed."), "info")
            return redirect(url_for("journey.home"))
    status = 422 if request.method == "POST" else 200
    return render_template("privacy/erase.html", form=form), status
