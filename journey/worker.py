"""``journey worker`` mails notices; ``journey check-mail ADDRESS`` tests the mail server.

The worker claims due notices one at a time (journey/notices.py), writes each mail in
the recipient's language and time zone with a link to what happened and an unsubscribe
link, and hands it to the SMTP server of ``JOURNEY_MAIL_*``. Several workers may run at
once, on several machines: no notice is mailed twice. A mail never holds written text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage

import click
from flask import current_app, url_for
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from . import inbox, intervision, mail, notices, templating
from .extensions import db
from .web import moment_format

log = logging.getLogger(__name__)
IDLE_SECONDS = 5.0  # the pause when nothing is due


def compose(claimed: notices.Claimed, settings: mail.MailSettings, now: datetime) -> EmailMessage:
    """The mail of a claimed notice (call inside ``links()``: it builds absolute links)."""
    words = notices.wording(claimed.kind)
    token = notices.unsubscribe_token(
        current_app.config["SECRET_KEY"], claimed.user_id, claimed.kind
    )
    unsubscribe = url_for("notices.unsubscribe", token=token, _external=True)
    target = notices.link_target(claimed)
    link = url_for(target[0], **target[1], _external=True) if target else None
    lines = [_("Hallo,"), "", words.body]
    if claimed.kind in notices.COACH_KINDS and claimed.letter_due_at:
        due = templating.format_moment(claimed.letter_due_at, moment_format(), claimed.zone)
        lines.append(_("Je antwoord wordt verwacht vóór %(when)s.", when=due))
    if link:
        lines += ["", f"{words.action}: {link}"]
    lines += [
        "",
        _("Om je privacy te beschermen staat in deze mail nooit wat er geschreven is."),
        "",
        "-- ",
        "Journey",
        _("Geen mail meer hierover? %(link)s", link=unsubscribe),
    ]
    return mail.message(settings, claimed.email, words.subject, "\n".join(lines), now, unsubscribe)


def links():
    """A request context whose ``url_for(..., _external=True)`` gives JOURNEY_BASE_URL
    addresses."""
    return current_app.test_request_context("/", base_url=current_app.config["BASE_URL"])


def deliver_due(
    settings: mail.MailSettings, now: Callable[[], datetime], limit: int | None = None
) -> int:
    """Mail every notice that is due now (at most ``limit``) through ``settings``' server;
    returns how many were tried."""

    def send(claimed: notices.Claimed) -> None:
        # In the recipient's language (a mail has no browser to ask).
        language = claimed.locale or current_app.config["DEFAULT_LOCALE"]
        with links(), force_locale(language):
            message = compose(claimed, settings, now())
        answer = mail.send(settings, message)
        log.info("notice %s mailed: %s", claimed.notice_id, answer)

    defaults = notices.Defaults(current_app.config["TIME_ZONE"], current_app.config["QUIET"])
    tried = 0
    while limit is None or tried < limit:
        notice = notices.deliver_next(now(), send, defaults)
        if notice is None:
            break
        tried += 1
        if notice.last_error:
            log.warning(
                "notice %s not mailed (attempt %s): %s",
                notice.id,
                notice.attempts,
                notice.last_error,
            )
    return tried


def _settings() -> mail.MailSettings:
    settings = mail.MailSettings.from_config(current_app.config)
    if settings is None:
        raise click.ClickException(
            "No mail server is set (JOURNEY_MAIL_HOST): notices are shown in the app only."
        )
    return settings


@click.command("worker")
@click.option("--once", is_flag=True, help="Mail what is due now, then stop.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Mail notices as they fall due (runs until stopped; several may run at once)."""
    settings = _settings()
    clock = current_app.config["CLOCK"]
    while True:
        tried = deliver_due(settings, clock)
        db.session.remove()
        if once:
            click.echo(f"{tried} notice(s) tried.")
            return
        if not tried:
            time.sleep(IDLE_SECONDS)


@click.command("tick")
@with_appcontext
def tick_command() -> None:
    """Record the notices that come from the clock (letters due soon, reminders) and close
    intervision cases whose time is up; safe to run as often as wanted, on several machines
    (deploy/journey-tick.timer runs it every 5 min)."""
    config, now = current_app.config, current_app.config["CLOCK"]()
    within = timedelta(hours=config["DUE_SOON_HOURS"])
    try:
        count = notices.record_due_soon(now, within)
        db.session.commit()
    except IntegrityError:  # another run recorded them at the same moment
        db.session.rollback()
        count = 0
    click.echo(f"{count} letter(s) due soon: their coaches are told.")
    draft_after = timedelta(days=config["REMIND_DRAFT_DAYS"])
    silence_after = timedelta(days=config["REMIND_SILENCE_DAYS"])
    reminded = notices.record_reminders(now, draft_after, silence_after)
    db.session.commit()
    click.echo(f"{reminded} coachee(s) reminded.")
    handed = inbox.hand_on_overdue(now, config["OVERDUE_TO"])
    db.session.commit()
    click.echo(f"{handed} overdue letter(s) handed on.")
    digests = notices.record_pool_digests(now)
    db.session.commit()
    click.echo(f"{digests} coach(es) told of new pool letters.")
    closed = intervision.close_due(now)
    db.session.commit()
    click.echo(f"{closed} intervision case(s) closed: their texts are removed.")


@click.command("check-mail")
@click.argument("address")
@with_appcontext
def check_mail_command(address: str) -> None:
    """Send a test mail to ADDRESS and say what the mail server answered."""
    settings = _settings()
    body = _("Dit is een testmail van Journey. Komt hij aan, dan kan Journey berichten mailen.")
    message = mail.message(
        settings, address, _("Testmail van Journey"), body, current_app.config["CLOCK"]()
    )
    click.echo(f"Sending a test mail to {address} through {settings.host}:{settings.port} ...")
    try:
        answer = mail.send(settings, message)
    except mail.MailError as error:
        raise click.ClickException(f"The mail server did not take it: {error}") from None
    click.echo(f"The mail server took it: {answer}")
