"""Practice: trainee coaches answer sample letters; supervisors review their answers.

Trainees see only practice material (never a real coachee); supervisors see only
the submitted work of their own trainees. Everything else is 404.
"""

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

from .. import access, letters, practice, trends
from ..extensions import db
from ..forms import ActionForm, FeedbackForm, PracticeCommentForm
from ..frames import Frame
from ..models import PracticeAttempt, PracticeState, Role
from ..rescue import rescues
from ..samples import Sample
from ..web import (
    draft_request,
    frames,
    now,
    reads_json,
    role_required,
    samples,
    saved_response,
    too_long_message,
)

bp = Blueprint("practice", __name__, url_prefix="/practice")


@bp.get("/")
@role_required(Role.TRAINEE)
def index():
    """The trainee's practice inbox: every sample with its state, and progress over time."""
    return render_template(
        "practice/index.html",
        rows=practice.overview(current_user, samples()),
        progress=practice.progress(current_user, samples()),
    )


def _sample_or_404(sample_id: str) -> Sample:
    sample = samples().sample(sample_id)
    if sample is None:
        abort(404)
    return sample


def _frame_of(attempt: PracticeAttempt | None) -> Frame:
    chosen = frames().frame(attempt.frame_id) if attempt else None
    return chosen or frames().default


@bp.get("/samples/<sample_id>")
@role_required(Role.TRAINEE)
def sample(sample_id: str):
    """A sample letter to answer: in the open draft, or (after submitting) a fresh start."""
    sample = _sample_or_404(sample_id)
    attempts = practice.attempts_at(current_user, sample)
    draft = practice.open_draft(attempts)
    frame = _frame_of(draft)
    keys = practice.answer_keys(frame, sample)
    form = FeedbackForm.for_keys(keys, data=practice.texts_of(draft, keys))
    return _render_sample(sample, attempts, draft, frame, form)


def _render_sample(sample, attempts, draft, frame, form, status: int = 200):
    keys = practice.answer_keys(frame, sample)
    findings = practice.review(frame, sample, form.texts(keys))
    submitted = [a for a in attempts if a.state != PracticeState.DRAFT]
    writing = draft is not None or not submitted
    page = render_template(
        "practice/sample.html",
        sample=sample,
        attempts=submitted,
        writing=writing,
        number=draft.number if draft else practice.next_number(attempts),
        frame=frame,
        form=form,
        versions={p.key: p.version for p in draft.parts} if draft else {},
        findings=findings,
        action_form=ActionForm(),
    )
    return page, status


def _writable(sample: Sample, number: int) -> PracticeAttempt:
    """The draft attempt to write in (started now, in the default frame, if it is the next
    one); 404 when there is none."""
    attempt = practice.draft_numbered(current_user, sample, number, frames().default, now())
    if attempt is None:
        abort(404)
    return attempt


@bp.post("/samples/<sample_id>/<int:number>/parts/<key>")
@reads_json
@role_required(Role.TRAINEE)
def save_part(sample_id: str, number: int, key: str):
    """Autosave of one piece of a practice answer; answers JSON."""
    sample = _sample_or_404(sample_id)
    text, version = draft_request()
    if text is None:
        return jsonify(error="bad_request", message=_("Dit konden we niet opslaan.")), 400
    limit = current_app.config["MAX_ANSWER_LENGTH"]
    if letters.too_long(text, limit):
        return jsonify(error="too_long", message=too_long_message(len(text), limit)), 422
    try:
        attempt = _writable(sample, number)
    except practice.NotADraft:
        message = _("Dit antwoord is al ingeleverd en kan niet meer veranderen.")
        return jsonify(error="sent", message=message), 409
    if key not in practice.answer_keys(_frame_of(attempt), sample):
        db.session.rollback()
        return jsonify(error="bad_request", message=_("Dit konden we niet opslaan.")), 400
    part = practice.save_part(attempt, key, text, now(), version)
    db.session.commit()
    return saved_response(part.version)


@bp.post("/samples/<sample_id>/<int:number>")
@role_required(Role.TRAINEE)
def answer(sample_id: str, number: int):
    """The answer form: keep it as a draft, let the second reader read along, or submit."""
    sample = _sample_or_404(sample_id)
    try:
        attempt = _writable(sample, number)
    except practice.NotADraft as handed_in:
        flash(_("Dit antwoord had je al ingeleverd."), "info")
        return redirect(url_for("practice.attempt", attempt_id=handed_in.args[0]))
    frame = _frame_of(attempt)
    keys = practice.answer_keys(frame, sample)
    form = FeedbackForm.for_keys(keys, data=practice.texts_of(attempt, keys))
    attempts = practice.attempts_at(current_user, sample)
    if not form.validate_on_submit():
        return _render_sample(sample, attempts, attempt, frame, form, 422)
    texts, action = form.texts(keys), request.form.get("action", "save")
    limit = current_app.config["MAX_ANSWER_LENGTH"]
    form.refuse(frame, texts, limit, sending=action == "submit")
    if action == "submit" and not form.errors:
        practice.submit(attempt, texts, practice.review(frame, sample, texts), now())
        db.session.commit()
        flash(
            _("Je antwoord is ingeleverd. Vergelijk het nu met het voorbeeldantwoord."), "success"
        )
        return redirect(url_for("practice.attempt", attempt_id=attempt.id))
    _save_fitting(attempt, texts)
    db.session.commit()
    if form.errors:
        return _render_sample(sample, attempts, attempt, frame, form, 422)
    if action == "check":
        return redirect(url_for("practice.sample", sample_id=sample.id, _anchor="tweede-lezer"))
    flash(_("Je antwoord is bewaard als concept."), "success")
    return redirect(url_for("practice.sample", sample_id=sample.id))


