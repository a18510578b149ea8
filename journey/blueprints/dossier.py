"""The dossier: everything a coachee and their coach wrote, in order; print, PDF, Markdown, JSON."""

from flask import Blueprint

bp = Blueprint("dossier", __name__, url_prefix="/dossier")
