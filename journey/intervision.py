"""Intervision: a coach brings an anonymised letter and their feedback to a group of
colleagues, with the coachee's consent, for a set number of days.

A *group* is made by the admin: a name, the coaches in it and how many days a case
stays open (``case_days``). A coach in a group *brings a case*: one letter of a
coachee of theirs that they answered, with their feedback. Journey replaces the names,
places and dates it recognises (``journey.anonymise``); the coach reads and edits the
result and writes a question for the group (*draft*). Then the coachee is asked
(*asked*), in the app, and sees exactly the texts the group would see. A refusal ends
it: the texts are removed and nothing was shared (*refused*). With consent the group
reads the case and comments on the whole or on a passage (*shared*) until
``closes_at``; then (or earlier, when the coach or the coachee ends it) the texts and
comments are removed (*closed*). A case that was never shared closes at the same
deadline, counted from its start.

Functions take model objects and plain values, change the session and flush; the
request commits once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from . import notices, passages, second_reader
from .anonymise import Known, Replacement, anonymise
from .extensions import db
from .frames import FrameSet
from .models import (
    CaseState,
    Feedback,
    IntervisionCase,
    IntervisionComment,
    IntervisionGroup,
    IntervisionMember,
    Letter,
    Notice,
    NoticeKind,
    Role,
    User,
)
from .practice import marked as _marked
from .worlds import World

DEFAULT_CASE_DAYS = 14
MAX_CASE_DAYS = 90
PARTS = ("letter", "feedback")  # what a comment's passage may be quoted from
LETTERS_TO_CHOOSE = 50  # the coach's most recently answered letters to bring one of
WHAT_READ = "intervision"  # the access log's name for a read of a shared case


class NotAllowed(Exception):
    """The coach is not in the group, or did not answer the letter."""


class WrongState(Exception):
    """The case is not in the state this step needs (a tab left open, say)."""


PassageNotFound = passages.PassageNotFound  # a passage not in the case's texts


# --- groups (the admin) -----------------------------------------------------------------


def groups() -> list[IntervisionGroup]:
    query = (
        select(IntervisionGroup)
        .options(selectinload(IntervisionGroup.members).selectinload(IntervisionMember.coach))
        .order_by(IntervisionGroup.name, IntervisionGroup.id)
    )
    return list(db.session.scalars(query))


def create_group(name: str, case_days: int, now: datetime) -> IntervisionGroup:
    group = IntervisionGroup(name=name.strip(), case_days=case_days, created_at=now)
    db.session.add(group)
    db.session.flush()
    return group


def change_group(group: IntervisionGroup, name: str, case_days: int) -> None:
    """A new name or number of days; cases shared already keep their closing time."""
    group.name, group.case_days = name.strip(), case_days
    db.session.flush()


def delete_group(group: IntervisionGroup) -> None:
    """The group goes, and with it every case brought to it (texts, comments, notices)."""
    case_ids = select(IntervisionCase.id).where(IntervisionCase.group_id == group.id)
    _delete_cases(case_ids)
    db.session.delete(group)
    db.session.flush()


def _delete_cases(case_ids) -> None:
    db.session.execute(delete(Notice).where(Notice.case_id.in_(case_ids)))
    db.session.execute(delete(IntervisionComment).where(IntervisionComment.case_id.in_(case_ids)))
    db.session.execute(
        delete(IntervisionCase)
        .where(IntervisionCase.id.in_(case_ids))
        .execution_options(synchronize_session=False)
    )


def members_of(group: IntervisionGroup) -> list[User]:
    return sorted((m.coach for m in group.members), key=lambda c: c.login_name)


def add_member(group: IntervisionGroup, coach: User) -> None:
    """Put a coach in the group (nothing when they are in it already)."""
    if not coach.has_role(Role.COACH):
        raise NotAllowed(coach.id)
    if db.session.get(IntervisionMember, (group.id, coach.id)) is None:
        db.session.add(IntervisionMember(group_id=group.id, coach_id=coach.id))
        db.session.flush()


def remove_member(group: IntervisionGroup, coach_id: int) -> None:
    """Take a coach out of the group: they no longer read its cases (their own ones stay
    theirs to close)."""
    member = db.session.get(IntervisionMember, (group.id, coach_id))
    if member is not None:
        db.session.delete(member)
        db.session.flush()


def candidates(group: IntervisionGroup) -> list[User]:
    """The coaches who are not in the group yet."""
    inside = select(IntervisionMember.coach_id).where(IntervisionMember.group_id == group.id)
    query = select(User).where(User.role == Role.COACH, User.id.not_in(inside))
    return list(db.session.scalars(query.order_by(User.login_name)))


# --- who is where -----------------------------------------------------------------------


def groups_of(coach: User) -> list[IntervisionGroup]:
    query = (
        select(IntervisionGroup)
        .join(IntervisionMember, IntervisionMember.group_id == IntervisionGroup.id)
        .where(IntervisionMember.coach_id == coach.id)
        .order_by(IntervisionGroup.name, IntervisionGroup.id)
    )
    return list(db.session.scalars(query))


def is_member(coach: User, group_id: int) -> bool:
    return db.session.get(IntervisionMember, (group_id, coach.id)) is not None


def may_read(user: User, case: IntervisionCase) -> bool:
    """The coach who brought the case reads it in every state; the other coaches of its
    group only once it is shared (and see that it closed, without texts)."""
    if not user.has_role(Role.COACH):
        return False
    if case.coach_id == user.id:
        return True
    shared = case.state in (CaseState.SHARED, CaseState.CLOSED) and case.shared_at is not None
    return shared and is_member(user, case.group_id)


def may_answer(user: User, case: IntervisionCase) -> bool:
    """The coachee sees their case from the moment they are asked."""
    return (
        user.has_role(Role.COACHEE) and case.coachee_id == user.id and case.state != CaseState.DRAFT
    )


# --- bringing a case --------------------------------------------------------------------


def letters_to_bring(coach: User, limit: int = LETTERS_TO_CHOOSE) -> list[Letter]:
    """The coachees' letters the coach answered (feedback sent by them), newest answer
    first: what they may bring to intervision."""
    query = (
        select(Letter)
        .join(Feedback, Feedback.letter_id == Letter.id)
        .where(
            Feedback.coach_id == coach.id,
            Feedback.sent_at.is_not(None),
            Letter.from_coach.is_(False),
        )
        .options(selectinload(Letter.coachee), selectinload(Letter.visit))
        .order_by(Feedback.sent_at.desc(), Letter.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def bringable(coach: User, letter: Letter | None) -> bool:
    feedback = letter.feedback if letter is not None else None
    return (
        feedback is not None
        and feedback.is_sent
        and feedback.coach_id == coach.id
        and not letter.from_coach
    )


def letter_pieces(letter: Letter, world: World) -> list[tuple[str, str]]:
    """What the coachee wrote, as (heading, text) pairs: each answered question of a
    place letter, or the body of a free letter (heading "")."""
    if letter.visit is None:
        return [("", letter.body)] if letter.body.strip() else []
    place = world.place(letter.visit.place_id)
    pieces = []
    for answer in letter.visit.answers:
        if not answer.text.strip():
            continue
        question = place.question(answer.question_id) if place else None
        pieces.append((question.text if question else "", answer.text))
    return pieces


def feedback_body(letter: Letter, frames: FrameSet) -> str:
    """The coach's sent feedback as one text, as the second reader reads it."""
    feedback = letter.feedback
    frame = frames.frame(feedback.frame_id) or frames.default
    return frame.reading_text({part.key: part.text for part in feedback.parts})


