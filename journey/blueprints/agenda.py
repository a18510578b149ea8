"""The agenda: coaches publish time for live sessions; coachees book, move and cancel them.

Both see their appointments here, each in their own time zone, and download each one
as an iCalendar file. Another person's appointment is a 404.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import groupby

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import accounts, agenda, timezones
from ..extensions import db
from ..forms import AvailabilityForm, BookForm, VideoLinkForm
from ..models import Role
from ..web import now, role_required, user_zone

bp = Blueprint("agenda", __name__, url_prefix="/agenda")

PEOPLE = (Role.COACH, Role.COACHEE)


def problem_message(code: str) -> str:
    """What an AgendaError code means, in the user's language."""
    messages = {
        "length": _("Kies een lengte van 15 minuten tot 4 uur."),
        "time": _("Kies een tijd tussen 00:00 en 23:59."),
        "past": _("Die datum is al voorbij. Kies vandaag of later."),
        "far": _("Zo ver vooruit kun je nog geen tijd vrijhouden; kies een datum binnen een jaar."),
        "until": _("De einddatum ligt op of na de eerste datum, en alleen bij elke week."),
        "no_coach": _(
            "Je hebt nog geen eigen coach. Zodra je er een hebt, kun je een gesprek boeken."
        ),
        "closed": _("Je traject is afgesloten; je kunt geen gesprek meer boeken."),
        "taken": _(
            "Die tijd is net door iemand anders geboekt of niet meer vrij. Kies een andere."
        ),
        "too_late": _(
            "Dit gesprek kan niet meer verzet of afgezegd worden: dat kan tot %(hours)s uur "
            "van tevoren. Laat het je coach weten als er iets tussenkomt.",
            hours=current_app.config["CANCEL_HOURS"],
        ),
        "link": _("Een link begint met https:// en heeft geen spaties."),
        "link_long": _("Een link is hooguit 500 tekens lang."),
    }
    return messages.get(code, _("Dat lukte niet. Probeer het nog een keer."))


def limit() -> timedelta:
    return timedelta(hours=int(current_app.config["CANCEL_HOURS"]))


def _slot_days(slots: list[agenda.Slot]):
    """The slots grouped per local day of the viewer, soonest first."""
    zone = user_zone()
    return [
        (day, list(group))
        for day, group in groupby(slots, key=lambda s: timezones.local_date(s.starts_at, zone))
    ]


@bp.route("/")
@role_required(*PEOPLE)
def index(availability_form: AvailabilityForm | None = None, status: int = 200):
    moment = now()
    coming = agenda.appointments_of(current_user, moment)
    past = agenda.appointments_of(current_user, moment, past=True)
    if current_user.has_role(Role.COACH):
        form = availability_form or AvailabilityForm(minutes="60")
        return render_template(
            "agenda/coach.html",
            form=form,
            availabilities=agenda.availabilities_of(current_user),
            slot_days=_slot_days(agenda.slots(current_user, moment)),
            coming=coming,
            past=past,
            zone=accounts.zone_of(current_user, current_app.config["TIME_ZONE"]).key,
        ), status
    coach = current_user.coach
    free = agenda.slots(coach, moment) if coach and not current_user.is_closed else []
    return render_template(
        "agenda/coachee.html",
        slot_days=_slot_days(free),
        coming=coming,
        past=past,
        book_form=BookForm(),
    )


@bp.post("/availability")
@role_required(Role.COACH)
def publish():
    form = AvailabilityForm()
    if not form.validate_on_submit():
        return index(form, 422)
    zone = accounts.zone_of(current_user, current_app.config["TIME_ZONE"])
    try:
        agenda.publish(
            current_user,
            starts_on=form.starts_on.data,
            minute=timezones.minutes(form.starts_at.data),
            minutes=int(form.minutes.data),
            weekly=form.weekly.data,
            until=form.until.data,
            zone_name=zone.key,
            now=now(),
        )
    except agenda.AgendaError as error:
        form.form_errors.append(problem_message(error.code))
        return index(form, 422)
    db.session.commit()
    flash(_("Je tijd staat in de agenda. Je coachees kunnen hem nu boeken."))
    return redirect(url_for(".index"))


@bp.post("/availability/<int:availability_id>/withdraw")
@role_required(Role.COACH)
def withdraw(availability_id: int):
    availability = next(
        (a for a in agenda.availabilities_of(current_user) if a.id == availability_id), None
    )
    if availability is None:
        abort(404)
    agenda.withdraw(availability)
    db.session.commit()
    flash(_("Die tijd is uit je agenda. Gesprekken die al geboekt waren, gaan door."))
    return redirect(url_for(".index"))


