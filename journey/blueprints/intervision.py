"""Intervision: coaches bring an anonymised case to their group; the coachee consents.

A case is its coach's in every state; the other coaches of its group read it only
once it is shared; the coachee sees it from the moment they are asked. Everyone else
gets 404, and every read of a shared case goes into the coachee's access log.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import access, access_log, database, intervision, notices
from ..extensions import db
from ..forms import ActionForm, PracticeCommentForm
from ..intervision_forms import CaseDraftForm, ConsentForm, NewCaseForm
from ..models import CaseState, IntervisionCase, Letter, Role
from ..web import datetime_filter, frames, now, role_required, world

bp = Blueprint("intervision", __name__, url_prefix="/intervision")


@bp.app_context_processor
def _requests() -> dict:
    """``consent_requests()``: the coachee's unanswered requests (asked only where shown)."""
    return {"consent_requests": lambda: intervision.waiting_for(current_user)}


# --- the coach --------------------------------------------------------------------------


@bp.get("/")
@role_required(Role.COACH)
def index():
    """The coach's groups, the cases they brought and the ones colleagues share."""
    return render_template(
        "intervision/index.html",
        groups=intervision.groups_of(current_user),
        members_of=intervision.members_of,
        brought=intervision.brought_by(current_user),
        shared=intervision.shared_with(current_user),
    )


def _letter_choices() -> list[tuple[Letter, str]]:
    """The letters the coach may bring, each named by coachee, place and date."""
    choices = []
    for letter in intervision.letters_to_bring(current_user):
        place = world().place(letter.visit.place_id) if letter.visit else None
        where = place.name if place else _("vrije brief")
        label = _(
            "%(name)s · %(where)s · %(date)s",
            name=letter.coachee.pseudonym,
            where=where,
            date=datetime_filter(letter.sent_at, "d MMMM y"),
        )
        choices.append((letter, label))
    return choices


@bp.route("/cases/new", methods=["GET", "POST"])
@role_required(Role.COACH)
def new_case():
    """Choose a letter and a group, write the question; Journey anonymises the texts."""
    groups = intervision.groups_of(current_user)
    letters = _letter_choices()
    form = NewCaseForm()
    form.set_choices(groups, letters)
    if form.validate_on_submit():
        group, letter = form.chosen_group(groups), form.chosen_letter(letters)
        if group is None:
            form.group.errors.append(_("Kies een van je groepen."))
        if letter is None:
            form.letter.errors.append(_("Kies een brief die je beantwoord hebt."))
        if group is not None and letter is not None:
            case = intervision.start_case(
                current_user, group, letter, form.question.data, world(), frames(), now()
            )
            db.session.commit()
            flash(
                _("Lees de tekst zonder namen goed na en pas hem aan waar nodig."),
                "success",
            )
            return redirect(url_for("intervision.case", case_id=case.id))
    status = 422 if form.errors else 200
    return render_template("intervision/new.html", form=form, groups=groups), status


@bp.get("/cases/<int:case_id>")
@role_required(Role.COACH)
def case(case_id: int):
    case = access.intervision_case(current_user, case_id)
    if case.state == CaseState.SHARED:
        _log_read(case)
    _notices_read(case)
    return _render_case(case)


def _notices_read(case: IntervisionCase) -> None:
    """The reader opened the case: their notices about it are no longer new."""
    unread = intervision.unread_notices(current_user, case)
    if unread:
        database.will_write()
        notices.mark_read(current_user, unread, now())
        db.session.commit()


def _log_read(case: IntervisionCase) -> None:
    """Every read of a shared case goes into the coachee's access log."""
    if case.coachee is not None:
        database.will_write()
        access_log.record(current_user, case.coachee, intervision.WHAT_READ, now(), case.id)
        db.session.commit()


def _render_case(case: IntervisionCase, *, draft_form=None, comment_form=None, status=200):
    own = case.coach_id == current_user.id
    if draft_form is None and own and case.state == CaseState.DRAFT:
        draft_form = CaseDraftForm(
            data={
                "question": case.question,
                "letter_text": case.letter_text,
                "feedback_text": case.feedback_text,
            }
        )
    shared = case.state == CaseState.SHARED
    comments = list(case.comments) if shared else []
    page = render_template(
        "intervision/case.html",
        case=case,
        own=own,
        draft_form=draft_form,
        replacements=(
            intervision.replacements_of(case, world(), frames())
            if own and case.state == CaseState.DRAFT
            else []
        ),
        comments=comments,
        marked={
            part: intervision.marked(text, comments, part)
            for part, text in intervision.texts_of(case).items()
        },
        findings=intervision.findings(case) if shared else [],
        comment_form=comment_form or PracticeCommentForm(),
        action_form=ActionForm(),
    )
    return page, status


