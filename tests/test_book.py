"""The coachee's own book: passages marked in the dossier, gathered into chapters; its
exports (PDF, EPUB), sharing with the coach, the data archive and erasure."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import dataclass

import pypdf
import pytest
import sqlalchemy as sa
from ebooklib import ITEM_DOCUMENT, epub

from journey import crypto, free_letters, inbox
from journey.extensions import db
from journey.models import AccessLog, BookChapter, BookPassage, Role, User

from .conftest import Actor, a_place_letter
from .conftest import login as first_login

pytestmark = pytest.mark.usefixtures("quick_password_hashes")

ANSWER = "Bij de zee voel ik me thuis.\nDe golven brengen rust in mijn hoofd."
SECTION = "Wat mooi hoe je de rust van de zee beschrijft. Je ziet scherp wat je nodig hebt."


@dataclass(frozen=True)
class Story:
    coach: Actor
    coachee: Actor
    letter_id: int
    question_id: str
    section_key: str
    coach_letter_id: int
    own_letter_id: int


@pytest.fixture
def story(app, make_user, coach, clock, frame, world) -> Story:
    """A coachee who sent a place letter; their coach answered it and wrote a free letter."""
    coachee = make_user("Reiziger", coach=coach)
    letter_id = a_place_letter(app, coachee, clock, answer=ANSWER)
    with app.app_context():
        from journey.models import Letter

        letter = db.session.get(Letter, letter_id)
        coach_user = db.session.get(User, coach.id)
        feedback = inbox.feedback_draft(letter, coach_user, frame, clock())
        texts = {f"s-{s.id}": f"{SECTION} ({s.id})" for s in frame.sections}
        texts[f"c-{letter.visit.answers[0].question_id}"] = "Wat een rake zin is dit."
        inbox.send_feedback(feedback, texts, frame, clock())
        own_letter = free_letters.draft(letter.coachee, clock())
        free_letters.send(own_letter, "Vandaag liep ik langs het water.", None, "", clock(), 48)
        coach_letter = free_letters.write_to_coachee(
            coach_user, letter.coachee, "Denk aan de zee als je moe bent.", clock()
        )
        db.session.commit()
        coach_letter_id, own_letter_id = coach_letter.id, own_letter.id
    question = world.place("veilige-haven").questions[0].id
    section = f"s-{frame.sections[0].id}"
    return Story(coach, coachee, letter_id, question, section, coach_letter_id, own_letter_id)


def login(client, actor: Actor) -> None:
    """Sign ``actor`` in, after whoever was signed in on this client signed out."""
    client.post("/logout")
    assert first_login(client, actor).status_code == 302


def mark(client, story: Story, source: str, text: str, key: str | None = None, letter=None):
    keys = {"answer": story.question_id, "feedback": story.section_key, "letter": ""}
    data = {
        "source": source,
        "letter": str(letter or story.letter_id),
        "key": keys.get(source, "") if key is None else key,
        "text": text,
    }
    return client.post("/book/passages", data=data)


def rows(app, model) -> list:
    with app.app_context():
        return list(db.session.scalars(sa.select(model).order_by(model.id)))


def chapter_ids(app) -> list[int]:
    return [c.id for c in rows(app, BookChapter)]


def add_chapter(client, title: str):
    return client.post("/book/chapters", data={"title": title})


# Marking passages


def test_the_coachee_marks_their_own_words_and_the_coachs(app, client, story, clock, frame):
    login(client, story.coachee)
    dossier = client.get("/dossier").get_data(as_text=True)
    # the answer, the comment beside it, the feedback, the coachee's and the coach's letters
    assert dossier.count('class="mark-form"') == 4 + len(frame.sections)
    assert 'action="/book/passages"' in dossier and "js/book.js" in dossier

    own = mark(client, story, "answer", "voel ik me thuis.   De golven")  # loosely spaced
    assert own.status_code == 302 and own.headers["Location"] == "/dossier"
    coachs = mark(client, story, "feedback", "Je ziet scherp wat je nodig hebt.")
    assert coachs.status_code == 302
    letter = mark(client, story, "letter", "Denk aan de zee", letter=story.coach_letter_id)
    assert letter.status_code == 302
    comment = mark(client, story, "feedback", "rake zin", key=f"c-{story.question_id}")
    assert comment.status_code == 302
    own_letter = mark(client, story, "letter", "langs het water", letter=story.own_letter_id)
    assert own_letter.status_code == 302

    passages = rows(app, BookPassage)
    assert [p.source for p in passages] == ["answer", "feedback", "letter", "feedback", "letter"]
    # kept as it stands in the source, its line break too
    assert passages[0].text == "voel ik me thuis.\nDe golven"
    assert (passages[0].author_name, passages[0].by_coach) == ("Reiziger", False)
    assert (passages[1].author_name, passages[1].by_coach) == ("Coach Anna", True)
    assert passages[2].by_coach and passages[2].author_name == "Coach Anna"
    assert passages[3].by_coach and passages[3].text == "rake zin"
    assert (passages[4].author_name, passages[4].by_coach) == ("Reiziger", False)
    assert all(p.chapter_id is None and p.marked_at == clock() for p in passages)
    page = client.get("/book").get_data(as_text=True)
    assert "Verzameld" in page and "Je ziet scherp wat je nodig hebt." in page
    assert "Coach Anna, 2 maart 2026" in page and "Reiziger, 2 maart 2026" in page


def test_a_passage_that_is_not_in_the_text_is_refused_and_kept(app, client, story):
    login(client, story.coachee)
    refused = mark(client, story, "answer", "Bij de bergen voel ik me thuis.")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Deze woorden staan niet zo in de tekst." in page
    assert "Bij de bergen voel ik me thuis." in page  # what was typed
    assert "De golven brengen rust in mijn hoofd." in page  # the text it must come from
    empty = mark(client, story, "feedback", "   ")
    assert empty.status_code == 422
    assert "Er staat niets in het veld." in empty.get_data(as_text=True)
    assert rows(app, BookPassage) == []


def test_nobody_marks_in_somebody_elses_dossier(app, client, story, make_user):
    other = make_user("Iemand Anders", coach=story.coach)
    login(client, other)
    assert mark(client, story, "answer", "thuis").status_code == 404
    assert mark(client, story, "feedback", "scherp").status_code == 404
    login(client, story.coachee)
    assert mark(client, story, "feedback", "scherp", key="s-bestaat-niet").status_code == 404
    assert mark(client, story, "answer", "thuis", letter=999_999_999_999).status_code == 404
    assert mark(client, story, "verzonnen", "thuis").status_code == 404
    assert rows(app, BookPassage) == []


def test_the_coach_reads_the_dossier_without_marking(client, story):
    login(client, story.coach)
    page = client.get(f"/dossier/{story.coachee.id}").get_data(as_text=True)
    assert "Bewaar in mijn boek" not in page and "js/book.js" not in page


# Chapters


def test_chapters_are_made_renamed_written_and_reordered(app, client, story):
    login(client, story.coachee)
    for title in ("Rust", "Grenzen", "Verder"):
        assert add_chapter(client, title).status_code == 302
    first, second, third = chapter_ids(app)
    refused = add_chapter(client, "   ")
    assert refused.status_code == 422
    assert "Geef je hoofdstuk een titel." in refused.get_data(as_text=True)

    assert client.get(f"/book/chapters/{second}").status_code == 200
    edited = client.post(
        f"/book/chapters/{second}",
        data={"title": "Mijn grenzen", "text": "Wat ik leerde over nee zeggen."},
    )
    assert edited.status_code == 302
    too_long = client.post(f"/book/chapters/{second}", data={"title": "x" * 201, "text": "y"})
    assert too_long.status_code == 422 and "x" * 201 in too_long.get_data(as_text=True)

    client.post(f"/book/chapters/{third}/move", data={"direction": "up"})
    client.post(f"/book/chapters/{first}/move", data={"direction": "up"})  # first already
    page = client.get("/book").get_data(as_text=True)
    order = [page.index(title) for title in ("Rust", "Verder", "Mijn grenzen")]
    assert order == sorted(order)
    assert "Wat ik leerde over nee zeggen." in page
    client.post(f"/book/chapters/{first}/move", data={"direction": "down"})
    titles = [c.title for c in sorted(rows(app, BookChapter), key=lambda c: c.position)]
    assert titles == ["Verder", "Rust", "Mijn grenzen"]


def test_passages_move_into_between_and_within_chapters(app, client, story):
    login(client, story.coachee)
    for text in ("Bij de zee", "De golven", "rust in mijn hoofd"):
        mark(client, story, "answer", text)
    one, two, three = (p.id for p in rows(app, BookPassage))
    add_chapter(client, "Rust")
    add_chapter(client, "Zee")
    rest, sea = chapter_ids(app)

    for passage in (one, two, three):
        client.post(f"/book/passages/{passage}/place", data={"chapter": str(rest)})
    client.post(f"/book/passages/{three}/move", data={"direction": "up"})
    client.post(f"/book/passages/{one}/move", data={"direction": "up"})  # first already

    def chapter_of(chapter_id):
        placed = [p for p in rows(app, BookPassage) if p.chapter_id == chapter_id]
        return [p.id for p in sorted(placed, key=lambda p: p.position)]

    assert chapter_of(rest) == [one, three, two]
    client.post(f"/book/passages/{three}/place", data={"chapter": str(sea)})
    assert chapter_of(rest) == [one, two] and chapter_of(sea) == [three]
    client.post(f"/book/passages/{one}/place", data={"chapter": ""})  # back to gathered
    assert chapter_of(None) == [one]
    assert client.post(f"/book/passages/{two}/delete", data={}).status_code == 302
    assert chapter_of(rest) == []
    # removing a chapter gathers its passages again
    client.post(f"/book/chapters/{sea}/delete", data={})
    assert chapter_ids(app) == [rest] and chapter_of(None) == [one, three]
    # the dossier keeps the text a passage came from
    assert "rust in mijn hoofd" in client.get("/dossier").get_data(as_text=True)


def test_chapters_and_passages_are_their_owners_alone(app, client, story, make_user):
    login(client, story.coachee)
    mark(client, story, "answer", "thuis")
    add_chapter(client, "Rust")
    [chapter], [passage] = chapter_ids(app), [p.id for p in rows(app, BookPassage)]
    other = make_user("Iemand Anders", coach=story.coach)
    login(client, other)
    add_chapter(client, "Van mij")
    mine = chapter_ids(app)[-1]
    assert client.get(f"/book/chapters/{chapter}").status_code == 404
    for url in (f"/book/chapters/{chapter}", f"/book/chapters/{chapter}/move"):
        assert client.post(url, data={"title": "x", "direction": "up"}).status_code == 404
    assert client.post(f"/book/chapters/{chapter}/delete", data={}).status_code == 404
    for action in ("place", "move", "delete"):
        response = client.post(f"/book/passages/{passage}/{action}", data={"chapter": ""})
        assert response.status_code == 404
    # nor can one put one's own passage into somebody else's chapter
    login(client, story.coachee)
    placed = client.post(f"/book/passages/{passage}/place", data={"chapter": str(mine)})
    assert placed.status_code == 404
    assert "Van mij" not in client.get("/book").get_data(as_text=True)


def test_the_book_stays_the_coachees_after_the_trajectory_closed(app, client, story, clock):
    with app.app_context():
        db.session.get(User, story.coachee.id).closed_at = clock()
        db.session.commit()
    login(client, story.coachee)
    assert mark(client, story, "answer", "thuis").status_code == 302
    assert add_chapter(client, "Na afloop").status_code == 302
    assert client.get("/book/export.epub").status_code == 200


# Exports


def a_book(app, client, story) -> None:
    """Three chapters, in an order other than made, with passages and texts; one gathered."""
    login(client, story.coachee)
    for title in ("Eerste zee", "Tweede grens", "Derde weg"):
        add_chapter(client, title)
    first, second, third = chapter_ids(app)
    client.post(f"/book/chapters/{third}/move", data={"direction": "up"})  # 1, 3, 2
    client.post(
        f"/book/chapters/{first}", data={"title": "Eerste zee", "text": "Mijn eigen inleiding."}
    )
    mark(client, story, "answer", "De golven brengen rust")
    mark(client, story, "feedback", "Je ziet scherp wat je nodig hebt.")
    mark(client, story, "answer", "Bij de zee")
    own, coachs, _gathered = (p.id for p in rows(app, BookPassage))
    client.post(f"/book/passages/{own}/place", data={"chapter": str(first)})
    client.post(f"/book/passages/{coachs}/place", data={"chapter": str(second)})


def squash(text: str) -> str:
    return " ".join(text.split())


def test_the_book_as_pdf_keeps_the_order_and_the_texts(app, client, story, clock):
    a_book(app, client, story)
    response = client.get("/book/export.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=boek-reiziger-{clock().date().isoformat()}.pdf"
    )
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog and catalog["/Lang"] == "nl"  # tagged, in Dutch
    assert reader.metadata.title == "Het boek van Reiziger"
    text = squash(" ".join(page.extract_text() for page in reader.pages))
    order = [text.index(t) for t in ("Eerste zee", "Derde weg", "Tweede grens", "Verzameld")]
    assert order == sorted(order)
    for written in ("Mijn eigen inleiding.", "De golven brengen rust", "Bij de zee"):
        assert written in text
    assert "Je ziet scherp wat je nodig hebt." in text
    assert "Coach Anna, 2 maart 2026" in text and "Reiziger, 2 maart 2026" in text


def read_epub(data: bytes) -> tuple[epub.EpubBook, list[str]]:
    """The EPUB and the text of its documents in reading order (the spine)."""
    book = epub.read_epub(io.BytesIO(data), {"ignore_ncx": True})
    by_id = {item.get_id(): item for item in book.get_items_of_type(ITEM_DOCUMENT)}
    documents = [by_id[item_id] for item_id, _linear in book.spine if item_id in by_id]
    return book, [item.get_content().decode("utf-8") for item in documents]


def test_the_book_as_epub_keeps_the_order_and_the_texts(app, client, story, clock):
    a_book(app, client, story)
    response = client.get("/book/export.epub")
    assert response.status_code == 200 and response.mimetype == "application/epub+zip"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].endswith(".epub")
    book, documents = read_epub(response.data)
    assert book.get_metadata("DC", "title")[0][0] == "Het boek van Reiziger"
    assert book.get_metadata("DC", "language")[0][0] == "nl"
    assert book.get_metadata("DC", "creator")[0][0] == "Reiziger"
    text = squash(" ".join(re.sub(r"<[^>]+>", " ", d) for d in documents))
    order = [text.index(t) for t in ("Het boek van Reiziger", "Eerste zee", "Derde weg")]
    order += [text.index(t) for t in ("Tweede grens", "Verzameld")]
    assert order == sorted(order)
    for written in ("Mijn eigen inleiding.", "De golven brengen rust", "Bij de zee"):
        assert written in text
    assert "Coach Anna, 2 maart 2026" in text
    with zipfile.ZipFile(io.BytesIO(response.data)) as files:  # every page says its language
        pages = [files.read(n).decode() for n in files.namelist() if n.endswith(".xhtml")]
    assert len(pages) == 6 and all('xml:lang="nl"' in page for page in pages)


def test_exports_of_the_book_are_throttled_like_the_dossiers(app, client, story):
    app.config["EXPORT_RATE_LIMIT"] = "2 per hour"
    login(client, story.coachee)
    statuses = [client.get(f"/book/export.{fmt}").status_code for fmt in ("json", "epub")]
    statuses.append(client.get("/dossier/export.json").status_code)
    assert statuses == [200, 200, 429]
    assert client.get("/book/export.docx").status_code in (404, 429)


# Sharing with the coach


def test_the_coach_reads_the_book_only_while_it_is_shared(app, client, story, make_user):
    url = f"/inbox/coachees/{story.coachee.id}/book"
    dossier = f"/dossier/{story.coachee.id}"
    login(client, story.coachee)
    mark(client, story, "answer", "Bij de zee")
    coach = app.test_client()
    login(coach, story.coach)
    assert coach.get(url).status_code == 404  # not shared
    assert "deelt een eigen boek" not in coach.get(dossier).get_data(as_text=True)

    assert client.post("/book/sharing", data={"share": "1"}).status_code == 302
    assert "Je deelt dit boek sinds" in client.get("/book").get_data(as_text=True)
    assert "deelt een eigen boek" in coach.get(dossier).get_data(as_text=True)
    page = coach.get(url)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Bij de zee" in text and "Het boek van Reiziger" in text
    assert "Haal uit je boek" not in text and "Nieuw hoofdstuk" not in text  # read only
    assert coach.get("/book").status_code == 404  # a coach has no book of their own
    with app.app_context():
        logged = db.session.scalars(sa.select(AccessLog.what)).all()
    assert "book-page" in logged
    other_coach = app.test_client()
    login(other_coach, make_user("Coach Bram", Role.COACH))
    assert other_coach.get(url).status_code == 404  # another coach, always

    assert "je boek" in client.get("/privacy/").get_data(as_text=True)  # who read it
    client.post("/book/sharing", data={"share": "0"})
    assert coach.get(url).status_code == 404
    assert "deelt een eigen boek" not in coach.get(dossier).get_data(as_text=True)


def test_a_new_coach_does_not_inherit_a_shared_book(app, client, story, make_user):
    from journey import accounts

    login(client, story.coachee)
    client.post("/book/sharing", data={"share": "1"})
    other_coach = make_user("Coach Bram", Role.COACH)
    with app.app_context():
        coachee = db.session.get(User, story.coachee.id)
        accounts.assign_coach(coachee, db.session.get(User, other_coach.id))
        db.session.commit()
        assert coachee.book_shared_at is None
    login(client, other_coach)
    assert client.get(f"/inbox/coachees/{story.coachee.id}/book").status_code == 404


# The coachee's data


def test_the_archive_holds_the_book_and_erasure_removes_it(app, client, story, make_user):
    a_book(app, client, story)
    archive = client.get("/privacy/archive.zip")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.data)) as files:
        names = files.namelist()
        book_json = files.read("boek.json").decode("utf-8")
        book_epub = files.read("boek.epub")
    assert {"boek.json", "boek.epub"} <= set(names)
    assert '"format": "journey-book"' in book_json and "Mijn eigen inleiding." in book_json
    assert "De golven brengen rust" in " ".join(read_epub(book_epub)[1])

    # somebody else's book stays
    other = make_user("Iemand Anders", coach=story.coach)
    login(client, other)
    add_chapter(client, "Van een ander")
    login(client, story.coachee)
    assert client.post("/privacy/erase", data={"password": story.coachee.password}).status_code
    with app.app_context():
        assert db.session.get(User, story.coachee.id) is None
    assert [c.title for c in rows(app, BookChapter)] == ["Van een ander"]
    assert rows(app, BookPassage) == []


def test_the_books_texts_are_stored_encrypted(app, client, story):
    canary = f"kanarie-{uuid.uuid4()}"
    login(client, story.coachee)
    add_chapter(client, f"titel {canary}")
    [chapter] = chapter_ids(app)
    client.post(f"/book/chapters/{chapter}", data={"title": f"titel {canary}", "text": canary})
    with app.app_context():  # a passage that holds the canary: the coach's letter
        db.session.get(BookChapter, chapter)
        from journey.models import Letter

        db.session.get(Letter, story.coach_letter_id).body = f"Een zin met {canary} erin."
        db.session.commit()
    mark(client, story, "letter", f"met {canary}", letter=story.coach_letter_id)
    page = client.get("/book").get_data(as_text=True)
    assert page.count(canary) >= 3
    with app.app_context():
        ring = crypto.keyring()
        for table, column in (
            ("book_chapters", "title"),
            ("book_chapters", "text"),
            ("book_passages", "text"),
        ):
            query = sa.select(sa.column(column)).select_from(sa.table(table))
            stored = list(db.session.execute(query).scalars())
            assert stored and not any(canary in value for value in stored), (table, column)
            assert any(canary in ring.decrypt(value) for value in stored), (table, column)


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'])
def test_what_goes_into_the_book_comes_back_inert(app, client, story, payload):
    with app.app_context():
        from journey.models import Letter

        db.session.get(Letter, story.coach_letter_id).body = f"Voor {payload} na"
        db.session.commit()
    login(client, story.coachee)
    add_chapter(client, payload)
    [chapter] = chapter_ids(app)
    client.post(f"/book/chapters/{chapter}", data={"title": payload, "text": payload})
    mark(client, story, "letter", payload, letter=story.coach_letter_id)
    [passage] = rows(app, BookPassage)
    client.post(f"/book/passages/{passage.id}/place", data={"chapter": str(chapter)})
    client.post("/book/sharing", data={"share": "1"})
    refused = mark(client, story, "letter", f"{payload} niet", letter=story.coach_letter_id)
    pages = [
        client.get("/book").get_data(as_text=True),
        client.get(f"/book/chapters/{chapter}").get_data(as_text=True),
        refused.get_data(as_text=True),
        client.get("/dossier").get_data(as_text=True),
    ]
    login(client, story.coach)
    pages.append(client.get(f"/inbox/coachees/{story.coachee.id}/book").get_data(as_text=True))
    for page in pages:
        assert payload not in page
        assert "&lt;" in page and ("alert(1)" in page)
    login(client, story.coachee)
    _book, documents = read_epub(client.get("/book/export.epub").data)
    for document in documents:
        assert "<script" not in document and "<img" not in document
    assert any("&lt;" in document for document in documents)
