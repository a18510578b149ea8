"""A coach's own trends, month by month: theirs alone, unless they share them with their
supervisor (and the admins)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import access, accounts, database, trends
from ..extensions import db
from ..forms import ActionForm
from ..models import Role, User
from ..web import frames, now, role_required

bp = Blueprint("trends", __name__, url_prefix="/trends")


@bp.route("/")
@role_required(Role.COACH)
def own():
    return _page(access.trends_coach(current_user))


@bp.route("/<int:coach_id>")
@login_required
def coach(coach_id: int):
    return _page(access.trends_coach(current_user, coach_id))


def _page(coach: User):
    """The trends of ``coach``, in the coach's own time zone; what was not read yet (older
    feedback, a check added later) is read first."""
    zone = accounts.zone_of(coach, current_app.config["TIME_ZONE"])
    missing = trends.to_fill(coach, trends.window_start(now(), zone))
    if missing:
        database.will_write()
        trends.fill(missing, frames())
        db.session.commit()
    return render_template(
        "trends/index.html",
        coach=coach,
        own=coach.id == current_user.id,
        trends=trends.build(coach, now(), zone, pending=missing.more),
        kind_titles=trends.kind_titles(),
        action_form=ActionForm(),
    )


@bp.post("/sharing")
@role_required(Role.COACH)
def sharing():
    """Share the trends with the supervisor and the admins (``share=1``), or stop."""
    if ActionForm().validate_on_submit():
        if request.form.get("share") == "1":
            trends.share(current_user, now())
            supervisor = current_user.supervisor
            if supervisor is not None:
                message = _(
                    "%(name)s, je supervisor, en de beheerders kunnen je trends nu lezen.",
                    name=supervisor.pseudonym,
                )
            else:
                message = _(
                    "De beheerders kunnen je trends nu lezen (je hebt nog geen supervisor)."
                )
            flash(message, "success")
        else:
            trends.unshare(current_user)
            flash(_("Je trends zijn weer alleen van jou."), "success")
        db.session.commit()
    return redirect(url_for("trends.own"))
