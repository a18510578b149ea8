"""Accounts: registering, signing in, and the codes that tie a coachee to a coach.

Also the rules of signing in safely: password hashing (argon2id) and the password
policy, locking an account after failed attempts, two-factor codes (TOTP) and
when a session has to end. Operations take plain values and the current time;
the request commits.
"""

from __future__ import annotations

import functools
import gzip
import hmac
import secrets
from datetime import datetime, time, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash
from zxcvbn import zxcvbn

from . import locales, timezones
from .extensions import db
from .models import Role, User

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 256
MIN_PASSWORD_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" (about 10^8 guesses)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MAX_FAILED_LOGINS = 5  # failed attempts in a row that lock an account
LOCK_TIME = timedelta(minutes=15)
TOTP_STEP_SECONDS = 30
TOTP_WINDOW = 1  # codes of one step before and after now are accepted too
COMMON_PASSWORD_FILES = ("common-passwords.txt.gz", "common-passwords-nl.txt")

_hasher = PasswordHasher()  # argon2id with the library's defaults (m=64 MiB, t=3, p=4)


class AccountProblem(Exception):
    """Registration was refused; ``kind`` is ``pseudonym_taken``, ``unknown_code`` or a
    reason of ``password_problem``."""

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
    """A new account; raises AccountProblem('pseudonym_taken'), or AccountProblem with the
    reason the password may not be chosen (``password_problem``)."""
    if find_by_pseudonym(pseudonym) is not None:
        raise AccountProblem("pseudonym_taken")
    weakness = password_problem(password, pseudonym, email or "")
    if weakness:
        raise AccountProblem(weakness)
    user = User(
        pseudonym=pseudonym.strip(),
        login_name=login_name(pseudonym),
        email=(email or "").strip() or None,
        password_hash=hash_password(password),
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


def confirm_password(user: User, password: str) -> bool:
    """True when ``password`` is the user's password."""
    return verify_password(user.password_hash, password)[0]


# --- passwords ---------------------------------------------------------------


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (``$argon2id$...``)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> tuple[bool, bool]:
    """Whether ``password`` matches ``password_hash``, and whether to hash it anew.

    Hashes made before argon2id (werkzeug's ``scrypt:``/``pbkdf2:``) still verify and
    always need a new hash; so does an argon2 hash with weaker parameters.
    """
    if password_hash.startswith("$argon2"):
        try:
            _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False, False
        return True, _hasher.check_needs_rehash(password_hash)
    try:
        matches = check_password_hash(password_hash, password)
    except ValueError:  # not a hash werkzeug knows
        matches = False
    return matches, matches


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(16))


