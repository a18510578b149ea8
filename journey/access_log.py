"""The access log: who read whose dossier or letter, and when. Never the text.

Rows are only ever added (and, when a coachee erases their account, replaced by
a single row saying that an erasure happened).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from sqlalchemy import and_, case, or_, select

from .extensions import db
from .models import AccessLog, IntervisionCase, Letter, User

PER_PAGE = 50


@dataclass(frozen=True)
class Reads:
    """Reads one after another by the same person of the same thing: one line in a log.

    ``what`` is the page or export (``letter``, ``dossier-page``, ``dossier-pdf`` …,
    ``intervision`` for a case shared with an intervision group); ``letter_sent_at`` the
    read letter's (or the case's letter's) send time (None when not a letter, or gone)."""

    first: AccessLog  # the newest read of the run
    count: int
    earliest_at: datetime
    letter_sent_at: datetime | None = None

    @property
    def at(self) -> datetime:
        return self.first.at

    @property
    def what(self) -> str:
        return self.first.what


def grouped(rows: list[tuple[AccessLog, datetime | None]]) -> list[Reads]:
    """``rows`` (newest first, each with the send time of the letter it read) with repeated
    reads of one thing by one person, one after another, taken together."""

    def key(pair: tuple[AccessLog, datetime | None]) -> tuple:
        row = pair[0]
        return (row.actor_id, row.actor_name, row.subject_id, row.what, row.object_id)

    runs = []
    for _key, run in groupby(rows, key=key):
        reads = list(run)
        (newest, letter_sent_at), oldest = reads[0], reads[-1][0]
        runs.append(Reads(newest, len(reads), oldest.at, letter_sent_at))
    return runs


def _with_letters():
    """Log rows, newest first, each with the send time of the letter it read (if any): the
    letter itself, or the letter of the intervision case."""
    shared = and_(AccessLog.what == "intervision", IntervisionCase.id == AccessLog.object_id)
    letter_id = case(
        (AccessLog.what == "letter", AccessLog.object_id), else_=IntervisionCase.letter_id
    )
    return (
        select(AccessLog, Letter.sent_at)
        .outerjoin(IntervisionCase, shared)
        .outerjoin(Letter, Letter.id == letter_id)
        .order_by(AccessLog.at.desc(), AccessLog.id.desc())
    )


def _page(query, page: int, per_page: int) -> tuple[list[tuple[AccessLog, datetime | None]], bool]:
    rows = [
        tuple(row)
        for row in db.session.execute(query.limit(per_page + 1).offset((page - 1) * per_page))
    ]
    return rows[:per_page], len(rows) > per_page


def record(actor: User, subject: User, what: str, now: datetime, object_id: int | None = None):
    """Note that ``actor`` read ``subject``'s ``what`` (a page or export); nothing when
    they read their own writing."""
    if actor.id == subject.id:
        return None
    entry = AccessLog(
        at=now,
        actor_id=actor.id,
        actor_name=actor.pseudonym,
        actor_role=actor.role,
        subject_id=subject.id,
        subject_name=subject.pseudonym,
        what=what,
        object_id=object_id,
    )
    db.session.add(entry)
    return entry


def reads_of(subject: User, page: int = 1, per_page: int = PER_PAGE):
    """What others read of ``subject``'s writing, newest first, one page (rows for
    ``grouped``); and whether there is a next page."""
    return _page(_with_letters().where(AccessLog.subject_id == subject.id), page, per_page)


def search(term: str, page: int = 1, per_page: int = PER_PAGE):
    """Log rows whose reader or subject name contains ``term`` (all when empty), newest
    first, one page (rows for ``grouped``); and whether there is a next page."""
    query = _with_letters()
    if term.strip():
        escaped = term.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            or_(
                AccessLog.actor_name.ilike(pattern, escape="\\"),
                AccessLog.subject_name.ilike(pattern, escape="\\"),
            )
        )
    return _page(query, page, per_page)


def record_erasure(subject: User, now: datetime) -> AccessLog:
    """Forget what was read of ``subject`` and keep only that their account was erased."""
    db.session.query(AccessLog).filter(AccessLog.subject_id == subject.id).delete()
    db.session.query(AccessLog).filter(AccessLog.actor_id == subject.id).update(
        {AccessLog.actor_id: None, AccessLog.actor_name: "", AccessLog.actor_role: ""}
    )
    entry = AccessLog(
        at=now,
        actor_id=None,
        actor_name="",
        actor_role="",
        subject_id=None,
        subject_name="",
        what="erasure",
        object_id=None,
    )
    db.session.add(entry)
    return entry
