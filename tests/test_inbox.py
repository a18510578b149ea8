"""The coach's inbox and feedback: the whole loop, due times, routing, claiming, free letters."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

from sqlalchemy import insert

from journey import free_letters, inbox, visits
from journey.extensions import db
from journey.models import Feedback, Letter, LetterKind, Role, User, Visit

from .conftest import PLACE, Actor, a_place_letter, login


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def set_promise(app, coach: Actor, hours: int) -> None:
    """The coach promises to answer within ``hours``."""
    with app.app_context():
        db.session.get(User, coach.id).promise_hours = hours
        db.session.commit()


def test_the_whole_loop(client, app, make_user, coach, clock, world, frame):
    coachee = make_user("Reiziger", coach=coach)
    login(client, coachee)
    place = world.place(PLACE)
    question = place.questions[0]
    client.get(f"/places/{PLACE}")
    with app.app_context():
        visit_id = db.session.scalars(db.select(Visit.id)).one()
    client.post(
        f"/visits/{visit_id}",
        data={"action": "send", f"q-{question.id}": "Bij de zee voel ik me thuis.", "mood": "7"},
    )
    with app.app_context():
        letter_id = db.session.scalars(db.select(Letter.id)).one()
    client.post("/logout")

    clock.advance(hours=2)
    login(client, coach)
    inbox_page = page_of(client, "/inbox/")
    assert "Reiziger" in inbox_page and place.name in inbox_page and "nog 46 uur" in inbox_page
    letter_page = page_of(client, f"/inbox/letters/{letter_id}")
    assert "Bij de zee voel ik me thuis." in letter_page and question.text in letter_page
    assert all(section.title in letter_page for section in frame.sections)

    saved = client.post(
        f"/inbox/letters/{letter_id}/feedback/s-{frame.sections[0].id}", json={"text": "Wat mooi."}
    )
    assert saved.status_code == 200
    texts = {f"s-{s.id}": f"Tekst voor {s.title}." for s in frame.sections}
    texts[f"c-{question.id}"] = "Thuis, wat een mooi woord."
    client.post("/logout")
    clock.advance(hours=3)  # Anna comes back later (idle that long, she logs in again)
    login(client, coach)
    sent = client.post(f"/inbox/letters/{letter_id}/feedback", data={"action": "send", **texts})
    assert sent.headers["Location"] == f"/inbox/letters/{letter_id}"
    shown = page_of(client, sent.headers["Location"])
    assert "Thuis, wat een mooi woord." in shown and "<textarea" not in shown
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        assert letter.answered_at == clock.now
        assert letter.feedback.sent_at - letter.sent_at == timedelta(hours=5)  # the response time
    assert ">Reiziger</a>" not in page_of(client, "/inbox/")  # no longer waiting
    assert ">Reiziger</a>" in page_of(client, "/inbox/?filter=answered")
    client.post("/logout")

    login(client, coachee)
    notice = page_of(client, "/map")
    assert "Coach Anna heeft geantwoord op je brief" in notice
    reading = page_of(client, f"/letters/{letter_id}")
    assert "Thuis, wat een mooi woord." in reading  # the comment beside the answer
    assert reading.index("Bij de zee voel ik me thuis.") < reading.index(
        "Thuis, wat een mooi woord."
    )
    for section in frame.sections:
        assert f"Tekst voor {section.title}." in reading and section.title in reading
    assert "heeft geantwoord op je brief" not in page_of(client, "/map")  # read now
    dossier = page_of(client, "/dossier")
    assert (
        "Thuis, wat een mooi woord." in dossier
        and f"Tekst voor {frame.sections[0].title}." in dossier
    )


def test_inbox_orders_by_due_time_and_marks_overdue(client, app, make_user, coach, clock):
    fast = make_user("Snel", coach=coach)
    slow = make_user("Traag", coach=coach)
    a_place_letter(app, slow, clock)
    clock.advance(hours=1)
    set_promise(app, coach, 4)
    a_place_letter(app, fast, clock)  # due in 4 hours: before the other one
    login(client, coach)
    page = page_of(client, "/inbox/")
    assert page.index("Snel") < page.index("Traag")
    assert "nog 4 uur" in page and "nog 47 uur" in page
    client.post("/logout")

    clock.advance(hours=6)  # idle that long, Anna logs in again
    login(client, coach)
    page = page_of(client, "/inbox/")
    assert "2 uur te laat" in page
    assert re.search(r'<tr class="overdue">\s*<td[^>]*><a [^>]*>Snel', page)
    overdue = page_of(client, "/inbox/?filter=overdue")
    assert "Snel" in overdue and "Traag" not in overdue


def test_due_today_filter_uses_the_coachs_day(client, app, make_user, coach, clock):
    set_promise(app, coach, 4)
    a_place_letter(app, make_user("Vandaag", coach=coach), clock)  # sent 10:00 Amsterdam, due 14:00
    set_promise(app, coach, 30)
    a_place_letter(app, make_user("Morgen", coach=coach), clock)
    login(client, coach)
    today = page_of(client, "/inbox/?filter=today")
    assert "Vandaag" in today and "Morgen" not in today


def test_pool_letters_reach_every_coach_and_claiming_removes_them(
    client, app, make_user, coach, clock
):
    other = make_user("Coach Bram", Role.COACH)
    letter_id = a_place_letter(app, make_user("Zonder coach"), clock)
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        assert letter.coach_id is None and letter.due_at == letter.sent_at + timedelta(hours=48)
    for who in (coach, other):
        login(client, who)
        assert "Zonder coach" in page_of(client, "/inbox/")
        client.post("/logout")

    login(client, coach)
    assert client.post(f"/inbox/letters/{letter_id}/claim").status_code == 302
    client.post("/logout")
    login(client, other)
    assert "Zonder coach" not in page_of(client, "/inbox/")
    assert client.get(f"/inbox/letters/{letter_id}").status_code == 404
    refused = client.post(f"/inbox/letters/{letter_id}/claim", follow_redirects=True)
    assert refused.status_code == 404


def test_a_lost_claim_is_told(client, app, make_user, coach, clock):
    other = make_user("Coach Bram", Role.COACH)
    letter_id = a_place_letter(app, make_user("Zonder coach"), clock)
    login(client, other)
    page_of(client, f"/inbox/letters/{letter_id}")  # Bram reads it while it is in the pool
    with app.app_context():  # meanwhile Anna takes it
        letter, anna = db.session.get(Letter, letter_id), db.session.get(User, coach.id)
        assert inbox.claim(letter, anna, clock())
        db.session.commit()
    response = client.post(f"/inbox/letters/{letter_id}/claim", follow_redirects=True)
    assert (
        response.status_code == 404
        or "Een andere coach heeft deze brief net genomen" in response.get_data(as_text=True)
    )


def test_concurrent_claims_have_exactly_one_winner(app, make_user, coach, clock):
    coaches = [coach] + [make_user(f"Coach {n}", Role.COACH) for n in range(3)]
    letter_id = a_place_letter(app, make_user("Zonder coach"), clock)
    ids = [c.id for c in coaches]
    barrier = threading.Barrier(len(ids))
    results: dict[int, bool] = {}

    def claim_as(coach_id: int) -> None:
        with app.app_context():
            me, letter = db.session.get(User, coach_id), db.session.get(Letter, letter_id)
            db.session.commit()  # SQLite: a transaction holds the write lock; end it first
            barrier.wait()
            results[coach_id] = inbox.claim(letter, me, clock())
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=claim_as, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == [False] * (len(ids) - 1) + [True]
    winner = next(i for i, won in results.items() if won)
    with app.app_context():
        assert db.session.get(Letter, letter_id).coach_id == winner


def test_routing_follows_assignment_and_absences(app, make_user, coach, clock):
    substitute = make_user("Coach Bram", Role.COACH, promise_hours=24)
    coachee = make_user("Reiziger", coach=coach)
    with app.app_context():
        anna, bram = db.session.get(User, coach.id), db.session.get(User, substitute.id)
        assert inbox.routed_coach(db.session.get(User, coachee.id), clock()) == anna
        inbox.add_absence(anna, clock() - timedelta(days=1), clock() + timedelta(days=7), bram)
        db.session.commit()

    letter_id = a_place_letter(app, coachee, clock)
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        assert letter.coach_id == substitute.id
        assert letter.due_at - letter.sent_at == timedelta(hours=24)

        anna, bram = db.session.get(User, coach.id), db.session.get(User, substitute.id)
        traveller = db.session.get(User, coachee.id)
        inbox.add_absence(bram, clock() - timedelta(hours=1), clock() + timedelta(hours=1), None)
        assert inbox.routed_coach(traveller, clock()) is None  # both away: the pool
        inbox.add_absence(bram, clock(), clock() + timedelta(days=9), anna)
        clock.advance(hours=2)
        assert inbox.routed_coach(traveller, clock()) is None  # a loop of substitutes: the pool
        clock.advance(days=8)
        assert inbox.routed_coach(traveller, clock()) == anna  # the absence is over


def test_absence_and_promise_are_set_in_the_settings(client, app, make_user, coach, clock):
    substitute = make_user("Coach Bram", Role.COACH)
    login(client, coach)
    response = client.post(
        "/inbox/settings", data={"promise-promise_hours": "4", "promise-submit": ""}
    )
    assert response.status_code == 302
    refused = client.post(
        "/inbox/settings", data={"promise-promise_hours": "0", "promise-submit": ""}
    )
    assert refused.status_code == 422 and "van 1 tot 168 uur" in refused.get_data(as_text=True)
    response = client.post(
        "/inbox/settings",
        data={
            "absence-starts_at": "2026-03-02T08:00",
            "absence-ends_at": "2026-03-09T18:00",
            "absence-substitute": str(substitute.id),
            "absence-submit": "",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, coach.id).promise_hours == 4
    letter_id = a_place_letter(app, make_user("Reiziger", coach=coach), clock)
    with app.app_context():
        assert db.session.get(Letter, letter_id).coach_id == substitute.id
    assert "Coach Bram" in page_of(client, "/inbox/settings")
    backwards = client.post(
        "/inbox/settings",
        data={
            "absence-starts_at": "2026-03-09T08:00",
            "absence-ends_at": "2026-03-02T08:00",
            "absence-submit": "",
        },
    )
    assert backwards.status_code == 422 and "Het einde ligt na het begin" in backwards.get_data(
        as_text=True
    )


def test_an_empty_required_section_is_refused_and_the_text_kept(
    client, app, make_user, coach, clock, frame
):
    letter_id = a_place_letter(app, make_user("Reiziger", coach=coach), clock)
    login(client, coach)
    first, last = frame.sections[0], frame.sections[-1]
    response = client.post(
        f"/inbox/letters/{letter_id}/feedback",
        data={"action": "send", f"s-{first.id}": "Wat een open brief.", f"s-{last.id}": ""},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Dit deel van het kader hoort erbij" in page
    assert "Wat een open brief." in page
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        assert letter.answered_at is None
        assert letter.feedback.text_of(f"s-{first.id}") == "Wat een open brief."  # kept: a draft


def test_optional_sections_may_stay_empty(client, app, make_user, coach, clock, frame):
    letter_id = a_place_letter(app, make_user("Reiziger", coach=coach), clock)
    login(client, coach)
    texts = {f"s-{s.id}": "Tekst." for s in frame.sections if s.required}
    assert len(texts) < len(frame.sections)  # the default frame has an optional section
    response = client.post(f"/inbox/letters/{letter_id}/feedback", data={"action": "send", **texts})
    assert response.status_code == 302


def test_sent_feedback_cannot_change(client, app, make_user, coach, clock, frame):
    letter_id = a_place_letter(app, make_user("Reiziger", coach=coach), clock)
    login(client, coach)
    texts = {f"s-{s.id}": "Tekst." for s in frame.sections}
    client.post(f"/inbox/letters/{letter_id}/feedback", data={"action": "send", **texts})
    late = client.post(
        f"/inbox/letters/{letter_id}/feedback/s-{frame.sections[0].id}", json={"text": "Anders."}
    )
    assert late.status_code == 409
    again = client.post(f"/inbox/letters/{letter_id}/feedback", data={"action": "send", **texts})
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Feedback.id))) == 1


def test_another_coach_cannot_read_or_answer(client, app, make_user, coach, clock, frame):
    letter_id = a_place_letter(app, make_user("Reiziger", coach=coach), clock)
    login(client, make_user("Coach Bram", Role.COACH))
    assert client.get(f"/inbox/letters/{letter_id}").status_code == 404
    key = f"s-{frame.sections[0].id}"
    assert (
        client.post(f"/inbox/letters/{letter_id}/feedback/{key}", json={"text": "x"}).status_code
        == 404
    )
    assert client.post(f"/inbox/letters/{letter_id}/feedback", data={key: "x"}).status_code == 404
    assert "Reiziger" not in page_of(client, "/inbox/")


def test_coachees_have_no_inbox(client, make_user):
    login(client, make_user("Reiziger"))
    assert client.get("/inbox/").status_code == 404


def test_another_frame_can_be_chosen_before_writing(client, make_user, coach, clock, app):
    letter_id = a_place_letter(app, make_user("Reiziger", coach=coach), clock)
    short = app.extensions["journey.frames"].frame("kort")
    login(client, coach)
    page = page_of(client, f"/inbox/letters/{letter_id}?frame=kort")
    assert f"Je feedback in het kader ‘{short.name}’" in page
    texts = {f"s-{s.id}": "Kort." for s in short.sections}
    client.post(f"/inbox/letters/{letter_id}/feedback?frame=kort", data={"action": "send", **texts})
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        assert letter.feedback.frame_id == "kort" and letter.is_answered


def test_free_letters_are_routed_due_and_answered(client, app, make_user, coach, clock, frame):
    coachee = make_user("Reiziger", coach=coach)
    login(client, coachee)
    form = page_of(client, "/letters/new")
    with app.app_context():
        query = db.select(Letter.id).filter_by(kind=LetterKind.FREE)
        draft_id = db.session.scalars(query).one()
    assert f"/letters/{draft_id}/drafts/FIELD" in form
    saved = client.post(
        f"/letters/{draft_id}/drafts/body", json={"text": "Vandaag wil ik iets kwijt."}
    )
    assert saved.status_code == 200
    assert "Vandaag wil ik iets kwijt." in page_of(client, "/letters/new")  # the same draft, kept
    empty = client.post(f"/letters/{draft_id}", data={"action": "send", "body": "  "})
    assert empty.status_code == 422 and "Je brief is nog leeg" in empty.get_data(as_text=True)
    sent = client.post(
        f"/letters/{draft_id}",
        data={"action": "send", "body": "Vandaag wil ik iets kwijt.", "mood": "4"},
    )
    assert sent.headers["Location"] == f"/letters/{draft_id}"
    with app.app_context():
        draft = db.session.get(Letter, draft_id)
        assert (
            draft.coach_id == coach.id
            and draft.due_at == clock.now + timedelta(hours=48)
            and draft.mood == 4
        )
    assert client.post(f"/letters/{draft_id}/drafts/body", json={"text": "x"}).status_code == 404
    client.post("/logout")

    login(client, coach)
    assert "vrije brief" in page_of(client, "/inbox/")
    texts = {f"s-{s.id}": "Dank voor je brief." for s in frame.sections}
    client.post(f"/inbox/letters/{draft_id}/feedback", data={"action": "send", **texts})
    with app.app_context():
        assert db.session.get(Letter, draft_id).is_answered


def test_a_coach_writes_a_free_letter_to_a_coachee(client, app, make_user, coach, clock):
    coachee = make_user("Reiziger", coach=coach)
    login(client, coach)
    assert "Reiziger" in page_of(client, "/inbox/coachees")
    refused = client.post(f"/inbox/coachees/{coachee.id}/letter", data={"body": ""})
    assert refused.status_code == 422
    assert (
        client.post(
            f"/inbox/coachees/{coachee.id}/letter", data={"body": "Hoe gaat het nu?"}
        ).status_code
        == 302
    )
    with app.app_context():
        letter = db.session.scalars(db.select(Letter)).one()
        assert letter.from_coach and letter.due_at is None
        letter_id = letter.id
    assert "Hoe gaat het nu?" not in page_of(client, "/inbox/")  # it waits for nobody
    other = make_user("Ander")
    assert client.post(f"/inbox/coachees/{other.id}/letter", data={"body": "x"}).status_code == 404
    client.post("/logout")

    login(client, coachee)
    assert "Brief van Coach Anna" in page_of(client, "/letters")
    assert "Hoe gaat het nu?" in page_of(client, f"/letters/{letter_id}")


def test_a_closed_trajectory_can_be_read_but_not_added_to(client, app, make_user, coach, clock):
    coachee = make_user("Reiziger", coach=coach)
    letter_id = a_place_letter(app, coachee, clock)
    with app.app_context():
        traveller = db.session.get(User, coachee.id)
        visit = visits.visit_place(traveller, "humor", clock())
        draft = free_letters.draft(traveller, clock())
        db.session.commit()
        visit_id, draft_id = visit.id, draft.id
    login(client, coach)
    assert client.post(f"/inbox/coachees/{coachee.id}/close").status_code == 302
    assert client.get(f"/inbox/coachees/{coachee.id}/letter").status_code == 409
    client.post("/logout")

    login(client, coachee)
    assert client.get("/places/humor").status_code == 302
    assert client.post(f"/visits/{visit_id}/drafts/q-x", json={"text": "x"}).status_code == 409
    assert client.post(f"/letters/{draft_id}/drafts/body", json={"text": "x"}).status_code == 409
    assert client.get(f"/letters/{letter_id}").status_code == 200
    assert "afgesloten" in page_of(client, "/dossier")


def add_letters(app, coach: Actor, coachees: list[Actor], count: int, clock) -> None:
    rows = [
        {
            "kind": LetterKind.FREE,
            "from_coach": False,
            "coachee_id": coachees[n % len(coachees)].id,
            "coach_id": coach.id if n % 3 else None,
            "body": f"Brief {n}",
            "body_version": 1,
            "created_at": clock(),
            "sent_at": clock() - timedelta(minutes=n),
            "due_at": clock() + timedelta(hours=48) - timedelta(minutes=n),
            "note": "",
        }
        for n in range(count)
    ]
    with app.app_context():
        db.session.execute(insert(Letter), rows)
        db.session.commit()


def test_the_inbox_needs_the_same_few_queries_for_5_or_5000_letters(
    app, client, make_user, coach, clock, count_queries
):
    coachees = [make_user(f"Coachee {n}", coach=coach) for n in range(3)]
    login(client, coach)
    add_letters(app, coach, coachees, 5, clock)
    response, few = count_queries(client.get, "/inbox/")
    assert response.status_code == 200
    add_letters(app, coach, coachees, 4995, clock)
    response, many = count_queries(client.get, "/inbox/")
    assert response.status_code == 200
    page = page_of(client, "/inbox/?page=3")
    assert many == few <= 8  # 7 for the letters, 1 for the chats waiting for an answer
    assert "Pagina 3" in page and "page=2" in page and "page=4" in page
    assert "100+" in page  # the tab of waiting letters stops counting at 100


def test_feedback_from_a_stale_tab_is_refused(client, app, make_user, coach, clock, frame):
    letter_id = a_place_letter(app, make_user("Reiziger", coach=coach), clock)
    login(client, coach)
    url = f"/inbox/letters/{letter_id}/feedback/s-{frame.sections[0].id}"
    assert client.post(url, json={"text": "Eerste.", "version": 0}).status_code == 200
    stale = client.post(url, json={"text": "Tweede.", "version": 0})
    assert stale.status_code == 409 and stale.json["text"] == "Eerste."


def test_the_coach_writes_beside_the_letter_and_sees_what_needs_attention_first(
    client, app, make_user, coach, clock, frame
):
    letter_id = a_place_letter(app, make_user("Reiziger", coach=coach), clock)
    login(client, coach)
    # feedback that opens and closes positively but gives advice: some checks fail
    texts = {f"s-{s.id}": "" for s in frame.sections}
    texts[f"s-{frame.sections[0].id}"] = "Wat mooi dat je zo open schrijft."
    texts[f"s-{frame.sections[1].id}"] = "Je moet echt eens gaan sporten, dat moet je doen."
    texts[f"s-{frame.sections[-1].id}"] = "Knap dat je dit deelt."
    saved = client.post(f"/inbox/letters/{letter_id}/feedback", data={"action": "check", **texts})
    assert saved.status_code == 302 and "tweede-lezer" in saved.location
    page = page_of(client, saved.location)
    # one form: the letter with its comment fields, then the frame, each a labelled region
    form = page[page.index('class="feedback-form"') :]
    letter_column = form.index('<div class="letter-column" role="region" tabindex="0"')
    frame_column = form.index('<div class="frame-column" role="region" tabindex="0"')
    assert letter_column < form.index("Bij de zee voel ik me thuis.") < frame_column
    assert frame_column < form.index('name="action" value="send"') < form.index("</form>")
    assert frame_column < form.index('id="tweede-lezer"') < form.index("</form>")
    # the second reader lists the checks that fail before those that pass
    verdicts = re.findall(r'<li class="finding (ok|miss)"', page)
    assert "miss" in verdicts and "ok" in verdicts
    assert verdicts == sorted(verdicts, key=lambda verdict: verdict == "ok")
