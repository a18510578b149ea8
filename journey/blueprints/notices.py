"""Notices in the app, for every role: the count in the header, the list, which kinds
come by mail, and the unsubscribe link of a mail (no login needed)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import database, notices
from ..extensions import csrf, db
from ..forms import ActionForm, notice_mail_form
from ..paging import COUNT_CAP
from ..web import is_stateless, now, page_arg

bp = Blueprint("notices", __name__, url_prefix="/notices")


@bp.app_context_processor
def _notice_count() -> dict:
    """The header's count of unread notices (one query; at most COUNT_CAP counted)."""
    if is_stateless() or not current_user.is_authenticated:
        return {}
    return {"unread_notice_count": notices.unread_count(current_user, COUNT_CAP)}


@bp.route("/")
@login_required
def index():
    page = notices.notices_of(current_user, page_arg())
    unread = {n.id for n in page.items if n.read_at is None}
    if unread:
        database.will_write()
        notices.mark_read(current_user, sorted(unread), now())
        db.session.commit()
    return render_template(
        "notices/index.html",
        page=page,
        unread=unread,
        wording=notices.wording,
        writer_of=notices.writer_of,
        link=_link,
        form=_mail_form(),
        kind_labels={str(k): v for k, v in notices.KIND_LABELS.items()},
    )


def _mail_form(**kwargs: Any):
    kinds = notices.kinds_for(current_user)
    muted = notices.muted_kinds(current_user)
    data = {str(kind): str(kind) not in muted for kind in kinds}
    return notice_mail_form(kinds, data=data, **kwargs)


def _link(notice) -> str | None:
    """The address of what a notice is about."""
    target = notices.link_target(
        notice.kind, notice.letter_id, notice.attempt_id, case_id=notice.case_id
    )
    return url_for(target[0], **target[1]) if target else None


@bp.post("/mail")
@login_required
def mail_settings():
    form = _mail_form(formdata=request.form)
    if form.validate_on_submit():
        for kind in notices.kinds_for(current_user):
            notices.set_muted(current_user, kind, muted=not form[str(kind)].data)
        db.session.commit()
        flash(_("Je keuze voor mail is bewaard."), "success")
    else:
        flash(_("Dat ging niet goed. Probeer het nog eens."), "error")
    return redirect(url_for("notices.index") + "#mail")


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail programs post here in one click
def unsubscribe(token: str):
    found = notices.read_unsubscribe_token(current_app.config["SECRET_KEY"], token)
    if found is None:
        return render_template("notices/unsubscribe.html", found=None), 400
    label = notices.KIND_LABELS[found.kind]
    if request.method == "POST":
        notices.set_muted(found.user, found.kind, muted=True)
        db.session.commit()
        return render_template("notices/unsubscribe.html", found=found, label=label, done=True)
    return render_template(
        "notices/unsubscribe.html", found=found, label=label, done=False, form=ActionForm()
    )
