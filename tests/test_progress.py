"""A goal and a progress scale: the coachee's goal, 0 to 10 with each letter, the chart
in the dossier, the caseload's last value and trend; switched off per organisation."""

from __future__ import annotations

import json
import uuid

import pytest
import sqlalchemy as sa

from journey import progress, visits
from journey.extensions import db
from journey.letters import check_letter
from journey.models import Letter, User

from .conftest import login

PLACE = "veilige-haven"


def send_place_letter(app, client, world, *, progress_value: str = "", mood: str = "6"):
    """Send a letter from PLACE through the form; returns the response."""
    client.get(f"/places/{PLACE}")
    with app.app_context():
        visit_id = db.session.scalar(
            sa.select(sa.func.max(visits.Visit.id)).where(visits.Visit.place_id == PLACE)
        )
    question = world.place(PLACE).questions[0]
    data = {"action": "send", f"q-{question.id}": "Ik schreef iets.", "mood": mood}
    if progress_value:
        data["progress"] = progress_value
    return client.post(f"/visits/{visit_id}", data=data)


@pytest.fixture
def coachee(make_user, coach):
    return make_user("Reiziger", coach=coach)


def test_progress_is_zero_to_ten_or_empty():
    limits = {"max_answer_length": 100, "max_note_length": 100}
    for value in (None, 0, 5, 10):
        assert check_letter({"q": "tekst"}, "", 5, progress=value, **limits) == []
    for value in (-1, 11):
        [problem] = check_letter({"q": "tekst"}, "", 5, progress=value, **limits)
        assert problem.kind == "progress_out_of_range"


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], None),
        ([4], None),
        ([4, 6], progress.UP),
        ([6, 4], progress.DOWN),
        ([5, 5], progress.FLAT),
        ([2, 3, 3, 3, 4, 5, 6], progress.UP),  # the latest three against the three before
        ([9, 1, 1, 1, 5, 5, 5], progress.UP),  # the oldest value is outside the window
        ([5, 5, 5, 5, 5, 4], progress.FLAT),  # a dip under half a point is no trend
        ([7, 7, 7, 6, 5, 4], progress.DOWN),
    ],
)
def test_the_trend_compares_the_latest_values_with_those_before(values, expected):
    assert progress.trend(values) == expected


def test_the_coachee_writes_a_goal_and_then_rates_progress_with_a_letter(
    app, client, coachee, world
):
    login(client, coachee)
    place = client.get(f"/places/{PLACE}").get_data(as_text=True)
    assert 'name="progress"' not in place and "Schrijf je doel op" in place  # no goal yet
    assert "Schrijf je doel op" in client.get("/map").get_data(as_text=True)

    assert client.get("/goal").status_code == 200
    saved = client.post("/goal", data={"goal": "  Weten welk werk bij me past.  "})
    assert saved.status_code == 302
    assert "Weten welk werk bij me past." in client.get("/map").get_data(as_text=True)
    place = client.get(f"/places/{PLACE}").get_data(as_text=True)
    assert 'name="progress"' in place and "Hoe ver ben je nu op weg naar je doel" in place

    sent = send_place_letter(app, client, world, progress_value="4")
    assert sent.status_code == 302, sent.get_data(as_text=True)
    with app.app_context():
        letter = db.session.scalars(sa.select(Letter)).one()
        assert (letter.mood, letter.progress) == (6, 4)
        assert db.session.get(User, coachee.id).goal == "Weten welk werk bij me past."
    letter_page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Op weg naar je doel: 4 van 10" in letter_page


@pytest.mark.parametrize("value", ["11", "-1", "x", "3.5"])
def test_a_progress_outside_the_scale_is_refused_and_the_letter_kept(
    app, client, coachee, world, value
):
    login(client, coachee)
    client.post("/goal", data={"goal": "Rust vinden"})
    refused = send_place_letter(app, client, world, progress_value=value)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Ik schreef iets." in page  # what was typed stays
    assert 'class="error"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Letter.id))) == 0


def test_a_goal_that_is_too_long_is_refused_and_kept(app, client, coachee):
    login(client, coachee)
    text = "Lang doel " * 150
    refused = client.post("/goal", data={"goal": text})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "het maximum is 1.000" in page and "Lang doel Lang doel" in page
    with app.app_context():
        assert db.session.get(User, coachee.id).goal is None


def test_an_empty_goal_takes_the_goal_away(app, client, coachee):
    login(client, coachee)
    client.post("/goal", data={"goal": "Rust vinden"})
    client.post("/goal", data={"goal": "   "})
    with app.app_context():
        user = db.session.get(User, coachee.id)
        assert user.goal is None and user.goal_set_at is None


def test_a_closed_trajectory_shows_the_goal_without_a_form(app, client, coachee, clock):
    login(client, coachee)
    client.post("/goal", data={"goal": "Rust vinden"})
    with app.app_context():
        db.session.get(User, coachee.id).closed_at = clock()
        db.session.commit()
    page = client.get("/goal").get_data(as_text=True)
    assert "Rust vinden" in page and 'name="goal"' not in page
    client.post("/goal", data={"goal": "Iets anders"})
    with app.app_context():
        assert db.session.get(User, coachee.id).goal == "Rust vinden"


