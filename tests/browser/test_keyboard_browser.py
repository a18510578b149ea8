"""Keyboard only: Tab, Shift+Tab, Enter and typing, no mouse.

A coachee goes from the map to a place, writes and sends a letter; their coach opens
it from the inbox and sends feedback. On the map each place is one tab stop, in the
order the map reads (row by row from the top, left to right).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from journey import visits
from journey.blueprints.journey import MAP_ROW
from journey.extensions import db
from journey.models import FeedbackPart, Letter, Role, User

from .conftest import WAIT, LiveServer, log_in

pytestmark = pytest.mark.browser

MOST_TABS = 150  # more than any page here has stops: a page that traps the focus fails

ACTIVE = """() => {
  const el = document.activeElement;
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.textContent || "").trim().replace(/\\s+/g, " "),
    href: el.getAttribute("href"),
    field: el.getAttribute("data-field"),
    value: el.getAttribute("value"),
    inSvg: !!el.closest("svg"),
  };
}"""


def tab_until(page: Page, wanted, *, key: str = "Tab") -> dict:
    """Press Tab until the focused element is ``wanted`` (a test on ACTIVE's answer)."""
    for _ in range(MOST_TABS):
        page.keyboard.press(key)
        active = page.evaluate(ACTIVE)
        if wanted(active):
            return active
    raise AssertionError(f"no tab stop after {MOST_TABS} presses of {key}")


def tab_stops(page: Page) -> list[dict]:
    """Every tab stop of the page, once round from the top."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    first = page.evaluate(ACTIVE)
    stops = [first]
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active == first or active["tag"] == "body":
            return stops
        stops.append(active)
    raise AssertionError("the focus never came round")


def test_a_coachee_reaches_a_place_from_the_map_writes_and_sends_with_the_keyboard(
    live_server, page
):
    coach_id = live_server.create_user("Coach Anna", Role.COACH)
    live_server.create_user("Reiziger", Role.COACHEE, coach_id=coach_id)
    log_in(page, live_server, "Reiziger")
    page.goto(live_server.url + "/map")

    world = live_server.app.extensions["journey.world"]
    stops = tab_stops(page)
    to_places = [s["href"] for s in stops if (s["href"] or "").startswith("/places/")]
    assert not [s for s in stops if s["inSvg"]], "the picture of the map takes no tab stop"
    in_map_order = sorted(world.places, key=lambda p: (int(p.position.y // MAP_ROW), p.position.x))
    assert to_places == [f"/places/{p.id}" for p in in_map_order]  # each once, map order

    place = in_map_order[0]
    tab_until(page, lambda a: a["href"] == f"/places/{place.id}")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/places/{place.id}")

    question = place.questions[0].id
    tab_until(page, lambda a: a["field"] == f"q-{question}")
    page.keyboard.type("Hier kom ik tot rust.")
    sent = tab_until(page, lambda a: a["tag"] == "button" and a["value"] == "send")
    assert sent["text"] == "Verstuur je brief"
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/places/" not in url, timeout=WAIT)
    with live_server.app.app_context():
        letters = db.session.scalars(db.select(Letter)).all()
        assert len(letters) == 1 and letters[0].sent_at is not None
        db.session.remove()
    assert live_server.answers(question) == ["Hier kom ik tot rust."]


def test_a_coach_opens_a_letter_from_the_inbox_and_sends_feedback_with_the_keyboard(
    live_server, page
):
    letter_id = a_letter(live_server)
    log_in(page, live_server, "Coach Anna")
    page.goto(live_server.url + "/inbox/")
    tab_until(page, lambda a: a["href"] == f"/inbox/letters/{letter_id}")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/inbox/letters/{letter_id}")

    sections = page.locator("form[data-drafts] textarea[data-field^='s-']").count()
    assert sections > 0
    written = 0
    while True:
        active = tab_until(
            page,
            lambda a: (
                (a["field"] or "").startswith("s-")
                or (a["tag"] == "button" and a["value"] == "send")
            ),
        )
        if active["tag"] == "button":
            break
        page.keyboard.type("Wat een moedige brief.")
        written += 1
    assert written == sections
    page.keyboard.press("Enter")
    expect(page.locator(".feedback")).to_contain_text("Wat een moedige brief.", timeout=WAIT)
    with live_server.app.app_context():
        texts = list(db.session.scalars(db.select(FeedbackPart.text)))
        db.session.remove()
    assert texts == ["Wat een moedige brief."] * sections


def a_letter(server: LiveServer) -> int:
    """Coach Anna and a letter from her coachee, waiting in her inbox; the letter's id."""
    coach_id = server.create_user("Coach Anna", Role.COACH)
    coachee_id = server.create_user("Reiziger", Role.COACHEE, coach_id=coach_id)
    with server.app.app_context():
        now = server.clock()
        visit = visits.visit_place(db.session.get(User, coachee_id), "veilige-haven", now)
        question = server.first_question("veilige-haven")
        letter = visits.send_letter(visit, {question: "Thuis is de keukentafel."}, 6, "", now, 48)
        db.session.commit()
        letter_id = letter.id
        db.session.remove()
    return letter_id


def test_on_a_phone_the_menu_folds_and_opens_with_the_keyboard_without_javascript(
    live_server, browser
):
    live_server.create_coachee("Reiziger")
    context = browser.new_context(
        locale="nl-NL", viewport={"width": 375, "height": 740}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        log_in(page, live_server, "Reiziger")
        page.goto(live_server.url + "/map")
        letters = page.locator("header nav a", has_text="Mijn brieven")
        expect(letters).to_be_hidden()
        summary = tab_until(page, lambda a: a["tag"] == "summary")
        assert summary["text"] == "Menu"
        page.keyboard.press("Enter")
        expect(letters).to_be_visible()
        box = letters.bounding_box()
        assert box is not None and box["height"] >= 44  # a tap target
        tab_until(page, lambda a: a["href"] == "/letters")
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{live_server.url}/letters")
        expect(page.locator("header nav a", has_text="Mijn brieven")).to_be_hidden()
    finally:
        context.close()


def test_on_a_wide_screen_the_menu_is_a_row_of_links(live_server, page):
    live_server.create_coachee("Reiziger")
    log_in(page, live_server, "Reiziger")
    expect(page.locator("header summary")).to_be_hidden()
    expect(page.locator("header nav a", has_text="Mijn brieven")).to_be_visible()
