"""Chats: written conversations between a coach and a coachee.

A *live* chat belongs to an appointment (journey/agenda.py): both write at the same
time, from ``OPENS_BEFORE`` before its start until the coach closes it (or
``STAYS_OPEN`` after its end). An *asynchronous* chat has an agreed reply time: a
coachee's message waits for the coach like a letter (``Chat.due_at``).

Every message carries an id made by the writer's browser (``client_id``): a message
sent again after a lost answer is stored once, so a dropped connection never loses or
doubles one. The coach marks the phases of a live session (``PHASES``); a mark is a
message without text, so the transcript shows where each phase began.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from flask_babel import lazy_gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from . import notices
from .extensions import db
from .models import Chat, ChatKind, ChatMessage, Notice, NoticeKind, User

MAX_MESSAGE_LENGTH = 4_000
OPENS_BEFORE = timedelta(minutes=15)  # a live chat can be entered this long before its start
STAYS_OPEN = timedelta(hours=1)  # and is closed this long after its end at the latest
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
REPLY_HOURS = (1, 2, 4, 8, 24, 48)  # the reply times a coach can agree on
PER_READ = 500  # messages sent to a page at once


class ChatError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Phase:
    id: str
    title: object  # lazy text
    tip: object


# The five phases of a written chat session (the chat-coaching model), with a tip each.
PHASES = (
    Phase(
        "welcome",
        lazy_gettext("Warm welkom"),
        lazy_gettext("Groet persoonlijk en laat merken dat je er nu helemaal bent."),
    ),
    Phase(
        "question",
        lazy_gettext("De vraag verhelderen"),
        lazy_gettext("Vraag door tot je allebei weet waar het over gaat. Vat samen."),
    ),
    Phase(
        "goal",
        lazy_gettext("Het doel van dit gesprek"),
        lazy_gettext("Spreek af wat er aan het eind van dit gesprek anders mag zijn."),
    ),
    Phase(
        "work",
        lazy_gettext("Eraan werken"),
        lazy_gettext("Vertraag: korte berichten, één vraag tegelijk, ruimte voor stilte."),
    ),
    Phase(
        "closing",
        lazy_gettext("Afsluiten"),
        lazy_gettext("Kijk samen terug, benoem wat de coachee deed en spreek het vervolg af."),
    ),
)
PHASE_IDS = tuple(phase.id for phase in PHASES)


def phase(phase_id: str | None) -> Phase | None:
    return next((p for p in PHASES if p.id == phase_id), None)


# --- who, and when --------------------------------------------------------------------


def chat_for(user: User, chat_id: int) -> Chat | None:
    """The chat ``chat_id`` if ``user`` is its coach or coachee; else None (a 404)."""
    chat = db.session.get(Chat, chat_id)
    if chat is None or user.id not in (chat.coach_id, chat.coachee_id):
        return None
    return chat


class State(StrEnum):
    NOT_YET = "not_yet"  # a live chat before it opens
    OPEN = "open"
    CLOSED = "closed"


def state(chat: Chat, now: datetime) -> State:
    if chat.closed_at is not None:
        return State.CLOSED
    appointment = chat.appointment
    if chat.kind == ChatKind.LIVE and appointment is not None:
        if appointment.is_cancelled or now > appointment.ends_at + STAYS_OPEN:
            return State.CLOSED
        if now < appointment.starts_at - OPENS_BEFORE:
            return State.NOT_YET
    if chat.coachee.is_closed:
        return State.CLOSED
    return State.OPEN


# --- writing --------------------------------------------------------------------------


def message_problem(client_id: str, body: str) -> str | None:
    if not CLIENT_ID.fullmatch(client_id or ""):
        return "client_id"
    if not body.strip():
        return "empty"
    if len(body) > MAX_MESSAGE_LENGTH:
        return "long"
    return None


def post(
    chat: Chat,
    author: User,
    client_id: str,
    body: str,
    now: datetime,
    *,
    phase_id: str | None = None,
) -> tuple[ChatMessage, bool]:
    """Store a message (or, with ``phase_id``, the coach's phase mark) once per
    ``client_id``: returns it and whether it is new. ChatError when it cannot be."""
    if state(chat, now) != State.OPEN:
        raise ChatError("not_open")
    existing = _by_client_id(chat, client_id) if CLIENT_ID.fullmatch(client_id or "") else None
    if existing is not None:
        if existing.author_id != author.id:
            raise ChatError("client_id")
        return existing, False
    if phase_id is not None:
        if author.id != chat.coach_id or phase_id not in PHASE_IDS:
            raise ChatError("phase")
        if not CLIENT_ID.fullmatch(client_id or ""):
            raise ChatError("client_id")
        body = ""
    else:
        problem = message_problem(client_id, body)
        if problem:
            raise ChatError(problem)
    message = ChatMessage(
        chat=chat,
        client_id=client_id,
        author_id=author.id,
        author_name=author.pseudonym,
        by_coach=author.id == chat.coach_id,
        body=body,
        phase=phase_id,
        sent_at=now,
    )
    db.session.add(message)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same message, sent twice at the same moment
        db.session.expunge(message)
        existing = _by_client_id(chat, client_id)
        if existing is None or existing.author_id != author.id:
            raise ChatError("client_id") from None
        return existing, False
    if phase_id is not None:
        chat.phase = phase_id
    elif chat.kind == ChatKind.ASYNC:
        _waits(chat, message, now)
    return message, True


def _by_client_id(chat: Chat, client_id: str) -> ChatMessage | None:
    query = select(ChatMessage).where(
        ChatMessage.chat_id == chat.id, ChatMessage.client_id == client_id
    )
    return db.session.scalars(query).first()


def _waits(chat: Chat, message: ChatMessage, now: datetime) -> None:
    """An asynchronous chat: a coachee's message waits for the coach's reply (the first
    unanswered one sets the due time); the coach's reply ends the wait. The other is told
    unless they have an unread notice of this chat already."""
    if message.by_coach:
        chat.due_at = None
        other = chat.coachee
    else:
        if chat.due_at is None:
            chat.due_at = now + timedelta(hours=chat.reply_hours or 24)
        other = chat.coach
    if other is not None and not _unread_notice(other, chat):
        notices.record(other, NoticeKind.CHAT_MESSAGE, now, chat=chat)


def _unread_notice(user: User, chat: Chat) -> bool:
    query = select(Notice.id).where(
        Notice.user_id == user.id, Notice.chat_id == chat.id, Notice.read_at.is_(None)
    )
    return db.session.scalar(query.exists().select()) or False


def close(chat: Chat, now: datetime) -> None:
    chat.closed_at = now
    chat.due_at = None


def start_async(coach: User, coachee: User, reply_hours: int, now: datetime) -> Chat:
    """The coach opens a chat on distance with their coachee, with a reply time."""
    if reply_hours not in REPLY_HOURS:
        raise ChatError("reply_hours")
    if coachee.coach_id != coach.id or coachee.is_closed:
        raise ChatError("coachee")
    chat = Chat(
        kind=ChatKind.ASYNC, coach=coach, coachee=coachee, reply_hours=reply_hours, created_at=now
    )
    db.session.add(chat)
    db.session.flush()
    return chat


# --- reading --------------------------------------------------------------------------


def after(chat_id: int, last_id: int, limit: int = PER_READ) -> list[ChatMessage]:
    """The chat's messages after the message ``last_id``, in order."""
    query = (
        select(ChatMessage)
        .where(ChatMessage.chat_id == chat_id, ChatMessage.id > last_id)
        .order_by(ChatMessage.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def transcripts_of(coachee: User) -> list[Chat]:
    """The coachee's chats that hold messages, newest first (for the dossier)."""
    has_messages = select(ChatMessage.id).where(
        ChatMessage.chat_id == Chat.id, ChatMessage.phase.is_(None)
    )
    query = (
        select(Chat)
        .where(Chat.coachee_id == coachee.id, has_messages.exists())
        .options(joinedload(Chat.appointment), joinedload(Chat.coach))
        .order_by(Chat.created_at.desc())
    )
    return list(db.session.scalars(query))


def chats_of(user: User) -> list[Chat]:
    """The user's chats on distance (as coach or coachee), open first, newest first."""
    query = (
        select(Chat)
        .where(Chat.kind == ChatKind.ASYNC)
        .where((Chat.coach_id == user.id) | (Chat.coachee_id == user.id))
        .options(joinedload(Chat.coach), joinedload(Chat.coachee))
        .order_by(Chat.closed_at.is_not(None), Chat.created_at.desc())
    )
    return list(db.session.scalars(query))


def waiting_for(coach: User) -> list[Chat]:
    """Asynchronous chats in which a coachee's message waits for ``coach``, due first."""
    query = (
        select(Chat)
        .where(Chat.coach_id == coach.id, Chat.due_at.is_not(None), Chat.closed_at.is_(None))
        .options(joinedload(Chat.coachee))
        .order_by(Chat.due_at)
    )
    return list(db.session.scalars(query))


def coach_text(chat: Chat) -> str:
    """What the coach wrote in the chat, one message per paragraph (the second reader
    reads it on request)."""
    return "\n\n".join(m.body for m in chat.messages if m.by_coach and m.phase is None)
