"""The dossier: the page, its access rules, and the PDF, Markdown and JSON exports."""

from __future__ import annotations

import html
import io
import json
import re
from dataclasses import dataclass
from datetime import timedelta

import pypdf
import pytest
from flask import url_for

from journey import free_letters, visits
from journey.dossier import (
    AnswerText,
    Dossier,
    FeedbackEntry,
    LetterEntry,
    Measure,
    ReactionText,
    SectionText,
    Stop,
    build_dossier,
    slug,
    to_json,
    to_markdown,
)
from journey.extensions import db
from journey.frames import Frame, FrameSet, Section
from journey.models import Feedback, FeedbackPart, Letter, LetterKind, Role, User

from .conftest import Actor, login

PLACE, SECOND_PLACE, DRAFT_PLACE = "veilige-haven", "humor", "stille-vijver"

FRAME = Frame(
    "test-kader",
    "Testkader",
    "Een kader voor de tests.",
    (
        Section("opening", "Wat ik las", "Noem wat je las.", positive=True),
        Section("kern", "De kern", "Benoem de kern.", positive=False),
        Section("afsluiting", "Tot slot", "Sluit positief af.", positive=True),
    ),
)

LONG_ANSWER = "\n\n".join(
    " ".join(
        f"Zin {paragraph}.{n} over de haven waar ik rust vind en weer adem kan halen."
        for n in range(1, 8)
    )
    for paragraph in range(1, 7)
)

SECRET_DRAFTS = (
    "Een onverzonden antwoord bij de vijver.",
    "Concept van feedback die nog niet verstuurd is.",
    "Concept van een vrije brief van de coach.",
    "Concept van een vrije brief van de coachee.",
)


@dataclass
class Story:
    """A trajectory with everything a dossier can hold, and the drafts it must leave out."""

    coachee: Actor
    coach: Actor
    answers: dict[str, str]
    comment: str
    sections: dict[str, str]
    coach_letter: str
    free_letter: str
    second_answer: str


@pytest.fixture
def frames(app) -> FrameSet:
    frame_set = FrameSet((FRAME,))
    app.extensions["journey.frames"] = frame_set
    return frame_set


def a_feedback(letter: Letter, coach: User, parts: dict[str, str], now, sent: bool) -> Feedback:
    feedback = Feedback(
        letter=letter,
        coach=coach,
        frame_id=FRAME.id,
        started_at=now,
        sent_at=now if sent else None,
    )
    for key, text in parts.items():
        feedback.parts.append(FeedbackPart(key=key, text=text, version=1, updated_at=now))
    db.session.add(feedback)
    if sent:
        letter.answered_at = now
    return feedback


def a_free_letter(coachee: User, coach: User, body: str, now, *, from_coach: bool, sent: bool):
    letter = Letter(
        kind=LetterKind.FREE,
        from_coach=from_coach,
        coachee=coachee,
        coach=coach,
        body=body,
        created_at=now,
        sent_at=now if sent else None,
        due_at=None if from_coach or not sent else now + timedelta(hours=48),
        mood=7 if sent and not from_coach else None,
    )
    db.session.add(letter)
    return letter


def a_place_letter(coachee: User, place, texts: list[str], clock, mood: int | None) -> Letter:
    visit = visits.visit_place(coachee, place.id, clock())
    clock.advance(minutes=30)
    answers = {q.id: text for q, text in zip(place.questions, texts, strict=False)}
    return visits.send_letter(visit, answers, mood, "Graag eerlijk.", clock(), 48)


@pytest.fixture
def story(app, make_user, world, frames, clock) -> Story:
    coach_actor = make_user("Coach Anna", Role.COACH)
    coachee_actor = make_user("Reiziger Één", coach=coach_actor)
    with app.app_context():
        coach, coachee = (db.session.get(User, a.id) for a in (coach_actor, coachee_actor))
        story = _tell(coach, coachee, world, clock)
        db.session.commit()
    story.coach, story.coachee = coach_actor, coachee_actor
    return story


