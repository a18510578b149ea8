"""The data model: accounts, visits with their answers, and letters.

One name per idea: a *visit* is one stay at a place; its *answers* are *drafts*
until the coachee sends them as a *letter*, which lands with a coach (or in the
shared pool) with a *due time*.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

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
    """Alembic autogenerate: write UTCDateTime as a plain timezone-aware DateTime."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
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

    coach: Mapped[User | None] = relationship(remote_side=[id])

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


class Visit(db.Model):
    """One stay of a coachee at a place; its answers are sent together as one letter."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    coachee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    place_id: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")  # draft note for the letter
    note_version: Mapped[int] = mapped_column(default=0)
    note_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

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
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    visit: Mapped[Visit] = relationship(back_populates="answers")


class Letter(db.Model):
    """What a coachee sends: the answers of one visit, with a due time for the coach."""

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    coachee_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    coach_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"), unique=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    mood: Mapped[int | None] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")

    coachee: Mapped[User] = relationship(foreign_keys=[coachee_id])
    coach: Mapped[User | None] = relationship(foreign_keys=[coach_id])
    visit: Mapped[Visit | None] = relationship(back_populates="letter")
