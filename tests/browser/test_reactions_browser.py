"""What lands with the coachee, in a real browser with JavaScript off and the keyboard
only: the coachee opens the reaction beside their coach's comment, chooses "Dit raakt
me", adds a line and saves it; then changes it from the dossier; their coach reads it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from journey import inbox, visits
from journey.extensions import db
from journey.models import Reaction, Role, User

from .conftest import WAIT, LiveServer, log_in
from .test_keyboard_browser import tab_until

pytestmark = pytest.mark.browser

COMMENT = "Je schrijft dat de keukentafel thuis is. Wat maakt die plek zo?"
LINE = "Daar word ik rustig van."


def an_answered_letter(server: LiveServer) -> tuple[int, str]:
    """Reiziger's letter with Coach Anna's sent feedback and a comment on its answer:
    (letter id, the comment's key)."""
    coach_id = server.create_user("Coach Anna", Role.COACH)
    coachee_id = server.create_user("Reiziger", Role.COACHEE, coach_id=coach_id)
    frame = server.app.extensions["journey.frames"].default
    with server.app.app_context():
        now = server.clock()
        visit = visits.visit_place(db.session.get(User, coachee_id), "veilige-haven", now)
        question = server.first_question("veilige-haven")
        letter = visits.send_letter(visit, {question: "Thuis is de keukentafel."}, 6, "", now, 48)
        feedback = inbox.feedback_draft(letter, db.session.get(User, coach_id), frame, now)
        texts = {f"s-{s.id}": "Wat een warme brief." for s in frame.sections}
        inbox.send_feedback(feedback, {**texts, f"c-{question}": COMMENT}, frame, now)
        db.session.commit()
        letter_id = letter.id
        db.session.remove()
    return letter_id, f"c-{question}"


def kept(server: LiveServer) -> list[tuple[str, str, str]]:
    with server.app.app_context():
        rows = [(r.key, r.kind, r.line) for r in db.session.scalars(db.select(Reaction))]
        db.session.remove()
    return rows


def test_a_coachee_reacts_to_a_comment_with_the_keyboard_without_javascript(live_server, browser):
    letter_id, key = an_answered_letter(live_server)
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    context.set_default_timeout(WAIT)
    try:
        page = context.new_page()
        log_in(page, live_server, "Reiziger")
        page.goto(f"{live_server.url}/letters/{letter_id}")
        summary = "Laat Coach Anna weten hoe dit bij je landt"
        tab_until(page, lambda a: a["tag"] == "summary" and a["text"] == summary)
        page.keyboard.press("Enter")  # the details open
        tab_until(page, lambda a: a["tag"] == "input" and a["value"] == "touches")
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.type(LINE)
        saved = tab_until(page, lambda a: a["tag"] == "button")
        assert saved["text"] == "Bewaar je reactie"
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/letters/{letter_id}#reactie-{letter_id}-{key}", timeout=WAIT)
        expect(page.locator(f"#reactie-{letter_id}-{key} .reaction-given")).to_contain_text(
            f"Dit raakt me “{LINE}”"
        )
        assert kept(live_server) == [(key, "touches", LINE)]

        page.goto(f"{live_server.url}/dossier")
        block = page.locator(f"#reactie-{letter_id}-{key}")
        block.locator("summary").click()
        block.locator('input[value="misses"]').check()
        block.locator('button[type="submit"]', has_text="Bewaar je reactie").click()
        page.wait_for_url(f"**/dossier#reactie-{letter_id}-{key}", timeout=WAIT)
        assert kept(live_server) == [(key, "misses", LINE)]
    finally:
        context.close()

    coach = browser.new_context(locale="nl-NL")
    try:
        page = coach.new_page()
        log_in(page, live_server, "Coach Anna")
        page.goto(f"{live_server.url}/inbox/letters/{letter_id}")
        expect(page.locator(f"#reactie-{letter_id}-{key}")).to_contain_text(
            f"Reiziger gaf aan: Hier mis ik iets “{LINE}”"
        )
    finally:
        coach.close()
