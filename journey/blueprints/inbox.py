"""The coach's feedback inbox: waiting letters, claiming, answering in a feedback frame."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import (
    access,
    access_log,
    chats,
    database,
    free_letters,
    harvest,
    inbox,
    letters,
    notices,
    progress,
    proposals,
    reactions,
)
from ..extensions import db
from ..figures import figures_for
from ..forms import (
    AbsenceForm,
    ActionForm,
    CoachLetterForm,
    FeedbackForm,
    PromiseForm,
    ProposalForm,
)
from ..frames import Frame
from ..models import Absence, Feedback, Letter, Proposal, Role, User
from ..rescue import rescues
from ..timezones import OutOfRange, end_of_day, from_local
from ..web import (
    draft_request,
    frames,
    goal_and_progress,
    known_text,
    library_text_choices,
    now,
    page_arg,
    reads_json,
    role_required,
    saved_response,
    today_of,
    too_long_message,
    user_zone,
    world,
)

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
SECOND_READER = "tweede-lezer"  # ?tweede-lezer=1: the coach asked for the second reader


@bp.route("/")
@role_required(Role.COACH)
def index():
    name = request.args.get("filter", "waiting")
    if name not in inbox.FILTERS:
        abort(404)
    page_number = page_arg()
    day_end = end_of_day(now(), user_zone())
    page = inbox.inbox_page(current_user, name, now(), day_end, page_number)
    figures = figures_for(current_user.id, now())
    return render_template(
        "inbox/index.html",
        page=page,
        filter=name,
        now=now(),
        figures=figures,
        waiting_chats=chats.waiting_for(current_user) if name != "answered" else [],
    )


@bp.route("/letters/<int:letter_id>")
@role_required(Role.COACH)
def letter(letter_id: int):
    letter = access.coach_letter(current_user, letter_id)
    database.will_write()  # the read goes into the access log
    access_log.record(current_user, letter.coachee, "letter", now(), letter.id)
    notices.mark_letter_read(current_user, letter.id, now())
    db.session.commit()
    frame = _frame_of(letter)
    return _render_letter(letter, frame, _feedback_form(letter, frame, formdata=None))


def _feedback_form(letter: Letter, frame: Frame, **kwargs) -> FeedbackForm:
    """The feedback form of ``letter`` (as posted, unless ``formdata`` says otherwise); a
    field the post left out keeps its stored draft, so a partial form never empties one."""
    drafts = {p.key: p.text for p in letter.feedback.parts} if letter.feedback else {}
    return FeedbackForm.for_keys(inbox.feedback_keys(frame, letter), data=drafts, **kwargs)


def _frame_of(letter: Letter) -> Frame:
    chosen = letter.feedback.frame_id if letter.feedback else request.args.get("frame", "")
    return frames().frame(chosen) or frames().default


def _render_letter(
    letter: Letter,
    frame: Frame,
    form: FeedbackForm,
    status: int = 200,
    proposal_form: ProposalForm | None = None,
):
    mine = letter.coach_id == current_user.id
    flags = {
        "can_claim": letter.coach_id is None,
        "can_answer": mine and not letter.is_answered and not letter.from_coach,
        "can_see_dossier": access.is_coach_of(current_user, letter.coachee),
    }
    reading = flags["can_answer"] and SECOND_READER in request.args
    versions = {p.key: p.version for p in letter.feedback.parts} if letter.feedback else {}
    return (
        render_template(
            "inbox/letter.html",
            history=inbox.history_of(letter),
            letter=letter,
            place=world().place(letter.visit.place_id) if letter.visit else None,
            frame=frame,
            form=form,
            versions=versions,
            action_form=ActionForm(),
            now=now(),
            second_reader=reading,
            findings=inbox.second_reading(letter, frame) if reading else [],
            proposal_form=proposal_form or _proposal_form(formdata=None),
            letter_proposals=proposals.with_letter(letter.id),
            coachee_today=today_of(letter.coachee),
            reactions=reactions.given(letter.feedback),
            **flags,
        ),
        status,
    )


@bp.post("/letters/<int:letter_id>/claim")
@role_required(Role.COACH)
def claim(letter_id: int):
    letter = access.coach_letter(current_user, letter_id)
    if letter.coach_id == current_user.id:  # already theirs (a second click, another tab)
        return redirect(url_for("inbox.letter", letter_id=letter.id))
    if ActionForm().validate_on_submit() and inbox.claim(letter, current_user, now()):
        db.session.commit()
        flash(_("Je hebt deze brief genomen. Hij staat nu alleen nog in jouw inbox."), "success")
        return redirect(url_for("inbox.letter", letter_id=letter.id))
    db.session.rollback()
    flash(_("Een andere coach heeft deze brief net genomen."), "info")
    return redirect(url_for("inbox.index"))


def _answerable(letter_id: int) -> Letter:
    """A letter this coach holds and has not answered yet; 404 otherwise (409 once answered)."""
    letter = access.coach_letter(current_user, letter_id, for_update=True)
    if letter.coach_id != current_user.id or letter.from_coach:
        abort(404)
    return letter


@bp.post("/letters/<int:letter_id>/feedback/<key>")
@reads_json
@role_required(Role.COACH)
def save_feedback(letter_id: int, key: str):
    """Autosave of one piece of feedback; answers JSON."""
    letter = _answerable(letter_id)
    frame = _frame_of(letter)
    text, version = draft_request()
    if text is None or key not in inbox.feedback_keys(frame, letter):
        return jsonify(error="bad_request", message=_("Dit konden we niet opslaan.")), 400
    if letter.is_answered:
        message = _("Deze feedback is al verstuurd en kan niet meer veranderen.")
        return jsonify(error="sent", message=message), 409
    limit = current_app.config["MAX_ANSWER_LENGTH"]
    if letters.too_long(text, limit):
        return jsonify(error="too_long", message=too_long_message(len(text), limit)), 422
    feedback = inbox.feedback_draft(letter, current_user, frame, now())
    part = inbox.save_feedback_part(feedback, key, text, now(), version)
    db.session.commit()
    return saved_response(part.version)


@bp.get("/letters/<int:letter_id>/second-reader")
@role_required(Role.COACH)
def second_reader(letter_id: int):
    """The second reader's findings on the saved feedback draft, as a piece of page."""
    letter = _answerable(letter_id)
    findings = inbox.second_reading(letter, _frame_of(letter))
    return render_template("_findings.html", findings=findings)


