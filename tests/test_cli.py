"""The ``journey`` command: check-world, demo, and refusing to start on a broken world."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from journey import create_app
from journey.cli import cli
from journey.config import PROJECT_ROOT
from journey.demo import DEMO_ACCOUNTS
from journey.extensions import db
from journey.models import Letter, Role, User
from journey.yamlfile import DataFileError

DEFAULT_WORLD = str(PROJECT_ROOT / "worlds" / "places.yaml")
BROKEN = "title: Kapot\nlanguage: nl\nintroduction: Hallo.\nplaces:\n  - id: Fout\n"


@pytest.fixture
def broken_world(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kapot.yaml").write_text(BROKEN, encoding="utf-8")
    return "kapot.yaml"


def test_check_world_accepts_the_default_world():
    result = CliRunner().invoke(cli, ["check-world", DEFAULT_WORLD])
    assert result.exit_code == 0, result.output
    assert "1 file(s) OK." in result.output


def test_check_world_reports_every_problem_of_every_file(broken_world, tmp_path):
    (tmp_path / "leeg.yaml").write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check-world", broken_world, "leeg.yaml", DEFAULT_WORLD])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        "kapot.yaml:5: place 'Fout': id 'Fout' may hold only lowercase letters, "
        "digits and single hyphens" in lines
    )
    assert "kapot.yaml:5: place 'Fout' has no name" in lines
    assert "leeg.yaml:1: the file is empty" in lines
    assert "OK" not in result.output


def test_app_refuses_to_start_on_a_broken_world(broken_world, monkeypatch):
    with pytest.raises(DataFileError) as caught:
        create_app({"WORLD": broken_world})
    assert "kapot.yaml:5: place 'Fout' has no name" in str(caught.value)

    monkeypatch.setenv("JOURNEY_WORLD", broken_world)
    result = CliRunner().invoke(cli, ["routes"])
    assert result.exit_code == 1
    assert "Journey cannot start" in result.output
    assert "kapot.yaml:5: place 'Fout' has no name" in result.output


def test_demo_creates_one_account_per_role_once(app):
    runner = CliRunner()
    info = ScriptInfo(create_app=lambda: app)
    first = runner.invoke(cli, ["demo"], obj=info)
    second = runner.invoke(cli, ["demo"], obj=info)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    for account in DEMO_ACCOUNTS:
        assert account.pseudonym in first.output and account.password in first.output
    assert first.output.count("(created)") == len(DEMO_ACCOUNTS)
    assert second.output.count("(exists)") == len(DEMO_ACCOUNTS)
    with app.app_context():
        users = db.session.scalars(db.select(User)).all()
        assert sorted(u.role for u in users) == sorted(a.role for a in DEMO_ACCOUNTS)
        coachee = next(u for u in users if u.pseudonym == "Reiziger")  # Zoeker has no coach
        assert coachee.coach is not None and coachee.coach.role == Role.COACH
        assert coachee.goal  # the demo's goal, with progress on her letters


def test_demo_logins_work(app):
    CliRunner().invoke(cli, ["demo"], obj=ScriptInfo(create_app=lambda: app))
    client = app.test_client()
    coachee = next(a for a in DEMO_ACCOUNTS if a.role == Role.COACHEE)
    response = client.post(
        "/login", data={"pseudonym": coachee.pseudonym, "password": coachee.password}
    )
    assert response.status_code == 302
    assert client.get("/map").status_code == 200


def test_create_admin_asks_the_password_twice_and_the_admin_logs_in(app):
    info = ScriptInfo(create_app=lambda: app)
    password = "een-eigen-wachtwoord-voor-beheer"
    result = CliRunner().invoke(
        cli, ["create-admin", "Eerste Beheerder"], input=f"{password}\n{password}\n", obj=info
    )
    assert result.exit_code == 0, result.output
    assert password not in result.output
    with app.app_context():
        admin = db.session.scalars(
            db.select(User).where(User.pseudonym == "Eerste Beheerder")
        ).one()
        assert admin.role == Role.ADMIN
    login = app.test_client().post(
        "/login", data={"pseudonym": "Eerste Beheerder", "password": password}
    )
    assert login.status_code == 302  # on to setting up two-factor login


@pytest.mark.parametrize(
    ("password", "reason"),
    [("kort", "too short"), ("Eerste Beheerder 1", "too much like the pseudonym")],
)
def test_create_admin_refuses_a_weak_password_and_creates_nothing(app, password, reason):
    info = ScriptInfo(create_app=lambda: app)
    result = CliRunner().invoke(
        cli, ["create-admin", "Eerste Beheerder", "--password", password], obj=info
    )
    assert result.exit_code == 1 and reason in result.output
    with app.app_context():
        assert db.session.scalars(db.select(User)).first() is None


def test_the_demo_has_letters_for_every_role_to_see(app, clock):
    """One answered letter and one waiting for the demo coach, one in the shared pool."""
    info = ScriptInfo(create_app=lambda: app)
    CliRunner().invoke(cli, ["demo"], obj=info)
    CliRunner().invoke(cli, ["demo"], obj=info)  # a second run adds no letters
    with app.app_context():
        letters = db.session.scalars(db.select(Letter).order_by(Letter.sent_at)).all()
        summary = [
            (letter.coachee.pseudonym, letter.coach.pseudonym if letter.coach else None)
            + (letter.is_answered,)
            for letter in letters
        ]
    assert summary == [  # oldest first: answered, in the pool, waiting for the coach
        ("Reiziger", "Coach Anna", True),
        ("Zoeker", None, False),
        ("Reiziger", "Coach Anna", False),
    ]
    reiziger = next(a for a in DEMO_ACCOUNTS if a.pseudonym == "Reiziger")
    client = app.test_client()
    client.post("/login", data={"pseudonym": reiziger.pseudonym, "password": reiziger.password})
    letters_page = client.get("/letters").get_data(as_text=True)
    assert letters_page.count("/letters/") >= 2
    assert client.get("/map").get_data(as_text=True).count("place visited") == 2
