"""An over-long text is never dropped silently: every form of written text comes back
with all texts as typed and the field's message, and nothing shorter is saved over it."""

from __future__ import annotations

import html

from journey.extensions import db
from journey.models import Answer, Letter, PracticeAttempt, Role, Visit

from .conftest import PLACE, a_place_letter, login

TOO_LONG = "het maximum is 20.000"


def shown(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_saving_a_place_with_one_answer_too_long_keeps_everything(app, client, make_user, world):
    limit = app.config["MAX_ANSWER_LENGTH"]
    login(client, make_user("Reiziger"))
    client.get(f"/places/{PLACE}")
    with app.app_context():
        visit_id = db.session.scalars(db.select(Visit.id)).one()
    first, second = (f"q-{q.id}" for q in world.place(PLACE).questions[:2])
    earlier = {"action": "save", first: "Het eerdere concept."}
    assert "Je antwoorden zijn bewaard" in shown(
        client.post(f"/visits/{visit_id}", data=earlier, follow_redirects=True)
    )
    long_text = "Zee. " * (limit // 5) + "Het einde."
    response = client.post(
        f"/visits/{visit_id}",
        data={"action": "save", first: long_text, second: "Kort en goed."},
    )
    assert response.status_code == 422
    page = shown(response)
    assert "Je antwoorden zijn bewaard" not in page
    assert TOO_LONG in page and long_text in page and "Kort en goed." in page
    with app.app_context():
        texts = {
            f"q-{a.question_id}": a.text
            for a in db.session.scalars(db.select(Answer).where(Answer.visit_id == visit_id))
        }
    assert texts == {first: "Het eerdere concept.", second: "Kort en goed."}


def test_a_free_letter_too_long_comes_back_whole(app, client, make_user):
    limit = app.config["MAX_ANSWER_LENGTH"]
    login(client, make_user("Reiziger"))
    client.get("/letters/new")
    with app.app_context():
        letter_id = db.session.scalars(db.select(Letter.id)).one()
    client.post(
        f"/letters/{letter_id}",
        data={"action": "save", "body": "Eerste versie."},
        follow_redirects=True,
    )
    long_text = "a" * (limit + 1)
    response = client.post(f"/letters/{letter_id}", data={"action": "save", "body": long_text})
    assert response.status_code == 422
    assert TOO_LONG in shown(response) and long_text in shown(response)
    with app.app_context():
        assert db.session.get(Letter, letter_id).body == "Eerste versie."


def test_feedback_and_practice_too_long_come_back_whole(
    app, client, make_user, coach, clock, frame
):
    limit = app.config["MAX_ANSWER_LENGTH"]
    letter_id = a_place_letter(app, make_user("Reiziger", coach=coach), clock)
    first, second = (f"s-{s.id}" for s in frame.sections[:2])
    long_text = "b" * (limit + 1)
    login(client, coach)
    url = f"/inbox/letters/{letter_id}/feedback"
    response = client.post(url, data={"action": "save", first: long_text, second: "Twee."})
    assert response.status_code == 422
    assert TOO_LONG in shown(response) and long_text in shown(response)
    with app.app_context():
        feedback = db.session.get(Letter, letter_id).feedback
        assert (feedback.text_of(first), feedback.text_of(second)) == ("", "Twee.")
    client.post("/logout")

    login(client, make_user("Leerling Lot", Role.TRAINEE))
    sample = app.extensions["journey.samples"].samples[0]
    url = f"/practice/samples/{sample.id}/1"
    response = client.post(url, data={"action": "save", first: long_text, second: "Twee."})
    assert response.status_code == 422
    assert TOO_LONG in shown(response) and long_text in shown(response)
    with app.app_context():
        attempt = db.session.scalars(db.select(PracticeAttempt)).one()
        assert (attempt.text_of(first), attempt.text_of(second)) == ("", "Twee.")
