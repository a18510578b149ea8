"""Who may see what: every lookup of a visit or letter goes through here.

Each helper returns the object for this user or raises 404, so that what
someone may not see looks the same as what does not exist.
"""

from __future__ import annotations

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import select

from . import intervision, reactions, trends
from .extensions import db
from .models import (
    Feedback,
    IntervisionCase,
    IntervisionGroup,
    Letter,
    PracticeAttempt,
    Role,
    User,
    Visit,
)
from .worlds import Place, World


def own_visit(user: User, visit_id: int) -> Visit:
    """The coachee's own visit to write in; 404 for anybody else's or a missing one,
    409 when the coachee's trajectory was closed.

    The visit's row stays locked until the request commits, so two saves of its
    drafts (two tabs, two devices) take turns instead of overwriting each other."""
    visit = db.session.get(Visit, visit_id, with_for_update=True)
    if visit is None or visit.coachee_id != user.id:
        abort(404)
    _refuse_when_closed(user)
    return visit


def _refuse_when_closed(user: User) -> None:
    if user.is_closed:
        abort(
            409,
            description=_(
                "Je traject is afgesloten: je kunt alles teruglezen, maar niets meer toevoegen."
            ),
        )


def own_letter(user: User, letter_id: int) -> Letter:
    """The coachee's own sent letter (or a coach's letter to them); 404 otherwise."""
    letter = db.session.get(Letter, letter_id)
    if letter is None or letter.coachee_id != user.id or not letter.is_sent:
        abort(404)
    return letter


def reactable_feedback(user: User, letter_id: int, key: str) -> Feedback:
    """The sent feedback on the coachee's own letter, when it has a comment ``key`` to
    react to (``reactions.keys_of``); 404 otherwise, 409 for a closed trajectory.

    The letter's row stays locked until the request commits, so two reactions to the
    same comment (two tabs) take turns."""
    letter = db.session.get(Letter, letter_id, with_for_update=True)
    if letter is None or letter.coachee_id != user.id or not user.has_role(Role.COACHEE):
        abort(404)
    feedback = letter.feedback
    if feedback is None or key not in reactions.keys_of(feedback):
        abort(404)
    _refuse_when_closed(user)
    return feedback


def own_draft(user: User, letter_id: int) -> Letter:
    """The coachee's own unsent free letter, locked for writing like ``own_visit``;
    404 otherwise (and 409 for a closed trajectory)."""
    letter = db.session.get(Letter, letter_id, with_for_update=True)
    if letter is None or letter.coachee_id != user.id or letter.is_sent or letter.from_coach:
        abort(404)
    _refuse_when_closed(user)
    return letter


def place_or_404(world: World, place_id: str) -> Place:
    place = world.place(place_id)
    if place is None:
        abort(404)
    return place


def is_coach_of(coach: User, coachee: User) -> bool:
    """True when ``coach`` may read ``coachee``'s dossier.

    That is the coachee's assigned coach; for a coachee without one (the pool),
    any coach who holds one of their letters.
    """
    if not coach.has_role(Role.COACH) or not coachee.has_role(Role.COACHEE):
        return False
    if coachee.coach_id is not None:
        return coachee.coach_id == coach.id
    held = select(Letter.id).where(Letter.coachee_id == coachee.id, Letter.coach_id == coach.id)
    return db.session.scalar(held.limit(1)) is not None


def dossier_coachee(user: User, coachee_id: int | None = None) -> User:
    """The coachee whose dossier ``user`` asks for: their own, or one they coach; else 404."""
    if coachee_id is None or coachee_id == user.id:
        if not user.has_role(Role.COACHEE):
            abort(404)
        return user
    coachee = db.session.get(User, coachee_id)
    if coachee is None or not is_coach_of(user, coachee):
        abort(404)
    return coachee


def coach_letter(user: User, letter_id: int, *, for_update: bool = False) -> Letter:
    """A sent letter for a coach: one addressed to them, or one waiting in the pool; else 404.

    With ``for_update`` the letter's row stays locked until the request commits, so
    two saves of its feedback take turns."""
    letter = db.session.get(Letter, letter_id, with_for_update=for_update)
    if letter is None or not letter.is_sent or not user.has_role(Role.COACH):
        abort(404)
    in_pool = letter.coach_id is None and not letter.from_coach
    if letter.coach_id != user.id and not in_pool:
        abort(404)
    return letter


def trends_coach(user: User, coach_id: int | None = None) -> User:
    """The coach whose trends ``user`` asks for: their own (no ``coach_id``, or their own
    id), or a coach who shares them with ``user`` (``trends.may_read``); else 404."""
    if coach_id is None or coach_id == user.id:
        if not user.has_role(Role.COACH):
            abort(404)
        return user
    coach = db.session.get(User, coach_id)
    if coach is None or not trends.may_read(user, coach):
        abort(404)
    return coach


def practice_attempt(user: User, attempt_id: int, *, for_update: bool = False) -> PracticeAttempt:
    """A practice attempt for its trainee, or, once submitted, for the trainee's
    supervisor; 404 for everyone else. With ``for_update`` its row stays locked."""
    attempt = db.session.get(PracticeAttempt, attempt_id, with_for_update=for_update)
    if attempt is None:
        abort(404)
    own = user.has_role(Role.TRAINEE) and attempt.trainee_id == user.id
    supervised = (
        user.has_role(Role.SUPERVISOR)
        and attempt.trainee.supervisor_id == user.id
        and attempt.submitted_at is not None
    )
    if not (own or supervised):
        abort(404)
    return attempt


def intervision_case(user: User, case_id: int, *, for_update: bool = False) -> IntervisionCase:
    """An intervision case for the coach who brought it, or, once shared, for the other
    coaches of its group; 404 for everyone else (the coachee reads it through
    ``consent_case``). With ``for_update`` its row stays locked until commit."""
    case = db.session.get(IntervisionCase, case_id, with_for_update=for_update)
    if case is None or not intervision.may_read(user, case):
        abort(404)
    return case


def own_case(user: User, case_id: int, *, for_update: bool = False) -> IntervisionCase:
    """A case the coach brought themselves (to edit, ask about or close); else 404."""
    case = db.session.get(IntervisionCase, case_id, with_for_update=for_update)
    if case is None or not user.has_role(Role.COACH) or case.coach_id != user.id:
        abort(404)
    return case


def consent_case(user: User, case_id: int, *, for_update: bool = False) -> IntervisionCase:
    """A case about the coachee's letter, from the moment they are asked; else 404."""
    case = db.session.get(IntervisionCase, case_id, with_for_update=for_update)
    if case is None or not intervision.may_answer(user, case):
        abort(404)
    return case


def group_or_404(group_id: int) -> IntervisionGroup:
    group = db.session.get(IntervisionGroup, group_id)
    if group is None:
        abort(404)
    return group