@bp.post("/book")
@role_required(Role.COACHEE)
def book():
    form = BookForm()
    if not form.validate_on_submit():
        flash(_("Kies een tijd."), "error")
        return redirect(url_for(".index"))
    try:
        appointment = agenda.book(current_user, form.slot.data, now())
    except agenda.AgendaError as error:
        db.session.rollback()
        flash(problem_message(error.code), "error")
        return redirect(url_for(".index"))
    db.session.commit()
    flash(_("Je gesprek is geboekt. Je coach weet ervan."))
    return redirect(url_for(".appointment", appointment_id=appointment.id))


def _own(appointment_id: int):
    appointment = agenda.appointment_for(current_user, appointment_id)
    if appointment is None:
        abort(404)
    return appointment


@bp.route("/appointments/<int:appointment_id>")
@role_required(*PEOPLE)
def appointment(appointment_id: int, link_form: VideoLinkForm | None = None, status: int = 200):
    found = _own(appointment_id)
    moment = now()
    may_change = agenda.may_change(found, current_user, moment, limit())
    free = agenda.slots(found.coach, moment) if may_change else []
    is_coach = current_user.id == found.coach_id
    return render_template(
        "agenda/appointment.html",
        appointment=found,
        is_coach=is_coach,
        may_change=may_change,
        slot_days=_slot_days(free),
        book_form=BookForm(),
        link_form=link_form or VideoLinkForm(video_link=found.video_link),
        other=found.coachee if is_coach else found.coach,
        cancel_hours=current_app.config["CANCEL_HOURS"],
    ), status


@bp.post("/appointments/<int:appointment_id>/move")
@role_required(*PEOPLE)
def move(appointment_id: int):
    found = _own(appointment_id)
    form = BookForm()
    if not form.validate_on_submit():
        flash(_("Kies een tijd."), "error")
        return redirect(url_for(".appointment", appointment_id=found.id))
    try:
        agenda.move(found, current_user, form.slot.data, now(), limit())
    except agenda.AgendaError as error:
        db.session.rollback()
        flash(problem_message(error.code), "error")
        return redirect(url_for(".appointment", appointment_id=found.id))
    db.session.commit()
    flash(_("Het gesprek is verzet. De ander weet ervan."))
    return redirect(url_for(".appointment", appointment_id=found.id))


@bp.post("/appointments/<int:appointment_id>/cancel")
@role_required(*PEOPLE)
def cancel(appointment_id: int):
    found = _own(appointment_id)
    try:
        agenda.cancel(found, current_user, now(), limit())
    except agenda.AgendaError as error:
        flash(problem_message(error.code), "error")
        return redirect(url_for(".appointment", appointment_id=found.id))
    db.session.commit()
    flash(_("Het gesprek is afgezegd. De ander weet ervan."))
    return redirect(url_for(".index"))


@bp.post("/appointments/<int:appointment_id>/link")
@role_required(Role.COACH)
def set_link(appointment_id: int):
    found = _own(appointment_id)
    form = VideoLinkForm()
    if form.validate_on_submit():
        try:
            agenda.set_link(found, form.video_link.data or "")
        except agenda.AgendaError as error:
            form.video_link.errors = [problem_message(error.code)]
        else:
            db.session.commit()
            flash(_("De link is bewaard. Alleen jij en je coachee zien hem."))
            return redirect(url_for(".appointment", appointment_id=found.id))
    return appointment(found.id, form, 422)


@bp.route("/appointments/<int:appointment_id>.ics")
@role_required(*PEOPLE)
def calendar_file(appointment_id: int):
    found = _own(appointment_id)
    is_coach = current_user.id == found.coach_id
    other = found.coachee if is_coach else found.coach
    chat_url = url_for("chats.chat", chat_id=found.chat_id, _external=True)
    lines = [_("Een live chatgesprek in Journey: %(url)s", url=chat_url)]
    if found.video_link:
        lines.append(_("Link voor beeld of telefoon: %(link)s", link=found.video_link))
    data = agenda.ics(
        found,
        summary=_("Chatgesprek met %(name)s", name=other.pseudonym),
        description="\n".join(lines),
        url=chat_url,
        now=now(),
    )
    return Response(
        data,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="journey-{found.id}.ics"'},
    )