def _tell(coach: User, coachee: User, world, clock) -> Story:
    """Write the story's letters, feedback and drafts (in the caller's app context)."""
    place = world.place(PLACE)
    short = "Bij de zee voel ik me veilig.\nVooral <s>s avonds</s> & in de wind."
    letter = a_place_letter(coachee, place, [LONG_ANSWER, short], clock, mood=4)
    clock.advance(hours=3)
    comment = "Deze zin over adem halen raakte me."
    sections = {
        "afsluiting": "Dank voor je open brief.\nTot de volgende keer.",
        "opening": "Wat mooi hoe je de haven beschrijft.",
        "kern": "Rust vinden lijkt de kern te zijn.",
        "oud": "Een sectie die het kader niet meer kent.",
    }
    parts = {f"s-{key}": text for key, text in sections.items()}
    a_feedback(letter, coach, {**parts, f"c-{place.questions[0].id}": comment}, clock(), True)
    clock.advance(days=1)
    second = a_place_letter(coachee, world.place(SECOND_PLACE), ["Lachen helpt."], clock, mood=8)
    a_feedback(second, coach, {"s-opening": SECRET_DRAFTS[1]}, clock(), sent=False)
    clock.advance(days=1)
    coach_letter = "Hoe gaat het nu met je?\nIk hoor graag van je."
    a_free_letter(coachee, coach, coach_letter, clock(), from_coach=True, sent=True)
    a_free_letter(coachee, coach, SECRET_DRAFTS[2], clock(), from_coach=True, sent=False)
    a_free_letter(coachee, coach, SECRET_DRAFTS[3], clock(), from_coach=False, sent=False)
    clock.advance(hours=5)
    free = "Het gaat beter, dank je.\n\nDe haven blijft."
    a_free_letter(coachee, coach, free, clock(), from_coach=False, sent=True)
    clock.advance(hours=1)
    drafting = visits.visit_place(coachee, DRAFT_PLACE, clock())
    visits.save_draft(drafting, world.place(DRAFT_PLACE).questions[0].id, SECRET_DRAFTS[0], clock())
    answers = {LONG_ANSWER: LONG_ANSWER, short: short}
    return Story(coachee, coach, answers, comment, sections, coach_letter, free, "Lachen helpt.")


def texts_of(story: Story) -> list[str]:
    """Every text written and sent in the story."""
    return [
        *story.answers,
        story.comment,
        *story.sections.values(),
        story.coach_letter,
        story.free_letter,
        story.second_answer,
    ]


def squash(text: str) -> str:
    return " ".join(text.split())


def in_order(page: str, *needles: str) -> bool:
    positions = [page.index(needle) for needle in needles]
    return positions == sorted(positions)


# The page


@pytest.mark.parametrize("viewer", ["coachee", "coach"])
def test_page_shows_everything_sent_in_order(client, story, world, viewer):
    login(client, getattr(story, viewer))
    url = "/dossier" if viewer == "coachee" else f"/dossier/{story.coachee.id}"
    response = client.get(url)
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))

    for text in texts_of(story):
        assert text in page
    place, second = world.place(PLACE), world.place(SECOND_PLACE)
    assert place.questions[0].text in page and place.questions[1].text in page
    assert "Reactie van Coach Anna" in page
    sections = [story.sections[key] for key in ("opening", "kern", "afsluiting", "oud")]
    titles = ["Wat ik las", "De kern", "Tot slot", ">oud<"]
    if viewer == "coach":  # sections in frame order with their titles; an unknown one by its id
        assert in_order(page, *(x for pair in zip(titles, sections, strict=True) for x in pair))
    else:  # the coachee reads one letter: the same texts in frame order, no frame titles
        assert in_order(page, "Coach Anna schreef je terug", *sections)
        assert all(title not in page for title in titles)
    # the route, then the timeline in the order things happened
    assert in_order(page, "Route", place.name, second.name, world.place(DRAFT_PLACE).name)
    assert in_order(
        page,
        "Tijdlijn",
        f"Bezoek aan {place.name}",
        LONG_ANSWER,
        story.comment,
        "Feedback van Coach Anna" if viewer == "coach" else "Coach Anna schreef je terug",
        f"Bezoek aan {second.name}",
        story.second_answer,
        story.coach_letter,
        story.free_letter,
        f"Bezoek aan {world.place(DRAFT_PLACE).name}",
    )
    assert "<polyline" in page and "4 van 10" in page and "8 van 10" in page
    for secret in SECRET_DRAFTS:
        assert secret not in page


def test_page_escapes_what_people_wrote(client, story):
    login(client, story.coachee)
    page = client.get("/dossier").get_data(as_text=True)
    assert "<s>s avonds</s>" not in page
    assert "&lt;s&gt;s avonds&lt;/s&gt; &amp; in de wind" in page


def test_only_the_coachee_and_their_coach_may_read(client, story, make_user):
    other_coachee = make_user("Andere reiziger")
    other_coach = make_user("Coach Bert", Role.COACH)
    own = f"/dossier/{story.coachee.id}"
    urls = (own, f"{own}/export.pdf", f"{own}/export.md", f"{own}/export.json")

    for url in ("/dossier", "/dossier/export.json", *urls):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    for intruder in (other_coachee, other_coach):
        login(client, intruder)
        assert all(client.get(url).status_code == 404 for url in urls)
        client.post("/logout")
    login(client, story.coach)
    assert client.get("/dossier").status_code == 404  # a coach has no dossier of their own
    assert client.get(f"{own}/export.docx").status_code == 404
    assert client.get(own).status_code == 200


