"""Practice: a trainee answers a sample letter, submits, compares with the exemplar; the
supervisor comments and marks it reviewed; the trainee sees the comments and can redo."""

from __future__ import annotations

import re
from html import unescape

import pytest

from journey import practice, second_reader
from journey.demo import SUPERVISOR, TRAINEE, load_demo
from journey.extensions import db
from journey.models import PracticeAttempt, PracticeState, Role, User
from journey.second_reader import CHECKS

from .conftest import a_place_letter, login

pytestmark = pytest.mark.usefixtures("quick_password_hashes")


@pytest.fixture
def sample(app):
    """The first sample journey, as loaded at start-up."""
    return app.extensions["journey.samples"].samples[0]


@pytest.fixture
def people(make_user):
    supervisor = make_user("Supervisor Sam", Role.SUPERVISOR)
    trainee = make_user("Leerling Lot", Role.TRAINEE, supervisor=supervisor)
    return trainee, supervisor


def quoted(sample) -> str:
    """A few words of the sample coachee's first answer, to quote."""
    return " ".join(sample.letter.answers[0].text.split()[:4])


def full_answer(frame, sample) -> dict[str, str]:
    texts = {f"s-{section.id}": f"Tekst bij {section.title}." for section in frame.sections}
    texts["s-openen"] = "Wat een open en eerlijke brief heb je geschreven."
    texts["s-kern"] = f"Je schrijft: “{quoted(sample)}”. Dat raakt de kern."
    texts["s-verdieping"] = "Wat zou je helpen om hier verder naar te kijken?"
    texts["s-afsluiten"] = "Je schrijft met veel zorg, en dat is een mooie basis."
    texts["c-1"] = "Hier zeg je iets belangrijks."
    return texts


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def attempt_state(app, attempt_id: int | None = None):
    """The (only, or given) attempt as stored: its state, texts, findings and comments."""
    with app.app_context():
        if attempt_id is None:
            attempt = db.session.scalars(db.select(PracticeAttempt)).one()
        else:
            attempt = db.session.get(PracticeAttempt, attempt_id)
        return {
            "id": attempt.id,
            "state": attempt.state,
            "texts": {p.key: p.text for p in attempt.parts},
            "findings": attempt.findings,
            "reviewer_id": attempt.reviewer_id,
            "comment_keys": [c.part_key for c in attempt.comments],
        }


def handed_in(app, trainee, sample, frame, clock, *, comment_by=None) -> int:
    """A submitted attempt of ``trainee`` (with a comment of ``comment_by``); its id."""
    with app.app_context():
        attempt = practice.start_attempt(db.session.get(User, trainee.id), sample, frame, clock())
        practice.submit(attempt, full_answer(frame, sample), [], clock())
        if comment_by:
            author = db.session.get(User, comment_by.id)
            practice.add_comment(attempt, author, "Nog even geheim.", "", clock())
        db.session.commit()
        return attempt.id


