"""The library: short texts to read between letters, for coachees and for the staff who
point coachees to them. A coachee's read is noted (they see what they read)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from .. import database, proposals
from .. import library as texts
from ..extensions import db
from ..models import Role
from ..web import library, now, role_required, world

bp = Blueprint("library", __name__, url_prefix="/library")

READERS = (Role.COACHEE, Role.COACH, Role.TRAINEE, Role.SUPERVISOR, Role.ADMIN)


@bp.route("/")
@role_required(*READERS)
def index():
    reads = texts.reads_of(current_user) if current_user.has_role(Role.COACHEE) else {}
    return render_template("library/index.html", texts=library().texts, reads=reads)


@bp.route("/<text_id>")
@role_required(*READERS)
def text(text_id: str):
    found = library().text(text_id)
    if found is None:
        abort(404)
    read = None
    if current_user.has_role(Role.COACHEE):
        database.will_write()  # the read is noted
        read = texts.record_read(current_user, found.id, now())
        proposals.done_by_reading(current_user, found.id, now())
        db.session.commit()
    places = [p for p in (world().place(place_id) for place_id in found.places) if p]
    return render_template("library/text.html", text=found, places=places, read=read)