def _save_fitting(attempt: PracticeAttempt, texts: dict[str, str]) -> None:
    """Keep every text that fits as the draft, also when the form was refused."""
    limit = current_app.config["MAX_ANSWER_LENGTH"]
    practice.save_parts(
        attempt, {k: t for k, t in texts.items() if not letters.too_long(t, limit)}, now()
    )


@bp.get("/samples/<sample_id>/<int:number>/second-reader")
@role_required(Role.TRAINEE)
def second_reader(sample_id: str, number: int):
    """The second reader's findings on the saved draft, as a piece of page (for the script
    that refreshes them after each autosave)."""
    sample = _sample_or_404(sample_id)
    attempt = next(
        (a for a in practice.attempts_at(current_user, sample) if a.number == number), None
    )
    frame = _frame_of(attempt)
    texts = practice.texts_of(attempt, practice.answer_keys(frame, sample))
    findings = practice.review(frame, sample, texts)
    return render_template("_findings.html", findings=findings)


@bp.post("/samples/<sample_id>/again")
@role_required(Role.TRAINEE)
def again(sample_id: str):
    """Start a new attempt at a sample; the earlier ones stay as they were."""
    sample = _sample_or_404(sample_id)
    if ActionForm().validate_on_submit():
        practice.start_attempt(current_user, sample, frames().default, now())
        db.session.commit()
    return redirect(url_for("practice.sample", sample_id=sample.id))


@bp.get("/attempts/<int:attempt_id>")
@role_required(Role.TRAINEE, Role.SUPERVISOR)
def attempt(attempt_id: int):
    attempt = access.practice_attempt(current_user, attempt_id)
    if attempt.state == PracticeState.DRAFT:
        return redirect(url_for("practice.sample", sample_id=attempt.sample_id))
    return _render_attempt(attempt, PracticeCommentForm())


def _render_attempt(attempt: PracticeAttempt, comment_form: PracticeCommentForm, status=200):
    sample = _sample_or_404(attempt.sample_id)
    frame = _frame_of(attempt)
    keys = practice.answer_keys(frame, sample)
    texts = practice.texts_of(attempt, keys)
    supervising = current_user.has_role(Role.SUPERVISOR)
    show_comments = supervising or attempt.state == PracticeState.REVIEWED
    comments = attempt.comments if show_comments else []
    page = render_template(
        "practice/attempt.html",
        attempt=attempt,
        sample=sample,
        frame=frame,
        texts=texts,
        findings=practice.review(frame, sample, texts),
        comments=comments,
        marked={
            key: practice.marked(text, [c.passage if c.part_key == key else "" for c in comments])
            for key, text in texts.items()
        },
        supervising=supervising,
        can_review=supervising and attempt.state == PracticeState.SUBMITTED,
        comment_form=comment_form,
        action_form=ActionForm(),
    )
    return page, status


@bp.get("/review")
@role_required(Role.SUPERVISOR)
def review():
    """The supervisor's list: their trainees' submitted answers, waiting ones first."""
    return render_template(
        "practice/review.html",
        attempts=practice.submissions_for(current_user),
        trainees=practice.trainees_of(current_user),
        samples=samples(),
        coaches=trends.shared_with(current_user),
    )


@bp.post("/attempts/<int:attempt_id>/comments")
@role_required(Role.SUPERVISOR)
def comment(attempt_id: int):
    attempt = access.practice_attempt(current_user, attempt_id, for_update=True)
    form = PracticeCommentForm()
    if attempt.state == PracticeState.REVIEWED:
        flash(_("Dit antwoord is al besproken; er kan geen opmerking meer bij."), "info")
        return redirect(url_for("practice.attempt", attempt_id=attempt.id))
    if form.validate_on_submit():
        try:
            practice.add_comment(
                attempt, current_user, form.body.data, form.passage.data or "", now()
            )
        except practice.PassageNotFound:
            form.passage.errors.append(
                _(
                    "Deze passage staat niet letterlijk in het antwoord. Kopieer hem uit "
                    "de tekst hierboven, of laat dit veld leeg."
                )
            )
        else:
            db.session.commit()
            flash(
                _(
                    "Je opmerking is bewaard. De leerling ziet hem zodra je het antwoord "
                    "als besproken markeert."
                ),
                "success",
            )
            return redirect(
                url_for("practice.attempt", attempt_id=attempt.id, _anchor="opmerkingen")
            )
    return _render_attempt(attempt, form, 422)


@bp.post("/attempts/<int:attempt_id>/reviewed")
@role_required(Role.SUPERVISOR)
def mark_reviewed(attempt_id: int):
    attempt = access.practice_attempt(current_user, attempt_id, for_update=True)
    if ActionForm().validate_on_submit() and attempt.state == PracticeState.SUBMITTED:
        practice.mark_reviewed(attempt, current_user, now())
        db.session.commit()
        flash(
            _("Besproken. %(name)s ziet nu je opmerkingen.", name=attempt.trainee.pseudonym),
            "success",
        )
    return redirect(url_for("practice.review"))


@rescues("practice.answer")
def _rescue_answer(form_data, sample_id: str, number: int) -> str:
    """Keep the texts of a refused answer form as the draft."""
    sample = _sample_or_404(sample_id)
    try:
        attempt = _writable(sample, number)
    except practice.NotADraft:
        return url_for("practice.sample", sample_id=sample.id)
    keys = practice.answer_keys(_frame_of(attempt), sample)
    stored = practice.texts_of(attempt, keys)
    form = FeedbackForm.for_keys(keys, formdata=form_data, data=stored, meta={"csrf": False})
    _save_fitting(attempt, form.texts(keys))
    return url_for("practice.sample", sample_id=sample.id)
