"""Malformed input gets a 4xx with a message, never a 500: every route of the URL map,
for every role, with ids no database can hold, page numbers that overflow, NUL
characters in queries and forms, and JSON bodies that are no object, nest too deep or
hold a lone surrogate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from journey import (
    agenda,
    book,
    free_letters,
    inbox,
    intervision,
    notices,
    practice,
    proposals,
    visits,
)
from journey.extensions import db
from journey.models import NoticeKind, Role, User

from .conftest import PLACE, a_place_letter, login

HUGE_IDS = (2**31, 2**63, 2**64)
HUGE_PAGE = 2**62
NUL = "a\x00b"
FORM_FIELDS = (
    "pseudonym",
    "password",
    "confirm",
    "email",
    "invitation_code",
    "code",
    "body",
    "note",
    "passage",
    "action",
    "q",
    "question",
    "letter_text",
    "answer",
    "name",
    "kind",
    "line",
    "back",
    "page",
    "share",
)
JSON_BODIES = (
    '"een tekst"',
    "42",
    "true",
    "null",
    "[1, 2, 3]",
    "[" * 100_000 + "]" * 100_000,
    '{"text": "\\ud800 half"}',
    '{"text": "met \\u0000 nul"}',
    '{"text": ["geen", "tekst"]}',
    "{niet eens json",
)
SKIPPED = {"static", "auth.logout"}  # logout ends the session the walk needs


@dataclass
class Scene:
    actors: dict[str, object]
    values: dict[str, object]


@pytest.fixture
def scene(app, make_user, coach, clock, frame) -> Scene:
    """One of everything, so that every route can reach its view with real ids."""
    coachee = make_user("Reiziger", coach=coach)
    trainee = make_user("Leerling Lot", Role.TRAINEE)
    supervisor = make_user("Supervisor Sam", Role.SUPERVISOR)
    admin = make_user("Beheerder Bo", Role.ADMIN)
    letter_id = a_place_letter(app, coachee, clock)
    sample = app.extensions["journey.samples"].samples[0]
    world = app.extensions["journey.world"]
    with app.app_context():
        user = db.session.get(User, coachee.id)
        db.session.get(User, trainee.id).supervisor_id = supervisor.id
        visit = visits.visit_place(user, world.places[1].id, clock())
        draft = free_letters.draft(user, clock())
        later = clock() + timedelta(days=3)
        absence = inbox.add_absence(
            db.session.get(User, coach.id), later, later + timedelta(days=1), None
        )
        attempt = practice.start_attempt(db.session.get(User, trainee.id), sample, frame, clock())
        practice.submit(attempt, {f"s-{frame.sections[0].id}": "Mooi."}, [], clock())
        question = world.place(PLACE).questions[0].id
        passage = book.mark(
            user, book.find_source(user, "answer", letter_id, question), "zee", clock()
        )
        chapter = book.add_chapter(user, "Thuis", clock())
        book.share(user, clock())
        proposal = proposals.propose(
            db.session.get(User, coach.id),
            user,
            "place",
            PLACE,
            None,
            None,
            None,
            "",
            clock(),
            world=world,
            known_text=lambda _text: False,
        )
        coach_user = db.session.get(User, coach.id)
        agenda.publish(
            coach_user,
            starts_on=clock().date() + timedelta(days=7),
            minute=600,
            minutes=60,
            weekly=False,
            until=None,
            zone_name="Europe/Amsterdam",
            now=clock(),
        )
        appointment = agenda.book(user, agenda.slots(coach_user, clock())[0].key, clock())
        db.session.flush()
        app.config["CHAT_STREAM_SECONDS"] = 0.05  # a stream answers, then ends
        case = a_case(app, db.session.get(User, coach.id), letter_id, frame, clock)
        values = {
            "availability_id": appointment.availability_id,
            "appointment_id": appointment.id,
            "chat_id": appointment.chat_id,
            "visit_id": visit.id,
            "letter_id": letter_id,
            "free_letter_id": draft.id,
            "coachee_id": coachee.id,
            "coach_id": coach.id,
            "trainee_id": trainee.id,
            "absence_id": absence.id,
            "attempt_id": attempt.id,
            "sample_id": sample.id,
            "chapter_id": chapter.id,
            "passage_id": passage.id,
            "proposal_id": proposal.id,
            "case_id": case.id,
            "group_id": case.group_id,
            "number": 2,
            "key": f"s-{frame.sections[0].id}",
            "field": f"q-{world.places[1].questions[0].id}",
            "place_id": PLACE,
            "text_id": app.extensions["journey.library"].texts[0].id,
            "fmt": "json",
            "token": notices.unsubscribe_token(
                app.config["SECRET_KEY"], coachee.id, NoticeKind.FEEDBACK_ARRIVED
            ),
        }
        db.session.commit()
    actors = {
        "coachee": coachee,
        "coach": coach,
        "trainee": trainee,
        "supervisor": supervisor,
        "admin": admin,
    }
    return Scene(actors, values)


def a_case(app, coach: User, letter_id: int, frame, clock):
    """The coach answers the letter and brings it to a group of theirs; the coachee
    agrees. Runs in the caller's app context."""
    world, frames = app.extensions["journey.world"], app.extensions["journey.frames"]
    letter = db.session.get(inbox.Letter, letter_id)
    feedback = inbox.feedback_draft(letter, coach, frame, clock())
    texts = {f"s-{section.id}": "Dank je." for section in frame.sections}
    inbox.send_feedback(feedback, texts, frame, clock())
    group = intervision.create_group("Groep", 14, clock())
    intervision.add_member(group, coach)
    case = intervision.start_case(coach, group, letter, "Vraag?", world, frames, clock())
    intervision.ask_consent(case, clock())
    intervision.consent(case, clock())
    return case


