"""The coachee's journey through the test client: map, place, drafts, sending, reading back."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from journey import inbox
from journey.extensions import db
from journey.models import Answer, Letter, Role, User, Visit

from .conftest import PLACE, a_place_letter, login


@pytest.fixture
def place(world):
    return world.place(PLACE)


@pytest.fixture
def coachee(make_user, client):
    user = make_user("Reiziger")
    login(client, user)
    return user


def field(question) -> str:
    return f"q-{question.id}"


def open_visit(client, place) -> SimpleNamespace:
    """Open ``place`` on the client's page; the visit it started (its ``id``)."""
    assert client.get(f"/places/{place.id}").status_code == 200
    with client.application.app_context():
        query = db.select(Visit.id).where(Visit.place_id == place.id).order_by(Visit.id.desc())
        return SimpleNamespace(id=db.session.scalars(query).first())


def letter_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(Letter.id)))


def the_letter(app) -> SimpleNamespace:
    """The one letter, as stored: its columns as plain values."""
    with app.app_context():
        letter = db.session.scalars(db.select(Letter)).one()
        columns = ("id", "sent_at", "due_at", "mood", "note", "coach_id")
        return SimpleNamespace(**{name: getattr(letter, name) for name in columns})


def page_csrf_token(page: str) -> str:
    """The CSRF token a page gives its scripts (``journey.js`` sends it with every save)."""
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', page).group(1)


def answer_texts(app, visit_id: int | None = None) -> dict[str, str]:
    with app.app_context():
        query = db.select(Answer)
        if visit_id is not None:
            query = query.where(Answer.visit_id == visit_id)
        return {a.question_id: a.text for a in db.session.scalars(query)}


def test_map_shows_places_but_not_their_questions(client, coachee, world):
    page = client.get("/map").get_data(as_text=True)
    for place in world.places:
        assert place.name in page
        assert place.teaser in page
        assert place.symbol in page
        assert all(question.text not in page for question in place.questions)


def test_choosing_a_place_opens_its_questions_and_leaves_no_trace_until_written(
    app, client, coachee, world, place, clock
):
    page = client.get(f"/places/{PLACE}").get_data(as_text=True)
    assert all(question.text in page for question in place.questions)
    clock.advance(minutes=5)
    client.get("/places/humor")  # opened and left
    map_page = client.get("/map").get_data(as_text=True)
    assert "place visited" not in map_page and 'class="route"' not in map_page
    dossier = client.get("/dossier").get_data(as_text=True)
    assert f"Bezoek aan {place.name}" not in dossier

    # one word at the first place: it is visited, the other place still is not
    visit = open_visit(client, place)
    draft = f"/visits/{visit.id}/drafts/{field(place.questions[0])}"
    assert client.post(draft, json={"text": "Thuis"}).status_code == 200
    map_page = client.get("/map").get_data(as_text=True)
    assert map_page.count("place visited") == 1
    assert f"Bezoek aan {place.name}" in client.get("/dossier").get_data(as_text=True)
    assert "Bezoek aan Humor" not in client.get("/dossier").get_data(as_text=True)
    # returning to a place with an unsent visit continues that visit
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Visit.id))) == 2

    # emptying the text again takes the visit off the map and out of the dossier
    assert client.post(draft, json={"text": "  "}).status_code == 200
    assert "place visited" not in client.get("/map").get_data(as_text=True)
    assert f"Bezoek aan {place.name}" not in client.get("/dossier").get_data(as_text=True)


def test_the_route_follows_the_order_of_writing(app, client, coachee, world, clock):
    first, second = world.place(PLACE), world.place("humor")
    later_visit = open_visit(client, first)  # opened first, written in last
    clock.advance(minutes=5)
    earlier_visit = open_visit(client, second)
    note = f"/visits/{earlier_visit.id}/drafts/note"
    assert client.post(note, json={"text": "Eerst hier."}).status_code == 200
    clock.advance(minutes=5)
    note = f"/visits/{later_visit.id}/drafts/note"
    assert client.post(note, json={"text": "Daarna hier."}).status_code == 200
    dossier = client.get("/dossier").get_data(as_text=True)
    assert dossier.index(f"Bezoek aan {second.name}") < dossier.index(f"Bezoek aan {first.name}")
    map_page = client.get("/map").get_data(as_text=True)
    assert map_page.count("place visited") == 2


