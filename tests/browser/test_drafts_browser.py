"""Autosaved drafts in a real browser: offline, a closed tab, an expired session, logging out.

Every test runs against a live server with CSRF protection on (see conftest.py)
and drives Debian's Chromium through Playwright. The database is checked
directly, so "saved" means the server really stored the text.
"""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from journey.extensions import db
from journey.models import User

from .conftest import WAIT, LiveServer, journey_keys, log_in

pytestmark = pytest.mark.browser

PLACE = "veilige-haven"
FIRST = "Thuis is de keukentafel bij mijn oma."
SECOND = " Daar hoef ik niets uit te leggen."


def stored_text(page: Page, key: str) -> str | None:
    raw = page.evaluate("(key) => localStorage.getItem(key)", key)
    return None if raw is None else json.loads(raw)["text"]


def open_place(page: Page, server: LiveServer, *, go: bool = True):
    """Open the test place (or use the page already shown when not ``go``).

    Returns the first answer field, its save state and its localStorage key.
    """
    if go:
        page.goto(f"{server.url}/places/{PLACE}")
    field_name = f"q-{server.first_question(PLACE)}"
    field = page.locator(f'textarea[data-field="{field_name}"]')
    state = page.locator(f'[data-state-for="{field_name}"]')
    expect(field).to_be_visible()
    user = page.locator("body").get_attribute("data-user")
    drafts = page.locator("form[data-drafts]").get_attribute("data-drafts")
    assert drafts.startswith("visit:")
    return field, state, f"journey:{user}:{drafts}:{field_name}"


def test_offline_draft_survives_and_reaches_server(live_server, context, page):
    live_server.create_coachee("Zeemeeuw")
    question = live_server.first_question(PLACE)
    log_in(page, live_server, "Zeemeeuw")
    expect(page).to_have_url(f"{live_server.url}/map")
    field, state, key = open_place(page, live_server)

    # Online: the first sentence is autosaved.
    field.press_sequentially(FIRST)
    expect(state).to_have_attribute("data-kind", "saved", timeout=WAIT)
    assert live_server.answers(question) == [FIRST]
    assert journey_keys(page) == []

    # Offline: the autosave fails, the text waits in localStorage.
    context.set_offline(True)
    field.press_sequentially(SECOND)
    expect(state).to_have_attribute("data-kind", "offline", timeout=WAIT)
    assert stored_text(page, key) == FIRST + SECOND
    assert live_server.answers(question) == [FIRST]

    # The tab is closed while offline; back online, a new tab restores and saves the text.
    page.close()
    context.set_offline(False)
    page = context.new_page()
    field, state, restored_key = open_place(page, live_server)
    assert restored_key == key
    expect(field).to_have_value(FIRST + SECOND)
    # The new tab saves the restored text; or, when the closing tab still heard the
    # connection come back and saved it itself, finds it saved and drops its copy.
    page.wait_for_function("(key) => localStorage.getItem(key) === null", arg=key, timeout=WAIT)
    assert live_server.answers(question) == [FIRST + SECOND]
    assert journey_keys(page) == []
    expect(state).not_to_have_attribute("data-kind", "offline")


def test_session_expiry_keeps_text(live_server, context, page):
    live_server.create_coachee("Zeemeeuw")
    question = live_server.first_question(PLACE)
    log_in(page, live_server, "Zeemeeuw")
    field, state, key = open_place(page, live_server)
    field.press_sequentially(FIRST)
    expect(state).to_have_attribute("data-kind", "saved", timeout=WAIT)

    # The session ends (cookies gone): the server refuses the autosave, the text stays here.
    context.clear_cookies()
    field.press_sequentially(SECOND)
    expect(state).to_have_attribute("data-kind", "error", timeout=WAIT)
    expect(state).to_contain_text("niet meer ingelogd")
    assert stored_text(page, key) == FIRST + SECOND
    assert live_server.answers(question) == [FIRST]

    # Logging in again leads back to the place, where the text is restored and saved.
    log_in(page, live_server, "Zeemeeuw", f"/login?next=/places/{PLACE}")
    expect(page).to_have_url(f"{live_server.url}/places/{PLACE}")
    field, state, _key = open_place(page, live_server, go=False)
    expect(field).to_have_value(FIRST + SECOND)
    expect(state).to_have_attribute("data-kind", "saved", timeout=WAIT)
    assert live_server.answers(question) == [FIRST + SECOND]
    assert journey_keys(page) == []


def test_logout_warns_then_clears_browser_copy(live_server, context, page):
    live_server.create_coachee("Zeemeeuw")
    log_in(page, live_server, "Zeemeeuw")
    field, state, key = open_place(page, live_server)

    context.set_offline(True)
    field.press_sequentially(FIRST)
    expect(state).to_have_attribute("data-kind", "offline", timeout=WAIT)
    # Back online, but keep the drafts endpoint unreachable: the retry that the
    # "online" event starts must not save the text (and so remove the key) before
    # the logout, or this test would pass without logging out clearing anything.
    page.route("**/visits/*/drafts/*", lambda route: route.abort())
    context.set_offline(False)
    assert stored_text(page, key) == FIRST

    # Unsaved text: logging out asks first. Saying no keeps everything.
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.locator("header form[data-logout] button").click()
    expect(page.locator("body[data-user]")).to_have_count(1)
    assert "nog niet op de server is opgeslagen" in dialogs[0]
    assert stored_text(page, key) == FIRST

    # Saying yes logs out and clears this browser's copy.
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("header form[data-logout] button").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("body[data-user]")).to_have_count(0)  # logged out
    assert journey_keys(page) == []


def test_two_tabs_on_one_draft_show_both_texts_and_let_the_writer_choose(live_server, context):
    live_server.create_coachee("Zeemeeuw")
    question = live_server.first_question(PLACE)
    first = context.new_page()
    log_in(first, live_server, "Zeemeeuw")
    first_field, first_state, _key = open_place(first, live_server)
    second = context.new_page()
    second_field, second_state, _key = open_place(second, live_server)  # an older copy now

    first_field.press_sequentially(FIRST)
    expect(first_state).to_have_attribute("data-kind", "saved", timeout=WAIT)
    second_field.press_sequentially(SECOND)
    conflict = second.locator(".conflict")
    expect(conflict).to_contain_text(FIRST, timeout=WAIT)  # the other tab's text, shown
    assert live_server.answers(question) == [FIRST]  # nothing overwritten silently

    conflict.locator("button").first.click()  # keep my text
    expect(second_state).to_have_attribute("data-kind", "saved", timeout=WAIT)
    assert live_server.answers(question) == [SECOND]


def test_saved_at_shows_the_servers_time_in_the_writers_zone_and_language(live_server, page):
    """The "saved at" time is the server's, in the writer's own zone and language (not the
    browser's clock): a writer in Kiritimati (UTC+14) who reads Journey in English."""
    user_id = live_server.create_coachee("Zeearend")
    with live_server.app.app_context():
        user = db.session.get(User, user_id)
        user.locale, user.time_zone = "en", "Pacific/Kiritimati"
        db.session.commit()
    log_in(page, live_server, "Zeearend")
    field, state, _key = open_place(page, live_server)
    field.press_sequentially(FIRST)
    expect(state).to_have_attribute("data-kind", "saved", timeout=WAIT)
    shown = state.inner_text()
    kiritimati = [
        live_server.clock().astimezone(ZoneInfo("Pacific/Kiritimati")) - timedelta(minutes=m)
        for m in (0, 1)  # the minute may have turned since the save
    ]
    expected = [f"Saved at {t:%-I:%M}\u202f{t:%p}" for t in kiritimati]
    assert shown in expected, (shown, expected)
