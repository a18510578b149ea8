"""Practice for trainee coaches: answering sample letters, submitting, supervisor review.

An *attempt* is one answer of a trainee to the letter of a sample, written in a
feedback frame. It is a *draft* until the trainee submits it; then it waits for
the supervisor (*submitted*), who comments on the whole or on a passage and marks
it *reviewed*. A trainee may redo a sample: a new attempt starts, the earlier ones
stay. Functions take model objects and plain values, change the session and
flush; the request commits once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from . import drafts, notices, passages, second_reader
from .extensions import db
from .frames import Frame
from .models import (
    NoticeKind,
    PracticeAttempt,
    PracticeComment,
    PracticePart,
    PracticeState,
    Role,
    User,
)
from .samples import Sample, SampleSet

CHECK_TITLES = {
    "opens_positive": _l("Positief openen"),
    "closes_positive": _l("Positief afsluiten"),
    "first_person": _l("Geen ‘ik’"),
    "own_experience": _l("Geen eigen ervaringen"),
    "advice": _l("Vragen in plaats van adviseren"),
    "theory": _l("Geen theorie of vakjargon"),
    "quotes_coachee": _l("De woorden van de coachee"),
    "language_level": _l("Het taalniveau van de coachee"),
    "curiosity": _l("Geen vragen uit nieuwsgierigheid"),
    "address_form": _l("Je of u, zoals de coachee"),
    "tone": _l("Professioneel en vriendelijk"),
    "empathy": _l("Het gevoel van de coachee benoemen"),
}


class NotADraft(Exception):
    """The attempt was submitted: its texts no longer change."""


PassageNotFound = passages.PassageNotFound  # a passage not in the answer


def answer_keys(frame: Frame, sample: Sample) -> list[str]:
    """Every text a trainee writes: the frame's sections (``s-<id>``) and a comment on
    each answer of the sample letter (``c-<number>``, from 1)."""
    keys = [f"s-{section.id}" for section in frame.sections]
    return keys + [f"c-{number}" for number in range(1, len(sample.letter.answers) + 1)]


def review(frame: Frame, sample: Sample, texts: Mapping[str, str]) -> list[second_reader.Finding]:
    """The second reader's findings on an answer, read against the sample letter;
    [] while nothing is written."""
    feedback = frame.reading_text(texts)
    return second_reader.review(feedback, sample.coachee_text()) if feedback else []


def texts_of(attempt: PracticeAttempt | None, keys: Sequence[str]) -> dict[str, str]:
    return {key: attempt.text_of(key) if attempt else "" for key in keys}


def attempts_of(trainee: User) -> list[PracticeAttempt]:
    """All the trainee's attempts, oldest first."""
    query = (
        select(PracticeAttempt)
        .where(PracticeAttempt.trainee_id == trainee.id)
        .order_by(PracticeAttempt.started_at, PracticeAttempt.id)
    )
    return list(db.session.scalars(query))


def attempts_at(trainee: User, sample: Sample) -> list[PracticeAttempt]:
    """The trainee's attempts at one sample, oldest first."""
    query = (
        select(PracticeAttempt)
        .where(PracticeAttempt.trainee_id == trainee.id, PracticeAttempt.sample_id == sample.id)
        .order_by(PracticeAttempt.number)
    )
    return list(db.session.scalars(query))


def open_draft(attempts: Sequence[PracticeAttempt]) -> PracticeAttempt | None:
    """The draft among a sample's attempts (oldest first): only the last can be one."""
    return attempts[-1] if attempts and attempts[-1].state == PracticeState.DRAFT else None


def _lock(trainee: User) -> None:
    """Take the trainee's row lock until commit: two tabs cannot both start an attempt."""
    db.session.execute(select(User.id).where(User.id == trainee.id).with_for_update())


def start_attempt(trainee: User, sample: Sample, frame: Frame, now: datetime) -> PracticeAttempt:
    """The trainee's draft at this sample: the open one, or a new attempt."""
    _lock(trainee)
    attempts = attempts_at(trainee, sample)
    attempt = open_draft(attempts)
    if attempt is None:
        attempt = PracticeAttempt(
            trainee=trainee,
            sample_id=sample.id,
            number=next_number(attempts),
            frame_id=frame.id,
            started_at=now,
        )
        db.session.add(attempt)
        db.session.flush()
    return attempt


def draft_numbered(
    trainee: User, sample: Sample, number: int, frame: Frame, now: datetime
) -> PracticeAttempt | None:
    """The trainee's draft attempt ``number`` at ``sample``; started now when it is the
    next attempt and no other draft is open. None when there is no such attempt to write
    in; raises NotADraft when that attempt was submitted (a tab left open, say)."""
    _lock(trainee)
    attempts = attempts_at(trainee, sample)
    existing = next((a for a in attempts if a.number == number), None)
    if existing is not None:
        if existing.state != PracticeState.DRAFT:
            raise NotADraft(existing.id)
        return existing
    if number != next_number(attempts) or open_draft(attempts):
        return None
    return start_attempt(trainee, sample, frame, now)


def next_number(attempts: Sequence[PracticeAttempt]) -> int:
    """The number the next attempt at a sample gets, given the attempts so far."""
    return attempts[-1].number + 1 if attempts else 1


def save_part(
    attempt: PracticeAttempt, key: str, text: str, now: datetime, expected: int | None = None
) -> PracticePart:
    """Store one piece of a draft answer; raises NotADraft once it was submitted and
    StaleDraft when ``expected`` is older than the stored version."""
    if attempt.state != PracticeState.DRAFT:
        raise NotADraft(attempt.id)
    part = attempt.part(key)
    if part is None:
        part = PracticePart(attempt=attempt, key=key, text="", version=0, updated_at=now)
        db.session.add(part)
    drafts.store(part, text, now, expected)
    db.session.flush()
    return part


