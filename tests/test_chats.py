"""Chats: the live written session of an appointment and chats on distance.

A message is stored once per id its browser made (resent after a lost answer, it is
not doubled), in order; the coach marks the five phases; the transcript is in the
dossier and its exports, encrypted at rest; only the two of them read it. The stream
gives every message after the one the page has (``Last-Event-ID``)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from journey import agenda, crypto
from journey.extensions import db
from journey.models import Chat, ChatMessage, Notice, NoticeKind, Role, User

from .conftest import login

START = datetime(2027, 3, 16, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam


@pytest.fixture
def coachee(make_user, coach):
    return make_user("Reiziger", coach=coach, time_zone="Europe/Amsterdam")


@pytest.fixture
def live_chat(app, coach, coachee, clock) -> int:
    """A booked live session at START; the clock stands at its start."""
    clock.now = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
    with app.app_context():
        agenda.publish(
            db.session.get(User, coach.id),
            starts_on=date(2027, 3, 16),
            minute=10 * 60,
            minutes=60,
            weekly=False,
            until=None,
            zone_name="Europe/Amsterdam",
            now=clock(),
        )
        (slot,) = agenda.slots(db.session.get(User, coach.id), clock())
        appointment = agenda.book(db.session.get(User, coachee.id), slot.key, clock())
        db.session.commit()
        chat_id = appointment.chat_id
    clock.now = START
    return chat_id


def say(client, chat_id: int, body: str, client_id: str | None = None):
    return client.post(
        f"/chats/{chat_id}/messages",
        json={"client_id": client_id or uuid.uuid4().hex, "body": body},
    )


def stored(app, chat_id: int) -> list[tuple[str, str | None]]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(ChatMessage).where(ChatMessage.chat_id == chat_id).order_by(ChatMessage.id)
        )
        return [(m.body, m.phase) for m in rows]


def test_a_live_chat_opens_a_quarter_before_its_start(app, client, coachee, live_chat, clock):
    clock.now = START - timedelta(minutes=20)
    login(client, coachee)
    page = client.get(f"/chats/{live_chat}").get_data(as_text=True)
    assert "Het gesprek gaat open om 09:45" in page
    refused = say(client, live_chat, "Ben ik te vroeg?")
    assert refused.status_code == 409 and "niet open" in refused.get_json()["message"]
    clock.now = START - timedelta(minutes=10)
    assert say(client, live_chat, "Ik ben er al.").status_code == 201


def test_a_message_sent_again_is_stored_once_and_in_order(app, client, coachee, live_chat):
    login(client, coachee)
    first, second = uuid.uuid4().hex, uuid.uuid4().hex
    answer = say(client, live_chat, "Hallo, daar ben ik.", first)
    assert answer.status_code == 201
    again = say(client, live_chat, "Hallo, daar ben ik.", first)  # the answer got lost
    assert again.status_code == 200 and again.get_json()["id"] == answer.get_json()["id"]
    assert say(client, live_chat, "Ik wilde het hebben over mijn werk.", second).status_code == 201
    assert stored(app, live_chat) == [
        ("Hallo, daar ben ik.", None),
        ("Ik wilde het hebben over mijn werk.", None),
    ]
    after = client.get(f"/chats/{live_chat}/messages?after={answer.get_json()['id']}").get_json()
    assert [m["body"] for m in after["messages"]] == ["Ik wilde het hebben over mijn werk."]


def test_bad_messages_are_refused_with_a_reason(app, client, coachee, live_chat):
    login(client, coachee)
    assert say(client, live_chat, "   ").get_json()["error"] == "empty"
    assert say(client, live_chat, "x" * 4001).get_json()["error"] == "long"
    assert say(client, live_chat, "hoi", "kort").get_json()["error"] == "client_id"
    assert stored(app, live_chat) == []


def test_without_javascript_the_form_sends_and_a_refusal_keeps_the_text(
    app, client, coachee, live_chat
):
    login(client, coachee)
    sent = client.post(
        f"/chats/{live_chat}/messages",
        data={"client_id": uuid.uuid4().hex, "body": "Zonder script"},
    )
    assert sent.status_code == 302
    refused = client.post(
        f"/chats/{live_chat}/messages", data={"client_id": uuid.uuid4().hex, "body": "y" * 4001}
    )
    assert refused.status_code == 422
    assert "hooguit 4000 tekens" in refused.get_data(as_text=True)
    assert "y" * 4001 in refused.get_data(as_text=True)
    assert stored(app, live_chat) == [("Zonder script", None)]


def test_the_coach_marks_the_phases_and_the_transcript_shows_them(
    app, client, coach, coachee, live_chat
):
    login(client, coach)
    client.post(f"/chats/{live_chat}/phase", data={"phase": "welcome", "client_id": "p" * 12})
    say(client, live_chat, "Welkom! Fijn dat je er bent.")
    client.post("/logout")
    login(client, coachee)
    assert client.post(f"/chats/{live_chat}/phase", data={"phase": "goal"}).status_code == 404
    say(client, live_chat, "Dank je. Ik wil het over mijn werk hebben.")
    client.post("/logout")
    login(client, coach)
    marked = client.post(
        f"/chats/{live_chat}/phase",
        json={"phase": "question", "client_id": "q" * 12},
        headers={"Accept": "application/json"},
    )
    assert marked.status_code == 201 and marked.get_json()["phase_title"] == "De vraag verhelderen"
    assert client.post(f"/chats/{live_chat}/phase", data={"phase": "dance"}).status_code == 302
    assert stored(app, live_chat) == [
        ("", "welcome"),
        ("Welkom! Fijn dat je er bent.", None),
        ("Dank je. Ik wil het over mijn werk hebben.", None),
        ("", "question"),
    ]
    page = client.get(f"/chats/{live_chat}").get_data(as_text=True)
    assert 'data-phase="question"' in page and 'aria-current="step"' in page
    client.post(f"/chats/{live_chat}/close")
    client.post("/logout")

    login(client, coachee)
    dossier = client.get("/dossier").get_data(as_text=True)
    assert "Live chatgesprek met Coach Anna" in dossier
    welcome, question = dossier.index("Fase: Warm welkom"), dossier.index("Fase: De vraag")
    assert welcome < dossier.index("Welkom! Fijn dat je er bent.") < question
    markdown = client.get("/dossier/export.md").get_data(as_text=True)
    assert "*Fase: Warm welkom*" in markdown and "> Dank je. Ik wil het over mijn werk" in markdown
    exported = json.loads(client.get("/dossier/export.json").get_data(as_text=True))
    (chat,) = [e for e in exported["entries"] if e["kind"] == "chat"]
    assert [line["phase"] for line in chat["lines"]] == ["welcome", "", "", "question"]
    assert client.get("/dossier/export.pdf").status_code == 200
    # closed: nobody writes any more
    assert say(client, live_chat, "Nog iets!").status_code == 409


def test_the_transcript_is_encrypted_at_rest(app, client, coachee, live_chat):
    canary = f"kanarie-{uuid.uuid4()}"
    login(client, coachee)
    say(client, live_chat, f"Geheim {canary}")
    with app.app_context():
        raw = db.session.execute(sa.text("SELECT body FROM chat_messages")).scalars().all()
        ring = crypto.keyring()
    assert raw and not any(canary in value for value in raw)
    assert canary in ring.decrypt(raw[0])


def test_nobody_else_reads_or_writes_the_chat(app, client, make_user, coach, coachee, live_chat):
    login(client, coachee)
    say(client, live_chat, "Alleen voor mijn coach.")
    client.post("/logout")
    others = [
        make_user("Andere coachee", coach=coach),
        make_user("Coach Bert", Role.COACH),
        make_user("Beheerder", Role.ADMIN),
    ]
    for other in others:
        login(client, other)
        for url in ("", "/messages", "/stream", "/second-reader"):
            assert client.get(f"/chats/{live_chat}{url}").status_code == 404, (other, url)
        assert say(client, live_chat, "ingebroken").status_code == 404
        client.post("/logout")
    assert stored(app, live_chat) == [("Alleen voor mijn coach.", None)]


def test_the_stream_sends_what_the_page_does_not_have_yet(app, client, coachee, live_chat):
    app.config["CHAT_STREAM_SECONDS"] = 0.2
    login(client, coachee)
    ids = [say(client, live_chat, f"Bericht {n}").get_json()["id"] for n in range(3)]
    response = client.get(f"/chats/{live_chat}/stream", headers={"Last-Event-ID": str(ids[0])})
    assert response.mimetype == "text/event-stream"
    events = [
        block for block in response.get_data(as_text=True).split("\n\n") if block.startswith("id:")
    ]
    assert [json.loads(e.split("data: ", 1)[1])["body"] for e in events] == [
        "Bericht 1",
        "Bericht 2",
    ]
    assert events[0].startswith(f"id: {ids[1]}\n")


def test_a_chat_on_distance_waits_in_the_coachs_inbox_like_a_letter(
    app, client, coach, coachee, clock
):
    login(client, coach)
    started = client.post("/chats/start", data={"coachee": str(coachee.id), "reply_hours": "4"})
    assert started.status_code == 302
    chat_id = int(started.headers["Location"].rsplit("/", 1)[1])
    client.post("/logout")
    login(client, coachee)
    assert say(client, chat_id, "Mag ik je iets vragen over vandaag?").status_code == 201
    clock.advance(minutes=30)
    say(client, chat_id, "En nog iets.")
    client.post("/logout")
    with app.app_context():
        chat = db.session.get(Chat, chat_id)
        assert chat.due_at == clock() - timedelta(minutes=30) + timedelta(hours=4)
        told = db.session.scalars(sa.select(Notice.kind).where(Notice.user_id == coach.id)).all()
        assert told == [NoticeKind.CHAT_MESSAGE]  # once while unread
    login(client, coach)
    inbox = client.get("/inbox/").get_data(as_text=True)
    assert "Chats die op je antwoord wachten" in inbox and f"/chats/{chat_id}" in inbox
    assert say(client, chat_id, "Natuurlijk, vertel.").status_code == 201
    with app.app_context():
        assert db.session.get(Chat, chat_id).due_at is None
    assert "Chats die op je antwoord wachten" not in client.get("/inbox/").get_data(as_text=True)


def test_the_second_reader_reads_the_coachs_messages_of_a_closed_chat(
    app, client, coach, coachee, live_chat
):
    login(client, coachee)
    say(client, live_chat, "Ik durfde het eindelijk te zeggen tegen mijn baas.")
    client.post("/logout")
    login(client, coach)
    say(client, live_chat, "Wat knap dat je dat durfde. Je moet dat vaker doen.")
    assert client.get(f"/chats/{live_chat}/second-reader").status_code == 404  # still open
    client.post(f"/chats/{live_chat}/close")
    page = client.get(f"/chats/{live_chat}/second-reader").get_data(as_text=True)
    assert 'data-check="advice"' in page and "Je moet dat vaker doen." in page
