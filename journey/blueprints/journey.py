"""The coachee's journey: the map, a place and its questions, drafts, sending a letter."""

from __future__ import annotations

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
from flask_login import current_user

from .. import (
    access,
    database,
    free_letters,
    inbox,
    letters,
    notices,
    progress,
    proposals,
    reactions,
    visits,
)
from .. import library as texts
from ..extensions import db
from ..forms import FreeLetterForm, GoalForm, LetterForm, answer_field
from ..models import Letter, Role, Visit
from ..rescue import rescues
from ..web import (
    draft_request,
    library,
    now,
    page_arg,
    reads_json,
    role_required,
    saved_response,
    too_long_message,
    world,
)

bp = Blueprint("journey", __name__)


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return render_template("journey/welcome.html")
    if current_user.has_role(Role.COACHEE):
        return redirect(url_for("journey.world_map"))
    if current_user.has_role(Role.COACH):
        return redirect(url_for("inbox.index"))
    if current_user.has_role(Role.TRAINEE):
        return redirect(url_for("practice.index"))
    if current_user.has_role(Role.SUPERVISOR):
        return redirect(url_for("practice.review"))
    return redirect(url_for("admin.index"))


@bp.route("/map")
@role_required(Role.COACHEE)
def world_map():
    route = visits.route(current_user)
    in_order = _map_order(world().places)
    proposed = proposals.open_for(current_user)
    return render_template(
        "journey/map.html",
        route=route,
        in_map_order=in_order,
        proposed=proposed,
        proposed_places={p.place_id for p in proposed if p.place_id},
        **_map_marks(route),
    )


@bp.route("/proposals")
@role_required(Role.COACHEE)
def proposals_list():
    """What the coach proposed: open ones first, then the done ones."""
    found = proposals.for_coachee(current_user)
    return render_template(
        "journey/proposals.html",
        open=[p for p in found if p.done_at is None],
        done=[p for p in found if p.done_at is not None],
    )


MAP_ROW = 20  # percent of the map's height: places this close in height read as one row