@functools.cache
def common_passwords() -> frozenset[str]:
    """The lower-cased passwords of the lists in ``journey/data`` (see its README)."""
    folder = resources.files("journey") / "data"
    words: set[str] = set()
    for name in COMMON_PASSWORD_FILES:
        raw = (folder / name).read_bytes()
        text = gzip.decompress(raw) if name.endswith(".gz") else raw
        lines = text.decode("utf-8", errors="replace").splitlines()
        words.update(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    return frozenset(words)


def password_problem(password: str, pseudonym: str = "", email: str = "") -> str | None:
    """Why ``password`` may not be chosen, or None when it may.

    Returns ``too_short``, ``too_long``, ``common`` (on a list of common passwords,
    case ignored), ``like_pseudonym`` (it contains the pseudonym) or ``guessable``
    (zxcvbn's estimate of the guesses it takes scores below ``MIN_PASSWORD_SCORE``:
    keyboard rows, repeats, sequences, dates, words with the pseudonym or e-mail
    address). No rules on which kinds of characters it must have.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return "too_short"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "too_long"
    lowered = password.strip().lower()
    if lowered in common_passwords():
        return "common"
    name = login_name(pseudonym)
    if len(name) >= 3 and name in password.casefold():
        return "like_pseudonym"
    personal = [part for part in (pseudonym, email, *email.split("@")) if part]
    if zxcvbn(password, user_inputs=personal)["score"] < MIN_PASSWORD_SCORE:
        return "guessable"
    return None


# --- signing in ----------------------------------------------------------------


class LoginRefused(Exception):
    """Signing in was refused; ``kind`` is ``wrong`` (unknown pseudonym or wrong
    password or code) or ``locked`` (too many failed attempts)."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def check_login(pseudonym: str, password: str, now: datetime) -> User:
    """The account with this pseudonym and password, when it is not locked.

    A wrong password counts as a failed attempt; a right one gets a fresh hash when
    its hash is old. Raises LoginRefused('wrong') or LoginRefused('locked').
    """
    user = find_by_pseudonym(pseudonym)
    if user is None:
        verify_password(_dummy_hash(), password)  # same time as a real check
        raise LoginRefused("wrong")
    matches, needs_rehash = verify_password(user.password_hash, password)
    if is_locked(user, now):
        raise LoginRefused("locked")
    if not matches:
        record_failed_login(user, now)
        raise LoginRefused("wrong")
    if needs_rehash:
        user.password_hash = hash_password(password)
    return user


def is_locked(user: User, now: datetime) -> bool:
    """True while the account is locked after too many failed attempts."""
    return user.locked_until is not None and now < user.locked_until


def record_failed_login(user: User, now: datetime) -> bool:
    """Count a failed attempt (wrong password or code); the fifth in a row locks the
    account for ``LOCK_TIME``. Returns True when the account is locked now."""
    user.failed_logins = User.failed_logins + 1  # in SQL: safe with parallel attempts
    db.session.flush()
    if user.failed_logins < MAX_FAILED_LOGINS:
        return False
    user.failed_logins = 0
    user.locked_until = now + LOCK_TIME
    db.session.flush()
    return True


def record_login(user: User) -> None:
    """A complete, successful login: the count of failed attempts starts again."""
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()


# --- two-factor codes (TOTP) -----------------------------------------------------


def two_factor_required(user: User, roles: tuple[str, ...] | list[str]) -> bool:
    """True when the user's role (one of ``roles``) must log in with a code."""
    return user.role in roles


def zone_of(user: User, default: str) -> ZoneInfo:
    """The time zone ``user`` reads times in: their own, else ``default`` (the
    organisation's)."""
    try:
        return timezones.zone(user.time_zone or default)
    except ValueError:  # a zone this machine's tz database no longer knows
        return timezones.zone(default)


def quiet_hours_of(user: User, default: tuple[time, time]) -> tuple[time, time]:
    """The local hours in which no mail goes to ``user`` (start == end: none)."""
    if user.quiet_start is None or user.quiet_end is None:
        return default
    return timezones.at_minutes(user.quiet_start), timezones.at_minutes(user.quiet_end)


def set_time_settings(user: User, zone_name: str, quiet: tuple[time, time]) -> None:
    """The user's own time zone (an IANA name this machine knows) and quiet hours."""
    timezones.zone(zone_name)  # ValueError when unknown
    user.time_zone = zone_name
    user.quiet_start, user.quiet_end = (timezones.minutes(t) for t in quiet)


def set_locale(user: User, name: str | None) -> None:
    """The language of ``user``'s pages (one of ``locales.LOCALES``); empty or None: the
    browser's, else the organisation's. ValueError for another language."""
    user.locale = locales.check(name) if name else None


def set_email(user: User, email: str | None) -> None:
    """The address notices are mailed to; empty or None: no mail, notices in the app only."""
    user.email = (email or "").strip() or None


def new_totp_secret() -> str:
    """A fresh random TOTP secret in base32 (160 bits)."""
    return pyotp.random_base32()


def totp_uri(secret: str, pseudonym: str, issuer: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=pseudonym, issuer_name=issuer)


def totp_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (``TOTP_STEP_SECONDS`` long) whose code ``code`` is, or None.

    Accepts the codes of the current step and of ``TOTP_WINDOW`` steps either side;
    spaces in ``code`` are ignored.
    """
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS)
    current = int(now.timestamp()) // TOTP_STEP_SECONDS
    for step in range(current - TOTP_WINDOW, current + TOTP_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def use_totp_code(user: User, secret: str, code: str, now: datetime) -> bool:
    """True when ``code`` is right now for ``secret`` and was not used before.

    A code is good once: its time step must come after the step of the last code the
    user got in with. One conditional UPDATE marks it used, so two app servers that
    get the same code at the same moment cannot both accept it.
    """
    step = totp_step(secret, code, now)
    if step is None:
        return False
    fresh = or_(User.totp_last_step.is_(None), User.totp_last_step < step)
    marked = db.session.execute(
        update(User).where(User.id == user.id, fresh).values(totp_last_step=step)
    )
    return marked.rowcount == 1


def enable_two_factor(user: User, secret: str) -> None:
    user.totp_secret = secret
    db.session.flush()


def disable_two_factor(user: User) -> None:
    user.totp_secret = None
    db.session.flush()


# --- sessions --------------------------------------------------------------------


def session_end_reason(
    user: User,
    *,
    epoch: int | None,
    seen: datetime | None,
    since: datetime | None,
    now: datetime,
    idle: timedelta,
    max_age: timedelta,
) -> str | None:
    """Why a session of ``user`` must end now, or None while it may go on.

    ``epoch`` is the session epoch stored at login, ``seen`` the time of the
    session's last request, ``since`` its login time. Returns ``ended`` (logged
    out since, here or elsewhere), ``idle`` (no request for ``idle``) or
    ``too_old`` (older than ``max_age``).
    """
    if epoch is None or epoch != user.session_epoch:
        return "ended"
    if seen is None or now - seen > idle:
        return "idle"
    if since is None or now - since > max_age:
        return "too_old"
    return None


def end_sessions(user: User) -> None:
    """End every session of ``user`` (on every device): cookies from before are refused."""
    user.session_epoch = User.session_epoch + 1
    db.session.flush()


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
    """Send the coachee's new letters to ``coach`` (None: the shared pool). A book the
    coachee shared with their former coach is theirs alone again.

    Letters already sent stay with the coach who has them. Raises ValueError when
    ``coachee`` is not a coachee or ``coach`` not a coach.
    """
    if not coachee.has_role(Role.COACHEE):
        raise ValueError("only coachees have a coach")
    if coach is not None and not coach.has_role(Role.COACH):
        raise ValueError("a coachee's coach must be a coach")
    if coachee.coach_id != (coach.id if coach else None):
        coachee.book_shared_at = None  # the book was shared with the coach before
    coachee.coach = coach
    db.session.flush()


def assign_supervisor(account: User, supervisor: User | None) -> None:
    """Give a trainee or a coach a supervisor (None: nobody yet). A trainee's supervisor
    reviews their practice answers; a coach's reads the coach's trends while the coach
    shares them (journey/trends.py). A coach who shared their trends with another
    supervisor (or with none yet) shares them no longer: they choose again.

    Raises ValueError when ``account`` is neither a trainee nor a coach, or ``supervisor``
    not a supervisor.
    """
    if not account.has_role(Role.TRAINEE, Role.COACH):
        raise ValueError("only trainees and coaches have a supervisor")
    if supervisor is not None and not supervisor.has_role(Role.SUPERVISOR):
        raise ValueError("a supervisor must be a supervisor")
    if account.supervisor_id != (supervisor.id if supervisor else None):
        account.trends_shared_at = None
    account.supervisor = supervisor
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
