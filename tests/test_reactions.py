"""What lands with the coachee: beside each comment of the coach and at the end of the
feedback, the coachee may mark "Dit raakt me" or "Hier mis ik iets" and add a line; the
coach reads it on the letter and in the dossier.

Through the real pages, as each person would: CSRF on, two-factor for staff.
"""

from __future__ import annotations

import io
import json
import re
import uuid
import zipfile

import pytest
import sqlalchemy as sa

from journey import inbox, reactions, second_reader
from journey.extensions import db
from journey.models import Letter, Reaction, Role, User

from .conftest import a_place_letter, login, text_of

pytestmark = pytest.mark.usefixtures("quick_password_hashes")

ANSWER = "Thuis is het rustig, maar in mijn hoofd niet. Ik ben zo moe van het doorgaan."
COMMENT = "Je schrijft dat het in je hoofd niet rustig is. Wat zou je daar willen horen?"
LINE = "Ja, precies dat. Fijn dat je het zag."


@pytest.fixture
def people(make_user):
    anna = make_user("Coach Anna", Role.COACH)
    return {
        "anna": anna,
        "bram": make_user("Coach Bram", Role.COACH),
        "mila": make_user("Mila", coach=anna),
        "noor": make_user("Noor", coach=anna),  # another coachee of the same coach
        "admin": make_user("Beheerder Bo", Role.ADMIN),
    }


def answer_feedback(app, letter_id: int, coach, frame, clock, comment: str = COMMENT, send=True):
    """The coach answers the letter with a comment on its answer; the comment's key."""
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        feedback = inbox.feedback_draft(letter, db.session.get(User, coach.id), frame, clock())
        texts = {f"s-{s.id}": "Wat fijn dat je schreef." for s in frame.sections}
        key = f"c-{letter.visit.answers[0].question_id}"
        texts[key] = comment
        if send:
            inbox.send_feedback(feedback, texts, frame, clock())
        else:
            for part_key, text in texts.items():
                inbox.save_feedback_part(feedback, part_key, text, clock())
        db.session.commit()
        return key


@pytest.fixture
def answered(app, people, clock, frame) -> tuple[int, str]:
    """Mila's letter, answered by Anna with a comment on the answer: (letter id, key)."""
    letter_id = a_place_letter(app, people["mila"], clock, answer=ANSWER)
    clock.advance(hours=5)
    return letter_id, answer_feedback(app, letter_id, people["anna"], frame, clock)


def signed_in(app, actor):
    client = app.test_client()
    assert login(client, actor).status_code == 302
    return client


def stored(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Reaction).order_by(Reaction.id))
        return [(r.key, r.kind, r.line, r.created_at, r.updated_at) for r in rows]


def react(client, letter_id: int, key: str, **form):
    return client.post(f"/letters/{letter_id}/reactions/{key}", data=form)


def test_the_coachee_reacts_beside_a_comment_and_the_coach_reads_it(app, people, answered):
    letter_id, key = answered
    mila = signed_in(app, people["mila"])
    page = mila.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert page.index(COMMENT) < page.index("Laat Coach Anna weten hoe dit bij je landt")
    assert "Laat Coach Anna weten hoe deze brief bij je landt" in page  # the end
    done = react(mila, letter_id, key, kind="touches", line=LINE)
    assert done.status_code == 302
    assert done.headers["Location"] == f"/letters/{letter_id}#reactie-{letter_id}-{key}"
    page = text_of(mila.get(done.headers["Location"]).get_data(as_text=True))
    assert "Je reactie is bewaard. Coach Anna leest hem bij je brief." in page
    assert f"Jij gaf aan: Dit raakt me “{LINE}”" in page
    assert [row[:3] for row in stored(app)] == [(key, "touches", LINE)]

    anna = signed_in(app, people["anna"])
    letter_page = text_of(anna.get(f"/inbox/letters/{letter_id}").get_data(as_text=True))
    assert f"{COMMENT} Mila gaf aan: Dit raakt me “{LINE}”" in letter_page
    dossier = text_of(anna.get(f"/dossier/{people['mila'].id}").get_data(as_text=True))
    assert f"Mila gaf aan: Dit raakt me “{LINE}”" in dossier
    assert "Verander je reactie" not in letter_page + dossier  # the coach only reads it


def test_the_feedback_as_a_whole_gets_a_reaction_at_its_end(app, people, answered):
    letter_id, _key = answered
    mila = signed_in(app, people["mila"])
    assert react(mila, letter_id, "end", kind="misses", line="Over mijn werk.").status_code == 302
    page = text_of(mila.get(f"/letters/{letter_id}").get_data(as_text=True))
    assert page.index("Wat fijn dat je schreef.") < page.index("Jij gaf aan: Hier mis ik iets")
    anna = signed_in(app, people["anna"])
    letter_page = text_of(anna.get(f"/inbox/letters/{letter_id}").get_data(as_text=True))
    assert "Mila gaf aan: Hier mis ik iets “Over mijn werk.”" in letter_page


def test_once_per_comment_reacting_again_changes_the_reaction(app, people, answered, clock):
    letter_id, key = answered
    mila = signed_in(app, people["mila"])
    react(mila, letter_id, key, kind="touches", line=LINE)
    [(_, _, _, created, _)] = stored(app)
    clock.advance(minutes=10)
    assert react(mila, letter_id, key, kind="misses", line="Toch niet helemaal.").status_code == 302
    assert stored(app) == [(key, "misses", "Toch niet helemaal.", created, clock())]
    assert react(mila, letter_id, key, kind="misses", line="").status_code == 302  # no line
    assert [row[:3] for row in stored(app)] == [(key, "misses", "")]
    page = text_of(mila.get(f"/letters/{letter_id}").get_data(as_text=True))
    assert "Jij gaf aan: Hier mis ik iets" in page and "Toch niet helemaal." not in page


def test_a_reaction_can_be_taken_back(app, people, answered):
    letter_id, key = answered
    mila = signed_in(app, people["mila"])
    react(mila, letter_id, key, kind="touches", line=LINE)
    page = mila.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert f'action="/letters/{letter_id}/reactions/{key}/take-back"' in page
    gone = mila.post(f"/letters/{letter_id}/reactions/{key}/take-back", data={})
    assert gone.status_code == 302 and stored(app) == []
    assert "Je reactie is weggehaald." in mila.get(gone.headers["Location"]).get_data(as_text=True)
    anna = signed_in(app, people["anna"])
    assert LINE not in anna.get(f"/inbox/letters/{letter_id}").get_data(as_text=True)
    again = mila.post(f"/letters/{letter_id}/reactions/{key}/take-back", data={})
    assert again.status_code == 302  # nothing left to take back: nothing happens


@pytest.mark.parametrize("who", ["noor", "anna", "bram", "admin"])
def test_only_the_coachee_of_the_letter_may_react(app, people, answered, who):
    letter_id, key = answered
    mila = signed_in(app, people["mila"])
    react(mila, letter_id, key, kind="touches", line=LINE)
    other = signed_in(app, people[who])
    assert react(other, letter_id, key, kind="misses", line="Niet van mij.").status_code == 404
    assert react(other, letter_id, "end", kind="misses").status_code == 404
    taken = other.post(f"/letters/{letter_id}/reactions/{key}/take-back", data={})
    assert taken.status_code == 404
    assert [row[:3] for row in stored(app)] == [(key, "touches", LINE)]


def test_anonymous_visitors_are_sent_to_log_in(app, client, answered):
    letter_id, key = answered
    response = react(client, letter_id, key, kind="touches")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert stored(app) == []


def test_another_coach_does_not_read_the_reactions(app, people, answered, make_user, clock):
    letter_id, key = answered
    react(signed_in(app, people["mila"]), letter_id, key, kind="touches", line=LINE)
    bram = signed_in(app, people["bram"])
    assert bram.get(f"/inbox/letters/{letter_id}").status_code == 404
    assert bram.get(f"/dossier/{people['mila'].id}").status_code == 404


def test_only_comments_that_exist_on_sent_feedback_take_a_reaction(
    app, people, answered, clock, frame
):
    letter_id, key = answered
    mila = signed_in(app, people["mila"])
    section = f"s-{frame.sections[0].id}"
    for unknown in ("c-bestaat-niet", section, "END", "c-", "x" * 81):
        assert react(mila, letter_id, unknown, kind="touches").status_code == 404, unknown
    assert react(mila, 999_999, "end", kind="touches").status_code == 404
    waiting = a_place_letter(app, people["mila"], clock, place="humor")  # not answered yet
    assert react(mila, waiting, "end", kind="touches").status_code == 404
    answer_feedback(app, waiting, people["anna"], frame, clock, send=False)  # a draft
    assert react(mila, waiting, key, kind="touches").status_code == 404
    assert react(mila, waiting, "end", kind="touches").status_code == 404
    blank = a_place_letter(app, people["mila"], clock, place="topjob")
    blank_key = answer_feedback(app, blank, people["anna"], frame, clock, comment="  ")
    assert react(mila, blank, blank_key, kind="touches").status_code == 404  # no comment
    assert react(mila, blank, "end", kind="touches").status_code == 302
    assert [row[:2] for row in stored(app)] == [("end", "touches")]
    assert "Laat Coach Anna weten hoe dit bij je landt" not in mila.get(
        f"/letters/{blank}"
    ).get_data(as_text=True)


def test_a_refused_reaction_keeps_what_was_typed(app, people, answered):
    letter_id, key = answered
    mila = signed_in(app, people["mila"])
    long_line = "Zoveel wil ik zeggen. " * 30  # 660 characters
    refused = react(mila, letter_id, key, kind="misses", line=long_line)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Deze tekst is 659 tekens lang; het maximum is 500." in text_of(page)
    assert f'value="{long_line}"' in page and 'aria-invalid="true"' in page
    assert re.search(r'<input type="radio" name="kind" value="misses" checked>', page)
    assert '<details class="reaction-details" open>' in page  # the refused form stays open
    assert stored(app) == []
    no_kind = react(mila, letter_id, key, line="Wat ik wilde zeggen.")
    assert no_kind.status_code == 422
    page = no_kind.get_data(as_text=True)
    assert "Kies ‘Dit raakt me’ of ‘Hier mis ik iets’." in page
    assert 'value="Wat ik wilde zeggen."' in page
    assert react(mila, letter_id, key, kind="houdt-van", line="x").status_code == 422
    assert stored(app) == []


def test_a_reaction_needs_the_pages_csrf_token(app, people, answered):
    letter_id, key = answered
    mila = signed_in(app, people["mila"])
    response = mila.post(
        f"/letters/{letter_id}/reactions/{key}", data={"kind": "touches"}, csrf=False
    )
    assert response.status_code == 400 and stored(app) == []


def test_from_the_dossier_back_to_the_dossier(app, people, answered):
    letter_id, key = answered
    mila = signed_in(app, people["mila"])
    dossier = mila.get("/dossier").get_data(as_text=True)
    assert f'action="/letters/{letter_id}/reactions/{key}"' in dossier
    assert f'action="/letters/{letter_id}/reactions/end"' in dossier
    done = react(mila, letter_id, key, kind="touches", line=LINE, back="dossier", page="1")
    assert done.headers["Location"] == f"/dossier#reactie-{letter_id}-{key}"
    shown = text_of(mila.get("/dossier").get_data(as_text=True))
    assert f"Jij gaf aan: Dit raakt me “{LINE}”" in shown
    later = react(mila, letter_id, key, kind="touches", back="dossier", page="2")
    assert later.headers["Location"] == f"/dossier?page=2#reactie-{letter_id}-{key}"


def test_a_closed_trajectory_keeps_its_reactions_to_read(app, people, answered, clock):
    letter_id, key = answered
    mila = signed_in(app, people["mila"])
    react(mila, letter_id, key, kind="touches", line=LINE)
    with app.app_context():
        inbox.close_trajectory(db.session.get(User, people["mila"].id), clock())
        db.session.commit()
    assert react(mila, letter_id, key, kind="misses").status_code == 409
    assert mila.post(f"/letters/{letter_id}/reactions/{key}/take-back").status_code == 409
    page = text_of(mila.get(f"/letters/{letter_id}").get_data(as_text=True))
    assert f"Jij gaf aan: Dit raakt me “{LINE}”" in page
    assert "Verander je reactie" not in page and "hoe deze brief bij je landt" not in page
    assert [row[:2] for row in stored(app)] == [(key, "touches")]


def test_the_kinds_of_the_comment_are_kept_with_the_reaction(app, people, answered):
    letter_id, key = answered
    mila = signed_in(app, people["mila"])
    react(mila, letter_id, key, kind="touches")
    react(mila, letter_id, "end", kind="touches")
    with app.app_context():
        kept = dict(db.session.execute(sa.select(Reaction.key, Reaction.comment_kinds)).all())
    assert kept == {key: list(second_reader.comment_kinds(COMMENT, ANSWER)), "end": []}
    assert "question" in kept[key]  # the comment asks


def test_reactions_are_encrypted_at_rest(app, people, answered):
    letter_id, key = answered
    canary = f"kanarie-{uuid.uuid4()}"
    react(signed_in(app, people["mila"]), letter_id, key, kind="touches", line=canary)
    with app.app_context():
        raw = db.session.execute(sa.text("SELECT line FROM reactions")).scalar_one()
        assert canary not in raw
        assert db.session.scalar(sa.select(Reaction.line)) == canary


def test_reactions_are_in_the_coachees_exports(app, people, answered):
    letter_id, key = answered
    mila = signed_in(app, people["mila"])
    react(mila, letter_id, key, kind="touches", line=LINE)
    react(mila, letter_id, "end", kind="misses", line="Over mijn werk.")
    data = json.loads(mila.get("/dossier/export.json").get_data(as_text=True))
    [letter] = [e for e in data["entries"] if e["kind"] == "letter"]
    [feedback] = [e for e in data["entries"] if e["kind"] == "feedback"]
    assert letter["answers"][0]["reaction"]["kind"] == "touches"
    assert letter["answers"][0]["reaction"]["line"] == LINE
    assert feedback["reaction"]["line"] == "Over mijn werk."
    markdown = mila.get("/dossier/export.md").get_data(as_text=True)
    assert "*Mila gaf aan: Dit raakt me*\n\n> Ja, precies dat. Fijn dat je het zag." in markdown
    assert "*Mila gaf aan: Hier mis ik iets*\n\n> Over mijn werk." in markdown
    archive = zipfile.ZipFile(io.BytesIO(mila.get("/privacy/archive.zip").data))
    assert LINE in archive.read("dossier.json").decode()
    assert LINE in archive.read("dossier.md").decode()
    anna = signed_in(app, people["anna"])
    assert LINE in anna.get(f"/dossier/{people['mila'].id}/export.md").get_data(as_text=True)


def test_the_domain_refuses_what_the_page_cannot_send(app, people, answered, clock):
    letter_id, key = answered
    with app.app_context():
        feedback = db.session.get(Letter, letter_id).feedback
        assert reactions.keys_of(feedback) == [key, "end"]
        with pytest.raises(ValueError):
            reactions.react(feedback, "c-nergens", "touches", "", clock())
        with pytest.raises(reactions.ReactionRefused) as refused:
            reactions.react(feedback, key, "touches", "x" * 501, clock())
        assert (refused.value.problem, refused.value.length) == ("too_long", 501)
        assert reactions.react(feedback, key, "touches", "x" * 500, clock()).line == "x" * 500
        assert reactions.take_back(feedback, key) and not reactions.take_back(feedback, key)


def test_the_letter_page_does_as_many_queries_with_and_without_reactions(
    app, people, answered, count_queries
):
    letter_id, key = answered
    mila = signed_in(app, people["mila"])
    mila.get(f"/letters/{letter_id}")
    _, before = count_queries(mila.get, f"/letters/{letter_id}")
    react(mila, letter_id, key, kind="touches", line=LINE)
    react(mila, letter_id, "end", kind="misses")
    mila.get(f"/letters/{letter_id}")  # the flash message is read
    _, after = count_queries(mila.get, f"/letters/{letter_id}")
    assert after == before