@bp.post("/letters/<int:letter_id>/feedback")
@role_required(Role.COACH)
def send_feedback(letter_id: int):
    """The feedback form: save it as a draft, or send it to the coachee."""
    letter = _answerable(letter_id)
    if letter.is_answered:
        flash(_("Deze feedback is al verstuurd."), "info")
        return redirect(url_for("inbox.letter", letter_id=letter.id))
    frame = _frame_of(letter)
    keys = inbox.feedback_keys(frame, letter)
    form = _feedback_form(letter, frame)
    if not form.validate_on_submit():
        return _render_letter(letter, frame, form, 422)
    texts, action = form.texts(keys), request.form.get("action")
    sending = action == "send"
    limit = current_app.config["MAX_ANSWER_LENGTH"]
    form.refuse(frame, texts, limit, sending=sending)
    feedback = inbox.feedback_draft(letter, current_user, frame, now())
    proposal_form = _proposal_form()
    if action == "propose" or proposal_form.target.data:  # a next step goes with it
        if _propose(proposal_form, letter.coachee, letter) is None:
            _save_parts(feedback, texts)
            db.session.commit()
            return _render_letter(letter, frame, form, 422, proposal_form)
        proposal_form = _proposal_form(formdata=None)
        if action == "propose":
            _save_parts(feedback, texts)
            db.session.commit()
            flash(_("Je voorstel is bewaard; je coachee ziet het met je feedback."), "success")
            return redirect(url_for("inbox.letter", letter_id=letter.id, _anchor="voorstellen"))
    if sending and not form.errors:
        inbox.send_feedback(feedback, texts, frame, now())
        db.session.commit()
        name = letter.coachee.pseudonym
        flash(_("Je feedback is verstuurd; %(name)s krijgt er bericht van.", name=name), "success")
        return redirect(url_for("inbox.letter", letter_id=letter.id))
    _save_parts(feedback, texts)
    db.session.commit()
    if form.errors:
        return _render_letter(letter, frame, form, 422, proposal_form)
    if request.form.get("action") == "check":
        asked = {SECOND_READER: 1}  # ?tweede-lezer=1#tweede-lezer
        return redirect(
            url_for("inbox.letter", letter_id=letter.id, _anchor=SECOND_READER, **asked)
        )
    flash(_("Je feedback is bewaard als concept."), "success")
    return redirect(url_for("inbox.letter", letter_id=letter.id))


