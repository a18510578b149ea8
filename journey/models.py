"""The data model: accounts, visits with their answers, and letters.

One name per idea: a *visit* is one stay at a place; its *answers* are *drafts*
until the coachee sends them as a *letter*, which lands with a coach (or in the
shared pool) with a *due time*.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from .crypto import EncryptedText
from .extensions import db


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; pass an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def render_migration_item(type_: str, obj, autogen_context):
    """Alembic autogenerate: write UTCDateTime as a plain timezone-aware DateTime, and
    EncryptedText as plain Text (the database holds the encrypted text as TEXT)."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, EncryptedText):
        return "sa.Text()"
    return False


class Role(StrEnum):
    COACHEE = "coachee"
    COACH = "coach"
    TRAINEE = "trainee"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    pseudonym: Mapped[str] = mapped_column(String(40))
    login_name: Mapped[str] = mapped_column(String(40), unique=True)  # casefolded pseudonym
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.COACHEE)
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    invitation_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    promise_hours: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # trajectory closed
    failed_logins: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The authenticator app's secret, encrypted like written texts; set once two-factor is on.
    # Deferred: read (and decrypted) only when a code is checked, not with every request.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText, deferred=True)
    # Whether two-factor is on, read with the user (no decryption): every staff request asks.
    has_two_factor: Mapped[bool] = column_property(totp_secret.column.is_not(None))
    # The time step of the last code accepted: a code is good once, on every app server.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")  # +1 ends sessions
    # Where the user lives (an IANA name; None: the organisation's), and the quiet hours in
    # which no mail is sent to them, in minutes after local midnight (None: the defaults).
    time_zone: Mapped[str | None] = mapped_column(String(64))
    quiet_start: Mapped[int | None] = mapped_column()
    quiet_end: Mapped[int | None] = mapped_column()
    # The language of the user's pages ("nl", "en"; None: the browser's, else the
    # organisation's JOURNEY_DEFAULT_LOCALE).
    locale: Mapped[str | None] = mapped_column(String(8))
    # A coachee's goal for the trajectory, in their own words (None while they have none);
    # each letter may then say how far they are on their way to it (Letter.progress).
    goal: Mapped[str | None] = mapped_column(EncryptedText, deferred=True)
    goal_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Since when the coachee shares their book with their coach (None: the book is theirs
    # alone; the coach gets 404).
    book_shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Since when a coach shares their trends (journey/trends.py) with their supervisor and
    # the admins (None: the page is theirs alone; anyone else gets 404).
    trends_shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # A trainee's supervisor: who reviews their practice answers; a coach's supervisor: who
    # reads the coach's trends while the coach shares them (``trends_shared_at``).
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    coach: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[coach_id])
    supervisor: Mapped[User | None] = relationship(remote_side=[id], foreign_keys=[supervisor_id])

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_closed(self) -> bool:
        """A coachee whose trajectory the coach closed: they can read, not add."""
        return self.closed_at is not None


class Absence(db.Model):
    """A period in which a coach's new letters go to a substitute (or to the pool)."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    coach: Mapped[User] = relationship(foreign_keys=[coach_id])
    substitute: Mapped[User | None] = relationship(foreign_keys=[substitute_id])


class Visit(db.Model):
    """One stay of a coachee at a place; its answers are sent together as one letter.

    Opening a place starts a visit (its drafts need somewhere to live), but a visit
    counts, on the map, the route and in the dossier, only from ``written_at``: the
    moment something was first written there. A visit whose texts are all empty again
    has none."""

    __tablename__ = "visits"
    __table_args__ = (Index("ix_visits_route", "coachee_id", "written_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coachee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    place_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(EncryptedText, default="")  # draft note for the letter
    note_version: Mapped[int] = mapped_column(default=0)
    note_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    coachee: Mapped[User] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="Answer.id"
    )
    letter: Mapped[Letter | None] = relationship(back_populates="visit")

    @property
    def is_sent(self) -> bool:
        return self.letter is not None

    def answer_to(self, question_id: str) -> Answer | None:
        return next((a for a in self.answers if a.question_id == question_id), None)


class Answer(db.Model):
    """A coachee's text for one question of a visit: a draft until the visit is sent."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("visit_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id"))
    question_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(EncryptedText, default="")
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    visit: Mapped[Visit] = relationship(back_populates="answers")


