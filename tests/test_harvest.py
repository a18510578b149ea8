"""The harvest letter: closing a trajectory with a letter built from earlier feedback."""

from __future__ import annotations

import io
import json
import uuid

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from journey import harvest, inbox, visits
from journey.extensions import db
from journey.models import Feedback, Letter, LetterKind, User

from .conftest import login

PLACES = ("veilige-haven", "topjob", "humor")
BRAVE = "Ik durf weer te kiezen voor wat ik zelf wil."


@pytest.fixture
def coachee(make_user, coach):
    return make_user("Reiziger", coach=coach)


@pytest.fixture
def history(app, coachee, coach, clock):
    """Three answered letters. The coach praised one sentence by quoting it beside its
    answer, echoed another in a positive comment, and wrote a neutral comment."""
    world = app.extensions["journey.world"]
    frame = app.extensions["journey.frames"].default
    with app.app_context():
        user, coach_user = db.session.get(User, coachee.id), db.session.get(User, coach.id)
        user.goal = "Weten wat ik wil"
        comments = {
            "veilige-haven": f"Wat mooi hoe je schrijft: ‘{BRAVE.rstrip('.')}’. Dat is moedig.",
            "topjob": "Ik waardeer hoe eerlijk je over je energie in je werk schrijft.",
            "humor": "Wat bedoel je met lachen?",
        }
        answers = {
            "veilige-haven": f"Het was een zware week. {BRAVE} Dat voelt nieuw.",
            "topjob": "Mijn energie in mijn werk komt van eerlijk contact. Vergaderen kost veel.",
            "humor": "Ik lach om mezelf als ik struikel.",
        }
        for number, place_id in enumerate(PLACES):
            clock.advance(hours=2)
            place = world.place(place_id)
            question = place.questions[0]
            visit = visits.visit_place(user, place_id, clock())
            letter = visits.send_letter(
                visit, {question.id: answers[place_id]}, 4 + number, "", clock(), 48, number * 3
            )
            feedback = inbox.feedback_draft(letter, coach_user, frame, clock())
            texts = {f"s-{s.id}": "Dank je voor je brief." for s in frame.sections}
            texts[f"c-{question.id}"] = comments[place_id]
            inbox.send_feedback(feedback, texts, frame, clock())
        db.session.commit()


def test_the_draft_gathers_praised_sentences_and_the_route(app, coachee, coach, history):
    world = app.extensions["journey.world"]
    frame = app.extensions["journey.frames"].default
    with app.app_context():
        user, coach_user = db.session.get(User, coachee.id), db.session.get(User, coach.id)
        passages = [p.text for p in harvest.named_passages(user)]
        assert passages == [BRAVE, "Mijn energie in mijn werk komt van eerlijk contact."]
        texts = harvest.draft_texts(user, coach_user, world, frame)
    opening, route = texts["s-openen"], texts["s-kern"]
    assert opening.startswith("Beste Reiziger,") and f"‘{BRAVE}’" in opening
    assert "struikel" not in opening  # a question is no praise
    names = [world.place(p).name for p in PLACES]
    assert [route.index(name) for name in names] == sorted(route.index(n) for n in names)
    assert "Weten wat ik wil" in route
    assert "stemming 4 van 10, op weg naar je doel 0 van 10" in route
    assert "stemming 6 van 10, op weg naar je doel 6 van 10" in route
    assert "Coach Anna" in texts["s-afsluiten"]


