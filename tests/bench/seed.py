"""The bench's data: a coach with N waiting and N answered letters, a coachee with a long
history, and a coachee with 200 letters for the PDF.

The few accounts the bench logs in as are made with ``accounts.create_account`` (real
argon2 hashes; the coach with an authenticator app). Everything else goes in with bulk
inserts in batches: the bulk coachees share one password hash, and every bulk letter
carries the same two texts, encrypted once (the columns are written as plain TEXT
through a copy of the table without the encrypting type, so 100,000 letters do not
mean 200,000 Fernet encryptions). The bulk letters are free letters (no visit): the
inbox and the caseload read the same letter rows either way.
"""

from __future__ import annotations

import contextlib
import io
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import flask_migrate
import sqlalchemy as sa
from flask import Flask

from journey import accounts, create_app
from journey.crypto import EncryptedText, keyring
from journey.extensions import db
from journey.models import (
    Answer,
    Feedback,
    FeedbackPart,
    Letter,
    LetterKind,
    Role,
    User,
    Visit,
)

PASSWORD = "een-lang-genoeg-bench-wachtwoord"
SECRET_KEY = "journey-bench-secret-key"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the coach's authenticator app (fixed)
COACH = "Bench Coach"
COACHEE = "Bench Reiziger"  # the coachee whose pages are benched (long history)
WRITER = "Bench Schrijver"  # the coachee with 200 letters (the PDF)
WRITER_COACH = "Bench Coach Twee"  # the writer's coach: not the benched coach's letters
HISTORY_LETTERS = 30
# The coach's caseload: the same at every size, so that the sizes differ in history only
# (a caseload of thousands of coachees would measure another thing than a long history).
CASELOAD = 40
BATCH = 5_000
NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass
class Seeded:
    """What the bench needs to know of the database after seeding."""

    coach_id: int
    coachee_id: int
    writer_id: int
    letter_id: int  # the coachee's latest letter, with feedback
    place_id: str  # the place whose page and autosave are benched
    question_ids: list[str]
    size: int = 0  # bulk letters of each kind (waiting, answered) so far
    coachees: int = 0  # bulk coachees so far


def make_app(database_url: str, encryption_keys: str) -> Flask:
    """The app the bench seeds through (the same settings as the served app)."""
    return create_app(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "ENCRYPTION_KEYS": encryption_keys,
            "RATELIMIT_ENABLED": False,
        }
    )


def migrate(app: Flask) -> None:
    """The schema, through the migrations (their log is shown only when they fail)."""
    log = io.StringIO()
    try:
        with contextlib.redirect_stderr(log), app.app_context():
            flask_migrate.upgrade()
            db.engine.dispose()
    except BaseException:
        sys.stderr.write(log.getvalue())
        raise


def _plain_table(table: sa.Table) -> sa.Table:
    """``table`` with its encrypted columns as plain TEXT: values go in as they are."""
    columns = [
        sa.Column(
            c.name,
            sa.Text() if isinstance(c.type, EncryptedText) else c.type,
            primary_key=c.primary_key,
        )
        for c in table.columns
    ]
    return sa.Table(table.name, sa.MetaData(), *columns)


def _history(coachee: User, coach: User, count: int, world, frame, start: datetime) -> Letter:
    """``count`` visits across the world's places, each sent as a letter with feedback
    sent and read; returns the latest letter."""
    places = world.places
    letter = None
    for number in range(count):
        place = places[number % len(places)]
        at = start + timedelta(days=number, hours=number % 7)
        visit = Visit(coachee=coachee, place_id=place.id, started_at=at, written_at=at, note="")
        for question in place.questions[:3]:
            text = f"Bij {place.name} schreef ik ({number + 1}): " + "wat me bezighoudt. " * 8
            visit.answers.append(
                Answer(question_id=question.id, text=text, version=1, updated_at=at)
            )
        sent = at + timedelta(hours=1)
        letter = Letter(
            kind=LetterKind.PLACE,
            coachee=coachee,
            coach=coach,
            visit=visit,
            created_at=sent,
            sent_at=sent,
            due_at=sent + timedelta(hours=48),
            answered_at=sent + timedelta(hours=20),
            mood=1 + number % 10,
            note=f"Notitie bij brief {number + 1}.",
        )
        feedback = Feedback(
            letter=letter,
            coach=coach,
            frame_id=frame.id,
            started_at=sent + timedelta(hours=2),
            sent_at=letter.answered_at,
            read_at=letter.answered_at + timedelta(hours=1),
        )
        for section in frame.sections:
            feedback.parts.append(
                FeedbackPart(
                    key=f"s-{section.id}",
                    text=f"{section.title}: " + "ik lees je met aandacht. " * 6,
                    version=1,
                    updated_at=letter.answered_at,
                )
            )
        db.session.add_all([visit, letter, feedback])
    db.session.flush()
    return letter


