"""Registering, logging in and out, invitation codes, safe redirects."""

import pytest

from journey.blueprints.auth import safe_next
from journey.extensions import db
from journey.models import Role, User

from .conftest import PASSWORD, login


def code_of(app, coach) -> str:
    with app.app_context():
        return db.session.get(User, coach.id).invitation_code


def register(client, **fields):
    data = {"pseudonym": "Zeemeeuw", "password": PASSWORD, "confirm": PASSWORD, **fields}
    return client.post("/register", data=data)


def test_register_without_code_joins_the_pool_and_logs_in(app, client):
    response = register(client, email="")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalars(db.select(User)).one()
        assert (user.pseudonym, user.role, user.coach, user.email) == (
            "Zeemeeuw",
            Role.COACHEE,
            None,
            None,
        )
        assert user.password_hash != PASSWORD
    assert client.get("/map").status_code == 200


def test_register_with_invitation_code_joins_that_coach(app, client, make_user):
    coach = make_user("Coach Anna", Role.COACH)
    code = code_of(app, coach).lower().replace("-", " - ")  # typed loosely
    assert register(client, invitation_code=code, email="z@example.org").status_code == 302
    with app.app_context():
        user = db.session.scalars(db.select(User).filter_by(role=Role.COACHEE)).one()
        assert user.coach_id == coach.id
        assert user.email == "z@example.org"


def test_registration_link_fills_in_the_code(app, client, make_user):
    code = code_of(app, make_user("Coach Anna", Role.COACH))
    page = client.get(f"/register?code={code}").get_data(as_text=True)
    assert f'value="{code}"' in page


def test_unknown_code_is_refused_and_what_was_typed_stays(app, client):
    response = register(client, invitation_code="NOPE-1234", email="z@example.org")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Deze uitnodigingscode kennen we niet" in page
    assert 'value="Zeemeeuw"' in page and 'value="NOPE-1234"' in page and "z@example.org" in page
    with app.app_context():
        assert db.session.scalars(db.select(User)).all() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "kort", "confirm": "kort"}, "minstens 12 tekens"),
        ({"confirm": "iets-heel-anders-dan-dat"}, "niet gelijk"),
        ({"pseudonym": ""}, "Kies een schuilnaam"),
        ({"pseudonym": "<script>"}, "Gebruik letters, cijfers"),
        ({"email": "geen-adres"}, "geen e-mailadres"),
    ],
)
def test_registration_refusals_say_why(client, fields, message):
    response = register(client, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_pseudonyms_are_unique_whatever_the_case(client, make_user):
    make_user("Zeemeeuw")
    response = register(client, pseudonym="  zeeMEEUW ")
    assert response.status_code == 422
    assert "al in gebruik" in response.get_data(as_text=True)


def test_login_and_logout(client, make_user):
    user = make_user("Reiziger")
    wrong = client.post(
        "/login", data={"pseudonym": "Reiziger", "password": "niet-het-goede-wachtwoord"}
    )
    assert wrong.status_code == 422
    assert "horen niet bij elkaar" in wrong.get_data(as_text=True)
    assert login(client, user).headers["Location"] == "/"
    assert client.get("/map").status_code == 200
    assert client.get("/logout").status_code == 405  # logging out is a POST
    assert client.post("/logout").status_code == 302
    response = client.get("/map")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_login_returns_to_the_page_asked_for(client, make_user):
    user = make_user("Reiziger")
    target = client.get("/places/humor").headers["Location"]
    assert target == "/login?next=/places/humor"
    response = client.post(target, data={"pseudonym": user.pseudonym, "password": PASSWORD})
    assert response.headers["Location"] == "/places/humor"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil",
        "/\\/x",
        "",
    ],
)
def test_next_accepts_only_paths_on_this_site(target):
    assert safe_next(target) is None


def test_next_keeps_relative_paths():
    assert safe_next("/places/humor?x=1") == "/places/humor?x=1"


def test_coach_sees_their_invitation_code(app, client, make_user):
    coach = make_user("Coach Anna", Role.COACH)
    login(client, coach)
    page = client.get("/account").get_data(as_text=True)
    assert code_of(app, coach) in page
    assert client.get("/map").status_code == 404  # the map is the coachee's


def test_a_coachee_sets_changes_and_removes_the_address_notices_go_to(app, client, make_user):
    mila = make_user("Mila")
    login(client, mila)
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/email"' in page
    response = client.post(
        "/account/email", data={"email": "mila@example.org", "password": mila.password}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#email")
    with app.app_context():
        assert db.session.get(User, mila.id).email == "mila@example.org"
    assert "Je e-mailadres is bewaard." in client.get("/account").get_data(as_text=True)
    client.post("/account/email", data={"email": "  ", "password": mila.password})
    with app.app_context():
        assert db.session.get(User, mila.id).email is None


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("nieuw@example.org", "niet-mijn-wachtwoord", "Dit wachtwoord klopt niet."),
        ("geen-adres", None, "Dit lijkt geen e-mailadres."),
        ("nieuw@example.org", "", "Vul je wachtwoord in."),
    ],
)
def test_a_refused_address_keeps_what_was_typed_and_changes_nothing(
    app, client, make_user, email, password, message
):
    mila = make_user("Mila", email="oud@example.org")
    login(client, mila)
    data = {"email": email, "password": mila.password if password is None else password}
    response = client.post("/account/email", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'value="{email}"' in page
    with app.app_context():
        assert db.session.get(User, mila.id).email == "oud@example.org"