def test_drafts_autosave_and_are_there_on_return(app, client, coachee, place, make_user):
    visit = open_visit(client, place)
    first = place.questions[0]
    url = f"/visits/{visit.id}/drafts/{field(first)}"
    saved = client.post(url, json={"text": "Bij mijn zus, met thee."})
    assert saved.status_code == 200 and saved.json["version"] == 1
    again = client.post(url, json={"text": "Bij mijn zus, met thee en een deken."})
    assert again.json["version"] == 2
    note = client.post(f"/visits/{visit.id}/drafts/note", json={"text": "Dit was moeilijk."})
    assert note.status_code == 200

    client.post("/logout")
    login(client, coachee)
    page = client.get(f"/places/{place.id}").get_data(as_text=True)
    assert "Bij mijn zus, met thee en een deken." in page
    assert "Dit was moeilijk." in page
    assert letter_count(app) == 0  # a draft is not a letter


def test_autosave_refuses_what_it_cannot_keep(client, coachee, place, app):
    visit = open_visit(client, place)
    base = f"/visits/{visit.id}/drafts"
    assert client.post(f"{base}/q-bestaat-niet", json={"text": "x"}).status_code == 400
    assert (
        client.post(f"{base}/{field(place.questions[0])}", json={"tekst": "x"}).status_code == 400
    )
    limit = app.config["MAX_ANSWER_LENGTH"]
    too_long = client.post(f"{base}/{field(place.questions[0])}", json={"text": "a" * (limit + 1)})
    assert too_long.status_code == 422
    assert "het maximum is 20.000" in too_long.json["message"]


def test_sending_makes_a_read_only_letter_with_its_due_time(app, client, coachee, place, clock):
    visit = open_visit(client, place)
    q1, q2 = place.questions[0], place.questions[1]
    client.post(f"/visits/{visit.id}/drafts/{field(q1)}", json={"text": "Een oude versie."})
    clock.advance(hours=1)
    response = client.post(
        f"/visits/{visit.id}",
        data={
            "action": "send",
            field(q1): "Aan zee.",
            field(q2): "",
            "mood": "6",
            "note": "Graag eerlijk.",
        },
    )
    letter = the_letter(app)
    assert response.headers["Location"] == f"/letters/{letter.id}"
    assert letter.sent_at == clock.now
    assert letter.due_at == clock.now + timedelta(hours=48)
    assert (letter.mood, letter.note, letter.coach_id) == (6, "Graag eerlijk.", None)
    assert answer_texts(app, visit.id)[q1.id] == "Aan zee."

    page = client.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "Aan zee." in page and q1.text in page and "Graag eerlijk." in page
    assert q2.text not in page  # unanswered questions are left out of the letter
    assert "woensdag 4 maart om 11:00" in page  # 10:00 UTC + 48 h, shown in Amsterdam time
    assert "<textarea" not in page and "kan niet meer veranderen" in page

    # The sent visit is closed: no more changes, no second letter.
    late = client.post(f"/visits/{visit.id}/drafts/{field(q1)}", json={"text": "Toch anders."})
    assert late.status_code == 409
    again = client.post(f"/visits/{visit.id}", data={"action": "send", field(q1): "Toch anders."})
    assert again.headers["Location"] == f"/letters/{letter.id}"
    assert letter_count(app) == 1
    assert answer_texts(app, visit.id)[q1.id] == "Aan zee."

    # Back at the place: a fresh visit, with the earlier letter one click away.
    page = client.get(f"/places/{place.id}").get_data(as_text=True)
    assert "Aan zee." not in page
    assert f"/letters/{letter.id}" in page
    assert f"/letters/{letter.id}" in client.get("/letters").get_data(as_text=True)


def test_letter_goes_to_the_assigned_coach_with_their_promise(app, client, make_user, place, clock):
    coach = make_user("Coach Anna", Role.COACH, promise_hours=4)
    coachee = make_user("Reiziger", coach=coach)
    login(client, coachee)
    visit = open_visit(client, place)
    client.post(f"/visits/{visit.id}", data={"action": "send", field(place.questions[0]): "Hier."})
    letter = the_letter(app)
    assert letter.coach_id == coach.id
    assert letter.due_at - letter.sent_at == timedelta(hours=4)
    assert "Coach Anna" in client.get(f"/letters/{letter.id}").get_data(as_text=True)


