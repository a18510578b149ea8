"""Keeping a passage of the dossier in the book by selecting its words (static/js/book.js)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from journey import visits
from journey.extensions import db
from journey.models import BookPassage, Role, User

from .conftest import WAIT, LiveServer, log_in

pytestmark = pytest.mark.browser

ANSWER = "Thuis is de keukentafel. Daar praten we over alles wat de dag bracht."


def a_sent_letter(server: LiveServer) -> None:
    coach_id = server.create_user("Coach Anna", Role.COACH)
    coachee_id = server.create_user("Reiziger", Role.COACHEE, coach_id=coach_id)
    with server.app.app_context():
        coachee = db.session.get(User, coachee_id)
        visit = visits.visit_place(coachee, "veilige-haven", server.clock())
        question = server.first_question("veilige-haven")
        visits.send_letter(visit, {question: ANSWER}, None, "", server.clock(), 48)
        db.session.commit()
        db.session.remove()


def kept(server: LiveServer) -> list[str]:
    with server.app.app_context():
        texts = list(db.session.scalars(db.select(BookPassage.text)))
        db.session.remove()
    return texts


def test_selected_words_go_into_the_book(live_server, page):
    a_sent_letter(live_server)
    log_in(page, live_server, "Reiziger")
    page.goto(f"{live_server.url}/dossier")
    answer = page.locator(".qa-answer .written").first
    button = page.locator(".qa-answer [data-mark-selection]").first
    expect(button).to_be_hidden()
    # select "de keukentafel" inside the answer
    answer.evaluate(
        """(element) => {
          const text = element.firstChild;
          const start = text.data.indexOf("de keukentafel");
          const range = document.createRange();
          range.setStart(text, start);
          range.setEnd(text, start + "de keukentafel".length);
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }"""
    )
    expect(button).to_be_visible(timeout=WAIT)
    button.click()
    expect(page.locator(".flash-success")).to_contain_text("Bewaard in je boek", timeout=WAIT)
    assert kept(live_server) == ["de keukentafel"]
    page.goto(f"{live_server.url}/book")
    expect(page.locator(".passage .written")).to_have_text("de keukentafel")


def test_without_a_selection_the_form_keeps_the_trimmed_text(live_server, page):
    a_sent_letter(live_server)
    log_in(page, live_server, "Reiziger")
    page.goto(f"{live_server.url}/dossier")
    mark = page.locator(".qa-answer .mark").first
    mark.locator("summary").click()
    mark.locator("textarea").fill("Daar praten we over alles")
    mark.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text("Bewaard in je boek", timeout=WAIT)
    assert kept(live_server) == ["Daar praten we over alles"]
