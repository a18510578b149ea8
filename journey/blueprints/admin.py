"""Administration: staff accounts, invitation codes, assigning coachees, response figures."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
