"""The coach proposes next steps: a place, a question or a library text, with the
feedback or on its own; the coachee sees them on the map, free to go anywhere; writing
or reading completes them; the coach sees open, done and past-date ones."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from journey import proposals
from journey.extensions import db
from journey.models import Proposal, Role, User

from .conftest import a_place_letter, login

TARGET = "humor"


@pytest.fixture
def coachee(make_user, coach):
    return make_user("Reiziger", coach=coach, time_zone="Europe/Amsterdam")


def feedback_texts(frame) -> dict[str, str]:
    return {f"s-{s.id}": "Mooi hoe open je schrijft. Dank je wel." for s in frame.sections}


def propose_alone(client, coachee_id: int, **fields):
    data = {f"proposal-{key}": value for key, value in fields.items()}
    return client.post(f"/inbox/coachees/{coachee_id}/proposals", data=data)


def test_a_proposal_with_feedback_shows_once_the_feedback_is_sent_and_writing_completes_it(
    app, client, coach, coachee, frame, world, clock
):
    letter_id = a_place_letter(app, coachee, clock)
    login(client, coach)
    question = world.place(TARGET).questions[1]
    added = client.post(
        f"/inbox/letters/{letter_id}/feedback",
        data={
            **feedback_texts(frame),
            "action": "propose",
            "proposal-target": f"question:{TARGET}:{question.id}",
            "proposal-reason": "Je schreef over lachen; hier kun je verder.",
        },
    )
    assert added.status_code == 302
    page = client.get(f"/inbox/letters/{letter_id}").get_data(as_text=True)
    assert "Je voorstellen bij deze brief" in page and question.text in page
    client.post("/logout")

    login(client, coachee)
    assert "Je coach stelt voor" not in client.get("/map").get_data(as_text=True)  # not yet
    client.post("/logout")

    login(client, coach)
    sent = client.post(
        f"/inbox/letters/{letter_id}/feedback", data={**feedback_texts(frame), "action": "send"}
    )
    assert sent.status_code == 302
    client.post("/logout")

    login(client, coachee)
    map_page = client.get("/map").get_data(as_text=True)
    assert "Je coach stelt voor" in map_page
    assert "Je schreef over lachen; hier kun je verder." in map_page
    assert f'href="/places/{TARGET}#q-{question.id}"' in map_page
    # a choice, never a lock: every place stays open
    for place in world.places:
        assert client.get(f"/places/{place.id}").status_code == 200
    # writing at another question does not complete it; this question does
    with app.app_context():
        visit_id = db.session.scalar(
            sa.text("SELECT id FROM visits WHERE place_id = :p"), {"p": TARGET}
        )
    other = world.place(TARGET).questions[0]
    client.post(f"/visits/{visit_id}/drafts/q-{other.id}", json={"text": "Iets anders."})
    with app.app_context():
        assert db.session.scalars(sa.select(Proposal)).one().done_at is None
    client.post(f"/visits/{visit_id}/drafts/q-{question.id}", json={"text": "Ik lach graag."})
    with app.app_context():
        assert db.session.scalars(sa.select(Proposal)).one().done_at == clock()
    assert "Je coach stelt voor" not in client.get("/map").get_data(as_text=True)
    listing = client.get("/proposals").get_data(as_text=True)
    assert "Gedaan" in listing and question.text in listing
    client.post("/logout")

    login(client, coach)
    own = client.get(f"/inbox/coachees/{coachee.id}/proposals").get_data(as_text=True)
    assert "gedaan op" in own
    caseload = client.get("/inbox/coachees").get_data(as_text=True)
    assert "0 open, 1 gedaan" in caseload


def test_a_text_proposed_on_its_own_is_done_by_reading_it(app, client, coach, coachee):
    text = app.extensions["journey.library"].texts[0]
    login(client, coach)
    made = propose_alone(client, coachee.id, target=f"text:{text.id}", reason="Lees dit eens.")
    assert made.status_code == 302
    client.post("/logout")
    login(client, coachee)
    map_page = client.get("/map").get_data(as_text=True)
    assert f"Lees: {text.title}" in map_page and f'href="/library/{text.id}"' in map_page
    client.get(f"/library/{text.id}")
    with app.app_context():
        assert db.session.scalars(sa.select(Proposal)).one().done_at is not None


def test_a_past_date_is_told_across_midnight_in_the_coachees_zone(
    app, client, coach, coachee, clock
):
    # 9:00 UTC on 2 March is 10:00 in Amsterdam: the coachee's today is 2 March
    login(client, coach)
    assert (
        propose_alone(client, coachee.id, target=f"place:{TARGET}", due_on="2026-03-02").status_code
        == 302
    )
    refused = propose_alone(
        client, coachee.id, target=f"place:{TARGET}", due_on="2026-03-01", reason="Gisteren"
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Deze dag is al voorbij" in page and "Gisteren" in page  # kept as typed
    with app.app_context():
        proposal = db.session.scalars(sa.select(Proposal)).one()
    assert proposals.state(proposal, date(2026, 3, 2)) == proposals.OPEN
    # 23:30 UTC on 2 March is already 3 March in Amsterdam: the date has passed
    client.post("/logout")
    clock.advance(hours=14, minutes=30)
    login(client, coach)
    caseload = client.get("/inbox/coachees").get_data(as_text=True)
    assert "1 datum voorbij" in caseload
    with app.app_context():
        assert [p.id for p in proposals.open_due_by(date(2026, 3, 2))] == [proposal.id]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"target": ""}, "Kies eerst een plek, een vraag of een tekst."),
        ({"target": "place:maan"}, "Deze plek staat niet (meer) in de wereld."),
        ({"target": "question:humor:nergens"}, "Deze vraag hoort niet (meer) bij die plek."),
        ({"target": "text:bestaat-niet"}, "Deze tekst staat niet (meer) in de bibliotheek."),
        ({"target": f"place:{TARGET}", "due_on": "morgen"}, "Dit is geen datum."),
        ({"target": f"place:{TARGET}", "reason": "x" * 501}, "het maximum is 500"),
    ],
)
def test_a_refused_proposal_says_why_and_keeps_what_was_typed(
    app, client, coach, coachee, fields, message
):
    login(client, coach)
    refused = propose_alone(client, coachee.id, **{"reason": "Mijn reden", **fields})
    assert refused.status_code == 422
    assert message in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0


def test_nobody_else_sees_or_makes_proposals(app, client, coach, coachee, make_user):
    other_coach = make_user("Coach Bram", Role.COACH)
    other_coachee = make_user("Zwerver", coach=other_coach)
    login(client, coach)
    propose_alone(client, coachee.id, target=f"place:{TARGET}", reason="Alleen voor jou")
    # a coach cannot propose to someone else's coachee, nor see or withdraw theirs
    assert propose_alone(client, other_coachee.id, target=f"place:{TARGET}").status_code == 404
    client.post("/logout")
    with app.app_context():
        proposal_id = db.session.scalar(sa.select(Proposal.id))
    login(client, other_coach)
    assert client.get(f"/inbox/coachees/{coachee.id}/proposals").status_code == 404
    assert client.post(f"/inbox/proposals/{proposal_id}/withdraw").status_code == 404
    client.post("/logout")
    # another coachee sees none of it; a coachee has no coach's pages
    login(client, other_coachee)
    assert "Alleen voor jou" not in client.get("/map").get_data(as_text=True)
    assert "Alleen voor jou" not in client.get("/proposals").get_data(as_text=True)
    assert client.get(f"/inbox/coachees/{coachee.id}/proposals").status_code == 404
    assert client.post(f"/inbox/proposals/{proposal_id}/withdraw").status_code == 404


def test_a_withdrawn_proposal_leaves_the_map(app, client, coach, coachee):
    login(client, coach)
    propose_alone(client, coachee.id, target=f"place:{TARGET}", reason="Misschien")
    with app.app_context():
        proposal_id = db.session.scalar(sa.select(Proposal.id))
    assert client.post(f"/inbox/proposals/{proposal_id}/withdraw").status_code == 302
    client.post("/logout")
    login(client, coachee)
    assert "Misschien" not in client.get("/map").get_data(as_text=True)


def test_the_reason_is_encrypted_and_escaped(app, client, coach, coachee):
    canary = f"kanarie-{uuid.uuid4()}"
    payload = f'<script>alert(1)</script>"><img src=x onerror=alert(1)> {canary}'
    login(client, coach)
    propose_alone(client, coachee.id, target=f"place:{TARGET}", reason=payload)
    with app.app_context():
        [stored] = db.session.execute(sa.text("SELECT reason FROM proposals")).scalars()
    assert canary not in stored
    coach_page = client.get(f"/inbox/coachees/{coachee.id}/proposals").get_data(as_text=True)
    assert canary in coach_page and "<script>alert(1)" not in coach_page
    client.post("/logout")
    login(client, coachee)
    for url in ("/map", "/proposals"):
        page = client.get(url).get_data(as_text=True)
        assert canary in page and "<script>alert(1)" not in page and "<img src=x" not in page


def test_proposals_are_erased_with_the_coachee(app, client, coach, coachee, clock):
    from journey import data_rights

    login(client, coach)
    propose_alone(client, coachee.id, target=f"place:{TARGET}")
    with app.app_context():
        data_rights.erase(db.session.get(User, coachee.id), clock())
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count(Proposal.id))) == 0


def test_a_closed_trajectory_takes_no_proposals(app, client, coach, coachee, clock):
    with app.app_context():
        db.session.get(User, coachee.id).closed_at = clock() - timedelta(hours=1)
        db.session.commit()
    login(client, coach)
    refused = propose_alone(client, coachee.id, target=f"place:{TARGET}")
    assert refused.status_code == 422
