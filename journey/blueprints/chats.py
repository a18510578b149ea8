"""Chats: the live written session of an appointment, and chats on distance.

The page works without JavaScript (a form that sends a message and shows the page
again). With JavaScript (static/js/chat.js) messages are sent as JSON with an id made
by the browser, resent until the server acknowledges them, and new messages arrive
through Server-Sent Events (``stream``), or by polling ``messages`` where a browser or
proxy blocks the stream. Only the coach and the coachee of a chat may read it (404).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import get_time_format
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import access_log, chats, database, notices, realtime, second_reader, templating
from ..extensions import db
from ..forms import AsyncChatForm, ChatMessageForm, PhaseForm
from ..models import ChatMessage, Role, User
from ..web import now, reads_json, role_required, storable, user_zone, wants_json

bp = Blueprint("chats", __name__, url_prefix="/chats")

PEOPLE = (Role.COACH, Role.COACHEE)
LOOK_EVERY_SHARED = 15.0  # seconds between looks in the database with a shared bell
LOOK_EVERY_LOCAL = 1.0  # and without one (other processes cannot ring it)
RETRY_MS = 1000


def problem_message(code: str) -> str:
    messages = {
        "not_open": _("Dit gesprek is nu niet open. Je bericht staat nog in het tekstvak."),
        "empty": _("Schrijf eerst een bericht."),
        "long": _("Een bericht is hooguit 4000 tekens lang."),
        "client_id": _("Dit bericht kon niet worden verstuurd. Laad de pagina opnieuw."),
        "phase": _("Alleen de coach markeert de fasen van het gesprek."),
        "reply_hours": _("Kies een antwoordtijd uit de lijst."),
        "coachee": _("Met deze coachee kun je geen chat beginnen."),
        "unstorable": _(
            "Je bericht bevat een onzichtbaar teken dat Journey niet kan bewaren. Haal het "
            "weg en probeer het opnieuw."
        ),
    }
    return messages.get(code, _("Dat lukte niet. Probeer het nog een keer."))


def _own(chat_id: int):
    chat = chats.chat_for(current_user, chat_id)
    if chat is None:
        abort(404)
    return chat


@dataclass(frozen=True)
class Reader:
    """Who reads a chat's events, taken from the request: the stream sends them after the
    request is over, with no request context."""

    user_id: int
    zone: ZoneInfo
    locale: Locale
    time_pattern: str
    phase_titles: dict[str, str]

    @classmethod
    def now(cls) -> Reader:
        locale = get_locale()
        return cls(
            current_user.id,
            user_zone(),
            locale,
            get_time_format("short", locale=locale).pattern,
            {phase.id: str(phase.title) for phase in chats.PHASES},
        )

    def event(self, message: ChatMessage) -> dict:
        """A message as the page's script shows it (its time in the reader's own zone)."""
        return {
            "id": message.id,
            "client_id": message.client_id,
            "author": message.author_name,
            "by_coach": message.by_coach,
            "own": message.author_id == self.user_id,
            "body": message.body,
            "phase": message.phase,
            "phase_title": self.phase_titles.get(message.phase or ""),
            "time": templating.format_moment(
                message.sent_at, self.time_pattern, self.zone, self.locale
            ),
        }


def as_event(message: ChatMessage) -> dict:
    return Reader.now().event(message)


@bp.route("/")
@role_required(*PEOPLE)
def index(form: AsyncChatForm | None = None, status: int = 200):
    form = form or _start_form()
    return render_template(
        "chats/index.html",
        chats=chats.chats_of(current_user),
        form=form,
        live=chats.transcripts_of(current_user) if current_user.has_role(Role.COACHEE) else [],
    ), status


def _start_form(**kwargs) -> AsyncChatForm:
    form = AsyncChatForm(**kwargs)
    coachees = db.session.scalars(
        db.select(User)
        .where(User.coach_id == current_user.id, User.closed_at.is_(None))
        .order_by(User.login_name)
    ).all()
    form.coachee.choices = [SelectChoice(str(c.id), c.pseudonym) for c in coachees]
    form.reply_hours.choices = [
        SelectChoice(str(hours), _("%(hours)s uur", hours=hours)) for hours in chats.REPLY_HOURS
    ]
    return form


@bp.post("/start")
@role_required(Role.COACH)
def start():
    form = _start_form()
    if not form.validate_on_submit():
        return index(form, 422)
    coachee = db.session.get(User, int(form.coachee.data))
    try:
        chat = chats.start_async(current_user, coachee, int(form.reply_hours.data), now())
    except chats.ChatError as error:
        form.form_errors.append(problem_message(error.code))
        return index(form, 422)
    db.session.commit()
    return redirect(url_for(".chat", chat_id=chat.id))


@bp.route("/<int:chat_id>")
@role_required(*PEOPLE)
def chat(chat_id: int, form: ChatMessageForm | None = None, status: int = 200):
    found = _own(chat_id)
    moment = now()
    is_coach = current_user.id == found.coach_id
    database.will_write()  # the read is logged, its notices marked read
    access_log.record(current_user, found.coachee, "chat", moment, found.id)
    notices.mark_chat_read(current_user, found.id, moment)
    db.session.commit()
    form = form or ChatMessageForm(client_id=uuid.uuid4().hex)
    messages = found.messages
    return render_template(
        "chats/chat.html",
        chat=found,
        messages=messages,
        state=chats.state(found, moment),
        is_coach=is_coach,
        other=found.coachee if is_coach else found.coach,
        phases=chats.PHASES,
        current_phase=chats.phase(found.phase),
        form=form,
        phase_form=PhaseForm(),
        appointment=found.appointment,
        opens_before=chats.OPENS_BEFORE,
    ), status


@bp.post("/<int:chat_id>/messages")
@reads_json
@role_required(*PEOPLE)
def send(chat_id: int):
    found = _own(chat_id)
    if request.is_json:
        data = request.get_json(silent=True) or {}
        client_id, body = str(data.get("client_id") or ""), str(data.get("body") or "")
        if not storable(body):
            return jsonify(error="unstorable", message=problem_message("unstorable")), 422
    else:
        form = ChatMessageForm()
        if not form.validate_on_submit():
            return chat(found.id, form, 422)
        client_id, body = form.client_id.data, form.body.data
    try:
        message, new = chats.post(found, current_user, client_id, body, now())
    except chats.ChatError as error:
        db.session.rollback()
        if request.is_json:
            return jsonify(error=error.code, message=problem_message(error.code)), 409 if (
                error.code == "not_open"
            ) else 422
        form = ChatMessageForm()
        form.body.errors = [problem_message(error.code)]
        return chat(found.id, form, 422)
    db.session.commit()
    if new:
        realtime.bell().ring(found.id)
    if request.is_json:
        return jsonify(as_event(message)), 201 if new else 200
    return redirect(url_for(".chat", chat_id=found.id) + "#end")


@bp.post("/<int:chat_id>/phase")
@reads_json
@role_required(Role.COACH)
def mark_phase(chat_id: int):
    found = _own(chat_id)
    form = PhaseForm()
    if not form.validate_on_submit():
        abort(400)
    client_id = form.client_id.data or uuid.uuid4().hex
    try:
        message, new = chats.post(
            found, current_user, client_id, "", now(), phase_id=form.phase.data
        )
    except chats.ChatError as error:
        db.session.rollback()
        if wants_json():
            return jsonify(error=error.code, message=problem_message(error.code)), 422
        flash(problem_message(error.code), "error")
        return redirect(url_for(".chat", chat_id=found.id))
    db.session.commit()
    if new:
        realtime.bell().ring(found.id)
    if wants_json():
        return jsonify(as_event(message)), 201 if new else 200
    return redirect(url_for(".chat", chat_id=found.id) + "#end")


@bp.post("/<int:chat_id>/close")
@role_required(Role.COACH)
def close(chat_id: int):
    found = _own(chat_id)
    if not found.is_closed:
        chats.close(found, now())
        db.session.commit()
        realtime.bell().ring(found.id)
    flash(_("Het gesprek is afgesloten. Jullie kunnen het allebei teruglezen in het dossier."))
    return redirect(url_for(".chat", chat_id=found.id))


def _message_id(given: str | None) -> int:
    """The id of the last message a page has, as it sent it (0: none, or not a number)."""
    return int(given) if given and given.isdigit() and len(given) < 12 else 0


@bp.route("/<int:chat_id>/messages")
@role_required(*PEOPLE)
def messages(chat_id: int):
    """New messages after ``after`` (the fallback for browsers without the stream)."""
    found, reader = _own(chat_id), Reader.now()
    last_id = _message_id(request.args.get("after"))
    return jsonify(
        messages=[reader.event(m) for m in chats.after(found.id, last_id)],
        state=str(chats.state(found, now())),
    )


@bp.route("/<int:chat_id>/stream")
@role_required(*PEOPLE)
def stream(chat_id: int):
    """Server-Sent Events: every message after the last one the page has (the
    ``Last-Event-ID`` header, else ``after``), then each new one as it comes, for
    ``CHAT_STREAM_SECONDS``; the browser then reconnects and goes on where it was.

    The events are sent after the request is over: each look in the database has an app
    context (and a connection) of its own, none is held while the stream waits."""
    found = _own(chat_id)
    last_id = _message_id(request.headers.get("Last-Event-ID") or request.args.get("after"))
    app, reader, chat_id = current_app._get_current_object(), Reader.now(), found.id
    bell = realtime.bell()
    look_every = LOOK_EVERY_SHARED if bell.shared else LOOK_EVERY_LOCAL
    seconds = float(app.config["CHAT_STREAM_SECONDS"])

    def look() -> list[tuple[int, str]]:
        with app.app_context():
            try:
                return [(m.id, json.dumps(reader.event(m))) for m in chats.after(chat_id, last_id)]
            finally:
                db.session.remove()

    def events() -> Iterator[str]:
        nonlocal last_id
        listener = bell.listen(chat_id)  # before the first look: no ring is missed
        try:
            yield f"retry: {RETRY_MS}\n\n"
            deadline = time.monotonic() + seconds
            while True:
                for message_id, data in look():
                    last_id = message_id
                    yield f"id: {message_id}\ndata: {data}\n\n"
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                if not listener.wait(min(look_every, left)):
                    yield ": still here\n\n"
        finally:
            listener.close()

    response = Response(events(), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"  # nginx passes each event on at once
    return response


@bp.route("/<int:chat_id>/second-reader")
@role_required(Role.COACH)
def second_reading(chat_id: int):
    """The second reader on the coach's messages of a closed chat, on request."""
    found = _own(chat_id)
    if chats.state(found, now()) != chats.State.CLOSED:
        abort(404)
    coachee_text = "\n\n".join(m.body for m in found.messages if not m.by_coach and not m.phase)
    own = chats.coach_text(found)
    findings = second_reader.review(own, coachee_text) if own else []
    return render_template(
        "chats/second_reader.html", chat=found, findings=findings, other=found.coachee
    )
