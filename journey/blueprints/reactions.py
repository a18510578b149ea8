"""The coachee's reactions to their coach's comments: "Dit raakt me", "Hier mis ik iets".

Plain forms (no script needed): a reaction is kept, changed or taken back, and the
coachee returns to the comment on the letter page (or in their dossier). A refused
reaction shows the letter page again with what they typed and why.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField

from .. import access, reactions
from ..extensions import db
from ..models import Feedback, Role
from ..web import now, role_required, too_long_message
from .journey import letter_page

bp = Blueprint("reactions", __name__)


class ReactionForm(FlaskForm):
    """A reaction: ``kind`` is the button pressed (``touches`` or ``misses``); ``back``
    says where the coachee came from (``dossier``, with its ``page``; else the letter)."""

    kind = StringField()
    line = StringField(_l("Wil je er iets bij zeggen? (mag leeg blijven)"))
    back = HiddenField()
    page = HiddenField()


PROBLEMS = {"unknown_kind": _l("Kies ‘Dit raakt me’ of ‘Hier mis ik iets’.")}


def anchor(letter_id: int, key: str) -> str:
    """The id of a comment's reaction on the letter page and in the dossier."""
    return f"reactie-{letter_id}-{key}"


@bp.post("/letters/<int:letter_id>/reactions/<key>")
@role_required(Role.COACHEE)
def react(letter_id: int, key: str):
    feedback = access.reactable_feedback(current_user, letter_id, key)
    form = ReactionForm()
    line = form.line.data or ""
    if form.validate_on_submit():
        try:
            reactions.react(feedback, key, form.kind.data, line, now())
        except reactions.ReactionRefused as refused:
            if refused.problem == "too_long":
                form.line.errors.append(too_long_message(refused.length, reactions.MAX_LINE_LENGTH))
            else:
                form.kind.errors.append(str(PROBLEMS[refused.problem]))
        else:
            db.session.commit()
            name = feedback.coach.pseudonym
            flash(
                _("Je reactie is bewaard. %(name)s leest hem bij je brief.", name=name), "success"
            )
            return redirect(_back(form, feedback, key))
    return letter_page(feedback.letter, reaction_form=form, refused_key=key, status=422)


@bp.post("/letters/<int:letter_id>/reactions/<key>/take-back")
@role_required(Role.COACHEE)
def take_back(letter_id: int, key: str):
    feedback = access.reactable_feedback(current_user, letter_id, key)
    form = ReactionForm()
    if form.validate_on_submit() and reactions.take_back(feedback, key):
        db.session.commit()
        flash(_("Je reactie is weggehaald."), "success")
    return redirect(_back(form, feedback, key))


def _back(form: ReactionForm, feedback: Feedback, key: str) -> str:
    """Back to the comment: in the dossier (on its page) or on the letter page."""
    if form.back.data == "dossier":
        page = form.page.data if (form.page.data or "").isdigit() else None
        page = page if page not in (None, "1") else None
        return url_for("dossier.own", page=page, _anchor=anchor(feedback.letter_id, key))
    letter_id = feedback.letter_id
    return url_for("journey.letter", letter_id=letter_id, _anchor=anchor(letter_id, key))