def test_the_coach_edits_and_sends_it_and_the_trajectory_closes(
    app, client, coachee, coach, history, clock
):
    login(client, coach)
    dossier = client.get(f"/dossier/{coachee.id}").get_data(as_text=True)
    assert f"/inbox/coachees/{coachee.id}/harvest" in dossier
    page = client.get(f"/inbox/coachees/{coachee.id}/harvest")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert BRAVE in html and "De tweede lezer" in html and 'data-check="opens_positive"' in html
    assert client.get(f"/inbox/coachees/{coachee.id}/harvest").status_code == 200  # one draft
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Letter.id)).where(Letter.kind == LetterKind.HARVEST)
            )
            == 1
        )

    frame = app.extensions["journey.frames"].default
    texts = {f"s-{s.id}": f"Deel {s.id}: wat mooi dat je bleef schrijven." for s in frame.sections}
    texts["s-openen"] = f"Beste Reiziger, wat mooi hoe je schreef: ‘{BRAVE}’"
    saved = client.post(f"/inbox/coachees/{coachee.id}/harvest", data={**texts, "action": "save"})
    assert saved.status_code == 302
    assert "Deel kern" in client.get(f"/inbox/coachees/{coachee.id}/harvest").get_data(as_text=True)

    refused = client.post(
        f"/inbox/coachees/{coachee.id}/harvest",
        data={**texts, "s-kern": "", "action": "send"},
    )
    assert refused.status_code == 422  # a required section left empty; the rest stays
    assert "Deel verdieping" in refused.get_data(as_text=True)

    clock.advance(minutes=5)
    sent = client.post(f"/inbox/coachees/{coachee.id}/harvest", data={**texts, "action": "send"})
    assert sent.status_code == 302
    with app.app_context():
        user = db.session.get(User, coachee.id)
        assert user.closed_at == clock()
        letter = db.session.scalars(
            sa.select(Letter).where(Letter.kind == LetterKind.HARVEST)
        ).one()
        assert letter.sent_at == clock() and letter.from_coach and BRAVE in letter.body
        assert letter.body.index("Beste Reiziger") < letter.body.index("Deel afsluiten")
        assert letter.feedback is None  # the draft's sections are gone, the body stays
        letter_id = letter.id
    # a closed trajectory has no harvest page any more
    assert client.get(f"/inbox/coachees/{coachee.id}/harvest").status_code == 302
    client.post("/logout")

    login(client, coachee)
    letters = client.get("/letters").get_data(as_text=True)
    assert "Afsluitbrief van Coach Anna" in letters
    letter_page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "Een afsluitbrief van Coach Anna" in letter_page and BRAVE in letter_page
    dossier = client.get("/dossier").get_data(as_text=True)
    assert "Afsluitbrief van Coach Anna" in dossier and "Deel afsluiten" in dossier
    markdown = client.get("/dossier/export.md").get_data(as_text=True)
    assert "Afsluitbrief van Coach Anna" in markdown and BRAVE in markdown
    data = json.loads(client.get("/dossier/export.json").get_data(as_text=True))
    [entry] = [e for e in data["entries"] if e.get("harvest")]
    assert BRAVE in entry["body"]
    pdf = client.get("/dossier/export.pdf").data
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Afsluitbrief van Coach Anna" in " ".join(text.split())
    notices = client.get("/notices/").get_data(as_text=True)
    assert "Coach Anna" in notices


def test_closing_without_a_harvest_letter_discards_the_draft(app, client, coachee, coach):
    login(client, coach)
    client.get(f"/inbox/coachees/{coachee.id}/harvest")
    closed = client.post(f"/inbox/coachees/{coachee.id}/close")
    assert closed.status_code == 302
    with app.app_context():
        assert db.session.get(User, coachee.id).closed_at is not None
        assert db.session.scalar(sa.select(sa.func.count(Letter.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Feedback.id))) == 0


def test_only_the_coachees_own_coach_reaches_the_harvest_page(app, client, coachee, make_user):
    other = make_user("Coach Bram", "coach")
    login(client, other)
    assert client.get(f"/inbox/coachees/{coachee.id}/harvest").status_code == 404
    assert client.post(f"/inbox/coachees/{coachee.id}/harvest", data={}).status_code == 404
    client.post("/logout")
    login(client, coachee)
    assert client.get(f"/inbox/coachees/{coachee.id}/harvest").status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Letter.id))) == 0


def test_the_harvest_letter_is_encrypted_and_escaped(app, client, coachee, coach):
    canary = f"kanarie-{uuid.uuid4()}"
    payload = f'<script>alert(1)</script>"><img src=x onerror=alert(1)> {canary}'
    frame = app.extensions["journey.frames"].default
    texts = {f"s-{s.id}": f"Mooi geschreven. {payload}" for s in frame.sections}
    login(client, coach)
    client.get(f"/inbox/coachees/{coachee.id}/harvest")
    client.post(f"/inbox/coachees/{coachee.id}/harvest", data={**texts, "action": "save"})
    with app.app_context():
        stored = db.session.execute(sa.text("SELECT text FROM feedback_parts")).scalars().all()
    assert stored and not any(canary in value for value in stored)
    page = client.get(f"/inbox/coachees/{coachee.id}/harvest").get_data(as_text=True)
    assert canary in page and "<script>alert(1)" not in page and "<img src=x" not in page
    client.post(f"/inbox/coachees/{coachee.id}/harvest", data={**texts, "action": "send"})
    with app.app_context():
        [body] = db.session.execute(
            sa.text("SELECT body FROM letters WHERE kind = 'harvest'")
        ).scalars()
    assert canary not in body
    dossier = client.get(f"/dossier/{coachee.id}").get_data(as_text=True)
    assert canary in dossier and "<script>alert(1)" not in dossier


def test_an_unsent_harvest_letter_is_not_among_the_coachees_drafts(app, client, coachee, coach):
    import zipfile

    login(client, coach)
    client.get(f"/inbox/coachees/{coachee.id}/harvest")
    client.post("/logout")
    login(client, coachee)
    assert "Afsluitbrief" not in client.get("/letters").get_data(as_text=True)
    archive = client.get("/privacy/archive.zip")
    with zipfile.ZipFile(io.BytesIO(archive.data)) as files:
        assert json.loads(files.read("concepten.json"))["free_letters"] == []