class LetterKind(StrEnum):
    PLACE = "place"  # the answers of one visit
    FREE = "free"  # a free letter, not tied to a place ("mailcoaching")
    HARVEST = "harvest"  # the coach's closing letter: sending it closes the trajectory


class Letter(db.Model):
    """What a coachee sends to a coach, with a due time for the answer.

    A *place* letter holds the answers of one visit; a *free* letter its ``body``.
    A coach may also write a free letter to a coachee (``from_coach``): it has
    no due time and waits for nobody. A free letter with no ``sent_at`` is a draft.
    The coach's answer is the letter's *feedback*; ``answered_at`` is when it was sent.
    """

    __tablename__ = "letters"
    __table_args__ = (
        # The inbox: waiting letters of a coach (or the pool) in due order.
        Index("ix_letters_inbox", "answered_at", "coach_id", "due_at"),
        # A coach's answered letters, newest first (inbox tab, response figures).
        Index("ix_letters_answered", "coach_id", "answered_at"),
        # A coachee's letters, newest first (letters list, caseload, dossier) and the
        # ones waiting for an answer (caseload).
        Index("ix_letters_coachee_sent", "coachee_id", "sent_at"),
        Index("ix_letters_coachee_waiting", "coachee_id", "answered_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default=LetterKind.PLACE)
    from_coach: Mapped[bool] = mapped_column(default=False)
    coachee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), unique=True)
    body: Mapped[str] = mapped_column(EncryptedText, default="")
    body_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when a coachee's letter is sent, and only then: drafts and a coach's own
    # letters have none, so "due_at set, answered_at not" is "waits for an answer".
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    mood: Mapped[int | None] = mapped_column()
    # How far the coachee is on their way to their goal, 0 to 10 (None: not said).
    progress: Mapped[int | None] = mapped_column()
    note: Mapped[str] = mapped_column(EncryptedText, default="")

    coachee: Mapped[User] = relationship(foreign_keys=[coachee_id])
    coach: Mapped[User | None] = relationship(foreign_keys=[coach_id])
    visit: Mapped[Visit | None] = relationship(back_populates="letter")
    feedback: Mapped[Feedback | None] = relationship(back_populates="letter")

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class Feedback(db.Model):
    """A coach's answer to a letter, written in a feedback frame; a draft until sent."""

    __tablename__ = "feedback"
    # A coach's sent feedback by month (journey/trends.py).
    __table_args__ = (Index("ix_feedback_coach_sent", "coach_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id"), unique=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    frame_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # seen by the coachee

    letter: Mapped[Letter] = relationship(back_populates="feedback")
    coach: Mapped[User] = relationship()
    parts: Mapped[list[FeedbackPart]] = relationship(
        back_populates="feedback", cascade="all, delete-orphan", order_by="FeedbackPart.id"
    )

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None

    def part(self, key: str) -> FeedbackPart | None:
        return next((p for p in self.parts if p.key == key), None)

    def text_of(self, key: str) -> str:
        part = self.part(key)
        return part.text if part else ""


class FeedbackPart(db.Model):
    """One piece of feedback text: a frame section (``s-<id>``) or a comment on an answer
    (``c-<question id>``)."""

    __tablename__ = "feedback_parts"
    __table_args__ = (UniqueConstraint("feedback_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"))
    key: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(EncryptedText, default="")
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    feedback: Mapped[Feedback] = relationship(back_populates="parts")


class ReactionKind(StrEnum):
    TOUCHES = "touches"  # "Dit raakt me"
    MISSES = "misses"  # "Hier mis ik iets"


class Reaction(db.Model):
    """How a comment of sent feedback landed with the coachee: ``key`` is the comment's
    part key (``c-<question id>``) or ``end`` (the feedback as a whole), ``kind`` a
    ReactionKind, ``line`` an optional line of their own. One per comment; the coachee
    may change it or take it back (journey/reactions.py).

    ``comment_kinds`` holds the kinds of the comment (``second_reader.comment_kinds``)
    as they were read when the coachee first reacted; None until read."""

    __tablename__ = "reactions"
    __table_args__ = (UniqueConstraint("feedback_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"))
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    line: Mapped[str] = mapped_column(EncryptedText, default="")
    comment_kinds: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    feedback: Mapped[Feedback] = relationship()


class FeedbackVerdict(db.Model):
    """The second reader's verdict on one check (``check_id``, a ``second_reader.CHECKS``
    id) of sent feedback, stored when it was sent (or filled in later, journey/trends.py):
    ``ok`` True when the feedback honours the tip, None when the check gave no verdict."""

    __tablename__ = "feedback_verdicts"

    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback.id"), primary_key=True)
    check_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    ok: Mapped[bool | None] = mapped_column()


class AccessLog(db.Model):
    """Who read whose dossier or letter, and when; never the text. Rows are only added.

    ``subject_id`` is the coachee whose writing was read; ``actor_id`` who read it
    (None once that account was erased); ``what`` names the page or export.
    """

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(40))
    actor_role: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    subject_name: Mapped[str] = mapped_column(String(40))
    what: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column()


