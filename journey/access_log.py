"""The access log: who read whose dossier or letter, and when. Never the text.

Rows are only ever added (and, when a coachee erases their account, replaced by
a single row saying that an erasure happened).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from .extensions import db
from .models import AccessLog, User

PER_PAGE = 50


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


def reads_of(subject: User) -> list[AccessLog]:
    """Everything others read of ``subject``'s writing, newest first."""
    query = select(AccessLog).where(AccessLog.subject_id == subject.id)
    return list(db.session.scalars(query.order_by(AccessLog.at.desc(), AccessLog.id.desc())))


def search(term: str, page: int = 1, per_page: int = PER_PAGE) -> tuple[list[AccessLog], bool]:
    """Log rows whose reader or subject name contains ``term`` (all when empty), newest
    first, one page; and whether there is a next page."""
    query = select(AccessLog)
    if term.strip():
        escaped = term.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            or_(
                AccessLog.actor_name.ilike(pattern, escape="\\"),
                AccessLog.subject_name.ilike(pattern, escape="\\"),
            )
        )
    query = query.order_by(AccessLog.at.desc(), AccessLog.id.desc())
    rows = list(db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)))
    return rows[:per_page], len(rows) > per_page


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
