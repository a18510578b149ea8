"""The dossier: everything a coachee and their coach wrote, in order; print, PDF, Markdown, JSON."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, current_app, render_template, url_for
from flask_login import current_user, login_required

from .. import access, access_log, book, database
from .. import dossier as domain
from ..dossier import Dossier, build_dossier, export_name, to_json, to_markdown
from ..extensions import db
from ..logs import security_event
from ..models import Role, User
from ..pdf import render_pdf
from ..throttles import export_throttle, one_export_at_a_time
from ..web import (
    datetime_filter,
    frames,
    goal_and_progress,
    local_today,
    long_moment_format,
    now,
    page_arg,
    role_required,
    world,
)

bp = Blueprint("dossier", __name__, url_prefix="/dossier")

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
}


@bp.app_context_processor
def _names() -> dict:
    """The headings shared with the Markdown export, for the dossier's templates."""
    return {
        "letter_title": domain.letter_title,
        "letter_route": domain.letter_route,
        "feedback_title": domain.feedback_title,
        "chat_title": domain.chat_title,
        "feedback_reference": domain.feedback_reference,
        "LONG_DATE": long_moment_format(),
    }


@bp.route("")
@role_required(Role.COACHEE)
def own():
    return _page(access.dossier_coachee(current_user))


@bp.route("/<int:coachee_id>")
@login_required
def show(coachee_id: int):
    return _page(access.dossier_coachee(current_user, coachee_id))


@bp.route("/export.<fmt>")
@role_required(Role.COACHEE)
@export_throttle
@one_export_at_a_time
def export_own(fmt: str):
    return _export(access.dossier_coachee(current_user), fmt)


@bp.route("/<int:coachee_id>/export.<fmt>")
@login_required
@export_throttle
@one_export_at_a_time
def export(coachee_id: int, fmt: str):
    return _export(access.dossier_coachee(current_user, coachee_id), fmt)


def _page(coachee: User):
    own = coachee.id == current_user.id
    _log_read(coachee, "page")
    can_close = not own and not coachee.is_closed
    return render_template(
        "dossier/show.html",
        dossier=build_dossier(
            coachee,
            world(),
            frames(),
            page=page_arg(),
            as_letter=own,
            with_goal=goal_and_progress(),
        ),
        own=own,
        coachee_id=coachee.id,
        can_close=can_close,
        can_mark=own,  # the coachee keeps passages in their book (journey/book.py)
        can_react=own and not coachee.is_closed,  # journey/reactions.py
        book_shared=not own and book.shared_with(coachee, current_user),
        exports={fmt: _export_url(coachee, own, fmt) for fmt in MEDIA_TYPES},
    )


def _export(coachee: User, fmt: str) -> Response:
    if fmt not in MEDIA_TYPES:
        abort(404)
    _log_read(coachee, fmt)
    dossier = _dossier(coachee)
    writers = {"pdf": pdf_of, "md": _markdown, "json": to_json}
    response = Response(writers[fmt](dossier), content_type=MEDIA_TYPES[fmt])
    filename = export_name(dossier, local_today(), fmt)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "no-store"
    security_event("dossier_export", format=fmt, subject_id=coachee.id)
    return response


def _dossier(coachee: User) -> Dossier:
    own = coachee.id == current_user.id
    return build_dossier(coachee, world(), frames(), as_letter=own, with_goal=goal_and_progress())


def _export_url(coachee: User, own: bool, fmt: str) -> str:
    if own:
        return url_for("dossier.export_own", fmt=fmt)
    return url_for("dossier.export", coachee_id=coachee.id, fmt=fmt)


def _long_date(value: datetime) -> str:
    return datetime_filter(value, long_moment_format())


def _markdown(dossier: Dossier) -> str:
    return to_markdown(dossier, _long_date)


def pdf_of(dossier: Dossier) -> bytes:
    """The dossier as a PDF, rendered from a print template; only local files are read."""
    html = render_template("dossier/print.html", dossier=dossier, made_at=now())
    return render_pdf(html, current_app.static_folder)


def _log_read(coachee: User, what: str) -> None:
    """Every read of a dossier by someone other than its owner goes into the access log."""
    if current_user.id != coachee.id:
        database.will_write()
        access_log.record(current_user, coachee, f"dossier-{what}", now())
        db.session.commit()
