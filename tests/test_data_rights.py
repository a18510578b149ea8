"""The access log, the coachee's archive of all their data, and erasure."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from journey import agenda, chats, free_letters, inbox, reactions, visits
from journey.extensions import db
from journey.models import (
    AccessLog,
    Answer,
    Appointment,
    Chat,
    ChatMessage,
    Feedback,
    FeedbackPart,
    FeedbackVerdict,
    Letter,
    Reaction,
    Role,
    User,
    Visit,
)

from .conftest import PASSWORD, login


@pytest.fixture
def cast(make_user, clock, app):
    """A coach and her coachee, who sent a letter that got feedback and keeps a draft."""
    coach = make_user("Coach Anna", Role.COACH)
    coachee = make_user("Reiziger", coach=coach)
    canary = f"kanarie-{uuid.uuid4()}"
    frame = app.extensions["journey.frames"].default
    question = app.extensions["journey.world"].place("humor").questions[0].id
    with app.app_context():
        coach_user, coachee_user = (db.session.get(User, a.id) for a in (coach, coachee))
        visit = visits.visit_place(coachee_user, "humor", clock())
        letter = visits.send_letter(
            visit, {question: f"{canary} in een antwoord"}, 5, f"{canary} noot", clock(), 48
        )
        feedback = inbox.feedback_draft(letter, coach_user, frame, clock())
        texts = {f"s-{s.id}": f"{canary} feedback" for s in frame.sections}
        texts[f"c-{question}"] = f"{canary} opmerking"
        inbox.send_feedback(feedback, texts, frame, clock())
        reactions.react(feedback, f"c-{question}", "touches", f"{canary} reactie", clock())
        reactions.react(feedback, reactions.END, "misses", f"{canary} slotreactie", clock())
        draft = visits.visit_place(coachee_user, "topjob", clock())
        visits.save_draft(draft, "x", f"{canary} concept", clock())
        free = free_letters.draft(coachee_user, clock())
        free_letters.save_body(free, f"{canary} vrije brief", clock())
        free_letters.write_to_coachee(
            coach_user, coachee_user, f"{canary} brief van de coach", clock()
        )
        starts = clock() + timedelta(days=2)
        agenda.publish(
            coach_user,
            starts_on=starts.date(),
            minute=starts.hour * 60,
            minutes=60,
            weekly=False,
            until=None,
            zone_name="UTC",
            now=clock(),
        )
        appointment = agenda.book(coachee_user, agenda.slots(coach_user, clock())[0].key, clock())
        chats.post(appointment.chat, coachee_user, "a" * 12, f"{canary} chatbericht", starts)
        db.session.commit()
        letter_id = letter.id
    return {"coach": coach, "coachee": coachee, "letter_id": letter_id, "canary": canary}


def log_rows(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(db.select(AccessLog).order_by(AccessLog.id))
        return [(r.actor_name, r.subject_name, r.what, r.subject_id) for r in rows]


def test_reads_by_others_are_logged_and_shown_to_the_coachee(app, client, cast, make_user):
    coach, coachee, letter_id = cast["coach"], cast["coachee"], cast["letter_id"]
    login(client, coachee)
    client.get("/dossier")
    client.get(f"/letters/{letter_id}")
    assert log_rows(app) == []  # own reading
    client.post("/logout")

    login(client, coach)
    assert client.get(f"/inbox/letters/{letter_id}").status_code == 200
    assert client.get(f"/dossier/{coachee.id}").status_code == 200
    assert client.get(f"/dossier/{coachee.id}/export.json").status_code == 200
    rows = log_rows(app)
    assert [row[:3] for row in rows] == [
        ("Coach Anna", "Reiziger", "letter"),
        ("Coach Anna", "Reiziger", "dossier-page"),
        ("Coach Anna", "Reiziger", "dossier-json"),
    ]
    assert cast["canary"] not in json.dumps(rows)
    client.post("/logout")

    login(client, coachee)
    page = client.get("/privacy/").get_data(as_text=True)
    assert page.count("Coach Anna") == 3 and "je brief van " in page
    assert "je dossier als JSON-bestand" in page and "je dossier<" in page
    client.post("/logout")

    login(client, make_user("Beheerder", Role.ADMIN))
    found = client.get("/admin/access-log?q=reizi").get_data(as_text=True)
    assert found.count("Coach Anna") == 3
    assert "Coach Anna" not in client.get("/admin/access-log?q=niemand").get_data(as_text=True)


def test_only_admins_search_the_log(client, cast):
    login(client, cast["coach"])
    assert client.get("/admin/access-log").status_code == 404
    assert client.get("/privacy/").status_code == 404  # the privacy page is the coachee's


def test_the_archive_holds_all_the_coachees_data(client, cast):
    login(client, cast["coachee"])
    response = client.get("/privacy/archive.zip")
    assert response.status_code == 200 and response.content_type == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    files = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(files.namelist())
    assert names == {
        "dossier.pdf",
        "dossier.md",
        "dossier.json",
        "boek.json",
        "boek.epub",
        "concepten.json",
        "account.json",
    }
    markdown = files.read("dossier.md").decode()
    drafts = json.loads(files.read("concepten.json"))
    account = json.loads(files.read("account.json"))
    canary = cast["canary"]
    pieces = ("in een antwoord", "noot", "feedback", "opmerking", "brief van de coach")
    for piece in (*pieces, "reactie", "slotreactie"):
        assert f"{canary} {piece}" in markdown
    dossier = json.loads(files.read("dossier.json"))
    [letter] = [e for e in dossier["entries"] if e["kind"] == "letter" and e["answers"]]
    [feedback] = [e for e in dossier["entries"] if e["kind"] == "feedback"]
    assert letter["answers"][0]["reaction"]["line"] == f"{canary} reactie"
    assert feedback["reaction"] == {
        "kind": "misses",
        "line": f"{canary} slotreactie",
        "at": feedback["at"],
    }
    frame = client.application.extensions["journey.frames"].default
    assert "Coach Anna schreef je terug" in markdown  # the feedback as one letter
    assert all(f"**{section.title}**" not in markdown for section in frame.sections)
    assert drafts["visits"][0]["answers"] == {"x": f"{canary} concept"}
    assert drafts["free_letters"] == [{"body": f"{canary} vrije brief", "note": ""}]
    assert account["pseudonym"] == "Reiziger" and account["coach"] == "Coach Anna"
    assert [a["coach"] for a in account["appointments"]] == ["Coach Anna"]
    assert f"{canary} chatbericht" in markdown  # the transcript
    assert files.read("dossier.pdf").startswith(b"%PDF")


def test_erasure_needs_the_password(app, client, cast):
    login(client, cast["coachee"])
    response = client.post("/privacy/erase", data={"password": "niet-mijn-wachtwoord"})
    assert response.status_code == 422 and "klopt niet" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, cast["coachee"].id) is not None


def test_erasure_leaves_nothing_behind(client, cast, app, database_url):
    coachee_id, canary = cast["coachee"].id, cast["canary"]
    login(client, cast["coach"])
    client.get(f"/dossier/{coachee_id}")  # a read that the log will forget
    client.post("/logout")
    login(client, cast["coachee"])
    old_cookie = client.get_cookie("session").value
    response = client.post("/privacy/erase", data={"password": PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, coachee_id) is None
        for model in (
            Visit,
            Answer,
            Letter,
            Feedback,
            FeedbackPart,
            Reaction,
            Appointment,
            Chat,
            ChatMessage,
        ):
            assert db.session.scalar(db.select(db.func.count(model.id))) == 0, model
        assert db.session.scalar(db.select(db.func.count(FeedbackVerdict.check_id))) == 0
    assert [(what, subject_id, name) for _, name, what, subject_id in log_rows(app)] == [
        ("erasure", None, "")
    ]
    client.set_cookie("session", old_cookie)  # the old session is gone with the account
    assert client.get("/map").status_code == 302
    assert login(client, cast["coachee"]).status_code == 422
    with app.app_context():
        assert db.session.get(User, cast["coach"].id) is not None  # the coach stays

    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite:///"))
        with contextlib.closing(sqlite3.connect(path)) as connection:  # outside any transaction
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for file in (path, Path(f"{path}-wal")):
            if file.exists():
                assert canary.encode() not in file.read_bytes(), file
    else:
        with app.app_context():
            dump = db.session.execute(
                text("SELECT string_agg(t::text, ' ') FROM access_log t")
            ).scalar()
        assert canary not in (dump or "")
