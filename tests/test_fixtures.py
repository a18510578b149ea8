"""The test fixtures run the app as production does, so that the tests cannot hide what
they test: no app context held across requests, CSRF and two-factor on."""

from __future__ import annotations

from flask import has_app_context

from journey import accounts
from journey.extensions import db
from journey.models import Role, User

from .conftest import login


def test_no_app_context_is_held_across_requests(app, client, make_user):
    assert not has_app_context()
    login(client, make_user("Reiziger"))
    assert client.get("/map").status_code == 200
    assert not has_app_context()


def test_every_request_checks_the_session_not_only_the_first(app, client, make_user):
    coachee = make_user("Reiziger")
    login(client, coachee)
    for _ in range(3):
        assert client.get("/map").status_code == 200
    with app.app_context():  # logged out on another device
        accounts.end_sessions(db.session.get(User, coachee.id))
        db.session.commit()
    assert client.get("/map").status_code == 302


def test_a_view_sees_only_what_was_committed(app, client, make_user):
    coachee = make_user("Reiziger")
    login(client, coachee)
    with app.app_context():
        db.session.get(User, coachee.id).closed_at = app.config["CLOCK"]()
        db.session.rollback()  # never committed: no request may see it
    assert client.get("/places/veilige-haven").status_code == 200


def test_csrf_and_two_factor_are_on(app, client, make_user):
    assert app.config.get("WTF_CSRF_ENABLED", True)
    assert Role.COACH in app.config["TWO_FACTOR_REQUIRED_ROLES"]
    coach = make_user("Coach Anna", Role.COACH)
    response = client.post(
        "/login", data={"pseudonym": coach.pseudonym, "password": coach.password}
    )
    assert response.headers["Location"] == "/login/code"  # a password alone is not enough
    assert client.post("/logout", csrf=False).status_code in (302, 400)
    forged = client.post("/register", data={"pseudonym": "Nep"}, csrf=False)
    assert forged.status_code == 422 and "te lang open" in forged.get_data(as_text=True)