def _map_order(places) -> list:
    """The places as one reads the map: row by row from the top, each row left to right."""
    return sorted(places, key=lambda p: (int(p.position.y // MAP_ROW), p.position.x))


def _map_marks(route: list[Visit]) -> dict:
    """Which places were visited, which hold unsent drafts, and the route's places in order."""
    places = [world().place(v.place_id) for v in route]
    path = [p for i, p in enumerate(places) if p and (i == 0 or places[i - 1] != p)]
    visited = {v.place_id for v in route}
    return {"path": path, "visited": visited, "drafting": visits.drafting_places(current_user)}


@bp.route("/goal", methods=["GET", "POST"])
@role_required(Role.COACHEE)
def goal():
    """The coachee's goal for the trajectory, in their own words; read-only once closed."""
    if not progress.enabled(current_app.config):
        abort(404)
    form = GoalForm(data={"goal": current_user.goal or ""})
    if request.method == "GET" or current_user.is_closed:
        return render_template("journey/goal.html", form=form)
    if not form.validate_on_submit():
        return render_template("journey/goal.html", form=form), 422
    text = form.goal.data or ""
    if progress.goal_problem(text):
        form.goal.errors.append(too_long_message(len(text.strip()), progress.GOAL_MAX_LENGTH))
        return render_template("journey/goal.html", form=form), 422
    progress.set_goal(current_user, text, now())
    db.session.commit()
    flash(
        _("Je doel is bewaard. Bij elke brief kun je nu zeggen hoe ver je op weg bent.")
        if text.strip()
        else _("Je doel is weggehaald."),
        "success",
    )
    return redirect(url_for("journey.world_map"))


@bp.route("/places/<place_id>")
@role_required(Role.COACHEE)
def place(place_id: str):
    place = access.place_or_404(world(), place_id)
    if current_user.is_closed:
        return _closed()
    visit = visits.open_visit(current_user, place.id)
    if visit is None:  # the first time here since the last letter: a visit starts
        database.will_write()
        visit = visits.visit_place(current_user, place.id, now())
        db.session.commit()
    drafts = {answer_field(a.question_id): a.text for a in visit.answers}
    form = LetterForm.for_place(place, data={**drafts, "note": visit.note})
    return _render_place(place, visit, form)


def _render_place(place, visit: Visit, form: LetterForm, status: int = 200):
    earlier = visits.letters_from(current_user, place.id)
    versions = {answer_field(a.question_id): a.version for a in visit.answers}
    versions["note"] = visit.note_version
    return (
        render_template(
            "journey/place.html",
            place=place,
            visit=visit,
            form=form,
            versions=versions,
            earlier=earlier,
            reading=library().for_place(place.id),
            reads=texts.reads_of(current_user),
            limits=_limits(),
            answer_field=answer_field,
        ),
        status,
    )


def _limits() -> dict[str, int]:
    config = current_app.config
    return {"answer": config["MAX_ANSWER_LENGTH"], "note": config["MAX_NOTE_LENGTH"]}


@bp.post("/visits/<int:visit_id>")
@role_required(Role.COACHEE)
def submit(visit_id: int):
    """The place's form: save the drafts, or send them as a letter."""
    visit = access.own_visit(current_user, visit_id)
    place = access.place_or_404(world(), visit.place_id)
    if visit.is_sent:
        flash(_("Deze brief is al verstuurd; je kunt hem hier teruglezen."), "info")
        return redirect(url_for("journey.letter", letter_id=visit.letter.id))
    form = _place_form(place, visit)
    if not form.validate_on_submit():
        return _render_place(place, visit, form, 422)
    answers, note, limits = form.answers(place), form.note.data or "", _limits()
    problems = _letter_problems(answers, note, form)
    sending = request.form.get("action") == "send"
    if sending and not problems:
        letter = visits.send_letter(
            visit, answers, form.mood_value(), note, now(), _default_promise(), _progress(form)
        )
        db.session.commit()
        flash(_("Je brief is verstuurd. Je coach leest hem met aandacht."), "success")
        return redirect(url_for("journey.letter", letter_id=letter.id))
    _show_problems(form, problems if sending else _keeping_problems(problems), answer_field)
    visits.save_drafts(visit, answers, note, now(), limits)  # what fits; the rest stays as typed
    db.session.commit()
    if form.errors:
        return _render_place(place, visit, form, 422)
    flash(_("Je antwoorden zijn bewaard. Je kunt er later verder aan schrijven."), "success")
    return redirect(url_for("journey.place", place_id=place.id))


def _place_form(place, visit: Visit, formdata=None) -> LetterForm:
    """The place's form as posted; a field the post left out keeps its stored draft, so a
    partial form never empties another answer."""
    drafts = {answer_field(a.question_id): a.text for a in visit.answers}
    kwargs = {} if formdata is None else {"formdata": formdata, "meta": {"csrf": False}}
    return LetterForm.for_place(place, data={**drafts, "note": visit.note}, **kwargs)


def _letter_problems(
    answers: dict[str, str], note: str, form: LetterForm | FreeLetterForm
) -> list[letters.LetterProblem]:
    """Every reason why these texts and the form's mood cannot be sent (``check_letter``)."""
    limits = _limits()
    return letters.check_letter(
        answers,
        note,
        form.mood_value(),
        max_answer_length=limits["answer"],
        max_note_length=limits["note"],
        progress=_progress(form),
    )


def _progress(form: LetterForm | FreeLetterForm) -> int | None:
    """The progress on the form, when the organisation works with goals; else None."""
    return form.progress_value() if progress.enabled(current_app.config) else None


def _keeping_problems(problems: list[letters.LetterProblem]) -> list[letters.LetterProblem]:
    """What stops texts from being kept as drafts: a text too long (an empty one is fine)."""
    return [p for p in problems if p.kind != "empty"]


def _default_promise() -> int:
    return int(current_app.config["DEFAULT_PROMISE_HOURS"])


def _show_problems(
    form: LetterForm | FreeLetterForm, problems: list[letters.LetterProblem], answer_field_of
) -> None:
    """Put each reason why the letter cannot be sent on the field it is about."""
    for problem in problems:
        if problem.kind == "empty":
            form.form_errors.append(
                _("Je brief is nog leeg. Schrijf eerst iets voordat je hem verstuurt.")
            )
        elif problem.kind == "mood_out_of_range":
            form.mood.errors.append(_("Kies een getal van 1 tot 10, of laat dit leeg."))
        elif problem.kind == "progress_out_of_range":
            form.progress.errors.append(_("Kies een getal van 0 tot 10, of laat dit leeg."))
        else:
            field = "note" if problem.field == "note" else answer_field_of(problem.field)
            form[field].errors.append(too_long_message(problem.length, problem.limit))


@bp.post("/visits/<int:visit_id>/drafts/<field>")
@reads_json
@role_required(Role.COACHEE)
def save_draft(visit_id: int, field: str):
    """Autosave of one answer (``q-<question id>``) or the note; answers JSON."""
    visit = access.own_visit(current_user, visit_id)
    place = access.place_or_404(world(), visit.place_id)
    text, version = draft_request()
    question = place.question(field.removeprefix("q-")) if field.startswith("q-") else None
    if not isinstance(text, str) or (field != "note" and question is None):
        return jsonify(error="bad_request", message=_("Dit konden we niet opslaan.")), 400
    if visit.is_sent:
        message = _("Deze brief is al verstuurd; je antwoorden kunnen niet meer veranderen.")
        return jsonify(error="sent", message=message), 409
    limit = _limits()["note" if field == "note" else "answer"]
    if letters.too_long(text, limit):
        message = too_long_message(len(text), limit)
        return jsonify(error="too_long", message=message, limit=limit), 422
    if question is None:
        saved = visits.save_note(visit, text, now(), version).note_version
    else:
        saved = visits.save_draft(visit, question.id, text, now(), version).version
    db.session.commit()
    return saved_response(saved)


@bp.route("/letters")
@role_required(Role.COACHEE)
def letters_list():
    letters = visits.letters_of(current_user, page_arg())
    return render_template("journey/letters.html", letters=letters)


@bp.route("/letters/<int:letter_id>")
@role_required(Role.COACHEE)
def letter(letter_id: int):
    letter: Letter = access.own_letter(current_user, letter_id)
    feedback = letter.feedback if letter.feedback and letter.feedback.is_sent else None
    unread_notices = notices.unread_about(current_user, letter.id)
    if (feedback and feedback.read_at is None) or unread_notices:
        database.will_write()
        if feedback and feedback.read_at is None:
            feedback.read_at = now()
        notices.mark_read(current_user, unread_notices, now())
        db.session.commit()
    return letter_page(letter)


def letter_page(letter: Letter, reaction_form=None, refused_key: str | None = None, status=200):
    """The coachee's letter with the coach's feedback, their reactions beside its comments
    and (``reaction_form``) a refused reaction to the comment ``refused_key``, as typed."""
    feedback = letter.feedback if letter.feedback and letter.feedback.is_sent else None
    place = world().place(letter.visit.place_id) if letter.visit else None
    page = render_template(
        "journey/letter.html",
        letter=letter,
        place=place,
        feedback=feedback,
        reactions=reactions.given(feedback),
        can_react=feedback is not None and not current_user.is_closed,
        reaction_form=reaction_form,
        refused_key=refused_key,
    )
    return page, status


@bp.app_context_processor
def _feedback_notice() -> dict:
    """Coachees see a notice on every page while feedback waits unread."""
    unread = []
    if current_user.is_authenticated and current_user.has_role(Role.COACHEE):
        unread = inbox.unread_feedback(current_user)
    return {"unread_feedback": unread, "unread_notices": inbox.UNREAD_NOTICES}


@bp.route("/letters/new")
@role_required(Role.COACHEE)
def free_letter():
    if current_user.is_closed:
        return _closed()
    letter = free_letters.open_draft(current_user)
    if letter is None:  # a new draft starts
        database.will_write()
        letter = free_letters.draft(current_user, now())
        db.session.commit()
    form = FreeLetterForm(data={"body": letter.body, "note": letter.note})
    return _render_free_letter(letter, form)


def _render_free_letter(letter: Letter, form: FreeLetterForm, status: int = 200):
    versions = {"body": letter.body_version, "note": 0}
    page = render_template("journey/free_letter.html", letter=letter, form=form, versions=versions)
    return page, status


def _closed():
    flash(_("Je traject is afgesloten. Je kunt alles blijven teruglezen in je dossier."), "info")
    return redirect(url_for("journey.letters_list"))


@bp.post("/letters/<int:letter_id>/drafts/<field>")
@reads_json
@role_required(Role.COACHEE)
def save_free_letter_draft(letter_id: int, field: str):
    """Autosave of a free letter's body or note; answers JSON."""
    letter = access.own_draft(current_user, letter_id)
    text, version = draft_request()
    if text is None or field not in ("body", "note"):
        return jsonify(error="bad_request", message=_("Dit konden we niet opslaan.")), 400
    limit = _limits()["answer" if field == "body" else "note"]
    if letters.too_long(text, limit):
        return jsonify(error="too_long", message=too_long_message(len(text), limit)), 422
    if field == "body":
        saved = free_letters.save_body(letter, text, now(), version).body_version
    else:
        letter.note, saved = text, 0
    db.session.commit()
    return saved_response(saved)


@bp.post("/letters/<int:letter_id>")
@role_required(Role.COACHEE)
def send_free_letter(letter_id: int):
    """The free letter's form: keep it as a draft, or send it."""
    letter = access.own_draft(current_user, letter_id)
    form = FreeLetterForm(data={"body": letter.body, "note": letter.note})
    if not form.validate_on_submit():
        return _render_free_letter(letter, form, 422)
    body, note, limits = form.body.data or "", form.note.data or "", _limits()
    problems = _letter_problems({"body": body}, note, form)
    sending = request.form.get("action") == "send"
    if sending and not problems:
        free_letters.send(
            letter, body, form.mood_value(), note, now(), _default_promise(), _progress(form)
        )
        db.session.commit()
        flash(_("Je brief is verstuurd. Je coach leest hem met aandacht."), "success")
        return redirect(url_for("journey.letter", letter_id=letter.id))
    _show_problems(form, problems if sending else _keeping_problems(problems), lambda _f: "body")
    if not letters.too_long(body, limits["answer"]):
        free_letters.save_body(letter, body, now())
    letter.note = note if not letters.too_long(note, limits["note"]) else letter.note
    db.session.commit()
    if form.errors:
        return _render_free_letter(letter, form, 422)
    flash(_("Je brief is bewaard als concept."), "success")
    return redirect(url_for("journey.free_letter"))


@rescues("journey.submit")
def _rescue_visit(form_data, visit_id: int) -> str:
    """Keep the answers and note of a refused place form as drafts (what fits)."""
    visit = access.own_visit(current_user, visit_id)
    place = access.place_or_404(world(), visit.place_id)
    if not visit.is_sent:
        form = _place_form(place, visit, formdata=form_data)
        visits.save_drafts(visit, form.answers(place), form.note.data or "", now(), _limits())
    return url_for("journey.place", place_id=place.id)


@rescues("journey.send_free_letter")
def _rescue_free_letter(form_data, letter_id: int) -> str:
    """Keep the body of a refused free letter form as its draft (when it fits)."""
    letter = access.own_draft(current_user, letter_id)
    body = form_data.get("body", letter.body)
    if not letters.too_long(body, _limits()["answer"]):
        free_letters.save_body(letter, body, now())
    return url_for("journey.free_letter")
