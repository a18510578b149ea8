"""Demo accounts for trying Journey out: one of each role (two coaches, in one
intervision group), created once, and a few letters so that every role has something
to see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from . import accounts, inbox, intervision, progress, reactions, visits
from .extensions import db
from .frames import Frame
from .models import Letter, Role, User
from .worlds import World


@dataclass(frozen=True)
class DemoAccount:
    pseudonym: str
    password: str
    role: Role
    email: str | None = None  # example.org: a local mail catcher shows the notices


COACH = DemoAccount("Coach Anna", "anna-schrijft-terug", Role.COACH, "anna@example.org")
COLLEAGUE = DemoAccount("Coach Daan", "samen-leren-we-meer", Role.COACH, "daan@example.org")
GROUP = "Intervisie Noord"  # Anna and Daan bring cases to each other
TRAINEE = DemoAccount("Leerling Bas", "oefenen-met-brieven", Role.TRAINEE)
SUPERVISOR = DemoAccount("Supervisor Carla", "meelezen-en-leren", Role.SUPERVISOR)
DEMO_ACCOUNTS = (
    COACH,
    COLLEAGUE,
    DemoAccount("Reiziger", "onderweg-naar-huis", Role.COACHEE, "reiziger@example.org"),
    DemoAccount("Zoeker", "nog-zonder-coach", Role.COACHEE),  # writes to the shared pool
    TRAINEE,
    SUPERVISOR,
    DemoAccount("Beheerder", "alles-op-orde-houden", Role.ADMIN),
)


def load_demo(
    now: datetime, world: World | None = None, frame: Frame | None = None, promise_hours: int = 48
) -> list[tuple[DemoAccount, bool]]:
    """Create the demo accounts that do not exist yet; Reiziger joins the demo coach,
    Zoeker has no coach, and the demo trainee gets the demo supervisor. With a world and
    a frame, the demo coachees who have written nothing yet get letters: one answered
    (Reiziger marks a comment of it "Dit raakt me"), one waiting for the demo coach, one
    in the pool.

    Returns each demo account with True when it was created now.
    """
    result = []
    for demo in DEMO_ACCOUNTS:
        existing = accounts.find_by_pseudonym(demo.pseudonym)
        if existing is None:
            coach = _coach() if demo.pseudonym == "Reiziger" else None
            accounts.create_account(
                demo.pseudonym, demo.password, demo.role, now, coach=coach, email=demo.email
            )
        result.append((demo, existing is None))
    trainee = accounts.find_by_pseudonym(TRAINEE.pseudonym)
    if trainee is not None and trainee.supervisor is None:
        trainee.supervisor = accounts.find_by_pseudonym(SUPERVISOR.pseudonym)
    _group(now)
    db.session.flush()
    if world is not None and frame is not None:
        _letters(now, world, frame, promise_hours)
    return result


# What the demo coachees wrote: answers that fit any reflective question.
ANSWERS = (
    "Als ik hier even stilsta, merk ik hoe moe ik ben van het altijd maar doorgaan. "
    "Thuis is het rustig, maar in mijn hoofd niet.",
    "Het eerste dat in me opkomt is mijn oma's keuken: de geur van koffie, niemand die "
    "iets van me wilde. Zo'n plek zoek ik eigenlijk nog steeds.",
    "Ik weet het niet goed. Misschien durf ik niet te zeggen wat ik echt wil, omdat ik "
    "dan ook kan falen.",
)
FEEDBACK = (
    "Wat mooi hoe eerlijk je beschrijft dat het in je hoofd niet rustig is.",
    "Je schrijft over de keuken van je oma: een plek waar niemand iets van je wilde. "
    "Wanneer voelde je dat de laatste keer, hier en nu?",
    "Je noemt de angst om te falen. Wat zou je doen als die angst er even niet was?",
    "Een volgende plek mag er een zijn die je trekt, en ook een gewone brief over wat je "
    "bezighoudt is welkom.",
    "Dank je voor je brief: je kijkt met veel aandacht naar jezelf, en dat is een mooie kracht.",
)


# Anna's comment beside Reiziger's first answer, and how it landed with Reiziger.
COMMENT = (
    "Je schrijft dat het thuis rustig is, maar in je hoofd niet. Het klinkt alsof het "
    "altijd maar doorgaan je veel kost. Wat zou rust in je hoofd voor je betekenen?"
)
REACTION_LINE = "Ja, dit is het precies. Fijn dat je dat zag."

GOAL = "Ik wil ontdekken welk werk echt bij me past, en daar een eerste stap naar zetten."


def _letters(now: datetime, world: World, frame: Frame, promise_hours: int) -> None:
    reiziger = accounts.find_by_pseudonym("Reiziger")
    zoeker = accounts.find_by_pseudonym("Zoeker")
    places = [place for place in world.places if place.questions]
    if len(places) < 3:
        return
    if reiziger is not None and not _has_written(reiziger):
        progress.set_goal(reiziger, GOAL, now - timedelta(days=4))
        answered = _send(reiziger, places[0], now - timedelta(days=3), 5, promise_hours, 3)
        coach = answered.coach
        if coach is not None:
            feedback = inbox.feedback_draft(answered, coach, frame, now - timedelta(days=2))
            last = len(frame.sections) - 1  # the closing section gets the closing words
            texts = {
                f"s-{section.id}": FEEDBACK[-1]
                if number == last
                else FEEDBACK[number % (len(FEEDBACK) - 1)]
                for number, section in enumerate(frame.sections)
            }
            first = answered.visit.answers[0]
            texts[f"c-{first.question_id}"] = COMMENT
            inbox.send_feedback(feedback, texts, frame, now - timedelta(days=2))
            key, day_later = f"c-{first.question_id}", now - timedelta(days=1)
            reactions.react(feedback, key, "touches", REACTION_LINE, day_later)
        _send(reiziger, places[1], now - timedelta(hours=5), 7, promise_hours, 4)
    if zoeker is not None and not _has_written(zoeker):
        _send(zoeker, places[2], now - timedelta(days=1), 4, promise_hours)


def _has_written(coachee: User) -> bool:
    query = select(func.count(Letter.id)).where(Letter.coachee_id == coachee.id)
    return bool(db.session.scalar(query))


def _send(
    coachee: User,
    place,
    at: datetime,
    mood: int,
    promise_hours: int,
    progress_value: int | None = None,
) -> Letter:
    visit = visits.visit_place(coachee, place.id, at - timedelta(minutes=40))
    answers = {
        question.id: ANSWERS[number % len(ANSWERS)]
        for number, question in enumerate(place.questions[:2])
    }
    note = "Dit schreef ik in één keer op, zonder er lang over na te denken."
    return visits.send_letter(visit, answers, mood, note, at, promise_hours, progress_value)


def _group(now: datetime) -> None:
    """The demo coaches' intervision group, made once (when no group exists yet)."""
    coaches = [accounts.find_by_pseudonym(demo.pseudonym) for demo in (COACH, COLLEAGUE)]
    if intervision.groups() or None in coaches:
        return
    group = intervision.create_group(GROUP, 14, now)
    for coach in coaches:
        intervision.add_member(group, coach)


def _coach() -> User | None:
    return accounts.find_by_pseudonym(COACH.pseudonym)
