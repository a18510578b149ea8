"""The coach's feedback inbox: waiting letters, claiming, answering in a feedback frame."""

from flask import Blueprint

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
