"""Who may see what: every lookup of a visit or letter goes through here.

Each helper returns the object for this user or raises 404, so that what
someone may not see looks the same as what does not exist.
"""

from __future__ import annotations

from flask import abort

from .extensions import db
from .models import Letter, User, Visit
from .worlds import Place, World


def own_visit(user: User, visit_id: int) -> Visit:
    """The coachee's own visit; 404 for anybody else's or a missing one."""
    visit = db.session.get(Visit, visit_id)
    if visit is None or visit.coachee_id != user.id:
        abort(404)
    return visit


def own_letter(user: User, letter_id: int) -> Letter:
    """The coachee's own letter; 404 for anybody else's or a missing one."""
    letter = db.session.get(Letter, letter_id)
    if letter is None or letter.coachee_id != user.id:
        abort(404)
    return letter


def place_or_404(world: World, place_id: str) -> Place:
    place = world.place(place_id)
    if place is None:
        abort(404)
    return place
