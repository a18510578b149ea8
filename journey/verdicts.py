"""The second reader's verdicts on sent feedback, kept per check.

When a coach sends feedback, the second reader reads it as the coach could have asked
for it (``reading``: the frame's reading text against what the coachee wrote), and the
verdict of every check in ``second_reader.CHECKS`` is kept (``store``). The coach's
trends (journey/trends.py) count the kept verdicts, so that no page reads every feedback
again. Feedback sent before verdicts were kept, or before a check joined
``second_reader.CHECKS``, lacks some: ``missing`` finds it and ``fill`` reads it once.

Plain functions: model objects and plain values in, the session flushed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from . import second_reader
from .extensions import db
from .frames import Frame, FrameSet
from .models import Feedback, FeedbackVerdict, Letter, Visit


def coachee_text(letter: Letter) -> str:
    """What the coachee wrote in ``letter`` (answers and note, or the free letter), as one
    text: what the second reader compares the feedback with."""
    texts = [a.text for a in letter.visit.answers] if letter.visit else [letter.body]
    return "\n\n".join(t for t in [*texts, letter.note] if t and t.strip())


def reading(feedback: Feedback, frame: Frame) -> list[second_reader.Finding]:
    """The second reader's findings on ``feedback`` (written in ``frame``), read against
    its letter; [] while it holds no text."""
    text = frame.reading_text({p.key: p.text for p in feedback.parts})
    return second_reader.review(text, coachee_text(feedback.letter)) if text else []


def store(
    feedback: Feedback,
    findings: Iterable[second_reader.Finding],
    kept: Collection[str] = (),
    checks: Iterable[str] | None = None,
) -> None:
    """Keep a verdict of every check in ``checks`` (default: ``second_reader.CHECKS``) that
    ``kept`` does not hold yet: the finding's ``ok``, or None when the reader gave none.
    The caller flushes."""
    found = {finding.id: finding.ok for finding in findings}
    for check in second_reader.CHECKS if checks is None else checks:
        if check not in kept:
            verdict = FeedbackVerdict(feedback_id=feedback.id, check_id=check, ok=found.get(check))
            db.session.add(verdict)


def missing(coach_id: int, since: datetime, limit: int) -> list[int]:
    """The ids of the coach's feedback sent since ``since`` that lacks the verdict of a check
    in ``second_reader.CHECKS``, oldest first: at most ``limit`` and one more (so the
    caller knows there is more), in one query."""
    checks = tuple(second_reader.CHECKS)
    kept = (
        select(func.count())
        .select_from(FeedbackVerdict)
        .where(FeedbackVerdict.feedback_id == Feedback.id, FeedbackVerdict.check_id.in_(checks))
        .correlate(Feedback)
        .scalar_subquery()
    )
    query = (
        select(Feedback.id)
        .where(Feedback.coach_id == coach_id, Feedback.sent_at >= since, kept < len(checks))
        .order_by(Feedback.sent_at, Feedback.id)
        .limit(limit + 1)
    )
    return list(db.session.scalars(query))


def fill(feedback_ids: Collection[int], frames: FrameSet) -> None:
    """Read these (sent) feedbacks with the second reader and keep the verdicts they lack,
    in a fixed number of queries. A frame that no longer exists is read as the default."""
    if not feedback_ids:
        return
    query = (
        select(Feedback)
        .where(Feedback.id.in_(feedback_ids))
        .options(
            selectinload(Feedback.parts),
            selectinload(Feedback.letter).selectinload(Letter.visit).selectinload(Visit.answers),
        )
    )
    rows = db.session.execute(
        select(FeedbackVerdict.feedback_id, FeedbackVerdict.check_id).where(
            FeedbackVerdict.feedback_id.in_(feedback_ids)
        )
    )
    kept: dict[int, set[str]] = defaultdict(set)
    for feedback_id, check in rows:
        kept[feedback_id].add(check)
    for feedback in db.session.scalars(query):
        frame = frames.frame(feedback.frame_id) or frames.default
        store(feedback, reading(feedback, frame), kept[feedback.id])
    db.session.flush()