def _save_parts(feedback: Feedback, texts: dict[str, str]) -> None:
    """Keep every text that fits as a draft, also when the form was refused."""
    limit = current_app.config["MAX_ANSWER_LENGTH"]
    for key, text in texts.items():
        if (text or feedback.part(key)) and not letters.too_long(text, limit):
            inbox.save_feedback_part(feedback, key, text, now())


@bp.route("/coachees")
@role_required(Role.COACH)
def coachees():
    rows = inbox.caseload(current_user, page_arg())
    standings = (
        progress.standings([row.coachee.id for row in rows]) if goal_and_progress() else None
    )
    proposed = proposals.counts([row.coachee for row in rows], today_of)
    return render_template(
        "inbox/coachees.html", rows=rows, now=now(), standings=standings, proposed=proposed
    )


PROPOSAL_PROBLEMS = {
    "no_target": _l("Kies eerst een plek, een vraag of een tekst."),
    "unknown_place": _l("Deze plek staat niet (meer) in de wereld."),
    "unknown_question": _l("Deze vraag hoort niet (meer) bij die plek."),
    "unknown_text": _l("Deze tekst staat niet (meer) in de bibliotheek."),
    "not_your_coachee": _l("Alleen aan je eigen coachees kun je iets voorstellen."),
    "closed": _l("Dit traject is afgesloten; er kan niets meer bij."),
    "date_past": _l("Deze dag is al voorbij voor je coachee. Kies vandaag of later."),
}


def _proposal_form(csrf: bool = False, **kwargs) -> ProposalForm:
    """The proposal fields; on the letter page they ride in the feedback form, whose
    CSRF token covers them. Library texts join the select through
    ``web.library_text_choices``."""
    form = ProposalForm(prefix="proposal", meta={"csrf": csrf}, **kwargs)
    form.set_targets(world(), library_text_choices())
    return form


def _propose(form: ProposalForm, coachee: User, letter: Letter | None = None) -> Proposal | None:
    """The proposal typed in ``form``, stored; None with the reasons on the form."""
    form.validate()
    due_on = form.due_date()
    kind, place_id, question_id, text_id = form.target_parts()
    try:
        proposal = proposals.propose(
            current_user,
            coachee,
            kind,
            place_id,
            question_id,
            text_id,
            due_on,
            form.reason.data or "",
            now(),
            letter,
            world=world(),
            known_text=known_text,
            today=today_of(coachee),
        )
    except proposals.ProposalRefused as refused:
        for problem in refused.problems:
            field = getattr(form, problem.field or "target")
            if problem.kind == "reason_too_long":
                field.errors.append(too_long_message(problem.length, problem.limit))
            else:
                field.errors.append(PROPOSAL_PROBLEMS[problem.kind])
        return None
    return None if form.due_on.errors else proposal


def _own_coachee(coachee_id: int) -> User:
    """A coachee assigned to this coach; 404 for anyone else."""
    coachee = db.session.get(User, coachee_id)
    if coachee is None or not coachee.has_role(Role.COACHEE) or coachee.coach_id != current_user.id:
        abort(404)
    return coachee


@bp.route("/coachees/<int:coachee_id>/proposals", methods=["GET", "POST"])
@role_required(Role.COACH)
def coachee_proposals(coachee_id: int):
    """What the coach proposed to one coachee, with its state, and a proposal on its own."""
    coachee = _own_coachee(coachee_id)
    form = _proposal_form(csrf=True)
    if form.validate_on_submit() and _propose(form, coachee) is not None:
        db.session.commit()
        message = _("Je voorstel staat nu bij %(name)s op de kaart.", name=coachee.pseudonym)
        flash(message, "success")
        return redirect(url_for("inbox.coachee_proposals", coachee_id=coachee.id))
    db.session.rollback()
    status = 422 if form.is_submitted() else 200
    page = render_template(
        "inbox/proposals.html",
        coachee=coachee,
        form=form,
        action_form=ActionForm(),
        proposals=proposals.of_coach(current_user, coachee),
        visible={p.id for p in proposals.for_coachee(coachee)},
        today=today_of(coachee),
    )
    return page, status


