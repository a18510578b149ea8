"""Journey as an installed web app, in a real browser: the service worker registers and
activates, keeps static files and the offline page, and never a page with a written
text nor any answer marked no-store; offline, a kept static file still loads."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from journey import visits
from journey.extensions import db
from journey.models import Role, User

from .conftest import WAIT, LiveServer, log_in

pytestmark = pytest.mark.browser

PLACE, DRAFT_PLACE = "veilige-haven", "stille-vijver"
SENT_CANARY = "Kanarie-verstuurd-7f3a: de keukentafel bij oma."
DRAFT_CANARY = "Kanarie-concept-9c1e: niemand weet dit nog."

ACTIVE_WORKER = """async () => {
  const registration = await navigator.serviceWorker.ready;
  return [registration.active && registration.active.state, registration.scope];
}"""

CACHED = """async () => {
  const kept = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const response = await cache.match(request);
      kept.push({
        cache: name,
        url: request.url,
        control: response.headers.get("Cache-Control") || "",
        body: await response.text(),
      });
    }
  }
  return kept;
}"""


FETCHED = """async (url) => {
  const response = await fetch(url);
  return [response.status, (await response.text()).length];
}"""


def a_sent_letter(server: LiveServer) -> int:
    """Coachee 'Zeemeeuw' (with a coach) sent a letter holding ``SENT_CANARY``."""
    coach_id = server.create_user("Coach Anna", Role.COACH)
    coachee_id = server.create_user("Zeemeeuw", Role.COACHEE, coach_id=coach_id)
    with server.app.app_context():
        now = server.clock()
        visit = visits.visit_place(db.session.get(User, coachee_id), PLACE, now)
        letter = visits.send_letter(
            visit, {server.first_question(PLACE): SENT_CANARY}, None, "", now, 48
        )
        db.session.commit()
        letter_id = letter.id
        db.session.remove()
    return letter_id


def write_draft(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/places/{DRAFT_PLACE}")
    name = f"q-{server.first_question(DRAFT_PLACE)}"
    page.locator(f'textarea[data-field="{name}"]').press_sequentially(DRAFT_CANARY)
    expect(page.locator(f'[data-state-for="{name}"]')).to_have_attribute(
        "data-kind", "saved", timeout=WAIT
    )


def test_the_worker_keeps_static_files_and_never_a_written_text(live_server, context, page):
    letter_id = a_sent_letter(live_server)
    log_in(page, live_server, "Zeemeeuw")
    state, scope = page.evaluate(ACTIVE_WORKER)
    assert state == "activated" and scope == live_server.url + "/"

    write_draft(page, live_server)
    pages = ("/map", f"/places/{PLACE}", f"/places/{DRAFT_PLACE}", "/letters")
    for path in (*pages, f"/letters/{letter_id}", "/dossier"):
        page.goto(live_server.url + path)
        expect(page.locator("main")).to_be_visible()
    assert page.evaluate("() => navigator.serviceWorker.controller !== null")
    assert SENT_CANARY in page.content()  # the dossier shows it: the pages were real

    kept = page.evaluate(CACHED)
    addresses = [entry["url"].removeprefix(live_server.url) for entry in kept]
    assert any(a.startswith("/static/css/journey.css?v=") for a in addresses), addresses
    assert any(a.startswith("/static/js/journey.js?v=") for a in addresses), addresses
    assert "/offline" in addresses
    for entry in kept:
        assert "no-store" not in entry["control"], entry["url"]
        assert SENT_CANARY not in entry["body"] and DRAFT_CANARY not in entry["body"], entry["url"]
        path = entry["url"].removeprefix(live_server.url)
        assert path == "/offline" or path.startswith("/static/"), path

    # Offline: a kept static file still loads; a page shows the offline page, no text.
    style = page.locator('link[rel="stylesheet"]').first.get_attribute("href")
    context.set_offline(True)
    loaded = page.evaluate(FETCHED, style)
    assert loaded[0] == 200 and loaded[1] > 1000
    page.goto(f"{live_server.url}/letters/{letter_id}")
    expect(page.locator("h1")).to_have_text("Geen verbinding")
    assert SENT_CANARY not in page.content()
    context.set_offline(False)