@bp.post("/cases/<int:case_id>")
@role_required(Role.COACH)
def save_case(case_id: int):
    """The coach's review of a draft: keep it, or keep it and ask the coachee."""
    case = access.own_case(current_user, case_id, for_update=True)
    if case.state != CaseState.DRAFT:
        flash(_("Deze casus kan niet meer veranderen."), "info")
        return redirect(url_for("intervision.case", case_id=case.id))
    form = CaseDraftForm()
    if not form.validate_on_submit():
        return _render_case(case, draft_form=form, status=422)
    intervision.save_draft(case, form.question.data, form.letter_text.data, form.feedback_text.data)
    if form.action.data == "ask":
        intervision.ask_consent(case, now())
        db.session.commit()
        flash(
            _(
                "We vragen %(name)s nu om toestemming. Pas als die er is, lezen je collega's "
                "de casus.",
                name=case.coachee.pseudonym,
            ),
            "success",
        )
    else:
        db.session.commit()
        flash(_("Je casus is bewaard. Er is nog niets gedeeld."), "success")
    return redirect(url_for("intervision.case", case_id=case.id))


@bp.post("/cases/<int:case_id>/comments")
@role_required(Role.COACH)
def comment(case_id: int):
    case = access.intervision_case(current_user, case_id, for_update=True)
    form = PracticeCommentForm()
    if case.state != CaseState.SHARED:
        flash(_("Deze casus is gesloten; er kan geen reactie meer bij."), "info")
        return redirect(url_for("intervision.case", case_id=case.id))
    if form.validate_on_submit():
        try:
            intervision.add_comment(
                case, current_user, form.body.data, form.passage.data or "", now()
            )
        except intervision.PassageNotFound:
            form.passage.errors.append(
                _(
                    "Deze passage staat niet letterlijk in de casus. Kopieer hem uit de "
                    "tekst hierboven, of laat dit veld leeg."
                )
            )
        else:
            db.session.commit()
            flash(_("Je reactie is bewaard."), "success")
            return redirect(url_for("intervision.case", case_id=case.id, _anchor="reacties"))
    _log_read(case)
    return _render_case(case, comment_form=form, status=422)


@bp.post("/cases/<int:case_id>/close")
@role_required(Role.COACH)
def close_case(case_id: int):
    """The coach ends their case before its time: the texts and comments are removed."""
    case = access.own_case(current_user, case_id, for_update=True)
    if ActionForm().validate_on_submit() and case.state not in (
        CaseState.CLOSED,
        CaseState.REFUSED,
    ):
        intervision.close(case, now())
        db.session.commit()
        flash(_("De casus is gesloten. De teksten en reacties zijn verwijderd."), "success")
    return redirect(url_for("intervision.index"))


# --- the coachee ------------------------------------------------------------------------


@bp.get("/requests")
@role_required(Role.COACHEE)
def requests():
    """What the coachee's coach asked to bring to intervision, and what they answered."""
    return render_template("intervision/requests.html", cases=intervision.requests_of(current_user))


@bp.get("/requests/<int:case_id>")
@role_required(Role.COACHEE)
def consent(case_id: int):
    case = access.consent_case(current_user, case_id)
    _notices_read(case)
    return _render_consent(case, ConsentForm())


def _render_consent(case: IntervisionCase, form: ConsentForm, status: int = 200):
    page = render_template("intervision/consent.html", case=case, form=form)
    return page, status


@bp.post("/requests/<int:case_id>")
@role_required(Role.COACHEE)
def answer(case_id: int):
    """Yes or no to a request; or, once shared, stop sharing."""
    case = access.consent_case(current_user, case_id, for_update=True)
    form = ConsentForm()
    if not form.validate_on_submit():
        return _render_consent(case, form, 422)
    choice = form.answer.data
    if case.state == CaseState.ASKED and choice == "yes":
        intervision.consent(case, now())
        message = _(
            "Dank je. De collega's van %(name)s lezen de tekst zonder namen tot %(when)s.",
            name=case.coach.pseudonym if case.coach else _("je coach"),
            when=datetime_filter(case.closes_at, "d MMMM y"),
        )
    elif case.state == CaseState.ASKED and choice == "no":
        intervision.refuse(case, now())
        message = _("Je hebt nee gezegd. Er wordt niets gedeeld, en de tekst is verwijderd.")
    elif case.state == CaseState.SHARED and choice == "stop":
        intervision.close(case, now())
        message = _("Het delen is gestopt. De tekst en de reacties zijn verwijderd.")
    else:
        flash(_("Deze vraag had je al beantwoord."), "info")
        return redirect(url_for("intervision.consent", case_id=case.id))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("intervision.consent", case_id=case.id))