class PracticeState(StrEnum):
    DRAFT = "draft"  # the trainee is writing
    SUBMITTED = "submitted"  # waiting for the supervisor
    REVIEWED = "reviewed"  # the supervisor's comments are there


class PracticeAttempt(db.Model):
    """A trainee's answer to the letter of a sample journey, in a feedback frame.

    A trainee may redo a sample: each attempt has its own ``number`` and is kept.
    ``findings`` holds the second reader's verdict per check at submission
    (``{"opens_positive": true, ...}``), so progress over time stays visible.
    """

    __tablename__ = "practice_attempts"
    __table_args__ = (UniqueConstraint("trainee_id", "sample_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sample_id: Mapped[str] = mapped_column(String(64))
    number: Mapped[int] = mapped_column()
    frame_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    findings: Mapped[dict | None] = mapped_column(JSON)

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    parts: Mapped[list[PracticePart]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="PracticePart.id"
    )
    comments: Mapped[list[PracticeComment]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan", order_by="PracticeComment.id"
    )

    @property
    def state(self) -> PracticeState:
        if self.reviewed_at is not None:
            return PracticeState.REVIEWED
        if self.submitted_at is not None:
            return PracticeState.SUBMITTED
        return PracticeState.DRAFT

    def part(self, key: str) -> PracticePart | None:
        return next((p for p in self.parts if p.key == key), None)

    def text_of(self, key: str) -> str:
        part = self.part(key)
        return part.text if part else ""


class PracticePart(db.Model):
    """One piece of a practice answer: a frame section (``s-<id>``) or a comment on an
    answer of the sample letter (``c-<number>``)."""

    __tablename__ = "practice_parts"
    __table_args__ = (UniqueConstraint("attempt_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("practice_attempts.id"))
    key: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(EncryptedText, default="")
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    attempt: Mapped[PracticeAttempt] = relationship(back_populates="parts")


class PracticeComment(db.Model):
    """A supervisor's comment on a practice answer: on the whole, or on a ``passage``
    (words quoted from the part ``part_key``)."""

    __tablename__ = "practice_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("practice_attempts.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    part_key: Mapped[str | None] = mapped_column(String(80))
    passage: Mapped[str] = mapped_column(EncryptedText, default="")
    body: Mapped[str] = mapped_column(EncryptedText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    attempt: Mapped[PracticeAttempt] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship()


class NoticeKind(StrEnum):
    """What a notice tells its recipient; each kind can be switched off by them."""

    LETTER_ARRIVED = "letter_arrived"  # coach: a coachee's letter landed with them
    LETTER_DUE_SOON = "letter_due_soon"  # coach: a letter they hold is due within hours
    POOL_DIGEST = "pool_digest"  # coach: new letters in the shared pool (at most hourly)
    LETTER_OVERDUE = "letter_overdue"  # admin: a letter passed its due time and was handed on
    FEEDBACK_ARRIVED = "feedback_arrived"  # coachee: the coach answered a letter
    COACH_LETTER_ARRIVED = "coach_letter_arrived"  # coachee: a free letter from the coach
    DRAFT_WAITING = "draft_waiting"  # coachee: a reminder of an unsent draft left for days
    WRITE_AGAIN = "write_again"  # coachee: a reminder after weeks without a letter
    ANSWER_TO_REVIEW = "answer_to_review"  # supervisor: a trainee handed in a practice answer
    COMMENTS_READY = "comments_ready"  # trainee: the supervisor's comments can be read
    APPOINTMENT_BOOKED = "appointment_booked"  # coach: a coachee booked a live session
    APPOINTMENT_CHANGED = "appointment_changed"  # either: the other moved or cancelled it
    CHAT_MESSAGE = "chat_message"  # either: a message in an asynchronous chat
    CONSENT_ASKED = "consent_asked"  # coachee: the coach asks to bring a letter to intervision
    CASE_SHARED = "case_shared"  # coach: a colleague brought a case to their group


class MailState(StrEnum):
    PENDING = "pending"  # the worker will send it (again, from next_attempt_at)
    SENT = "sent"
    FAILED = "failed"  # given up after the last attempt; last_error says why
    NONE = "none"  # no mail: no address, the kind switched off, or no mail server set


class Notice(db.Model):
    """Something that happened for ``user``: listed in the app, and mailed by the worker.

    Recorded in the transaction of the event itself, so a rolled-back event leaves no
    notice. Holds no written text: its kind and letter say what happened and where.
    """

    __tablename__ = "notices"
    __table_args__ = (
        Index("ix_notices_user_created", "user_id", "created_at"),
        Index("ix_notices_mail_due", "mail_state", "next_attempt_at"),
        # One notice of a kind per person and letter: the periodic job may run twice.
        Index("ux_notices_user_kind_letter", "user_id", "kind", "letter_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    letter_id: Mapped[int | None] = mapped_column(
        ForeignKey("letters.id", ondelete="CASCADE"), index=True
    )
    attempt_id: Mapped[int | None] = mapped_column(  # a practice answer (trainees' kinds)
        ForeignKey("practice_attempts.id", ondelete="CASCADE"), index=True
    )
    appointment_id: Mapped[int | None] = mapped_column(  # a live session (agenda kinds)
        ForeignKey("appointments.id", ondelete="CASCADE"), index=True
    )
    chat_id: Mapped[int | None] = mapped_column(  # an asynchronous chat (a new message)
        ForeignKey("chats.id", ondelete="CASCADE"), index=True
    )
    case_id: Mapped[int | None] = mapped_column(  # an intervision case (consent, sharing)
        ForeignKey("intervision_cases.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # seen in the app
    mail_state: Mapped[str] = mapped_column(String(10), default=MailState.NONE)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(300))  # the mail server's words

    user: Mapped[User] = relationship()
    letter: Mapped[Letter | None] = relationship()
    attempt: Mapped[PracticeAttempt | None] = relationship()
    appointment: Mapped[Appointment | None] = relationship()
    chat: Mapped[Chat | None] = relationship()
    case: Mapped[IntervisionCase | None] = relationship()


class MutedNotice(db.Model):
    """A kind of notice ``user`` switched off: it is listed in the app, never mailed."""

    __tablename__ = "muted_notices"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)


class LetterEventKind(StrEnum):
    SENT = "sent"  # to its coach (coach_id) or the pool (None)
    CLAIMED = "claimed"  # a coach (coach_id) took it from the pool
    DUE_SOON = "due_soon"  # its coach (coach_id) was told the answer is due soon
    OVERDUE = "overdue"  # its due time passed unanswered with coach_id
    HANDED_ON = "handed_on"  # given to coach_id (a substitute) or back to the pool (None)
    ADMIN_TOLD = "admin_told"  # the admins were told it is overdue
    ANSWERED = "answered"  # coach_id sent the feedback


class LetterEvent(db.Model):
    """A step in a letter's history, shown to the coaches who read it: where it went and
    when (never any text)."""

    __tablename__ = "letter_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(ForeignKey("letters.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20))
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    letter: Mapped[Letter] = relationship()
    coach: Mapped[User | None] = relationship()


class LibraryRead(db.Model):
    """That a coachee read a text of the library (``worlds/library``): first and last time."""

    __tablename__ = "library_reads"
    __table_args__ = (UniqueConstraint("coachee_id", "text_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    coachee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    text_id: Mapped[str] = mapped_column(String(64))
    first_read_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_read_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProposalKind(StrEnum):
    PLACE = "place"  # go to a place (place_id)
    QUESTION = "question"  # answer one question of a place (place_id, question_id)
    TEXT = "text"  # read a text of the library (text_id)


class Proposal(db.Model):
    """A next step a coach proposes to a coachee: a choice, never a lock.

    Done (``done_at``) when the coachee writes at the place (to the question) or reads
    the text after it was proposed. ``due_on`` is an optional date in the coachee's own
    calendar; reminders look for open proposals by it."""

    __tablename__ = "proposals"
    __table_args__ = (
        Index("ix_proposals_coachee_open", "coachee_id", "done_at", "due_on"),
        Index("ix_proposals_open_due", "done_at", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coachee_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The letter whose feedback it came with (None: proposed on its own).
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    place_id: Mapped[str | None] = mapped_column(String(64))
    question_id: Mapped[str | None] = mapped_column(String(64))
    text_id: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(EncryptedText, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    coachee: Mapped[User] = relationship(foreign_keys=[coachee_id])
    coach: Mapped[User | None] = relationship(foreign_keys=[coach_id])


class BookChapter(db.Model):
    """A chapter of a coachee's own book: a title and a short text of their own, in the
    order they chose (``position``)."""

    __tablename__ = "book_chapters"

    id: Mapped[int] = mapped_column(primary_key=True)
    coachee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(EncryptedText, default="")
    text: Mapped[str] = mapped_column(EncryptedText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    passages: Mapped[list[BookPassage]] = relationship(
        back_populates="chapter", order_by="BookPassage.position"
    )


class BookPassage(db.Model):
    """A passage the coachee marked in their dossier (their own words or their coach's),
    copied into their book: in a chapter, or gathered (``chapter_id`` None) until placed."""

    __tablename__ = "book_passages"

    id: Mapped[int] = mapped_column(primary_key=True)
    coachee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    chapter_id: Mapped[int | None] = mapped_column(ForeignKey("book_chapters.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    # Where it was marked: "answer", "letter" (a free letter's body), "feedback" (a part of
    # the coach's feedback), with that row's id; kept as text, so the passage outlives it.
    source: Mapped[str] = mapped_column(String(20))
    source_id: Mapped[int | None] = mapped_column()
    author_name: Mapped[str] = mapped_column(String(40))  # who wrote it (pseudonym)
    by_coach: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(EncryptedText, default="")
    written_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime)

    chapter: Mapped[BookChapter | None] = relationship(back_populates="passages")


class Availability(db.Model):
    """Time a coach publishes as open for a live session: once (``weekly`` False) on
    ``starts_on``, or every week from ``starts_on`` until ``until`` (None: no end).

    Kept in the coach's own clock (``time_zone``, ``minute`` after local midnight), so
    a weekly 10:00 stays 10:00 for the coach across a daylight-saving change; the agenda
    turns it into UTC slots (journey/agenda.py)."""

    __tablename__ = "availabilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    minute: Mapped[int] = mapped_column()  # start, in minutes after local midnight
    minutes: Mapped[int] = mapped_column()  # length of a session
    weekly: Mapped[bool] = mapped_column(default=False)
    until: Mapped[date | None] = mapped_column(Date)
    time_zone: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    coach: Mapped[User] = relationship()


class Appointment(db.Model):
    """A live session a coachee booked in a coach's published time. Moving it changes its
    times (``sequence`` +1, as iCalendar wants); cancelling sets ``cancelled_at``.
    ``video_link`` is an address of the coach's own video or phone tool, shown only to
    the two of them."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_coach_time", "coach_id", "starts_at"),
        # One booking per coach and start: two coachees booking one slot at the same
        # moment give one appointment (cancelled ones free the slot again).
        Index(
            "ux_appointments_coach_start",
            "coach_id",
            "starts_at",
            unique=True,
            postgresql_where=text("cancelled_at IS NULL"),
            sqlite_where=text("cancelled_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coach_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    coachee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    availability_id: Mapped[int | None] = mapped_column(
        ForeignKey("availabilities.id", ondelete="SET NULL")
    )
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uid: Mapped[str] = mapped_column(String(64), unique=True)  # the iCalendar UID
    sequence: Mapped[int] = mapped_column(default=0)
    video_link: Mapped[str] = mapped_column(EncryptedText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    chat_id: Mapped[int | None] = mapped_column(ForeignKey("chats.id"), unique=True)

    coach: Mapped[User] = relationship(foreign_keys=[coach_id])
    coachee: Mapped[User] = relationship(foreign_keys=[coachee_id])
    chat: Mapped[Chat | None] = relationship(back_populates="appointment")

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class ChatKind(StrEnum):
    LIVE = "live"  # in a booked appointment: both write at the same time
    ASYNC = "async"  # written at each one's own pace, with an agreed reply time


class Chat(db.Model):
    """A written conversation between a coach and a coachee: live in an appointment, or
    asynchronous with ``reply_hours``. Its messages are the transcript in the dossier.

    ``due_at`` is set while a coachee's message of an asynchronous chat waits for the
    coach's reply (the inbox shows it like a letter's due time)."""

    __tablename__ = "chats"
    __table_args__ = (Index("ix_chats_coach_due", "coach_id", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default=ChatKind.LIVE)
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    coachee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reply_hours: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    phase: Mapped[str | None] = mapped_column(String(20))  # the phase the coach marked last
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    coach: Mapped[User | None] = relationship(foreign_keys=[coach_id])
    coachee: Mapped[User] = relationship(foreign_keys=[coachee_id])
    appointment: Mapped[Appointment | None] = relationship(back_populates="chat")
    messages: Mapped[list[ChatMessage]] = relationship(
        back_populates="chat", order_by="ChatMessage.id", cascade="all, delete-orphan"
    )

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ChatMessage(db.Model):
    """One message of a chat, or (``phase`` set, no body) the coach's mark that a phase
    of the session began. ``client_id`` is made by the writer's browser: a message
    resent after a lost answer is stored once."""

    __tablename__ = "chat_messages"
    __table_args__ = (UniqueConstraint("chat_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(40))
    by_coach: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(EncryptedText, default="")
    phase: Mapped[str | None] = mapped_column(String(20))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)

    chat: Mapped[Chat] = relationship(back_populates="messages")


class IntervisionGroup(db.Model):
    """Coaches who bring cases to each other (made by the admin)."""

    __tablename__ = "intervision_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    case_days: Mapped[int] = mapped_column(default=14)  # a case closes after this many days
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    members: Mapped[list[IntervisionMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan"
    )


class IntervisionMember(db.Model):
    __tablename__ = "intervision_members"

    group_id: Mapped[int] = mapped_column(
        ForeignKey("intervision_groups.id", ondelete="CASCADE"), primary_key=True
    )
    coach_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    group: Mapped[IntervisionGroup] = relationship(back_populates="members")
    coach: Mapped[User] = relationship()


class CaseState(StrEnum):
    DRAFT = "draft"  # the coach reviews the anonymised text
    ASKED = "asked"  # waiting for the coachee's consent
    REFUSED = "refused"  # the coachee said no: nothing was shared, the texts are gone
    SHARED = "shared"  # the group reads and comments until closes_at
    CLOSED = "closed"  # past closes_at (or closed by the coach): the texts are removed


class IntervisionCase(db.Model):
    """A letter and its feedback that a coach brings to an intervision group, anonymised
    (``letter_text``, ``feedback_text``, edited by the coach), shared only with the
    coachee's consent and only until ``closes_at``; then its texts are removed."""

    __tablename__ = "intervision_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("intervision_groups.id"), index=True)
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    coachee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id", ondelete="SET NULL"))
    question: Mapped[str] = mapped_column(EncryptedText, default="")  # what the coach asks
    letter_text: Mapped[str] = mapped_column(EncryptedText, default="")
    feedback_text: Mapped[str] = mapped_column(EncryptedText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consented_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    refused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    group: Mapped[IntervisionGroup] = relationship()
    coach: Mapped[User | None] = relationship(foreign_keys=[coach_id])
    coachee: Mapped[User | None] = relationship(foreign_keys=[coachee_id])
    comments: Mapped[list[IntervisionComment]] = relationship(
        back_populates="case", order_by="IntervisionComment.id", cascade="all, delete-orphan"
    )

    @property
    def state(self) -> CaseState:
        if self.closed_at is not None:
            return CaseState.CLOSED
        if self.refused_at is not None:
            return CaseState.REFUSED
        if self.shared_at is not None:
            return CaseState.SHARED
        if self.asked_at is not None:
            return CaseState.ASKED
        return CaseState.DRAFT


class IntervisionComment(db.Model):
    """A colleague's comment on a case: on the whole, or on a ``passage`` of ``part``
    ("letter" or "feedback"), as a supervisor comments on practice."""

    __tablename__ = "intervision_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        ForeignKey("intervision_cases.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(40))
    part: Mapped[str | None] = mapped_column(String(20))
    passage: Mapped[str] = mapped_column(EncryptedText, default="")
    body: Mapped[str] = mapped_column(EncryptedText, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    case: Mapped[IntervisionCase] = relationship(back_populates="comments")