def known_of(letter: Letter, coach: User, world: World) -> Known:
    """What is known of the people in a letter, and the world's place names to keep."""
    coachee = letter.coachee
    coachee_names = [coachee.pseudonym, coachee.login_name]
    if coachee.email:
        coachee_names.append(coachee.email)
    return Known(
        coachee=coachee_names,
        coach=[coach.pseudonym, coach.login_name],
        keep=[place.name for place in world.places],
    )


@dataclass(frozen=True)
class Anonymised:
    letter_text: str
    feedback_text: str
    replacements: list[Replacement]


def anonymised(letter: Letter, coach: User, world: World, frames: FrameSet) -> Anonymised:
    """The letter (questions as they are, answers anonymised) and the feedback,
    anonymised together, with what was replaced."""
    pieces = letter_pieces(letter, world)
    feedback = feedback_body(letter, frames)
    result = anonymise(
        [text for _heading, text in pieces] + [feedback], known_of(letter, coach, world)
    )
    answers, feedback_text = result.texts[:-1], result.texts[-1]
    letter_text = "\n\n".join(
        f"{heading}\n{answer}" if heading else answer
        for (heading, _text), answer in zip(pieces, answers, strict=True)
    )
    return Anonymised(letter_text, feedback_text, result.replacements)


def start_case(
    coach: User,
    group: IntervisionGroup,
    letter: Letter,
    question: str,
    world: World,
    frames: FrameSet,
    now: datetime,
) -> IntervisionCase:
    """A draft case: the letter and feedback anonymised, for the coach to review."""
    if not is_member(coach, group.id) or not bringable(coach, letter):
        raise NotAllowed(letter.id)
    texts = anonymised(letter, coach, world, frames)
    case = IntervisionCase(
        group=group,
        coach=coach,
        coachee_id=letter.coachee_id,
        letter_id=letter.id,
        question=question.strip(),
        letter_text=texts.letter_text,
        feedback_text=texts.feedback_text,
        created_at=now,
        closes_at=now + timedelta(days=group.case_days),  # unless shared before then
    )
    db.session.add(case)
    db.session.flush()
    return case


