"""Forms refused for their CSRF token: the writer's own stale form keeps its texts; a
forged post, someone else's object or the wrong role changes nothing (400, never 500)."""

from __future__ import annotations

import re

import pytest

from journey.extensions import db
from journey.models import Answer, Feedback, Letter, PracticeAttempt, Role, Visit

from .conftest import PLACE, a_place_letter, login

REFUSED = "Er is niets veranderd"


def hidden(page: str, name: str) -> str:
    """The value of the hidden input ``name`` in ``page``."""
    match = re.search(rf'name="{name}"[^>]*value="([^"]+)"', page)
    assert match, f"no {name} in the page"
    return match.group(1)


def form_tokens(client, url: str) -> dict[str, str]:
    """The CSRF and writer tokens of the form on the page at ``url``."""
    page = client.get(url).get_data(as_text=True)
    return {name: hidden(page, name) for name in ("csrf_token", "writer_token")}


def open_place(app, client, world) -> tuple[int, list[str]]:
    """Open the default place: the visit's id and the form fields of its answers."""
    assert client.get(f"/places/{PLACE}").status_code == 200
    with app.app_context():
        visit_id = db.session.scalars(db.select(Visit.id)).one()
    return visit_id, [f"q-{q.id}" for q in world.place(PLACE).questions]


def answers_of(app, visit_id: int) -> dict[str, str]:
    with app.app_context():
        rows = db.session.scalars(db.select(Answer).where(Answer.visit_id == visit_id))
        return {f"q-{a.question_id}": a.text for a in rows}


@pytest.fixture
def coachee(make_user, coach):
    return make_user("Reiziger", coach=coach)


def test_a_forged_form_post_changes_no_draft_and_answers_400(app, client, coachee, world):
    login(client, coachee)
    visit_id, fields = open_place(app, client, world)
    saved = {fields[0]: "Mijn eigen woorden.", fields[1]: "En nog meer."}
    assert client.post(f"/visits/{visit_id}", data={"action": "save", **saved}).status_code == 302
    forged = {"action": "save", fields[0]: "Overschreven door een andere site."}
    for token in (None, "verkeerd-token"):
        data = forged | ({"csrf_token": token} if token else {})
        response = client.post(f"/visits/{visit_id}", data=data, csrf=False)
        assert response.status_code == 400
        assert REFUSED in response.get_data(as_text=True)
    # a writer token of this very session does not make a forged post acceptable either
    tokens = form_tokens(client, f"/places/{PLACE}")
    data = forged | {"writer_token": tokens["writer_token"]}
    assert client.post(f"/visits/{visit_id}", data=data, csrf=False).status_code == 400
    assert answers_of(app, visit_id) == saved


def test_forged_posts_to_every_rescued_form_change_nothing(
    app, client, make_user, coach, clock, frame
):
    coachee = make_user("Reiziger", coach=coach)
    letter_id = a_place_letter(app, coachee, clock)
    trainee = make_user("Leerling Lot", Role.TRAINEE)
    login(client, coach)
    key = f"s-{frame.sections[0].id}"
    response = client.post(
        f"/inbox/letters/{letter_id}/feedback", data={"action": "save", key: "Nep."}, csrf=False
    )
    assert response.status_code == 400
    client.post("/logout")
    login(client, trainee)
    sample = app.extensions["journey.samples"].samples[0]
    response = client.post(
        f"/practice/samples/{sample.id}/1", data={"action": "save", key: "Nep."}, csrf=False
    )
    assert response.status_code == 400
    client.post("/logout")
    login(client, coachee)
    assert client.get("/letters/new").status_code == 200
    with app.app_context():
        draft_id = db.session.scalars(db.select(Letter.id).where(Letter.sent_at.is_(None))).one()
    response = client.post(f"/letters/{draft_id}", data={"body": "Nep."}, csrf=False)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Feedback.id))) == 0
        assert db.session.scalar(db.select(db.func.count(PracticeAttempt.id))) == 0
        assert db.session.get(Letter, draft_id).body == ""


def test_someone_elses_visit_or_letter_is_refused_not_a_500(app, client, make_user, coach, world):
    owner = make_user("Reiziger", coach=coach)
    other = make_user("Zwerver", coach=coach)
    login(client, owner)
    visit_id, fields = open_place(app, client, world)
    client.post(f"/visits/{visit_id}", data={"action": "save", fields[0]: "Van mij."})
    client.post("/logout")
    login(client, other)
    other_tokens = form_tokens(client, f"/places/{PLACE}")  # a genuine page of their own
    client.post("/logout")
    login(client, other)  # a new session: their writer token is from an earlier one
    data = {"action": "save", fields[0]: "Van een ander.", **other_tokens}
    response = client.post(f"/visits/{visit_id}", data=data, csrf=False)
    assert response.status_code == 400
    assert answers_of(app, visit_id) == {fields[0]: "Van mij."}
    response = client.post("/letters/999999", data={"body": "x", **other_tokens}, csrf=False)
    assert response.status_code == 400