def test_the_dossier_charts_mood_and_progress_with_a_table(
    app, client, coachee, coach, world, clock
):
    login(client, coachee)
    client.post("/goal", data={"goal": "Rust vinden"})
    for mood, value in (("3", "2"), ("5", ""), ("7", "6")):
        assert (
            send_place_letter(app, client, world, mood=mood, progress_value=value).status_code
            == 302
        )
        clock.advance(minutes=10)
    page = client.get("/dossier").get_data(as_text=True)
    assert "Stemming en voortgang" in page and "Rust vinden" in page
    chart = page[page.index('class="mood-chart"') : page.index("</figure>")]
    assert chart.count('class="point point-mood"') == 3
    assert chart.count('class="point point-progress"') == 2
    table = chart[chart.index("<table") :]
    rows = table.split("<tr>")[2:]
    assert ["3 van 10" in rows[0], "2 van 10" in rows[0]] == [True, True]
    assert "5 van 10" in rows[1] and "–" in rows[1]
    assert "7 van 10" in rows[2] and "6 van 10" in rows[2]
    exported = json.loads(client.get("/dossier/export.json").get_data(as_text=True))
    assert [m["progress"] for m in exported["measures"]] == [2, None, 6]
    assert exported["goal"] == "Rust vinden"
    markdown = client.get("/dossier/export.md").get_data(as_text=True)
    assert "## Doel" in markdown and "op weg naar je doel 6 van 10" in markdown
    client.post("/logout")

    login(client, coach)
    coach_page = client.get(f"/dossier/{coachee.id}").get_data(as_text=True)
    assert "Rust vinden" in coach_page and 'class="point point-progress"' in coach_page
    with app.app_context():
        letter_id = db.session.scalar(sa.select(sa.func.max(Letter.id)))
    letter_page = client.get(f"/inbox/letters/{letter_id}").get_data(as_text=True)
    assert "Doel van Reiziger" in letter_page and "Rust vinden" in letter_page


def test_the_caseload_shows_the_last_progress_and_its_trend(
    app, client, make_user, coach, world, clock, count_queries
):
    rising = make_user("Stijger", coach=coach)
    falling = make_user("Daler", coach=coach)
    silent = make_user("Stille", coach=coach)
    with app.app_context():
        for who, values in ((rising, (2, 3, 5, 6)), (falling, (8, 6, 5, 3)), (silent, ())):
            user = db.session.get(User, who.id)
            for value in values:
                clock.advance(hours=1)
                visit = visits.visit_place(user, PLACE, clock())
                visits.send_letter(visit, {"thuis": "x"}, 5, "", clock(), 48, progress=value)
        db.session.commit()
    login(client, coach)
    page = client.get("/inbox/coachees").get_data(as_text=True)
    assert "Op weg naar doel" in page

    def cell(name: str) -> str:
        row = page[page.index(f">{name}</a>") :]
        return row[: row.index("</tr>")]

    assert "6 van 10" in cell("Stijger") and "stijgend" in cell("Stijger")
    assert "3 van 10" in cell("Daler") and "dalend" in cell("Daler")
    assert "van 10" not in cell("Stille")
    with app.app_context():
        standings = progress.standings([rising.id, falling.id, silent.id])
    assert standings[rising.id] == progress.Standing(6, progress.UP)
    assert silent.id not in standings


@pytest.mark.parametrize("app_settings", [{"GOAL_AND_PROGRESS": "false"}])
def test_an_organisation_can_switch_goal_and_progress_off(
    app, client, coachee, coach, world, app_settings
):
    assert app.config["GOAL_AND_PROGRESS"] is False
    login(client, coachee)
    assert client.get("/goal").status_code == 404
    assert "Mijn doel" not in client.get("/map").get_data(as_text=True)
    place = client.get(f"/places/{PLACE}").get_data(as_text=True)
    assert 'name="progress"' not in place and "doel" not in place
    assert send_place_letter(app, client, world, progress_value="5").status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(Letter)).one().progress is None  # not kept
    assert "voortgang" not in client.get("/dossier").get_data(as_text=True)
    client.post("/logout")
    login(client, coach)
    assert "Op weg naar doel" not in client.get("/inbox/coachees").get_data(as_text=True)


def test_a_wrong_switch_value_stops_start_up(another_app):
    with pytest.raises(RuntimeError, match="JOURNEY_GOAL_AND_PROGRESS must be true or false"):
        another_app({"GOAL_AND_PROGRESS": "misschien"})


def test_the_goal_is_stored_encrypted_and_shown_escaped(app, client, coachee, database_url):
    canary = f"kanarie-{uuid.uuid4()}"
    payload = f'<script>alert(1)</script>"><img src=x onerror=alert(1)> {canary}'
    login(client, coachee)
    client.post("/goal", data={"goal": payload})
    with app.app_context():
        [stored] = db.session.execute(
            sa.text("SELECT goal FROM users WHERE id = :id"), {"id": coachee.id}
        ).scalars()
    assert canary not in stored
    for url in ("/map", "/goal", "/dossier"):
        page = client.get(url).get_data(as_text=True)
        assert canary in page, url
        assert "<script>alert(1)" not in page and "<img src=x" not in page, url


def test_the_goal_is_in_the_archive_and_gone_with_the_account(app, client, coachee, clock):
    import io
    import zipfile

    from journey import data_rights

    login(client, coachee)
    client.post("/goal", data={"goal": "Rust vinden"})
    archive = client.get("/privacy/archive.zip")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.data)) as files:
        assert json.loads(files.read("dossier.json"))["goal"] == "Rust vinden"
    with app.app_context():
        data_rights.erase(db.session.get(User, coachee.id), clock())
        db.session.commit()
        rows = db.session.execute(sa.text("SELECT goal FROM users")).scalars().all()
    assert all(row is None for row in rows)
