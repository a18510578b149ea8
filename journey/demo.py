"""Demo accounts for trying Journey out: one of each role, created once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import accounts
from .models import Role, User


@dataclass(frozen=True)
class DemoAccount:
    pseudonym: str
    password: str
    role: Role
    email: str | None = None  # example.org: a local mail catcher shows the notices


COACH = DemoAccount("Coach Anna", "anna-schrijft-terug", Role.COACH, "anna@example.org")
TRAINEE = DemoAccount("Leerling Bas", "oefenen-met-brieven", Role.TRAINEE)
SUPERVISOR = DemoAccount("Supervisor Carla", "meelezen-en-leren", Role.SUPERVISOR)
DEMO_ACCOUNTS = (
    COACH,
    DemoAccount("Reiziger", "onderweg-naar-huis", Role.COACHEE, "reiziger@example.org"),
    TRAINEE,
    SUPERVISOR,
    DemoAccount("Beheerder", "alles-op-orde-houden", Role.ADMIN),
)


def load_demo(now: datetime) -> list[tuple[DemoAccount, bool]]:
    """Create the demo accounts that do not exist yet; the demo coachee joins the demo
    coach, and the demo trainee gets the demo supervisor.

    Returns each demo account with True when it was created now.
    """
    result = []
    for demo in DEMO_ACCOUNTS:
        existing = accounts.find_by_pseudonym(demo.pseudonym)
        if existing is None:
            coach = _coach() if demo.role == Role.COACHEE else None
            accounts.create_account(
                demo.pseudonym, demo.password, demo.role, now, coach=coach, email=demo.email
            )
        result.append((demo, existing is None))
    trainee = accounts.find_by_pseudonym(TRAINEE.pseudonym)
    if trainee is not None and trainee.supervisor is None:
        trainee.supervisor = accounts.find_by_pseudonym(SUPERVISOR.pseudonym)
    return result


def _coach() -> User | None:
    return accounts.find_by_pseudonym(COACH.pseudonym)