def test_coach_of_an_open_trajectory_gets_a_close_button(app, client, story):
    """The dossier leads to the harvest letter's page, which also closes without one."""
    login(client, story.coach)
    url = f"/dossier/{story.coachee.id}"
    page = client.get(url).get_data(as_text=True)
    with app.test_request_context():
        harvest = url_for("inbox.harvest_letter", coachee_id=story.coachee.id)
        action = url_for("inbox.close_trajectory", coachee_id=story.coachee.id)
    assert "Traject afsluiten" in page and f'href="{harvest}"' in page
    harvest_page = client.get(harvest).get_data(as_text=True)
    assert f'action="{action}"' in harvest_page and 'name="csrf_token"' in harvest_page
    assert client.post(action).headers["Location"] == url
    with app.app_context():
        assert db.session.get(User, story.coachee.id).is_closed
    assert "Traject afsluiten" not in client.get(url).get_data(as_text=True)
    client.post("/logout")
    login(client, story.coachee)
    assert "Traject afsluiten" not in client.get("/dossier").get_data(as_text=True)


def test_a_closed_trajectory_stays_readable_with_a_notice(app, client, story, clock):
    with app.app_context():
        db.session.get(User, story.coachee.id).closed_at = clock()
        db.session.commit()
    login(client, story.coachee)
    response = client.get("/dossier")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert "Dit traject is afgesloten op 4 maart 2026; je kunt alles blijven teruglezen." in page
    assert story.free_letter in page and LONG_ANSWER in page
    assert client.get("/dossier/export.pdf").status_code == 200


def test_an_empty_dossier_says_so(client, make_user):
    coachee = make_user("Nieuw")
    login(client, coachee)
    page = client.get("/dossier").get_data(as_text=True)
    assert "Er staat nog niets in dit dossier." in page
    assert "<svg" not in page


# The exports


def test_pdf_holds_every_text_in_full(client, story, clock):
    login(client, story.coachee)
    response = client.get("/dossier/export.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=dossier-reiziger-een-{clock().date().isoformat()}.pdf"
    )
    assert response.headers["Cache-Control"] == "no-store"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "nl"  # tagged, in Dutch
    assert reader.metadata.title.startswith("Dossier van Reiziger")
    assert len(reader.pages) > 1
    pages = [_without_page_furniture(page.extract_text()) for page in reader.pages]
    text = squash(" ".join(pages))
    assert len(LONG_ANSWER) > 2500
    for written in texts_of(story):
        assert squash(written) in text
    # the coachee's PDF gives the feedback as one letter, without the frame's titles
    assert "Coach Anna schreef je terug" in text
    assert "Wat ik las" not in text and "Tot slot" not in text
    for secret in SECRET_DRAFTS:
        assert squash(secret) not in text


def _without_page_furniture(text: str) -> str:
    """A PDF page's text without the running title and the page number."""
    lines = text.splitlines()
    lines = [line for line in lines if not re.fullmatch(r"\s*\d+ / \d+\s*", line)]
    return "\n".join(line for line in lines if line.strip() != "Dossier van Reiziger Één")