def save_parts(attempt: PracticeAttempt, texts: Mapping[str, str], now: datetime) -> None:
    """Keep every text that was written (or emptied) as the draft."""
    for key, text in texts.items():
        if text or attempt.part(key):
            save_part(attempt, key, text, now)


def submit(
    attempt: PracticeAttempt,
    texts: Mapping[str, str],
    findings: Sequence[second_reader.Finding],
    now: datetime,
) -> None:
    """Save the final texts and hand the attempt in for review, keeping the second
    reader's verdicts. The caller checked the required sections first."""
    save_parts(attempt, texts, now)
    attempt.findings = {finding.id: finding.ok for finding in findings}
    attempt.submitted_at = now
    supervisor = attempt.trainee.supervisor
    if supervisor is not None:
        notices.record(supervisor, NoticeKind.ANSWER_TO_REVIEW, now, attempt=attempt)
    db.session.flush()


def add_comment(
    attempt: PracticeAttempt, author: User, body: str, passage: str, now: datetime
) -> PracticeComment:
    """A supervisor's comment, on the whole answer or on a passage quoted from it.

    Raises PassageNotFound when the passage is not in the answer."""
    passage, part_key = passages.locate({p.key: p.text for p in attempt.parts}, passage)
    comment = PracticeComment(
        attempt=attempt,
        author=author,
        part_key=part_key,
        passage=passage,
        body=body.strip(),
        created_at=now,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def mark_reviewed(attempt: PracticeAttempt, supervisor: User, now: datetime) -> None:
    """The supervisor is done: the trainee now sees the comments."""
    attempt.reviewed_at, attempt.reviewer = now, supervisor
    notices.record(attempt.trainee, NoticeKind.COMMENTS_READY, now, attempt=attempt)
    db.session.flush()


def trainees_of(supervisor: User) -> list[User]:
    query = select(User).where(User.supervisor_id == supervisor.id, User.role == Role.TRAINEE)
    query = query.order_by(User.login_name)
    return list(db.session.scalars(query))


def submissions_for(supervisor: User) -> list[PracticeAttempt]:
    """The submitted attempts of the supervisor's trainees: waiting ones first (oldest
    first), then the reviewed ones (newest first)."""
    query = (
        select(PracticeAttempt)
        .join(User, PracticeAttempt.trainee_id == User.id)
        .where(User.supervisor_id == supervisor.id, PracticeAttempt.submitted_at.is_not(None))
        .options(selectinload(PracticeAttempt.trainee), selectinload(PracticeAttempt.comments))
    )
    attempts = list(db.session.scalars(query))
    waiting = sorted((a for a in attempts if a.reviewed_at is None), key=lambda a: a.submitted_at)
    reviewed = sorted(
        (a for a in attempts if a.reviewed_at is not None),
        key=lambda a: a.reviewed_at,
        reverse=True,
    )
    return waiting + reviewed


@dataclass(frozen=True)
class CaseRow:
    """One sample on a trainee's overview, with their attempts at it."""

    sample: Sample
    attempts: tuple[PracticeAttempt, ...]

    @property
    def latest(self) -> PracticeAttempt | None:
        return self.attempts[-1] if self.attempts else None


def overview(trainee: User, samples: SampleSet) -> list[CaseRow]:
    """Every sample with the trainee's attempts at it (attempts at samples that are no
    longer there are left out)."""
    by_sample: dict[str, list[PracticeAttempt]] = {}
    for attempt in attempts_of(trainee):
        by_sample.setdefault(attempt.sample_id, []).append(attempt)
    rows = []
    for sample in samples:
        attempts = sorted(by_sample.get(sample.id, []), key=lambda a: a.number)
        rows.append(CaseRow(sample, tuple(attempts)))
    return rows


@dataclass(frozen=True)
class ProgressRow:
    """The second reader's verdicts on one submitted attempt."""

    attempt: PracticeAttempt
    sample: Sample | None
    verdicts: dict[str, bool]

    @property
    def honoured(self) -> int:
        return sum(self.verdicts.values())


def progress(trainee: User, samples: SampleSet) -> list[ProgressRow]:
    """The trainee's submitted attempts in the order they were handed in, each with the
    second reader's verdict per check: progress over time."""
    submitted = [a for a in attempts_of(trainee) if a.submitted_at is not None]
    submitted.sort(key=lambda a: a.submitted_at)
    return [
        ProgressRow(attempt, samples.sample(attempt.sample_id), dict(attempt.findings or {}))
        for attempt in submitted
    ]


def marked(text: str, passages: Sequence[str]) -> list[tuple[str, int | None]]:
    """``text`` cut into pieces, each with the number (from 1) of the passage it is, or None:
    for showing a supervisor's passages marked in the answer. Passages are found where they
    appear literally (the first time); overlapping ones after the first are left unmarked."""
    spans: list[tuple[int, int, int]] = []
    for number, passage in enumerate(passages, start=1):
        start = text.find(passage) if passage else -1
        if start < 0:
            continue
        end = start + len(passage)
        if all(end <= s or start >= e for s, e, _ in spans):
            spans.append((start, end, number))
    pieces: list[tuple[str, int | None]] = []
    position = 0
    for start, end, number in sorted(spans):
        if start > position:
            pieces.append((text[position:start], None))
        pieces.append((text[start:end], number))
        position = end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces
