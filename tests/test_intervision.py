"""Intervision: the admin makes a group, a coach brings an anonymised case, the coachee
agrees or refuses, colleagues read and comment, and the case closes with its texts.

Through the real pages, as each person would: CSRF on, two-factor for staff.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from journey import data_rights, inbox, intervision
from journey.cli import cli
from journey.extensions import db
from journey.models import (
    AccessLog,
    CaseState,
    IntervisionCase,
    IntervisionComment,
    IntervisionGroup,
    Letter,
    Notice,
    NoticeKind,
    Role,
    User,
)

from .conftest import a_place_letter, login, text_of

pytestmark = pytest.mark.usefixtures("quick_password_hashes")

# A letter full of names, places and dates; the feedback names some of them again.
LETTER = (
    "Beste Anna, op dinsdag 3 maart 2026 ging ik met Lisa de Vries naar Utrecht. "
    "Lisa belde later nog op 06-12345678. Mijn tante Gerda uit Zwolle zei dat Mila "
    "sterker is dan ze denkt. Mail me op mila.reiziger@example.nl. Groet, Mila"
)
FEEDBACK = "Lieve Mila, wat mooi dat je met Lisa naar Utrecht ging. Je tante Gerda ziet je kracht."
NAMES = [
    "Anna",
    "Mila",
    "Lisa",
    "Vries",
    "Utrecht",
    "Gerda",
    "Zwolle",
    "3 maart",
    "12345678",
    "example.nl",
]
QUESTION = "Hoe sluit mijn feedback aan bij haar taal?"


@pytest.fixture
def people(make_user):
    anna = make_user("Coach Anna", Role.COACH)
    return {
        "anna": anna,
        "bram": make_user("Coach Bram", Role.COACH),
        "cees": make_user("Coach Cees", Role.COACH),  # in no group
        "mila": make_user("Mila", coach=anna),
        "admin": make_user("Beheerder Bo", Role.ADMIN),
    }


def signed_in(app, actor):
    client = app.test_client()
    assert login(client, actor).status_code == 302
    return client


@pytest.fixture
def answered(app, people, clock, frame) -> int:
    """Mila's letter full of names, with Anna's sent feedback; its id."""
    letter_id = a_place_letter(app, people["mila"], clock, answer=LETTER)
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        coach = db.session.get(User, people["anna"].id)
        feedback = inbox.feedback_draft(letter, coach, frame, clock())
        texts = {f"s-{s.id}": "Je schrijft met zorg." for s in frame.sections}
        texts[f"s-{frame.sections[0].id}"] = FEEDBACK
        inbox.send_feedback(feedback, texts, frame, clock())
        db.session.commit()
    return letter_id


@pytest.fixture
def group(app, people) -> int:
    """The admin makes a group with Anna and Bram, through the admin pages."""
    admin = signed_in(app, people["admin"])
    made = admin.post("/admin/intervision", data={"name": "Dinsdaggroep", "case_days": "14"})
    assert made.status_code == 302
    group_id = int(made.headers["Location"].rstrip("/").split("/")[-1])
    for coach in ("anna", "bram"):
        added = admin.post(
            f"/admin/intervision/{group_id}/members", data={"coach": str(people[coach].id)}
        )
        assert added.status_code == 302
    return group_id


def case_row(app, case_id: int) -> dict:
    with app.app_context():
        case = db.session.get(IntervisionCase, case_id)
        return {
            "state": case.state,
            "question": case.question,
            "letter_text": case.letter_text,
            "feedback_text": case.feedback_text,
            "closes_at": case.closes_at,
            "comments": len(case.comments),
        }


def bring(app, people, group, answered) -> tuple[object, int]:
    """Anna brings Mila's letter: a draft case; her client and the case's id."""
    anna = signed_in(app, people["anna"])
    page = anna.get("/intervision/cases/new")
    assert page.status_code == 200 and "Mila" in page.get_data(as_text=True)
    made = anna.post(
        "/intervision/cases/new",
        data={"group": str(group), "letter": str(answered), "question": QUESTION},
    )
    assert made.status_code == 302, made.get_data(as_text=True)
    return anna, int(made.headers["Location"].rstrip("/").split("/")[-1])


def ask(app, anna, case_id: int) -> None:
    row = case_row(app, case_id)
    asked = anna.post(
        f"/intervision/cases/{case_id}",
        data={
            "question": row["question"],
            "letter_text": row["letter_text"],
            "feedback_text": row["feedback_text"],
            "action": "ask",
        },
    )
    assert asked.status_code == 302
    assert case_row(app, case_id)["state"] == CaseState.ASKED


def test_the_shared_text_holds_none_of_the_names(app, people, group, answered):
    anna, case_id = bring(app, people, group, answered)
    row = case_row(app, case_id)
    assert row["state"] == CaseState.DRAFT
    shared = row["letter_text"] + "\n" + row["feedback_text"]
    assert [name for name in NAMES if name in shared] == [], shared
    assert "[naam]" in shared and "[plaats]" in shared and "[datum]" in shared
    assert "[coachee]" in shared and "[coach]" in shared
    # the coach sees what was replaced, and the texts to edit
    page = text_of(anna.get(f"/intervision/cases/{case_id}").get_data(as_text=True))
    assert "Lisa de Vries → [naam]" in page and "Utrecht → [plaats]" in page
    # the coach's own edit is what the coachee reads, and what the group would
    ask(app, anna, case_id)
    mila = signed_in(app, people["mila"])
    consent = mila.get(f"/intervision/requests/{case_id}")
    assert consent.status_code == 200
    written = re.findall(r'<div class="written">(.*?)</div>', consent.get_data(as_text=True), re.S)
    seen = unescape(" ".join(written))
    assert "[plaats]" in seen and QUESTION in seen
    assert [name for name in NAMES if name in seen] == []
    assert mila.post(f"/intervision/requests/{case_id}", data={"answer": "yes"}).status_code == 302
    bram = signed_in(app, people["bram"])
    read = bram.get(f"/intervision/cases/{case_id}").get_data(as_text=True)
    case_text = " ".join(re.findall(r'<div class="written"[^>]*>(.*?)</div>', read, re.S))
    assert "[plaats]" in unescape(case_text)
    assert [name for name in NAMES if name in unescape(case_text)] == []


def test_nothing_is_shared_without_consent(app, people, group, answered, clock):
    anna, case_id = bring(app, people, group, answered)
    bram, cees = signed_in(app, people["bram"]), signed_in(app, people["cees"])
    mila = signed_in(app, people["mila"])
    url = f"/intervision/cases/{case_id}"
    # a draft: the coachee is not asked yet, colleagues see nothing
    assert bram.get(url).status_code == 404
    assert mila.get(f"/intervision/requests/{case_id}").status_code == 404
    assert "Casus van" not in bram.get("/intervision/").get_data(as_text=True)
    ask(app, anna, case_id)
    with app.app_context():
        told = db.session.scalars(db.select(Notice).where(Notice.case_id == case_id)).all()
        assert [(n.user_id, n.kind) for n in told] == [
            (people["mila"].id, NoticeKind.CONSENT_ASKED)
        ]
    # asked: still nothing for the group
    assert bram.get(url).status_code == 404
    assert bram.post(f"{url}/comments", data={"body": "Mooi."}).status_code == 404
    # the coachee finds the request on their letters page and in their notices
    letters = mila.get("/letters").get_data(as_text=True)
    assert f"/intervision/requests/{case_id}" in letters
    notices_page = mila.get("/notices/").get_data(as_text=True)
    assert f"/intervision/requests/{case_id}" in notices_page
    # a forged answer changes nothing
    assert (
        mila.post(
            f"/intervision/requests/{case_id}", data={"answer": "yes"}, csrf=False
        ).status_code
        == 400
    )
    assert case_row(app, case_id)["state"] == CaseState.ASKED
    # the coachee refuses: the texts are gone, and the group never sees it
    refused = mila.post(f"/intervision/requests/{case_id}", data={"answer": "no"})
    assert refused.status_code == 302
    row = case_row(app, case_id)
    assert row["state"] == CaseState.REFUSED
    assert row["letter_text"] == row["feedback_text"] == row["question"] == ""
    assert bram.get(url).status_code == 404
    assert cees.get(url).status_code == 404
    # a late yes changes nothing
    mila.post(f"/intervision/requests/{case_id}", data={"answer": "yes"})
    assert case_row(app, case_id)["state"] == CaseState.REFUSED
    page = anna.get(url).get_data(as_text=True)
    assert "niets gedeeld" in page and "Lisa" not in page


def test_colleagues_read_and_comment_and_the_coachee_sees_each_read(
    app, people, group, answered, clock
):
    anna, case_id = bring(app, people, group, answered)
    ask(app, anna, case_id)
    mila = signed_in(app, people["mila"])
    assert mila.post(f"/intervision/requests/{case_id}", data={"answer": "yes"}).status_code == 302
    row = case_row(app, case_id)
    assert row["state"] == CaseState.SHARED
    assert row["closes_at"] == clock() + timedelta(days=14)
    with app.app_context():
        shared = db.session.scalars(
            db.select(Notice).where(Notice.kind == NoticeKind.CASE_SHARED)
        ).all()
        assert [n.user_id for n in shared] == [people["bram"].id]  # not Anna herself
    url = f"/intervision/cases/{case_id}"
    bram, cees = signed_in(app, people["bram"]), signed_in(app, people["cees"])
    assert cees.get(url).status_code == 404  # not in the group
    assert cees.post(f"{url}/comments", data={"body": "Hm."}).status_code == 404
    page = bram.get(url)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Tips voor bewust schrijven" in html and "data-check=" in html
    assert f"/intervision/cases/{case_id}" in bram.get("/intervision/").get_data(as_text=True)
    # a comment on a passage of the letter, and one on the whole
    passage = " ".join(row["letter_text"].split("\n")[-1].split()[:4])
    on_passage = bram.post(
        f"{url}/comments", data={"passage": passage, "body": "Hier raakt ze iets."}
    )
    assert on_passage.status_code == 302
    elsewhere = bram.post(f"{url}/comments", data={"passage": "niet in de tekst", "body": "Zo?"})
    assert elsewhere.status_code == 422
    assert anna.post(f"{url}/comments", data={"body": "Dank jullie."}).status_code == 302
    with app.app_context():
        comments = db.session.scalars(db.select(IntervisionComment)).all()
        assert [(c.author_name, c.part) for c in comments] == [
            ("Coach Bram", "letter"),
            ("Coach Anna", None),
        ]
    anna.get(url)
    # the coachee's access log names each colleague who read it, as intervision
    log = text_of(mila.get("/privacy/").get_data(as_text=True))
    assert "Coach Bram" in log and "Coach Anna" in log
    assert "(intervisie)" in log and "je brief van 2 maart 2026 (intervisie)" in log
    with app.app_context():
        reads = db.session.scalars(
            db.select(AccessLog).where(AccessLog.what == intervision.WHAT_READ)
        ).all()
        assert {r.actor_id for r in reads} == {people["bram"].id, people["anna"].id}
        assert {r.subject_id for r in reads} == {people["mila"].id}


def test_the_case_closes_after_its_days_and_its_texts_are_removed(
    app, people, group, answered, clock
):
    anna, case_id = bring(app, people, group, answered)
    ask(app, anna, case_id)
    mila = signed_in(app, people["mila"])
    mila.post(f"/intervision/requests/{case_id}", data={"answer": "yes"})
    bram = signed_in(app, people["bram"])
    bram.post(f"/intervision/cases/{case_id}/comments", data={"body": "Mooi kader."})
    run = CliRunner().invoke(cli, ["tick"], obj=ScriptInfo(create_app=lambda: app))
    assert "0 intervision case(s) closed" in run.output
    clock.advance(days=14, seconds=1)
    run = CliRunner().invoke(cli, ["tick"], obj=ScriptInfo(create_app=lambda: app))
    assert run.exit_code == 0 and "1 intervision case(s) closed" in run.output, run.output
    row = case_row(app, case_id)
    assert row["state"] == CaseState.CLOSED
    assert row["letter_text"] == row["feedback_text"] == row["question"] == ""
    assert row["comments"] == 0
    bram = signed_in(app, people["bram"])  # two weeks later: a new session
    page = bram.get(f"/intervision/cases/{case_id}").get_data(as_text=True)
    assert "gesloten" in page and "Mooi kader" not in page
    assert f"/intervision/cases/{case_id}" not in bram.get("/intervision/").get_data(as_text=True)


def test_the_coach_or_the_coachee_can_end_it_early(app, people, group, answered):
    anna, case_id = bring(app, people, group, answered)
    ask(app, anna, case_id)
    mila = signed_in(app, people["mila"])
    mila.post(f"/intervision/requests/{case_id}", data={"answer": "yes"})
    assert mila.post(f"/intervision/requests/{case_id}", data={"answer": "stop"}).status_code == 302
    assert case_row(app, case_id)["state"] == CaseState.CLOSED
    _, second = bring(app, people, group, answered)
    bram = signed_in(app, people["bram"])
    assert bram.post(f"/intervision/cases/{second}/close").status_code == 404  # not his
    assert anna.post(f"/intervision/cases/{second}/close").status_code == 302
    assert case_row(app, second)["state"] == CaseState.CLOSED
    assert case_row(app, second)["letter_text"] == ""


def test_only_a_member_brings_only_their_own_answered_letters(app, people, group, answered):
    cees = signed_in(app, people["cees"])
    page = cees.get("/intervision/cases/new").get_data(as_text=True)
    assert "nog niet in een intervisiegroep" in page
    refused = cees.post(
        "/intervision/cases/new",
        data={"group": str(group), "letter": str(answered), "question": QUESTION},
    )
    assert refused.status_code == 422
    bram = signed_in(app, people["bram"])  # in the group, but did not answer Mila's letter
    refused = bram.post(
        "/intervision/cases/new",
        data={"group": str(group), "letter": str(answered), "question": QUESTION},
    )
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(IntervisionCase.id))) == 0


def test_erasing_the_coachee_erases_their_cases(app, people, group, answered, clock):
    anna, case_id = bring(app, people, group, answered)
    ask(app, anna, case_id)
    mila = signed_in(app, people["mila"])
    mila.post(f"/intervision/requests/{case_id}", data={"answer": "yes"})
    bram = signed_in(app, people["bram"])
    bram.post(f"/intervision/cases/{case_id}/comments", data={"body": "Mooi."})
    with app.app_context():
        data_rights.erase(db.session.get(User, people["mila"].id), clock())
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count(IntervisionCase.id))) == 0
        assert db.session.scalar(db.select(db.func.count(IntervisionComment.id))) == 0
        assert (
            db.session.scalar(
                db.select(db.func.count(Notice.id)).where(Notice.case_id.is_not(None))
            )
            == 0
        )
    assert bram.get(f"/intervision/cases/{case_id}").status_code == 404


def test_the_admin_renames_removes_and_deletes(app, people, group, answered):
    admin = signed_in(app, people["admin"])
    page = admin.get(f"/admin/intervision/{group}").get_data(as_text=True)
    assert "Coach Anna" in page and "Coach Bram" in page
    bad = admin.post(f"/admin/intervision/{group}", data={"name": "", "case_days": "0"})
    assert bad.status_code == 422
    admin.post(f"/admin/intervision/{group}", data={"name": "Vrijdaggroep", "case_days": "7"})
    admin.post(f"/admin/intervision/{group}/members/{people['bram'].id}/remove")
    with app.app_context():
        saved = db.session.get(IntervisionGroup, group)
        assert (saved.name, saved.case_days) == ("Vrijdaggroep", 7)
        assert [m.coach_id for m in saved.members] == [people["anna"].id]
    _, case_id = bring(app, people, group, answered)
    assert admin.post(f"/admin/intervision/{group}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(IntervisionCase, case_id) is None
    assert admin.get(f"/admin/intervision/{group}").status_code == 404
    coach = signed_in(app, people["anna"])
    assert coach.get("/admin/intervision").status_code == 404
