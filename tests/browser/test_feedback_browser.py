"""A coach's feedback draft in a real browser: autosaved, and kept through a lost connection."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from journey import visits
from journey.extensions import db
from journey.models import FeedbackPart, Role, User

from .conftest import WAIT, LiveServer, journey_keys, log_in

pytestmark = pytest.mark.browser

OPENING = "Wat een moedige brief."
MORE = " Je schrijft heel precies over de keukentafel."


def a_letter_for_a_coach(server: LiveServer) -> int:
    """A coach 'Coach Anna' and a letter to her from her coachee; returns the letter id."""
    coach_id = server.create_user("Coach Anna", Role.COACH)
    coachee_id = server.create_user("Reiziger", Role.COACHEE, coach_id=coach_id)
    with server.app.app_context():
        now = server.clock()
        coachee = db.session.get(User, coachee_id)
        visit = visits.visit_place(coachee, "veilige-haven", now)
        question = server.first_question("veilige-haven")
        letter = visits.send_letter(
            visit, {question: "Thuis is de keukentafel."}, None, "", now, 48
        )
        db.session.commit()
        letter_id = letter.id
        db.session.remove()
    return letter_id


def stored_feedback(server: LiveServer) -> list[str]:
    with server.app.app_context():
        texts = list(db.session.scalars(db.select(FeedbackPart.text)))
        db.session.remove()
    return texts


def test_feedback_draft_survives_a_lost_connection(live_server, context, page):
    letter_id = a_letter_for_a_coach(live_server)
    log_in(page, live_server, "Coach Anna")
    url = f"{live_server.url}/inbox/letters/{letter_id}"
    page.goto(url)
    section = page.locator("form[data-drafts] textarea[data-field^='s-']").first
    name = section.get_attribute("data-field")
    state = page.locator(f'[data-state-for="{name}"]')
    section.press_sequentially(OPENING)
    expect(state).to_have_attribute("data-kind", "saved", timeout=WAIT)
    assert stored_feedback(live_server) == [OPENING]

    context.set_offline(True)
    section.press_sequentially(MORE)
    expect(state).to_have_attribute("data-kind", "offline", timeout=WAIT)
    page.close()

    context.set_offline(False)
    page = context.new_page()
    page.goto(url)
    section = page.locator(f'textarea[data-field="{name}"]')
    expect(section).to_have_value(OPENING + MORE)
    # The new tab saves the restored text; or, when the closing tab still heard the
    # connection come back and saved it itself, finds it saved and drops its copy.
    page.wait_for_function(
        "() => !Object.keys(localStorage).some((key) => key.startsWith('journey:'))",
        timeout=WAIT,
    )
    assert stored_feedback(live_server) == [OPENING + MORE]
    expect(page.locator(f'[data-state-for="{name}"]')).not_to_have_attribute("data-kind", "offline")


def test_sending_feedback_leaves_nothing_unsaved_behind(live_server, page):
    letter_id = a_letter_for_a_coach(live_server)
    log_in(page, live_server, "Coach Anna")
    page.goto(f"{live_server.url}/inbox/letters/{letter_id}")
    for area in page.locator("form[data-drafts] textarea[data-field^='s-']").all():
        area.fill(OPENING)  # sent at once, before any autosave could confirm
    page.locator("button[value=send]").click()
    expect(page.locator(".feedback")).to_contain_text(OPENING)
    page.wait_for_load_state("domcontentloaded")  # the deferred script has run
    assert journey_keys(page) == []
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.locator("header form[data-logout] button").click()
    expect(page).to_have_url(f"{live_server.url}/")
    assert dialogs == []
