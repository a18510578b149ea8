"""The admin pages: who may enter, staff accounts, invitation codes, assigning coachees,
and the response figures on the overview."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from journey import visits
from journey.extensions import db
from journey.models import Letter, LetterKind, Role, User

from .conftest import PASSWORD, Actor, login

PAGES = ["/admin/", "/admin/staff/new", "/admin/codes", "/admin/coachees"]


@pytest.fixture
def admin(make_user, client):
    """An admin, logged in on ``client``."""
    user = make_user("Beheerder Bo", Role.ADMIN)
    assert login(client, user).status_code == 302
    return user


@dataclass(frozen=True)
class Stored:
    """What a test reads of an account as stored: plain values, no database row."""

    id: int
    pseudonym: str
    role: Role
    email: str | None
    coach_id: int | None
    invitation_code: str | None

    def as_actor(self, password: str = PASSWORD) -> Actor:
        return Actor(self.id, self.pseudonym, self.role, password)


def user_named(app, pseudonym: str) -> Stored | None:
    """The account called ``pseudonym`` as committed, or None."""
    with app.app_context():
        user = db.session.scalars(db.select(User).filter_by(pseudonym=pseudonym)).first()
        if user is None:
            return None
        return Stored(
            user.id,
            user.pseudonym,
            Role(user.role),
            user.email,
            user.coach_id,
            user.invitation_code,
        )


def new_staff(client, **fields):
    data = {"pseudonym": "Coach Dirk", "email": "", "role": "coach", "password": "", **fields}
    return client.post("/admin/staff/new", data=data)


# Who may enter ----------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/")


@pytest.mark.parametrize("role", [Role.COACHEE, Role.COACH, Role.TRAINEE, Role.SUPERVISOR])
def test_other_roles_find_no_admin_pages(app, client, make_user, role):
    user = make_user("Iemand", role)
    coachee = make_user("Zeemeeuw")
    login(client, user)
    for path in PAGES:
        assert client.get(path).status_code == 404, path
    assert client.post(f"/admin/coaches/{user.id}/code").status_code == 404
    assert client.post(f"/admin/coachees/{coachee.id}/coach", data={}).status_code == 404
    assert new_staff(client).status_code == 404
    assert user_named(app, "Coach Dirk") is None
    assert "Beheer" not in client.get("/account").get_data(as_text=True)


def test_admin_reaches_every_page_from_the_menu(client, admin):
    account = client.get("/account").get_data(as_text=True)
    assert 'href="/admin/"' in account
    for path in PAGES:
        assert client.get(path).status_code == 200, path


# Staff accounts ---------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COACH, Role.TRAINEE, Role.SUPERVISOR, Role.ADMIN])
def test_admin_creates_staff_with_a_chosen_password(app, client, admin, role):
    response = new_staff(client, role=role.value, password=PASSWORD, email="d@example.org")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Account aangemaakt" in page and PASSWORD not in page
    dirk = user_named(app, "Coach Dirk")
    assert (dirk.role, dirk.email, dirk.coach_id) == (role, "d@example.org", None)
    assert (dirk.invitation_code is not None) == (role == Role.COACH)

    other = app.test_client()
    logged_in = login(other, dirk.as_actor())
    assert logged_in.status_code == 302
    if role in app.config["TWO_FACTOR_REQUIRED_ROLES"]:  # first, an authenticator app
        assert logged_in.headers["Location"] == "/account/two-factor"
        assert other.get("/account/two-factor").status_code == 200
    else:
        assert other.get("/account").status_code == 200


def test_a_generated_password_is_shown_once_and_works(app, client, admin):
    response = new_staff(client, role="supervisor")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "maar één keer" in page
    password = page.split('class="secret">', 1)[1].split("<", 1)[0]
    assert len(password) >= 12
    supervisor = user_named(app, "Coach Dirk").as_actor(password)
    logged_in = login(app.test_client(), supervisor)
    assert logged_in.status_code == 302  # the password works; next, an authenticator app
    assert logged_in.headers["Location"] == "/account/two-factor"
    assert password not in client.get("/admin/").get_data(as_text=True)


def test_a_taken_pseudonym_is_refused_and_what_was_typed_stays(app, client, admin, make_user):
    make_user("Coach Dirk", Role.COACH)
    response = new_staff(
        client, pseudonym="  coach DIRK ", role="trainee", email="d@example.org", password=""
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "al in gebruik" in page
    assert 'value="coach DIRK"' in page and 'value="d@example.org"' in page
    assert '<option selected value="trainee">' in page
    with app.app_context():
        assert db.session.scalars(db.select(User).filter_by(role=Role.TRAINEE)).all() == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "kort"}, "minstens 12 tekens"),
        ({"pseudonym": ""}, "Kies een schuilnaam"),
        ({"email": "geen-adres"}, "geen e-mailadres"),
        ({"role": "coachee"}, "Ongeldige keuze"),
    ],
)
def test_staff_refusals_say_why(app, client, admin, fields, message):
    response = new_staff(client, **fields)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_named(app, "Coach Dirk") is None


# Invitation codes -------------------------------------------------------------------


def register(client, code: str):
    data = {"pseudonym": "Zeemeeuw", "password": PASSWORD, "confirm": PASSWORD}
    return client.post("/register", data={**data, "invitation_code": code})


def test_renewing_a_code_stops_the_old_one(app, client, admin, make_user):
    coach = make_user("Coach Anna", Role.COACH)
    old = user_named(app, "Coach Anna").invitation_code
    assert old in client.get("/admin/codes").get_data(as_text=True)

    response = client.post(f"/admin/coaches/{coach.id}/code", follow_redirects=True)
    page = response.get_data(as_text=True)
    new = user_named(app, "Coach Anna").invitation_code
    assert new != old
    assert new in page and "De oude code werkt niet meer" in page
    assert old not in page

    client.post("/logout")  # a newcomer registers, not the admin
    assert register(client, old).status_code == 422
    assert register(client, new).status_code == 302
    assert user_named(app, "Zeemeeuw").coach_id == coach.id


def test_only_coaches_have_codes_to_renew(client, admin, make_user):
    trainee = make_user("Leerling", Role.TRAINEE)
    assert client.post(f"/admin/coaches/{trainee.id}/code").status_code == 404
    assert client.post("/admin/coaches/9999/code").status_code == 404


# Coachees ---------------------------------------------------------------------------


def send_letter(app, coachee: Actor, now) -> int:
    """A letter from ``coachee`` sent ``now``; returns the id of the coach it went to."""
    with app.app_context():
        visit = visits.visit_place(db.session.get(User, coachee.id), "humor", now)
        letter = visits.send_letter(visit, {}, 7, "", now, 48)
        db.session.commit()
        return letter.coach_id


def assign(client, coachee: Actor, coach: Actor | None):
    field = f"coachee-{coachee.id}-coach"
    return client.post(
        f"/admin/coachees/{coachee.id}/coach", data={field: str(coach.id) if coach else ""}
    )


def test_reassigned_coachee_writes_to_the_new_coach(app, client, admin, make_user, clock):
    anna, bert = make_user("Coach Anna", Role.COACH), make_user("Coach Bert", Role.COACH)
    coachee = make_user("Zeemeeuw", coach=anna)
    assert send_letter(app, coachee, clock()) == anna.id

    response = assign(client, coachee, bert)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/coachees"
    assert "gaan nu naar Coach Bert" in client.get("/admin/coachees").get_data(as_text=True)
    clock.advance(minutes=30)
    assert send_letter(app, coachee, clock()) == bert.id
    with app.app_context():  # the earlier letter stays with Anna
        coaches = db.session.scalars(db.select(Letter.coach_id).order_by(Letter.id)).all()
    assert coaches == [anna.id, bert.id]

    assert assign(client, coachee, None).status_code == 302
    clock.advance(minutes=30)
    assert send_letter(app, coachee, clock()) is None  # the shared pool


def test_coachees_page_shows_coaches_pool_and_closed_trajectories(client, admin, make_user, clock):
    anna = make_user("Coach Anna", Role.COACH)
    make_user("Zeemeeuw", coach=anna)
    make_user("Pelikaan")
    make_user("Albatros", closed_at=clock() - timedelta(days=3))
    page = client.get("/admin/coachees").get_data(as_text=True)
    assert page.index("Pelikaan") < page.index("Zeemeeuw") < page.index("Albatros")
    assert f'<option selected value="{anna.id}">Coach Anna</option>' in page
    assert '<option selected value="">gedeelde pool</option>' in page
    assert "afgesloten op 27 februari 2026" in page


def test_assigning_to_an_unknown_coach_is_refused(app, client, admin, make_user):
    anna = make_user("Coach Anna", Role.COACH)
    coachee = make_user("Zeemeeuw", coach=anna)
    trainee = make_user("Leerling", Role.TRAINEE)
    response = assign(client, coachee, trainee)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert user_named(app, "Zeemeeuw").coach_id == anna.id
    assert assign(client, anna, None).status_code == 404  # a coach has no coach


# The overview -----------------------------------------------------------------------


def test_overview_shows_caseloads_codes_and_response_figures(app, client, admin, make_user, clock):
    anna = make_user("Coach Anna", Role.COACH, promise_hours=4)
    bert = make_user("Coach Bert", Role.COACH)
    make_user("Leerling", Role.TRAINEE)
    for name in ("Zeemeeuw", "Pelikaan"):
        make_user(name, coach=anna)
    make_user("Albatros", coach=anna, closed_at=clock())
    coachee = make_user("Kievit", coach=bert)
    now = clock()
    with app.app_context():
        for sent_hours_ago, took in [(60, 31), (30, 3), (20, None), (100, None)]:
            sent_at = now - timedelta(hours=sent_hours_ago)
            db.session.add(
                Letter(
                    coachee_id=coachee.id,
                    coach_id=bert.id,
                    kind=LetterKind.FREE,
                    sent_at=sent_at,
                    due_at=sent_at + timedelta(hours=48),
                    answered_at=sent_at + timedelta(hours=took) if took else None,
                )
            )
        db.session.commit()

    page = client.get("/admin/").get_data(as_text=True)
    anna_row = page.split("Coach Anna", 1)[1].split("</tr>", 1)[0]
    bert_row = page.split("Coach Bert", 1)[1].split("</tr>", 1)[0]
    assert ">2</td>" in anna_row  # two open trajectories
    assert user_named(app, "Coach Anna").invitation_code in anna_row and "4 uur" in anna_row
    assert "48 uur" in bert_row and "(standaard)" in bert_row
    assert "17 uur" in bert_row  # the median of 31 and 3 hours
    assert "100%" in bert_row
    assert '<td data-label="Wachtend" class="num">2</td>' in bert_row
    assert '<td data-label="Over tijd" class="num late">1</td>' in bert_row
    assert "Leerling" in page


def test_figures_partial_shows_one_coachs_figures(app, make_user, clock):
    from flask import render_template

    from journey.figures import figures_for

    coach = make_user("Coach Anna", Role.COACH)
    with app.test_request_context():
        html = render_template("_figures.html", figures=figures_for(coach.id, clock()))
    assert "Reactietijd (mediaan)" in html and "–" in html