def test_json_export_holds_the_whole_dossier(app, client, story, world, frames):
    login(client, story.coach)
    response = client.get(f"/dossier/{story.coachee.id}/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert "filename=dossier-reiziger-een-" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    data = json.loads(text)
    assert data["format"] == "journey-dossier" and data["coachee"] == "Reiziger Één"
    with app.app_context():
        dossier = build_dossier(db.session.get(User, story.coachee.id), world, frames)
        assert data == json.loads(to_json(dossier))  # every entry, text and time, in order
    kinds = [entry["kind"] for entry in data["entries"]]
    assert kinds[:3] == ["stop", "letter", "feedback"] and len(kinds) == len(dossier.entries)
    written = json.dumps(data, ensure_ascii=False)
    for piece in texts_of(story):
        assert json.dumps(piece, ensure_ascii=False)[1:-1] in written
    for secret in SECRET_DRAFTS:
        assert secret not in text


@pytest.mark.parametrize("viewer", ["coachee", "coach"])
def test_markdown_export_holds_every_text(client, story, world, viewer):
    login(client, getattr(story, viewer))
    url = "/dossier/export.md" if viewer == "coachee" else f"/dossier/{story.coachee.id}/export.md"
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"].endswith(".md")
    markdown = response.get_data(as_text=True)
    unquoted = html.unescape(re.sub(r"^> ?", "", markdown, flags=re.MULTILINE))  # as shown
    for text in texts_of(story):
        assert text in unquoted
    assert "# Dossier van Reiziger Één" in markdown
    assert world.place(PLACE).questions[0].text in markdown
    if viewer == "coach":  # the frame's section titles are the coach's tool
        assert "**Wat ik las**" in markdown and "**oud**" in markdown
    else:  # the coachee reads one letter: every section, in order, no titles
        assert "Wat ik las" not in markdown and "Coach Anna schreef je terug" in markdown
        sections = [story.sections[key] for key in ("opening", "kern", "afsluiting", "oud")]
        assert in_order(unquoted, *sections)
    for secret in SECRET_DRAFTS:
        assert secret not in markdown


# The domain module


def test_the_json_of_a_dossier_keeps_every_field_and_time(app, clock):
    at = clock()
    dossier = Dossier(
        coachee="Zoë",
        closed_at=at + timedelta(days=9, microseconds=5),
        entries=(
            Stop(at, "gone", "gone"),
            LetterEntry(
                at,
                1,
                "Zoë",
                "",
                False,
                "gone",
                "gone",
                (AnswerText("q", "", "Tekst\n", "Ja", ReactionText("touches", "Precies.", at)),),
            ),
            LetterEntry(at, 2, "Anna", "Zoë", True, "", "", body="Hoi", mood=None),
            FeedbackEntry(
                at,
                1,
                "Anna",
                at,
                "",
                (SectionText("s", "S", "Goed"),),
                ReactionText("misses", "", at),
            ),
        ),
        measures=(Measure(at, 3), Measure(at, None, 6)),
        goal="Weten wat ik wil",
    )
    data = json.loads(to_json(dossier))
    assert '"closed_at": "2026-03-11T09:00:00.000005+00:00"' in to_json(dossier)
    assert [entry["kind"] for entry in data["entries"]] == ["stop", "letter", "letter", "feedback"]
    reaction = {"kind": "touches", "line": "Precies.", "at": at.isoformat()}
    assert data["entries"][1]["answers"] == [
        {
            "question_id": "q",
            "question": "",
            "text": "Tekst\n",
            "comment": "Ja",
            "reaction": reaction,
        }
    ]
    assert data["entries"][2]["answers"] == []
    assert data["entries"][3]["sections"] == [{"id": "s", "title": "S", "text": "Goed"}]
    assert data["entries"][3]["reaction"] == {"kind": "misses", "line": "", "at": at.isoformat()}
    assert data["measures"] == [
        {"at": at.isoformat(), "mood": 3, "progress": None},
        {"at": at.isoformat(), "mood": None, "progress": 6},
    ]
    assert data["goal"] == "Weten wat ik wil"
    empty = json.loads(to_json(Dossier("Nieuw", None, (), ())))
    assert (empty["coachee"], empty["entries"], empty["measures"]) == ("Nieuw", [], [])
    assert empty["goal"] is None
    with app.app_context():  # the headings are translated
        assert "Nog geen plaatsen bezocht." in to_markdown(Dossier("Nieuw", None, (), ()))


def test_slug_makes_a_safe_file_name_part():
    assert slug("Reiziger Één") == "reiziger-een"
    assert slug("../../etc") == "etc"
    assert slug("日本") == "coachee"


SHOWN = r'<div class="written">Brief nummer (\d\d)\.'


def test_a_long_dossier_shows_the_newest_letters_and_the_older_ones_on_request(
    app, client, make_user, clock
):
    coach = make_user("Coach Anna", Role.COACH)
    coachee = make_user("Reiziger", coach=coach)
    with app.app_context():
        user = db.session.get(User, coachee.id)
        for n in range(1, 26):
            clock.advance(minutes=1)
            letter = free_letters.draft(user, clock())
            free_letters.send(letter, f"Brief nummer {n:02d}.", None, "", clock(), 48)
        db.session.commit()
    login(client, coachee)

    newest = client.get("/dossier").get_data(as_text=True)
    # each letter as shown (the form that keeps a passage in the book holds it once more)
    shown = re.findall(SHOWN, newest)
    assert shown == [f"{n:02d}" for n in range(16, 26)]  # the 10 newest, oldest first
    assert "Eerdere brieven" in newest and "Nieuwere brieven" not in newest

    middle = client.get("/dossier?page=2").get_data(as_text=True)
    assert re.findall(SHOWN, middle) == [f"{n:02d}" for n in range(6, 16)]
    assert "Nieuwere brieven" in middle and "Eerdere brieven" in middle

    oldest = client.get("/dossier?page=3").get_data(as_text=True)
    assert re.findall(SHOWN, oldest) == [f"{n:02d}" for n in range(1, 6)]
    assert "Nieuwere brieven" in oldest and "Eerdere brieven" not in oldest

    everything = client.get("/dossier/export.md").get_data(as_text=True)
    assert re.findall(r"Brief nummer (\d\d)\.", everything) == [f"{n:02d}" for n in range(1, 26)]