def test_other_roles_get_no_practice_attempt_from_a_refused_form(
    app, client, make_user, coach, frame
):
    sample = app.extensions["journey.samples"].samples[0]
    coachee = make_user("Reiziger", coach=coach)
    for person in (coachee, coach):
        login(client, person)
        client.post("/logout")
        login(client, person)
        response = client.post(
            f"/practice/samples/{sample.id}/1",
            data={"action": "save", f"s-{frame.sections[0].id}": "Nep."},
            csrf=False,
        )
        assert response.status_code in (400, 404)
        client.post("/logout")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(PracticeAttempt.id))) == 0


def test_the_writers_own_form_from_an_ended_session_keeps_its_texts(
    app, client, coachee, world, clock
):
    login(client, coachee)
    visit_id, fields = open_place(app, client, world)
    client.post(f"/visits/{visit_id}", data={"action": "save", fields[1]: "Al bewaard."})
    stale = form_tokens(client, f"/places/{PLACE}")
    clock.advance(hours=2)  # the session ends for lack of activity
    assert client.get("/map").status_code == 302
    login(client, coachee)  # in another tab
    data = {"action": "send", fields[0]: "Lang over nagedacht.", "note": "Noot.", **stale}
    response = client.post(f"/visits/{visit_id}", data=data, csrf=False)
    assert response.status_code == 302 and response.headers["Location"] == f"/places/{PLACE}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "als concept bewaard" in page and "Lang over nagedacht." in page and "Noot." in page
    assert answers_of(app, visit_id) == {
        fields[0]: "Lang over nagedacht.",
        fields[1]: "Al bewaard.",
    }
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Letter.id))) == 0  # not sent


def test_the_coachs_and_the_trainees_stale_forms_keep_their_texts(
    app, client, make_user, coach, clock, frame
):
    letter_id = a_place_letter(app, make_user("Reiziger", coach=coach), clock)
    key = f"s-{frame.sections[0].id}"
    login(client, coach)
    stale = form_tokens(client, f"/inbox/letters/{letter_id}")
    client.post("/logout")
    login(client, coach)
    data = {"action": "send", key: "Mooi.", **stale}
    response = client.post(f"/inbox/letters/{letter_id}/feedback", data=data, csrf=False)
    assert response.headers["Location"] == f"/inbox/letters/{letter_id}"
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        assert letter.feedback.text_of(key) == "Mooi." and not letter.is_answered
    client.post("/logout")

    trainee = make_user("Leerling Lot", Role.TRAINEE)
    sample = app.extensions["journey.samples"].samples[0]
    login(client, trainee)
    stale = form_tokens(client, f"/practice/samples/{sample.id}")
    client.post("/logout")
    login(client, trainee)
    data = {"action": "submit", key: "Goed gedaan.", **stale}
    response = client.post(f"/practice/samples/{sample.id}/1", data=data, csrf=False)
    assert response.headers["Location"] == f"/practice/samples/{sample.id}"
    with app.app_context():
        attempt = db.session.scalars(db.select(PracticeAttempt)).one()
        assert attempt.text_of(key) == "Goed gedaan." and attempt.submitted_at is None


def test_a_partial_form_leaves_the_other_answers_alone(app, client, coachee, world):
    login(client, coachee)
    visit_id, fields = open_place(app, client, world)
    every = {field: f"Antwoord {n}." for n, field in enumerate(fields)}
    client.post(f"/visits/{visit_id}", data={"action": "save", **every, "note": "Noot."})
    response = client.post(f"/visits/{visit_id}", data={"action": "save", fields[0]: "Nieuw."})
    assert response.status_code == 302
    assert answers_of(app, visit_id) == every | {fields[0]: "Nieuw."}
    with app.app_context():
        assert db.session.get(Visit, visit_id).note == "Noot."
    response = client.post(f"/visits/{visit_id}", data={"action": "send", fields[1]: "Anders."})
    assert response.status_code == 302
    assert answers_of(app, visit_id) == every | {fields[0]: "Nieuw.", fields[1]: "Anders."}


def test_a_partial_feedback_form_leaves_the_other_sections_alone(
    app, client, make_user, coach, clock, frame
):
    letter_id = a_place_letter(app, make_user("Reiziger", coach=coach), clock)
    first, second = (f"s-{s.id}" for s in frame.sections[:2])
    login(client, coach)
    url = f"/inbox/letters/{letter_id}/feedback"
    client.post(url, data={"action": "save", first: "Een.", second: "Twee."})
    client.post(url, data={"action": "save", second: "Anders."})
    with app.app_context():
        feedback = db.session.get(Letter, letter_id).feedback
        assert (feedback.text_of(first), feedback.text_of(second)) == ("Een.", "Anders.")


def test_a_form_posted_while_logged_out_goes_to_the_login_page(client):
    """Nobody is logged in: the session ended, so its token did too; the browser keeps the
    texts until the writer is back."""
    response = client.post("/visits/1", data={"action": "save"}, csrf=False)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
