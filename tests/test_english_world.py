"""The English world (worlds/en): the app runs on it, its samples fit it, check-world takes it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from journey import second_reader
from journey.cli import cli
from journey.config import PROJECT_ROOT
from journey.extensions import db
from journey.frames import load_frames
from journey.models import Answer, Role, Visit
from journey.samples import load_samples, sample_files
from journey.worlds import load_world

from .conftest import login

EN = PROJECT_ROOT / "worlds" / "en"
ENGLISH = {
    "WORLD": str(EN / "places.yaml"),
    "FRAMES": str(EN / "frames.yaml"),
    "SAMPLES": str(EN / "samples"),
}
STATIC = str(PROJECT_ROOT / "static")


@pytest.fixture
def app_settings() -> dict:
    """conftest's app (CSRF and two-factor on) on the English world."""
    return ENGLISH


def test_the_app_starts_on_the_english_world_frames_and_samples(app):
    world = app.extensions["journey.world"]
    assert world.language == "en"
    assert world.place("safe-harbour").name == "Safe harbour"
    assert app.extensions["journey.frames"].default.id == "circle"
    assert len(app.extensions["journey.samples"]) >= 3


def test_a_coachee_opens_the_map_and_a_place_and_saves_an_answer(app, make_user):
    client = app.test_client()
    login(client, make_user("Traveller"))
    world = app.extensions["journey.world"]
    map_page = client.get("/map").get_data(as_text=True)
    assert "Safe harbour" in map_page and "Realm of longing" in map_page
    assert 'lang="en"' in map_page
    place = world.place("safe-harbour")
    page = client.get(f"/places/{place.id}").get_data(as_text=True)
    assert place.questions[0].text in page
    with app.app_context():
        visit_id = db.session.scalars(db.select(Visit.id).order_by(Visit.id.desc())).first()
    question = place.questions[0]
    saved = client.post(
        f"/visits/{visit_id}/drafts/q-{question.id}", json={"text": "At my sister's, with tea."}
    )
    assert saved.status_code == 200
    with app.app_context():
        answer = db.session.scalars(db.select(Answer).where(Answer.visit_id == visit_id)).one()
        assert (answer.question_id, answer.text) == (question.id, "At my sister's, with tea.")


def test_every_english_sample_loads_and_refers_to_the_english_world():
    world = load_world(EN / "places.yaml", static_dir=STATIC)
    frame = load_frames(EN / "frames.yaml").default
    samples = load_samples(sample_files(EN / "samples"), frame)
    assert len(samples) >= 3
    places = {place.name: place for place in world.places}
    for sample in samples:
        for letter in sample.letters:
            assert letter.place in places, f"{sample.id}: no place '{letter.place}'"
            questions = {q.text for q in places[letter.place].questions}
            for answer in letter.answers:
                assert answer.question in questions, f"{sample.id}: {answer.question!r}"
        for part in sample.exemplar:
            assert frame.section(part.section) is not None


def test_the_second_reader_reads_the_english_exemplars_without_failing():
    """The second reader's rules are Dutch; on English it must at least not crash."""
    frame = load_frames(EN / "frames.yaml").default
    for sample in load_samples(sample_files(EN / "samples"), frame):
        texts = {f"s-{part.section}": part.text for part in sample.exemplar}
        findings = second_reader.review(frame.reading_text(texts), sample.coachee_text())
        assert findings


def test_check_world_accepts_every_file_under_worlds_en():
    files = [str(EN / "places.yaml"), str(EN / "frames.yaml")]
    files += [str(path) for path in sample_files(EN / "samples")]
    result = CliRunner().invoke(cli, ["check-world", *files])
    assert result.exit_code == 0, result.output


def test_check_world_takes_the_dutch_and_english_files_together():
    """As `make test` does: each world's samples are held to the frames beside them."""
    files = [str(p) for p in (PROJECT_ROOT / "worlds").glob("*.yaml")]
    files += [str(p) for p in sample_files(PROJECT_ROOT / "worlds" / "samples")]
    files += [str(p) for p in EN.glob("*.yaml")]
    files += [str(p) for p in sample_files(EN / "samples")]
    result = CliRunner().invoke(cli, ["check-world", *files])
    assert result.exit_code == 0, result.output


def test_check_world_without_paths_checks_the_configured_english_files(monkeypatch):
    monkeypatch.setenv("JOURNEY_WORLD", ENGLISH["WORLD"])
    monkeypatch.setenv("JOURNEY_FRAMES", ENGLISH["FRAMES"])
    monkeypatch.setenv("JOURNEY_SAMPLES", ENGLISH["SAMPLES"])
    result = CliRunner().invoke(cli, ["check-world"])
    assert result.exit_code == 0, result.output


def test_a_trainee_practises_on_an_english_sample_and_the_second_reader_does_not_fail(
    app, make_user
):
    supervisor = make_user("Supervisor Sam", Role.SUPERVISOR)
    trainee = make_user("Trainee Tess", Role.TRAINEE, supervisor=supervisor)
    client = app.test_client()
    login(client, trainee)
    sample = app.extensions["journey.samples"].sample("few-words")
    frame = app.extensions["journey.frames"].default
    assert sample.title in client.get("/practice/").get_data(as_text=True)
    case = client.get(f"/practice/samples/{sample.id}").get_data(as_text=True)
    assert "The allotment." in case and frame.sections[0].title in case

    url = f"/practice/samples/{sample.id}/1"
    saved = client.post(
        f"{url}/parts/s-opening", json={"text": "What an honest letter, Dave.", "version": 0}
    )
    assert saved.status_code == 200
    assert client.get(f"{url}/second-reader").status_code == 200
    texts = {
        "s-opening": "What an honest letter, Dave.",
        "s-core": "You write: “Nobody asks how I'm doing there.” That says a lot.",
        "s-deepening": "What do you do at the allotment on a good morning?",
        "s-closing": "Your few lines are clear and honest.",
        "action": "submit",
    }
    submitted = client.post(url, data=texts)
    assert submitted.status_code == 302
    result = client.get(submitted.headers["Location"]).get_data(as_text=True)
    assert "allotment on a good morning" in result
    assert "fine start" in result  # the exemplar beside the answer
