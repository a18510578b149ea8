"""The idle warning in a real browser (static/js/session.js): it shows before a session
ends for lack of activity, "Ingelogd blijven" keeps the session going on the server,
and when the time is up the page says so and offers to log in again. Logging out with
the header's button ends the session, after asking first when typed text has not reached
the server yet (journey.js).

The browser's time is moved with Playwright's clock, the server's with its own clock
(``live_server.clock``), so an hour passes in a moment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from .conftest import WAIT, log_in

pytestmark = pytest.mark.browser

BANNER = ".idle-warning"
PLACE = "veilige-haven"


def logged_in_on_the_map(page, server) -> None:
    server.create_coachee("Zeemeeuw")
    page.clock.install()  # the page's timers and Date from now on follow page.clock
    log_in(page, server, "Zeemeeuw")
    expect(page).to_have_url(f"{server.url}/map")


def test_the_warning_comes_before_the_end_and_staying_keeps_the_session(live_server, page):
    logged_in_on_the_map(page, live_server)
    expect(page.locator(BANNER)).to_have_count(0)

    page.clock.fast_forward("50:00")  # 10 minutes left: no warning yet
    page.clock.run_for("00:16")  # a check ran
    expect(page.locator(BANNER)).to_have_count(0)
    page.clock.fast_forward("06:00")  # 4 minutes left: warned
    banner = page.locator(BANNER)
    expect(banner).to_contain_text("Je wordt over 5 minuten uitgelogd", timeout=WAIT)
    live_server.clock.advance(minutes=56)

    with page.expect_response("**/session/keep-alive") as answer:
        banner.get_by_role("button", name="Ingelogd blijven").click()
    assert answer.value.status == 200
    expect(page.locator(BANNER)).to_have_count(0)

    # 56 more minutes: 112 since the map was loaded, 56 since "Ingelogd blijven"
    live_server.clock.advance(minutes=56)
    page.goto(f"{live_server.url}/letters")
    expect(page).to_have_url(f"{live_server.url}/letters")
    expect(page.locator("body[data-user]")).to_have_count(1)


def test_without_staying_the_session_ends_and_the_page_says_so(live_server, page):
    logged_in_on_the_map(page, live_server)
    page.clock.fast_forward("01:01:00")
    banner = page.locator(BANNER)
    expect(banner).to_contain_text("Je bent uitgelogd omdat je een tijd niets deed", timeout=WAIT)
    again = banner.get_by_role("link", name="Opnieuw inloggen")
    expect(again).to_have_attribute("href", "/login?next=/map")
    expect(banner.get_by_role("button", name="Ingelogd blijven")).to_have_count(0)

    live_server.clock.advance(minutes=61)  # the server agrees: the session has ended
    again.click()
    expect(page).to_have_url(f"{live_server.url}/login?next=/map")
    expect(page.locator("body[data-user]")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Je deed een tijd niets")


def test_typing_counts_as_activity(live_server, page):
    logged_in_on_the_map(page, live_server)
    page.goto(f"{live_server.url}/places/veilige-haven")
    field = page.locator("textarea[data-field]").first
    page.clock.fast_forward("50:00")
    live_server.clock.advance(minutes=50)
    with page.expect_request("**/session/keep-alive"):  # typing after a quiet minute pings
        field.press_sequentially("Even")
    page.clock.fast_forward("15:00")  # 65 minutes since the page, 15 since typing
    page.clock.run_for("00:16")  # a check ran
    expect(page.locator(BANNER)).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("uitgelogd")


def test_logging_out_ends_the_session(live_server, page):
    logged_in_on_the_map(page, live_server)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.locator("header form[data-logout] button").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("body[data-user]")).to_have_count(0)
    assert dialogs == []  # nothing unsaved: no question
    page.goto(f"{live_server.url}/map")
    expect(page).to_have_url(f"{live_server.url}/login?next=/map")


def test_logging_out_with_unsaved_text_asks_first(live_server, page):
    logged_in_on_the_map(page, live_server)
    question = live_server.first_question(PLACE)
    page.goto(f"{live_server.url}/places/{PLACE}")
    # The browser's time stands still: the autosave (0.8 s after typing) has not run yet
    # when "Uitloggen" is clicked, as for someone who logs out right after typing.
    page.clock.pause_at(datetime.now() + timedelta(minutes=1))
    field = page.locator(f'textarea[data-field="q-{question}"]')
    field.press_sequentially("Nog niet bewaard")
    expect(page.locator(f'[data-state-for="q-{question}"]')).to_have_attribute(
        "data-kind", "unsaved"
    )
    logout = page.locator("header form[data-logout] button")

    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    logout.click()  # "no": still logged in, on the same page, the text still there
    expect(page.locator("body[data-user]")).to_have_count(1)
    assert dialogs and "nog niet op de server is opgeslagen" in dialogs[0]
    expect(page).to_have_url(f"{live_server.url}/places/{PLACE}")
    expect(field).to_have_value("Nog niet bewaard")

    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    logout.click()  # "yes": logged out
    expect(page).to_have_url(f"{live_server.url}/")
    assert len(dialogs) == 2
    expect(page.locator("body[data-user]")).to_have_count(0)
    page.goto(f"{live_server.url}/places/{PLACE}")
    expect(page).to_have_url(f"{live_server.url}/login?next=/places/{PLACE}")
    assert live_server.answers(question) == []  # the text never reached the server