def seed_base(app: Flask, pdf_letters: int = 200) -> Seeded:
    """The accounts the bench logs in as, the coachee's long history and the writer's
    letters for the PDF. No bulk letters yet (``grow`` adds them)."""
    world = app.extensions["journey.world"]
    frame = app.extensions["journey.frames"].default
    with app.app_context():
        start = NOW - timedelta(days=400)
        coach = accounts.create_account(COACH, PASSWORD, Role.COACH, start)
        accounts.enable_two_factor(coach, TOTP_SECRET)
        coachee = accounts.create_account(COACHEE, PASSWORD, Role.COACHEE, start, coach=coach)
        other = accounts.create_account(WRITER_COACH, PASSWORD, Role.COACH, start)
        writer = accounts.create_account(WRITER, PASSWORD, Role.COACHEE, start, coach=other)
        letter = _history(coachee, coach, HISTORY_LETTERS, world, frame, start)
        _history(writer, other, pdf_letters, world, frame, start)
        place = max(world.places, key=lambda p: len(p.questions))
        seeded = Seeded(
            coach_id=coach.id,
            coachee_id=coachee.id,
            writer_id=writer.id,
            letter_id=letter.id,
            place_id=place.id,
            question_ids=[q.id for q in place.questions],
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return seeded


def grow(app: Flask, seeded: Seeded, size: int) -> None:
    """Give the coach ``size`` waiting and ``size`` answered bulk letters (adding to what
    earlier calls added), spread over the ``CASELOAD`` coachees of theirs."""
    if size <= seeded.size:
        return
    with app.app_context():
        frame = app.extensions["journey.frames"].default
        ring = keyring()
        body, note = ring.encrypt("Een korte brief voor de bench."), ring.encrypt("")
        users, letters, feedback = (
            _plain_table(t) for t in (User.__table__, Letter.__table__, Feedback.__table__)
        )
        with db.engine.begin() as connection:
            wanted = CASELOAD
            if wanted > seeded.coachees:
                password_hash = accounts.hash_password(PASSWORD)
                rows = [
                    {
                        "pseudonym": f"Bench Cliënt {n:06d}",
                        "login_name": accounts.login_name(f"Bench Cliënt {n:06d}"),
                        "password_hash": password_hash,
                        "role": Role.COACHEE.value,
                        "coach_id": seeded.coach_id,
                        "created_at": NOW - timedelta(days=500, minutes=n),
                        "failed_logins": 0,
                        "session_epoch": 0,
                    }
                    for n in range(seeded.coachees, wanted)
                ]
                _insert(connection, users, rows)
                seeded.coachees = wanted
            coachee_ids = list(
                connection.scalars(
                    sa.select(User.__table__.c.id)
                    .where(User.__table__.c.pseudonym.like("Bench Cliënt %"))
                    .order_by(User.__table__.c.id)
                )
            )
            for first in range(seeded.size, size, BATCH):
                numbers = range(first, min(first + BATCH, size))
                for answered in (False, True):
                    rows = [_letter(n, answered, coachee_ids, seeded, body, note) for n in numbers]
                    ids = _insert(connection, letters, rows, returning=letters.c.id)
                    if answered:
                        _insert(
                            connection,
                            feedback,
                            [
                                {
                                    "letter_id": letter_id,
                                    "coach_id": seeded.coach_id,
                                    "frame_id": frame.id,
                                    "started_at": row["sent_at"] + timedelta(hours=2),
                                    "sent_at": row["answered_at"],
                                    "read_at": row["answered_at"] + timedelta(hours=3),
                                }
                                for letter_id, row in zip(ids, rows, strict=True)
                            ],
                        )
        seeded.size = size
        _analyze()
        db.session.remove()
        db.engine.dispose()


def _letter(
    number: int, answered: bool, coachee_ids: list[int], seeded: Seeded, body: str, note: str
) -> dict[str, Any]:
    """One bulk letter: sent over the last 90 days, due 48 hours later (some overdue)."""
    sent = NOW - timedelta(minutes=(number * 37) % (90 * 24 * 60) + 1)
    return {
        "kind": LetterKind.FREE.value,
        "from_coach": False,
        "coachee_id": coachee_ids[number % len(coachee_ids)],
        "coach_id": seeded.coach_id,
        "visit_id": None,
        "body": body,
        "body_version": 1,
        "created_at": sent,
        "sent_at": sent,
        "due_at": sent + timedelta(hours=48),
        "answered_at": sent + timedelta(hours=30) if answered else None,
        "mood": 1 + number % 10,
        "note": note,
    }


def _insert(connection, table: sa.Table, rows: list[dict], returning=None) -> list[int]:
    """Insert ``rows`` in batches; the new ids in the rows' order when ``returning``."""
    ids: list[int] = []
    for first in range(0, len(rows), BATCH):
        batch = rows[first : first + BATCH]
        if returning is None:
            connection.execute(sa.insert(table), batch)
        else:
            statement = sa.insert(table).returning(returning, sort_by_parameter_order=True)
            ids += list(connection.scalars(statement, batch))
    return ids


def _analyze() -> None:
    """Fresh planner statistics, as a database in use has them."""
    with db.engine.begin() as connection:
        connection.execute(sa.text("ANALYZE"))
