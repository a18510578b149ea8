"""Every main page does a fixed number of SQL queries, however long the history is.

One history is grown in two steps (a few letters, then many more) and every page of
every kind of user is opened after each step: the number of statements must not
change. A page that loads rows one at a time (N+1) fails here with the page's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest

from journey import (
    access_log,
    agenda,
    book,
    chats,
    free_letters,
    inbox,
    practice,
    proposals,
    reactions,
    visits,
)
from journey import library as texts_module
from journey.extensions import db
from journey.models import Appointment, Chat, Letter, PracticeAttempt, Role, User

from .conftest import Actor, login

pytestmark = pytest.mark.usefixtures("quick_password_hashes")

SMALL, LARGE = 2, 14  # letters of each kind per step


@dataclass
class People:
    coach: Actor
    coachee: Actor
    others: list[Actor]
    trainee: Actor
    supervisor: Actor
    admin: Actor


@pytest.fixture
def people(make_user, clock) -> People:
    supervisor = make_user("Supervisor Carla", Role.SUPERVISOR)
    coach = make_user(  # who shares her trends with her supervisor
        "Coach Anna", Role.COACH, supervisor=supervisor, trends_shared_at=clock()
    )
    return People(
        coach=coach,
        coachee=make_user("Reiziger", coach=coach),
        others=[make_user(f"Reiziger {n}", coach=coach) for n in range(3)],
        trainee=make_user("Leerling Bas", Role.TRAINEE, supervisor=supervisor),
        supervisor=supervisor,
        admin=make_user("Beheerder", Role.ADMIN),
    )


def grow_history(app, clock, people: People, count: int) -> None:
    """Add ``count`` of everything: place letters answered by the coach (with a comment the
    coachee reacts to, and a reaction to the whole), free letters waiting, letters of
    other coachees waiting, the coach's own letters, dossier reads,
    chapters and passages of the coachee's (shared) book, and practice attempts
    submitted and commented on."""
    world = app.extensions["journey.world"]
    frame = app.extensions["journey.frames"].default
    sample = app.extensions["journey.samples"].samples[0]
    with app.app_context():
        coach = db.session.get(User, people.coach.id)
        coachee = db.session.get(User, people.coachee.id)
        trainee = db.session.get(User, people.trainee.id)
        supervisor = db.session.get(User, people.supervisor.id)
        booked = db.session.scalar(db.select(db.func.count(Appointment.id)))
        for n in range(count):
            clock.advance(minutes=1)
            place = world.places[n % len(world.places)]
            visit = visits.visit_place(coachee, place.id, clock())
            texts = {q.id: f"Antwoord {n} op {q.id}." for q in place.questions}
            letter = visits.send_letter(visit, texts, 5, "Een notitie.", clock(), 48)
            feedback = inbox.feedback_draft(letter, coach, frame, clock())
            sections = {f"s-{s.id}": f"Mooi geschreven, deel {n}." for s in frame.sections}
            comment = {f"c-{place.questions[0].id}": f"Je schrijft over {n}. Wat voel je?"}
            inbox.send_feedback(feedback, {**sections, **comment}, frame, clock())
            reactions.react(feedback, f"c-{place.questions[0].id}", "touches", f"Ja {n}.", clock())
            reactions.react(feedback, reactions.END, "misses", "", clock())
            free = free_letters.draft(coachee, clock())
            free_letters.send(free, f"Vrije brief {n}.", 4, "", clock(), 48)
            for other in people.others:
                other_user = db.session.get(User, other.id)
                place_visit = visits.visit_place(other_user, place.id, clock())
                visits.send_letter(place_visit, texts, 3, "", clock(), 48)
            free_letters.write_to_coachee(coach, coachee, f"Een brief van je coach {n}.", clock())
            chapter = book.add_chapter(coachee, f"Hoofdstuk {n}", clock())
            for kind, key in (
                ("answer", place.questions[0].id),
                ("feedback", f"s-{frame.sections[0].id}"),
            ):
                source = book.find_source(coachee, kind, letter.id, key)
                passage = book.mark(coachee, source, source.text.split()[0], clock())
                if n % 2:
                    book.place_passage(coachee, passage, chapter)
            book.share(coachee, clock())
            library = app.extensions["journey.library"]
            read = library.texts[n % len(library.texts)]
            texts_module.record_read(coachee, read.id, clock())
            proposals.propose(
                coach,
                coachee,
                "place",
                place.id,
                None,
                None,
                None,
                f"Reden {n}",
                clock(),
                world=world,
                known_text=lambda _text: False,
            )
            access_log.record(coach, coachee, "dossier", clock())
            kept = agenda.publish(
                coach,
                starts_on=clock().date() + timedelta(days=2 + (booked + n) // 20),
                minute=((booked + n) % 20) * 60,
                minutes=45,
                weekly=False,
                until=None,
                zone_name="UTC",
                now=clock(),
            )
            slot = next(s for s in agenda.slots(coach, clock()) if s.availability_id == kept.id)
            chat = agenda.book(coachee, slot.key, clock()).chat
            chats.post(chat, coachee, f"c{n:011d}", f"Bericht {n}.", slot.starts_at)
            chats.post(chat, coach, f"k{n:011d}", f"Antwoord {n}.", slot.starts_at)
            chats.post(chat, coach, f"p{n:011d}", "", slot.starts_at, phase_id="welcome")
            distance = chats.start_async(coach, coachee, 4, clock())
            chats.post(distance, coachee, f"d{n:011d}", f"Op afstand {n}.", clock())
            attempt = practice.start_attempt(trainee, sample, frame, clock())
            practice.submit(attempt, sections, [], clock())
            practice.add_comment(attempt, supervisor, "Goed gedaan.", "", clock())
        db.session.commit()


def pages(app, people: People) -> dict[Role, list[str]]:
    """The main pages of every kind of user; ids of the newest rows of the history."""
    world = app.extensions["journey.world"]
    sample = app.extensions["journey.samples"].samples[0]
    with app.app_context():
        place_letter = db.session.scalars(
            db.select(Letter)
            .where(Letter.coachee_id == people.coachee.id, Letter.visit_id.is_not(None))
            .order_by(Letter.id.desc())
        ).first()
        waiting = db.session.scalars(
            db.select(Letter)
            .where(Letter.coachee_id == people.others[0].id)
            .order_by(Letter.id.desc())
        ).first()
        attempt = db.session.scalars(
            db.select(PracticeAttempt).order_by(PracticeAttempt.id.desc())
        ).first()
        appointment = db.session.scalars(
            db.select(Appointment).order_by(Appointment.id.desc())
        ).first()
        distance = db.session.scalars(
            db.select(Chat).where(Chat.kind == "async").order_by(Chat.id.desc())
        ).first()
        ids = (place_letter.id, waiting.id, attempt.id, appointment.id, appointment.chat_id)
        ids += (distance.id,)
    letter_id, waiting_id, attempt_id, appointment_id, chat_id, distance_id = ids
    chat_pages = [
        "/agenda/",
        f"/agenda/appointments/{appointment_id}",
        "/chats/",
        f"/chats/{chat_id}",
        f"/chats/{distance_id}",
    ]
    coachee = people.coachee.id
    return {
        Role.COACHEE: [
            "/map",
            f"/places/{world.places[0].id}",
            "/letters",
            f"/letters/{letter_id}",
            "/letters/new",
            "/dossier",
            "/book",
            "/library/",
            "/library/piekeren",
            "/goal",
            "/proposals",
            "/privacy/",
            "/account",
            "/notices/",
            *chat_pages,
        ],
        Role.COACH: [
            "/inbox/",
            "/inbox/?filter=overdue",
            "/inbox/?filter=today",
            "/inbox/?filter=answered",
            "/inbox/coachees",
            f"/inbox/letters/{letter_id}",
            f"/inbox/letters/{waiting_id}",
            f"/dossier/{coachee}",
            f"/inbox/coachees/{coachee}/book",
            f"/inbox/coachees/{coachee}/harvest",
            f"/inbox/coachees/{coachee}/proposals",
            "/library/",
            "/inbox/settings",
            "/trends/",
            "/notices/",
            *chat_pages,
        ],
        Role.TRAINEE: [
            "/practice/",
            f"/practice/samples/{sample.id}",
            f"/practice/attempts/{attempt_id}",
        ],
        Role.SUPERVISOR: [
            "/practice/review",
            f"/practice/attempts/{attempt_id}",
            f"/trends/{people.coach.id}",
        ],
        Role.ADMIN: [
            "/admin/",
            "/admin/coachees",
            "/admin/trainees",
            "/admin/codes",
            f"/admin/access-log?q={people.coachee.pseudonym}",
            f"/trends/{people.coach.id}",
        ],
    }


def clients(app, people: People) -> dict[Role, object]:
    """A logged-in browser for every kind of user."""
    actors = {
        Role.COACHEE: people.coachee,
        Role.COACH: people.coach,
        Role.TRAINEE: people.trainee,
        Role.SUPERVISOR: people.supervisor,
        Role.ADMIN: people.admin,
    }
    result = {}
    for role, actor in actors.items():
        result[role] = app.test_client()
        assert login(result[role], actor).status_code == 302
    return result


def counts(app, people: People, browsers, count_queries) -> dict[str, int]:
    """The number of SQL statements of every page, each read by its own user."""
    result = {}
    for role, urls in pages(app, people).items():
        for number, url in enumerate(urls):
            browsers[role].get(url)  # a first visit may write once (a read in the access log)
            response, statements = count_queries(browsers[role].get, url)
            assert response.status_code == 200, url
            result[f"{role} page {number}: {re.sub(r'/[0-9]+', '/<id>', url)}"] = statements
    return result


def test_every_page_does_as_many_queries_with_a_long_history(app, clock, people, count_queries):
    browsers = clients(app, people)
    grow_history(app, clock, people, SMALL)
    small = counts(app, people, browsers, count_queries)
    grow_history(app, clock, people, LARGE)
    large = counts(app, people, browsers, count_queries)
    grown = {page: (small[page], large[page]) for page in small if large[page] != small[page]}
    assert not grown, f"pages whose number of queries grew with the history: {grown}"