def url_values(rule, values: dict[str, object]) -> dict[str, object]:
    chosen = {arg: values[arg] for arg in rule.arguments}
    if rule.endpoint in ("journey.send_free_letter", "journey.save_free_letter_draft"):
        chosen["letter_id"] = values["free_letter_id"]
        chosen["field"] = "body"
    if rule.endpoint.startswith("reactions."):
        chosen["key"] = "end"  # the answered letter's feedback as a whole
    return chosen


def requests_for(rule, values: dict[str, object]):
    """(method, url, keyword arguments) of every malformed request to send to ``rule``."""
    path = rule.build(url_values(rule, values), append_unknown=False)[1]
    for arg in sorted(rule.arguments & {a for a, v in values.items() if isinstance(v, int)}):
        for huge in HUGE_IDS:
            huge_path = rule.build({**url_values(rule, values), arg: huge})[1]
            yield from ((method, huge_path, {}) for method in rule.methods & {"GET", "POST"})
    for arg in sorted(rule.arguments & {"sample_id", "key", "field", "place_id", "fmt", "token"}):
        nul_path = rule.build({**url_values(rule, values), arg: NUL})[1]
        yield from ((method, nul_path, {}) for method in rule.methods & {"GET", "POST"})
    if "GET" in rule.methods:
        yield "GET", f"{path}?page={HUGE_PAGE}&q=zoek", {}
        yield "GET", f"{path}?page=-{HUGE_PAGE}", {}
        yield "GET", path, {"query_string": {"q": NUL, "next": NUL, "code": NUL, "frame": NUL}}
    if "POST" in rule.methods:
        yield "POST", path, {"data": {name: NUL for name in FORM_FIELDS}}
        yield "POST", path, {"data": {"action": "save", values["key"]: NUL}}
        for body in JSON_BODIES:
            yield "POST", path, {"data": body, "content_type": "application/json"}


def walk(app, client, scene: Scene, role: str) -> list[str]:
    """Send every malformed request to every route; the ones answered with 500."""
    failures = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIPPED:
            continue
        for method, url, kwargs in requests_for(rule, scene.values):
            response = client.open(url, method=method, **kwargs)
            if response.status_code >= 500:
                failures.append(f"{role} {method} {url[:80]!r} {kwargs!r:.80}")
    return failures


@pytest.mark.parametrize(
    "role", ["anonymous", "coachee", "coach", "trainee", "supervisor", "admin"]
)
def test_no_malformed_request_gets_a_500(app, scene, role):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.0.0.{len(role)}"  # a throttle of its own
    if role != "anonymous":
        assert login(client, scene.actors[role]).status_code == 302
    assert walk(app, client, scene, role) == []


def test_the_malformed_autosaves_get_400_with_a_message(app, client, scene):
    login(client, scene.actors["coachee"])
    url = f"/visits/{scene.values['visit_id']}/drafts/{scene.values['field']}"
    for body in JSON_BODIES:
        response = client.post(url, data=body, content_type="application/json")
        assert response.status_code == 400, body[:40]
        assert response.json["message"] == "Dit konden we niet opslaan."


def test_ids_no_database_holds_are_no_page(client, scene):
    login(client, scene.actors["coachee"])
    for huge in HUGE_IDS:
        assert client.get(f"/letters/{huge}").status_code == 404
        assert client.post(f"/visits/{huge}", data={"action": "save"}).status_code == 404


def test_a_nul_character_is_refused_with_a_message(client, scene):
    response = client.post("/login", data={"pseudonym": NUL, "password": "wachtwoord"})
    assert response.status_code == 400
    assert "nulteken" in response.get_data(as_text=True)
    response = client.post("/register", data={"pseudonym": "Nieuw", "invitation_code": NUL})
    assert response.status_code == 400
    login(client, scene.actors["admin"])
    assert client.get("/admin/access-log", query_string={"q": NUL}).status_code == 400
    assert client.get(f"/admin/access-log?page={HUGE_PAGE}").status_code == 200