def test_an_empty_letter_is_refused_and_the_drafts_kept(app, client, coachee, place):
    visit = open_visit(client, place)
    response = client.post(
        f"/visits/{visit.id}",
        data={
            "action": "send",
            field(place.questions[0]): "   ",
            "note": "Mijn notitie blijft.",
            "mood": "3",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Je brief is nog leeg" in page
    assert "Mijn notitie blijft." in page
    assert re.search(r'<input checked[^>]*value="3"', page)
    assert letter_count(app) == 0
    with app.app_context():
        assert db.session.get(Visit, visit.id).note == "Mijn notitie blijft."


def test_an_over_long_answer_is_refused_and_the_text_kept(client, coachee, place, app):
    visit = open_visit(client, place)
    limit = app.config["MAX_ANSWER_LENGTH"]
    long_text = "Zee. " * (limit // 5) + "Het einde."
    q1, q2 = place.questions[0], place.questions[1]
    response = client.post(
        f"/visits/{visit.id}",
        data={"action": "send", field(q1): long_text, field(q2): "Kort en goed."},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Deze tekst is {len(long_text):,}".replace(",", ".") in page
    assert "het maximum is 20.000" in page
    assert "Het einde." in page  # the whole text is still in the field
    assert letter_count(app) == 0
    # the answers that fit are saved as drafts
    assert answer_texts(app) == {q2.id: "Kort en goed."}


def test_save_button_keeps_drafts_without_javascript(app, client, coachee, place):
    visit = open_visit(client, place)
    response = client.post(
        f"/visits/{visit.id}", data={"action": "save", field(place.questions[0]): "Later verder."}
    )
    assert response.status_code == 302
    assert "Later verder." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert letter_count(app) == 0


def test_an_unknown_place_gets_the_apps_own_404(client, coachee):
    response = client.get("/places/atlantis")
    assert response.status_code == 404
    assert "Deze plek bestaat niet" in response.get_data(as_text=True)


def test_a_coachee_cannot_touch_another_coachees_visit_or_letter(app, client, make_user, place):
    other = make_user("Ander")
    login(client, other)
    visit = open_visit(client, place)
    client.post(
        f"/visits/{visit.id}", data={"action": "send", field(place.questions[0]): "Van mij."}
    )
    letter = the_letter(app)
    client.post("/logout")

    login(client, make_user("Reiziger"))
    assert client.get(f"/letters/{letter.id}").status_code == 404
    assert (
        client.post(
            f"/visits/{visit.id}/drafts/{field(place.questions[0])}", json={"text": "x"}
        ).status_code
        == 404
    )
    assert client.post(f"/visits/{visit.id}", data={"action": "save"}).status_code == 404
    assert "Van mij." not in client.get("/letters").get_data(as_text=True)


def test_autosave_after_the_session_ended_answers_401_json(client, make_user, place, app):
    coachee = make_user("Reiziger")
    login(client, coachee)
    token = page_csrf_token(client.get(f"/places/{place.id}").get_data(as_text=True))
    with app.app_context():
        visit_id = db.session.scalars(db.select(Visit.id)).one()
    client.post("/logout")
    # The open tab saves with the token of its page, which ended with the session.
    response = client.post(
        f"/visits/{visit_id}/drafts/{field(place.questions[0])}",
        json={"text": "x"},
        headers={"X-CSRFToken": token},
        csrf=False,
    )
    assert response.status_code == 401
    assert response.json["error"] == "login"
    assert "bewaard" in response.json["message"]


def test_other_roles_have_no_map(client, make_user):
    login(client, make_user("Coach Anna", Role.COACH))
    assert client.get("/map").status_code == 404
    assert client.get(f"/places/{PLACE}").status_code == 404


def test_autosave_needs_the_pages_csrf_token(client, coachee, place, app):
    token = page_csrf_token(client.get(f"/places/{place.id}").get_data(as_text=True))
    with app.app_context():
        visit_id = db.session.scalars(db.select(Visit.id)).one()
    url = f"/visits/{visit_id}/drafts/{field(place.questions[0])}"
    refused = client.post(url, json={"text": "Zonder token."}, csrf=False)  # a forged request
    assert refused.status_code == 400
    assert refused.json["error"] == "csrf" and "blijft bewaard" in refused.json["message"]
    accepted = client.post(
        url, json={"text": "Met token."}, headers={"X-CSRFToken": token}, csrf=False
    )
    assert accepted.status_code == 200


def test_pages_load_nothing_from_outside_and_run_no_inline_script(client, coachee):
    for url in ("/", "/map", f"/places/{PLACE}", "/letters", "/account"):
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert not re.search(r'(src|href)="(https?:)?//', page), url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url


def test_a_save_from_a_stale_tab_is_refused_with_both_texts(app, client, coachee, place):
    visit = open_visit(client, place)
    url = f"/visits/{visit.id}/drafts/{field(place.questions[0])}"
    first_tab = client.post(url, json={"text": "Uit het eerste venster.", "version": 0})
    assert first_tab.json["version"] == 1
    second_tab = client.post(url, json={"text": "Uit het tweede venster.", "version": 0})
    assert second_tab.status_code == 409
    assert second_tab.json == {
        "error": "conflict",
        "message": second_tab.json["message"],
        "text": "Uit het eerste venster.",
        "version": 1,
    }
    assert "ander venster" in second_tab.json["message"]
    # the writer chose their own text: it is saved on top of the version they have now seen
    chosen = client.post(url, json={"text": "Uit het tweede venster.", "version": 1})
    assert chosen.status_code == 200 and chosen.json["version"] == 2
    assert answer_texts(app, visit.id)[place.questions[0].id] == "Uit het tweede venster."
    # the same text from a stale copy is no conflict
    same = client.post(url, json={"text": "Uit het tweede venster.", "version": 1})
    assert same.status_code == 200


def test_a_form_posted_after_the_session_ended_returns_to_its_page_after_login(
    client, make_user, place
):
    coachee = make_user("Reiziger")
    login(client, coachee)
    visit = open_visit(client, place)
    client.post("/logout")
    response = client.post(
        f"/visits/{visit.id}",
        data={"action": "send", field(place.questions[0]): "Tekst."},
        headers={"Referer": f"http://localhost/places/{place.id}"},
    )
    assert response.headers["Location"] == f"/login?next=/places/{place.id}"


def test_too_much_text_at_once_is_refused_with_the_limit(client, coachee, place, app):
    visit = open_visit(client, place)
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    autosave = client.post(
        f"/visits/{visit.id}/drafts/{field(place.questions[0])}", json={"text": big}
    )
    assert autosave.status_code == 413 and "het maximum is 2 MB" in autosave.json["message"]
    form = client.post(
        f"/visits/{visit.id}", data={"action": "save", field(place.questions[0]): big}
    )
    assert form.status_code == 413
    assert "het maximum is 2 MB" in form.get_data(as_text=True)


def test_the_coachee_reads_feedback_as_a_letter_and_is_shown_the_next_steps(
    app, client, make_user, coach, clock, frame
):
    coachee = make_user("Lezer", coach=coach)
    letter_id = a_place_letter(app, coachee, clock)
    sections = list(frame.sections)
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        feedback = inbox.feedback_draft(letter, db.session.get(User, coach.id), frame, clock())
        texts = {f"s-{s.id}": f"Tekst van deel {n}." for n, s in enumerate(sections)}
        inbox.send_feedback(feedback, texts, frame, clock())
        db.session.commit()
    login(client, coachee)
    page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    body = page[page.index('class="feedback') :]
    # one letter: every section's text, in frame order, and none of the frame's titles
    positions = [body.index(f"Tekst van deel {n}.") for n in range(len(sections))]
    assert positions == sorted(positions)
    assert all(f">{section.title}<" not in page for section in sections)
    assert f"{coach.pseudonym} schreef je terug" in page
    # the buttons lead where they say: a letter back to the coach, the map
    write_back = re.search(r'<a class="button primary" href="([^"]+)">Schrijf terug</a>', page)
    next_place = re.search(r'href="([^"]+)">Kies een volgende plek</a>', page)
    assert "<h1>Een vrije brief</h1>" in client.get(write_back.group(1)).get_data(as_text=True)
    assert 'class="map-intro"' in client.get(next_place.group(1)).get_data(as_text=True)
    # a closed trajectory is for reading back only
    with app.app_context():
        inbox.close_trajectory(db.session.get(User, coachee.id), clock())
        db.session.commit()
    page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "Tekst van deel 0." in page and "Schrijf terug" not in page