def replacements_of(case: IntervisionCase, world: World, frames: FrameSet) -> list[Replacement]:
    """What Journey replaced when the case began (read anew from the letter; [] when the
    letter is gone)."""
    letter = db.session.get(Letter, case.letter_id) if case.letter_id else None
    if letter is None or letter.feedback is None or case.coach is None:
        return []
    return anonymised(letter, case.coach, world, frames).replacements


def save_draft(case: IntervisionCase, question: str, letter_text: str, feedback_text: str) -> None:
    """The coach's edits of a draft case."""
    if case.state != CaseState.DRAFT:
        raise WrongState(case.id)
    case.question = question.strip()
    case.letter_text = letter_text.strip()
    case.feedback_text = feedback_text.strip()
    db.session.flush()


def ask_consent(case: IntervisionCase, now: datetime) -> None:
    """Ask the coachee: they see the texts as the group would, and say yes or no."""
    if case.state != CaseState.DRAFT or case.coachee is None:
        raise WrongState(case.id)
    case.asked_at = now
    notices.record(case.coachee, NoticeKind.CONSENT_ASKED, now, case=case)
    db.session.flush()


def consent(case: IntervisionCase, now: datetime) -> None:
    """The coachee agrees: the group reads the case until it closes."""
    if case.state != CaseState.ASKED:
        raise WrongState(case.id)
    case.consented_at = case.shared_at = now
    case.closes_at = now + timedelta(days=case.group.case_days)
    for member in case.group.members:
        if member.coach_id != case.coach_id:
            notices.record(member.coach, NoticeKind.CASE_SHARED, now, case=case)
    db.session.flush()


def refuse(case: IntervisionCase, now: datetime) -> None:
    """The coachee says no: the texts go, nothing was shared."""
    if case.state != CaseState.ASKED:
        raise WrongState(case.id)
    case.refused_at = now
    _remove_texts(case)
    db.session.flush()


def close(case: IntervisionCase, now: datetime) -> None:
    """End the case (its time is up, or the coach or the coachee ends it): its texts and
    comments are removed."""
    if case.state in (CaseState.CLOSED, CaseState.REFUSED):
        return
    case.closed_at = now
    _remove_texts(case)
    db.session.flush()


def _remove_texts(case: IntervisionCase) -> None:
    case.question = case.letter_text = case.feedback_text = ""
    db.session.execute(delete(IntervisionComment).where(IntervisionComment.case_id == case.id))
    db.session.expire(case, ["comments"])