@bp.post("/proposals/<int:proposal_id>/withdraw")
@role_required(Role.COACH)
def withdraw_proposal(proposal_id: int):
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.coach_id != current_user.id or proposal.withdrawn_at:
        abort(404)
    if ActionForm().validate_on_submit():
        proposals.withdraw(proposal, now())
        db.session.commit()
        flash(_("Je voorstel is ingetrokken."), "success")
    back_to_letter = (
        request.form.get("back") == "letter" or proposal.coachee.coach_id != current_user.id
    )
    if proposal.letter_id is not None and back_to_letter:
        return redirect(url_for("inbox.letter", letter_id=proposal.letter_id))
    return redirect(url_for("inbox.coachee_proposals", coachee_id=proposal.coachee_id))


@bp.route("/coachees/<int:coachee_id>/letter", methods=["GET", "POST"])
@role_required(Role.COACH)
def write_letter(coachee_id: int):
    """A coach's free letter to one of their coachees."""
    coachee = access.dossier_coachee(current_user, coachee_id)
    form = CoachLetterForm()
    if coachee.is_closed:
        abort(409, description=_("Dit traject is afgesloten; er kan niets meer bij."))
    if form.validate_on_submit():
        limit = current_app.config["MAX_ANSWER_LENGTH"]
        if letters.too_long(form.body.data, limit):
            form.body.errors.append(too_long_message(len(form.body.data), limit))
        else:
            free_letters.write_to_coachee(current_user, coachee, form.body.data, now())
            db.session.commit()
            flash(_("Je brief aan %(name)s is verstuurd.", name=coachee.pseudonym), "success")
            return redirect(url_for("inbox.coachees"))
    status = 422 if form.errors else 200
    return render_template("inbox/write_letter.html", form=form, coachee=coachee), status


@bp.route("/coachees/<int:coachee_id>/harvest", methods=["GET", "POST"])
@role_required(Role.COACH)
def harvest_letter(coachee_id: int):
    """Closing a trajectory: the harvest letter's draft, edited in the default frame with
    the second reader alongside; sending it closes the trajectory."""
    coachee = access.dossier_coachee(current_user, coachee_id)
    if coachee.is_closed:
        flash(_("Het traject van %(name)s is al afgesloten.", name=coachee.pseudonym), "info")
        return redirect(url_for("dossier.show", coachee_id=coachee.id))
    database.will_write()  # the first visit writes the draft
    frame = frames().default
    letter = harvest.start(current_user, coachee, world(), frame, now())
    db.session.commit()
    keys = [f"s-{section.id}" for section in frame.sections]
    form = FeedbackForm.for_keys(keys, data=harvest.texts_of(letter))
    status = 200
    if request.method == "POST" and form.validate_on_submit():
        texts = form.texts(keys)
        limit = current_app.config["MAX_ANSWER_LENGTH"]
        sending = request.form.get("action") == "send"
        found = harvest.problems(texts, frame, limit)
        for key, kind in found.items():
            if kind == "too_long":
                form[key].errors.append(too_long_message(len(texts[key]), limit))
            elif sending:
                form[key].errors.append(
                    _("Dit deel van het kader hoort erbij. Schrijf hier nog iets.")
                )
        if sending and not form.errors:
            harvest.send(letter, texts, frame, now())
            db.session.commit()
            flash(
                _(
                    "Je afsluitbrief is verstuurd en het traject van %(name)s is afgesloten.",
                    name=coachee.pseudonym,
                ),
                "success",
            )
            return redirect(url_for("dossier.show", coachee_id=coachee.id))
        for key, text in texts.items():
            if key not in found:
                inbox.save_feedback_part(letter.feedback, key, text, now())
        db.session.commit()
        if not form.errors:
            flash(_("Je afsluitbrief is bewaard als concept."), "success")
            return redirect(url_for("inbox.harvest_letter", coachee_id=coachee.id))
        status = 422
    elif request.method == "POST":
        status = 422
    texts = {key: form[key].data or "" for key in keys}
    passages = harvest.named_passages(coachee)
    return render_template(
        "inbox/harvest.html",
        coachee=coachee,
        frame=frame,
        form=form,
        findings=harvest.second_reading(frame, texts, passages),
        passages=passages,
    ), status