def written(html: str) -> str:
    """The page's text with tags removed and entities for quotes undone, for assertions."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_whole_practice_loop(app, client, people, sample, frame):
    trainee, supervisor = people
    login(client, trainee)
    overview = page(client, "/practice/")
    assert sample.title in overview and "nog niet begonnen" in overview

    case = page(client, f"/practice/samples/{sample.id}")
    assert sample.letter.answers[0].text.split()[0] in case
    assert frame.sections[0].title in case

    # autosave one section: the draft (attempt 1) exists, the second reader reads along
    saved = client.post(
        f"/practice/samples/{sample.id}/1/parts/s-openen",
        json={"text": "Wat een open brief. Ik vind dat je moet praten.", "version": 0},
    )
    assert saved.status_code == 200 and saved.get_json()["version"] == 1
    reading = page(client, f"/practice/samples/{sample.id}/1/second-reader")
    assert 'data-check="first_person"' in reading and "finding miss" in reading

    # submitting with required sections empty is refused; the text is kept
    refused = client.post(
        f"/practice/samples/{sample.id}/1",
        data={"s-openen": "Wat een open brief.", "action": "submit"},
    )
    assert refused.status_code == 422
    assert "Schrijf hier nog iets" in refused.get_data(as_text=True)
    attempt = attempt_state(app)
    assert attempt["state"] == PracticeState.DRAFT
    assert attempt["texts"]["s-openen"] == "Wat een open brief."

    texts = full_answer(frame, sample)
    submitted = client.post(f"/practice/samples/{sample.id}/1", data={**texts, "action": "submit"})
    assert submitted.status_code == 302
    assert submitted.headers["Location"].endswith(f"/practice/attempts/{attempt['id']}")
    attempt = attempt_state(app)
    assert attempt["state"] == PracticeState.SUBMITTED
    assert set(attempt["findings"]) >= {"opens_positive", "quotes_coachee", "language_level"}
    assert attempt["findings"]["opens_positive"] is True

    result = written(page(client, f"/practice/attempts/{attempt['id']}"))
    assert written(sample.exemplar[0].text) in result  # the exemplar beside the answer
    assert written(sample.teaching_notes.split("\n")[0]) in result
    assert "Wat de tweede lezer zag" in result
    assert "Je supervisor leest je antwoord nog" in result

    # the handed-in answer cannot change any more, not even from a tab left open
    late = client.post(
        f"/practice/samples/{sample.id}/1/parts/s-openen", json={"text": "Anders.", "version": 1}
    )
    assert late.status_code == 409
    client.post("/logout")

    # the supervisor reads it, comments on a passage and on the whole, marks it reviewed
    login(client, supervisor)
    assert "Leerling Lot" in page(client, "/practice/review")
    url = f"/practice/attempts/{attempt['id']}"
    missing = client.post(
        f"{url}/comments", data={"passage": "Dit staat er niet.", "body": "Mijn opmerking."}
    )
    assert missing.status_code == 422
    assert "Mijn opmerking." in missing.get_data(as_text=True)  # what was typed is kept
    assert "staat niet letterlijk in het antwoord" in missing.get_data(as_text=True)
    passage = "open en eerlijke brief"
    on_passage = client.post(
        f"{url}/comments", data={"passage": passage, "body": "Mooi concreet benoemd."}
    )
    assert on_passage.status_code == 302
    client.post(f"{url}/comments", data={"body": "Sterk begin; let op de vragen."})
    assert client.post(f"{url}/reviewed").status_code == 302
    attempt = attempt_state(app)
    assert attempt["state"] == PracticeState.REVIEWED and attempt["reviewer_id"] == supervisor.id
    assert attempt["comment_keys"] == ["s-openen", None]
    client.post("/logout")

    # the trainee now sees the comments, the passage marked in their answer
    login(client, trainee)
    html = page(client, url)
    assert "Mooi concreet benoemd." in html and "Sterk begin; let op de vragen." in html
    assert f"<mark>{passage}<sup>" in html
    assert "besproken" in page(client, "/practice/")


def test_comments_stay_hidden_until_the_work_is_reviewed(app, client, people, sample, frame, clock):
    trainee, supervisor = people
    attempt_id = handed_in(app, trainee, sample, frame, clock, comment_by=supervisor)
    login(client, trainee)
    assert "Nog even geheim." not in page(client, f"/practice/attempts/{attempt_id}")


def test_a_trainee_can_redo_a_sample_and_keeps_earlier_attempts(app, client, people, sample, frame):
    trainee, _ = people
    login(client, trainee)
    texts = full_answer(frame, sample)
    client.post(f"/practice/samples/{sample.id}/1", data={**texts, "action": "submit"})
    case = page(client, f"/practice/samples/{sample.id}")
    assert "Beantwoord deze brief opnieuw" in case and "Poging 1" in case

    assert client.post(f"/practice/samples/{sample.id}/again").status_code == 302
    # a second click (another tab) does not start a third attempt
    client.post(f"/practice/samples/{sample.id}/again")
    retry = dict(texts, **{"s-kern": "Een nieuwe kern, anders dan de eerste."})
    client.post(f"/practice/samples/{sample.id}/2", data={**retry, "action": "submit"})
    with app.app_context():
        user = db.session.get(User, trainee.id)
        attempts = practice.attempts_at(user, sample)
        assert [(a.number, a.state) for a in attempts] == [
            (1, PracticeState.SUBMITTED),
            (2, PracticeState.SUBMITTED),
        ]
        assert attempts[0].text_of("s-kern") == texts["s-kern"]
        assert attempts[1].text_of("s-kern") == "Een nieuwe kern, anders dan de eerste."
        first_id = attempts[0].id
        rows = practice.progress(user, app.extensions["journey.samples"])
        assert [row.attempt.number for row in rows] == [1, 2]
        assert all(set(row.verdicts) == set(second_reader.CHECKS) for row in rows)

    overview = page(client, "/practice/")
    assert overview.count(f"/practice/attempts/{first_id}") >= 2  # case row + progress
    assert "nr. 2" in overview


def test_the_progress_page_shows_every_check_per_attempt(app, client, people, sample, frame):
    trainee, _ = people
    login(client, trainee)
    texts = full_answer(frame, sample)
    client.post(f"/practice/samples/{sample.id}/1", data={**texts, "action": "submit"})
    with app.app_context():
        # an attempt handed in before the newer checks existed keeps its eight verdicts
        attempt = practice.attempts_at(db.session.get(User, trainee.id), sample)[0]
        attempt.findings = {k: v for k, v in attempt.findings.items() if k in list(CHECKS)[:8]}
        db.session.commit()
    client.post(f"/practice/samples/{sample.id}/again")
    client.post(f"/practice/samples/{sample.id}/2", data={**texts, "action": "submit"})
    html = page(client, "/practice/")
    table = html[html.index('id="progress"') :]
    for title in ("Geen vragen uit nieuwsgierigheid", "Je of u, zoals de coachee"):
        assert title in table
    rows = table.split("<tr>")[2:4]
    label = 'data-label="Professioneel en vriendelijk" class="check'
    assert f'{label}">–</td>' in rows[0]  # the first attempt was not read on tone
    assert f"{label} ok" in rows[1] or f"{label} miss" in rows[1]
    assert "8 van 8" not in rows[1] and f"van {len(CHECKS)}" in rows[1]


def test_a_number_that_skips_ahead_is_not_a_draft(app, client, people, sample):
    trainee, _ = people
    login(client, trainee)
    response = client.post(
        f"/practice/samples/{sample.id}/3/parts/s-openen", json={"text": "x", "version": 0}
    )
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalars(db.select(PracticeAttempt)).all() == []


def test_a_trainee_never_sees_real_coachees(app, client, people, coach, make_user, clock):
    trainee, _ = people
    coachee = make_user("Reiziger", coach=coach)
    letter_id = a_place_letter(app, coachee, clock)
    login(client, trainee)
    for url in (
        f"/letters/{letter_id}",
        f"/inbox/letters/{letter_id}",
        f"/dossier/{coachee.id}",
        f"/inbox/letters/{letter_id}/second-reader",
        "/inbox/",
        "/map",
    ):
        assert client.get(url).status_code == 404, url


def test_a_supervisor_sees_only_their_own_trainees_work(
    app, client, people, make_user, sample, frame, clock
):
    trainee, supervisor = people
    other = make_user("Supervisor Siem", Role.SUPERVISOR)
    with app.app_context():
        user = db.session.get(User, trainee.id)
        attempt_id = practice.start_attempt(user, sample, frame, clock()).id
        db.session.commit()
    login(client, supervisor)
    assert client.get(f"/practice/attempts/{attempt_id}").status_code == 404  # still a draft
    with app.app_context():
        attempt = db.session.get(PracticeAttempt, attempt_id)
        practice.submit(attempt, full_answer(frame, sample), [], clock())
        db.session.commit()
    assert client.get(f"/practice/attempts/{attempt_id}").status_code == 200
    client.post("/logout")
    login(client, other)
    assert client.get(f"/practice/attempts/{attempt_id}").status_code == 404
    assert client.post(f"/practice/attempts/{attempt_id}/reviewed").status_code == 404
    assert "Leerling Lot" not in page(client, "/practice/review")


def test_the_admin_chooses_a_trainees_supervisor(app, client, make_user):
    admin = make_user("Beheerder Bo", Role.ADMIN)
    trainee = make_user("Leerling Lot", Role.TRAINEE)
    supervisor = make_user("Supervisor Sam", Role.SUPERVISOR)
    login(client, admin)
    assert "Leerling Lot" in page(client, "/admin/trainees")
    field = f"trainee-{trainee.id}-supervisor"
    response = client.post(
        f"/admin/trainees/{trainee.id}/supervisor", data={field: str(supervisor.id)}
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, trainee.id).supervisor_id == supervisor.id
    refused = client.post(f"/admin/trainees/{trainee.id}/supervisor", data={field: "999"})
    assert refused.status_code == 422


def test_a_coach_can_ask_the_second_reader(app, client, coach, make_user, clock):
    coachee = make_user("Reiziger", coach=coach)
    letter_id = a_place_letter(app, coachee, clock, answer="Bij de zee voel ik me eindelijk thuis.")
    login(client, coach)
    url = f"/inbox/letters/{letter_id}"
    assert "De tweede lezer" not in page(client, url)  # only on request
    response = client.post(
        f"{url}/feedback",
        data={"s-openen": "Ik vind het een mooie brief.", "action": "check"},
    )
    assert response.status_code == 302 and "tweede-lezer=1" in response.headers["Location"]
    html = page(client, f"{url}?tweede-lezer=1")
    assert "De tweede lezer" in html and 'data-check="first_person"' in html
    fragment = page(client, f"{url}/second-reader")
    assert 'data-check="quotes_coachee"' in fragment


def test_the_demo_trainee_has_the_demo_supervisor(app, clock):
    from journey.accounts import find_by_pseudonym

    with app.app_context():  # no requests: one context for the whole domain test
        load_demo(clock())
        db.session.commit()
        trainee = find_by_pseudonym(TRAINEE.pseudonym)
        assert trainee.supervisor.pseudonym == SUPERVISOR.pseudonym


def test_marked_passages_are_cut_out_of_the_text():
    pieces = practice.marked("Een mooie, open brief.", ["", "open brief", "niet hier"])
    assert pieces == [("Een mooie, ", None), ("open brief", 2), (".", None)]
    assert practice.marked("", ["x"]) == []


def test_a_trainee_without_a_supervisor_is_told(app, client, make_user):
    login(client, make_user("Leerling Lot", Role.TRAINEE))
    assert "Je hebt nog geen supervisor" in page(client, "/practice/")