def close_due(now: datetime) -> int:
    """Close every case whose time is up; returns how many. Run as often as wanted."""
    query = select(IntervisionCase).where(
        IntervisionCase.closes_at <= now,
        IntervisionCase.closed_at.is_(None),
        IntervisionCase.refused_at.is_(None),
    )
    cases = list(db.session.scalars(query.with_for_update(skip_locked=True)))
    for case in cases:
        close(case, now)
    return len(cases)


def erase_coachee(coachee: User) -> None:
    """The coachee erases their account: every case of theirs goes, with its comments."""
    _delete_cases(select(IntervisionCase.id).where(IntervisionCase.coachee_id == coachee.id))


# --- reading and commenting -------------------------------------------------------------


def texts_of(case: IntervisionCase) -> dict[str, str]:
    return {"letter": case.letter_text, "feedback": case.feedback_text}


def add_comment(
    case: IntervisionCase, author: User, body: str, passage: str, now: datetime
) -> IntervisionComment:
    """A colleague's comment on the whole case or on a passage quoted from it."""
    if case.state != CaseState.SHARED:
        raise WrongState(case.id)
    passage, part = passages.locate(texts_of(case), passage)
    comment = IntervisionComment(
        case=case,
        author_id=author.id,
        author_name=author.pseudonym,
        part=part,
        passage=passage,
        body=body.strip(),
        created_at=now,
    )
    db.session.add(comment)
    db.session.flush()
    return comment


def findings(case: IntervisionCase) -> list[second_reader.Finding]:
    """The second reader's findings on the shared feedback, read against the letter:
    the mindful-analysis tips beside the case."""
    if not case.feedback_text.strip():
        return []
    return second_reader.review(case.feedback_text, case.letter_text)


def unread_notices(user: User, case: IntervisionCase) -> list[int]:
    """The ids of ``user``'s unread notices about the case."""
    query = select(Notice.id).where(
        Notice.user_id == user.id, Notice.case_id == case.id, Notice.read_at.is_(None)
    )
    return list(db.session.scalars(query))


# --- lists ------------------------------------------------------------------------------


def brought_by(coach: User) -> list[IntervisionCase]:
    """The cases the coach brought, newest first."""
    query = (
        select(IntervisionCase)
        .where(IntervisionCase.coach_id == coach.id)
        .options(selectinload(IntervisionCase.group))
        .order_by(IntervisionCase.created_at.desc(), IntervisionCase.id.desc())
    )
    return list(db.session.scalars(query))


def shared_with(coach: User) -> list[IntervisionCase]:
    """The open cases colleagues brought to the coach's groups, newest first."""
    groups = select(IntervisionMember.group_id).where(IntervisionMember.coach_id == coach.id)
    query = (
        select(IntervisionCase)
        .where(
            IntervisionCase.group_id.in_(groups),
            IntervisionCase.coach_id != coach.id,
            IntervisionCase.shared_at.is_not(None),
            IntervisionCase.closed_at.is_(None),
        )
        .options(selectinload(IntervisionCase.group), selectinload(IntervisionCase.coach))
        .order_by(IntervisionCase.shared_at.desc(), IntervisionCase.id.desc())
    )
    return list(db.session.scalars(query))


def requests_of(coachee: User) -> list[IntervisionCase]:
    """The cases the coachee was asked about, newest first."""
    query = (
        select(IntervisionCase)
        .where(IntervisionCase.coachee_id == coachee.id, IntervisionCase.asked_at.is_not(None))
        .options(selectinload(IntervisionCase.coach))
        .order_by(IntervisionCase.asked_at.desc(), IntervisionCase.id.desc())
    )
    return list(db.session.scalars(query))


def waiting_for(coachee: User) -> list[IntervisionCase]:
    """The requests the coachee has not answered yet."""
    return [case for case in requests_of(coachee) if case.state == CaseState.ASKED]


def marked(text: str, comments: Sequence[IntervisionComment], part: str):
    """``text`` with the passages of comments on ``part`` marked (see practice.marked)."""
    return _marked(text, [c.passage if c.part == part else "" for c in comments])