@bp.post("/coachees/<int:coachee_id>/close")
@role_required(Role.COACH)
def close_trajectory(coachee_id: int):
    coachee = access.dossier_coachee(current_user, coachee_id)
    if ActionForm().validate_on_submit():
        harvest.discard_draft(coachee)
        inbox.close_trajectory(coachee, now())
        db.session.commit()
        flash(_("Het traject van %(name)s is afgesloten.", name=coachee.pseudonym), "success")
    return redirect(url_for("dossier.show", coachee_id=coachee.id))


@bp.route("/settings", methods=["GET", "POST"])
@role_required(Role.COACH)
def settings():
    promise_form = PromiseForm(prefix="promise", promise_hours=_promise_hours())
    absence_form = _absence_form()
    if promise_form.submit_ok():
        current_user.promise_hours = promise_form.promise_hours.data
        db.session.commit()
        flash(_("Je belofte is bewaard: nieuwe brieven krijgen die termijn."), "success")
        return redirect(url_for("inbox.settings"))
    period = _absence_period(absence_form) if absence_form.submit_ok() else None
    if period:
        substitute = db.session.get(User, int(absence_form.substitute.data or 0))
        inbox.add_absence(current_user, *period, substitute)
        db.session.commit()
        flash(_("Je afwezigheid is bewaard."), "success")
        return redirect(url_for("inbox.settings"))
    status = 422 if promise_form.errors or absence_form.errors else 200
    page = render_template(
        "inbox/settings.html",
        promise_form=promise_form,
        absence_form=absence_form,
        absences=inbox.absences_of(current_user, now()),
        action_form=ActionForm(),
    )
    return page, status


def _promise_hours() -> int:
    return current_user.promise_hours or current_app.config["DEFAULT_PROMISE_HOURS"]


def _absence_form() -> AbsenceForm:
    form = AbsenceForm(prefix="absence")
    pool = [SelectChoice("0", _("de gedeelde pool"))]
    form.substitute.choices = pool + [
        SelectChoice(str(c.id), c.pseudonym) for c in inbox.other_coaches(current_user)
    ]
    return form


ABSENCE_PROBLEMS = {
    "order": _l("Het einde ligt na het begin."),
    "over": _l("Deze afwezigheid is al voorbij. Kies een einde dat nog moet komen."),
    "too_far": _l("Zo ver vooruit kun je niet plannen: kies een datum in de komende twee jaar."),
}


def _absence_period(form: AbsenceForm) -> tuple[datetime, datetime] | None:
    """The typed absence in UTC (typed in the coach's time zone), or None with the
    reason on the form."""
    try:
        starts, ends = (from_local(f.data, user_zone()) for f in (form.starts_at, form.ends_at))
        problem = inbox.absence_problem(starts, ends, now())
    except OutOfRange:
        problem = "too_far"
    if problem in ABSENCE_PROBLEMS:
        form.ends_at.errors.append(ABSENCE_PROBLEMS[problem])
        return None
    return starts, ends


@bp.post("/absences/<int:absence_id>/delete")
@role_required(Role.COACH)
def delete_absence(absence_id: int):
    absence = db.session.get(Absence, absence_id)
    if absence is None or absence.coach_id != current_user.id:
        abort(404)
    if ActionForm().validate_on_submit():
        db.session.delete(absence)
        db.session.commit()
        flash(_("De afwezigheid is verwijderd."), "success")
    return redirect(url_for("inbox.settings"))


@rescues("inbox.send_feedback")
def _rescue_feedback(form_data, letter_id: int) -> str:
    """Keep the texts of a refused feedback form as the feedback draft."""
    letter = _answerable(letter_id)
    if not letter.is_answered:
        frame = _frame_of(letter)
        form = _feedback_form(letter, frame, formdata=form_data, meta={"csrf": False})
        texts = form.texts(inbox.feedback_keys(frame, letter))
        _save_parts(inbox.feedback_draft(letter, current_user, frame, now()), texts)
    return url_for("inbox.letter", letter_id=letter.id)
