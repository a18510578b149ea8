"""Mail through the organisation's SMTP server: Python's ``email`` package builds the
message, ``smtplib`` sends it. Settings come from ``JOURNEY_MAIL_*`` (journey/config.py).

Nothing here knows what a notice is: journey/notices.py writes the words.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import Any


class MailError(Exception):
    """The mail server could not be reached or refused the message; ``str()`` says why
    in the server's own words (never with the message's content)."""


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    security: str  # starttls, tls or none
    user: str | None
    password: str | None
    sender: str
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings | None:
        """The settings of ``config``; None when no mail server is set."""
        if not config.get("MAIL_HOST"):
            return None
        return cls(
            host=str(config["MAIL_HOST"]),
            port=int(config["MAIL_PORT"]),
            security=str(config["MAIL_SECURITY"]),
            user=config.get("MAIL_USER") or None,
            password=config.get("MAIL_PASSWORD") or None,
            sender=str(config["MAIL_SENDER"]),
            timeout=float(config["MAIL_TIMEOUT"]),
        )


def message(
    settings: MailSettings,
    to: str,
    subject: str,
    body: str,
    now: datetime,
    unsubscribe_url: str | None = None,
) -> EmailMessage:
    """A plain-text mail from Journey. With ``unsubscribe_url`` it carries the
    ``List-Unsubscribe`` headers, one click (RFC 8058) included."""
    mail = EmailMessage()
    mail["From"] = settings.sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(now)
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or None
    mail["Message-ID"] = make_msgid("journey", domain=domain)
    mail["Auto-Submitted"] = "auto-generated"  # no auto-replies to it
    if unsubscribe_url:
        mail["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(body)
    return mail


def send(settings: MailSettings, mail: EmailMessage) -> str:
    """Hand ``mail`` to the server; returns the server's answer to the message ("250 OK
    queued as ..."). Raises MailError when the server cannot be reached or refuses it."""
    sender, recipient = parseaddr(mail["From"])[1], parseaddr(mail["To"])[1]
    try:
        with _connect(settings) as server:
            if settings.user:
                server.login(settings.user, settings.password or "")
            server.ehlo_or_helo_if_needed()
            code, answer = server.mail(sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, answer, sender)
            code, answer = server.rcpt(recipient)
            if code not in (250, 251):
                raise smtplib.SMTPResponseException(code, answer)
            code, answer = server.data(mail.as_bytes(policy=policy.SMTP))
            if code != 250:
                raise smtplib.SMTPDataError(code, answer)
            return f"{code} {_text(answer)}"
    except smtplib.SMTPResponseException as error:
        raise MailError(f"{error.smtp_code} {_text(error.smtp_error)}"[:300]) from None
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"{type(error).__name__}: {error}"[:300]) from None


def _text(answer: bytes | str) -> str:
    return answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)


def _connect(settings: MailSettings) -> smtplib.SMTP:
    if settings.security == "tls":
        context = ssl.create_default_context()
        return smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    server = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    if settings.security == "starttls":
        try:
            server.starttls(context=ssl.create_default_context())
        except BaseException:
            server.close()
            raise
    return server
