"""Accounts: registering, signing in, and the codes that tie a coachee to a coach.

Operations take plain values and the current time; the request commits.
"""

from __future__ import annotations

import functools
import secrets
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .models import Role, User

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


class AccountProblem(Exception):
    """Registration was refused; ``kind`` is ``pseudonym_taken`` or ``unknown_code``."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def login_name(pseudonym: str) -> str:
    """The form of a pseudonym used to find an account: case and outer spaces ignored."""
    return pseudonym.strip().casefold()


def find_by_pseudonym(pseudonym: str) -> User | None:
    return db.session.scalars(select(User).where(User.login_name == login_name(pseudonym))).first()


def find_coach_by_code(code: str) -> User | None:
    """The coach whose invitation code this is (case and spaces ignored), or None."""
    normalised = code.strip().upper().replace(" ", "")
    if not normalised:
        return None
    query = select(User).where(User.invitation_code == normalised, User.role == Role.COACH)
    return db.session.scalars(query).first()


def new_invitation_code() -> str:
    """A fresh, readable invitation code such as ``K7QM-XT3P``."""
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        code = f"{raw[:4]}-{raw[4:]}"
        taken = db.session.scalar(select(User.id).where(User.invitation_code == code))
        if taken is None:
            return code


def create_account(
    pseudonym: str,
    password: str,
    role: Role,
    now: datetime,
    *,
    email: str | None = None,
    coach: User | None = None,
) -> User:
    """A new account; raises AccountProblem('pseudonym_taken')."""
    if find_by_pseudonym(pseudonym) is not None:
        raise AccountProblem("pseudonym_taken")
    user = User(
        pseudonym=pseudonym.strip(),
        login_name=login_name(pseudonym),
        email=(email or "").strip() or None,
        password_hash=generate_password_hash(password),
        role=role,
        coach=coach,
        created_at=now,
    )
    if role == Role.COACH:
        user.invitation_code = new_invitation_code()
    db.session.add(user)
    db.session.flush()
    return user


def register_coachee(
    pseudonym: str, password: str, now: datetime, *, email: str | None, invitation_code: str
) -> User:
    """A coachee's own registration: with a coach's code they join that coach, else the pool.

    Raises AccountProblem('unknown_code') or AccountProblem('pseudonym_taken').
    """
    coach = None
    if invitation_code.strip():
        coach = find_coach_by_code(invitation_code)
        if coach is None:
            raise AccountProblem("unknown_code")
    return create_account(pseudonym, password, Role.COACHEE, now, email=email, coach=coach)


def authenticate(pseudonym: str, password: str) -> User | None:
    """The account with this pseudonym and password, or None."""
    user = find_by_pseudonym(pseudonym)
    if user is None:
        # Spend the same time as a real check, so timing does not reveal pseudonyms.
        check_password_hash(_dummy_hash(), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def generate_password() -> str:
    """A strong, readable first password such as ``kq7m-xt3p-b9wd-h2ne`` (79 random bits)."""
    alphabet = CODE_ALPHABET.lower().replace("l", "")  # no l beside 1
    groups = ("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def renew_invitation_code(coach: User) -> str:
    """Give the coach a fresh invitation code and return it; the old one stops working.

    Raises ValueError when ``coach`` is not a coach.
    """
    if not coach.has_role(Role.COACH):
        raise ValueError("only coaches have an invitation code")
    coach.invitation_code = new_invitation_code()
    db.session.flush()
    return coach.invitation_code


def assign_coach(coachee: User, coach: User | None) -> None:
    """Send the coachee's new letters to ``coach`` (None: the shared pool).

    Letters already sent stay with the coach who has them. Raises ValueError when
    ``coachee`` is not a coachee or ``coach`` not a coach.
    """
    if not coachee.has_role(Role.COACHEE):
        raise ValueError("only coachees have a coach")
    if coach is not None and not coach.has_role(Role.COACH):
        raise ValueError("a coachee's coach must be a coach")
    coachee.coach = coach
    db.session.flush()


def users_with_role(*roles: Role) -> list[User]:
    """Every account with one of ``roles``, by pseudonym."""
    query = select(User).where(User.role.in_(roles)).order_by(User.login_name)
    return list(db.session.scalars(query))


def coachees() -> list[User]:
    """Every coachee with their coach loaded: open trajectories first, then by pseudonym."""
    query = (
        select(User)
        .where(User.role == Role.COACHEE)
        .options(joinedload(User.coach))
        .order_by(User.closed_at.is_not(None), User.login_name)
    )
    return list(db.session.scalars(query))


def caseloads() -> dict[int, int]:
    """The number of coachees with an open trajectory per coach id (coaches with none left out)."""
    query = (
        select(User.coach_id, func.count())
        .where(User.role == Role.COACHEE, User.coach_id.is_not(None), User.closed_at.is_(None))
        .group_by(User.coach_id)
    )
    return {coach_id: count for coach_id, count in db.session.execute(query)}
