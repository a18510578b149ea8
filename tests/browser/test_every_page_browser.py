"""Every page of every kind of user, in Chromium on a wide screen and on a phone.

Each page that answers a GET with HTML is opened at 1280 px and at 375 px wide by
the user who may see it (PAGES; the URL map is walked, so a new page without a row
fails, like tests/test_access_matrix.py). On every one: the page scrolls only
downwards (nothing sticks out sideways), and axe-core finds no serious or critical
violation of WCAG 2.1 A/AA.

axe-core comes from the npm registry, pinned in tests/browser/package-lock.json
(``npm ci --prefix tests/browser``, which ``make test`` runs) and is read from disk
into the page: nothing is fetched from outside.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page

from journey import accounts
from journey.extensions import db
from journey.models import NoticeKind, Role, User
from journey.notices import unsubscribe_token

from ..conftest import quick_hash
from ..test_access_matrix import (
    EXPECTED,
    PARAMS,
    PARAMS_FOR,
    a_journey,
    intervision_work,
    practice_work,
)
from .conftest import PASSWORD, WAIT, LiveServer, serve

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1280, 375, 320)
HEIGHT = 800

# who -> the actor of tests/test_access_matrix.py whose row says they may see it
ROLES = {
    "anonymous": "anonymous",
    "coachee": "coachee_a",
    "coach": "coach_a",
    "trainee": "trainee",
    "supervisor": "supervisor",
    "admin": "admin",
}
SIGNED_IN = ("coachee", "coach", "trainee", "supervisor", "admin")

# endpoint -> who opens it as a page (every one of them gets 200 in the access matrix)
PAGES: dict[str, tuple[str, ...]] = {
    "journey.home": ("anonymous",),
    "auth.login": ("anonymous",),
    "auth.register": ("anonymous",),
    "notices.unsubscribe": ("anonymous",),
    "auth.account": SIGNED_IN,
    "notices.index": SIGNED_IN,
    "auth.two_factor_setup": ("coachee", "trainee"),
    "journey.world_map": ("coachee",),
    "journey.place": ("coachee",),
    "journey.goal": ("coachee",),
    "journey.proposals_list": ("coachee",),
    "library.index": SIGNED_IN,
    "library.text": ("coachee", "coach"),
    "journey.letters_list": ("coachee",),
    "journey.letter": ("coachee",),
    "journey.free_letter": ("coachee",),
    "dossier.own": ("coachee",),
    "dossier.show": ("coachee", "coach"),
    "book.index": ("coachee",),
    "book.edit_chapter": ("coachee",),
    "book.coachee_book": ("coach",),
    "privacy.index": ("coachee",),
    "privacy.erase": ("coachee",),
    "inbox.index": ("coach",),
    "inbox.letter": ("coach",),
    "inbox.coachees": ("coach",),
    "inbox.write_letter": ("coach",),
    "inbox.harvest_letter": ("coach",),
    "inbox.coachee_proposals": ("coach",),
    "inbox.settings": ("coach",),
    "practice.index": ("trainee",),
    "practice.sample": ("trainee",),
    "practice.attempt": ("trainee", "supervisor"),
    "practice.review": ("supervisor",),
    "admin.index": ("admin",),
    "admin.new_staff": ("admin",),
    "admin.invitation_codes": ("admin",),
    "admin.coachees": ("admin",),
    "admin.trainees": ("admin",),
    "admin.access_log_search": ("admin",),
    "admin.mail_status": ("admin",),
    "admin.intervision_groups": ("admin",),
    "admin.intervision_group": ("admin",),
    "intervision.index": ("coach",),
    "intervision.new_case": ("coach",),
    "intervision.case": ("coach",),
    "intervision.requests": ("coachee",),
    "intervision.consent": ("coachee",),
    "install.offline": ("anonymous",),
    "agenda.index": ("coachee", "coach"),
    "agenda.appointment": ("coachee", "coach"),
    "chats.index": ("coachee", "coach"),
    "chats.chat": ("coachee", "coach"),
    "trends.own": ("coach",),
    "trends.coach": ("coach", "supervisor", "admin"),  # coach A shares them
}
# GET routes that are no page of their own, and why
NOT_PAGES = {
    "static": "files",
    "health.healthz": "JSON for the load balancer",
    "dossier.export": "a download",
    "dossier.export_own": "a download",
    "privacy.archive": "a download",
    "book.export": "a download",
    "inbox.second_reader": "the second reader's findings, fetched by the page",
    "practice.second_reader": "the second reader's findings, fetched by the page",
    "auth.login_code": "checked on the way in, when staff log in (log_in_checked)",
    "install.manifest": "the web app manifest (JSON; tests/test_install.py)",
    "install.service_worker": "the service worker's script (tests/test_install.py)",
    "agenda.calendar_file": "a download (iCalendar)",
    "chats.messages": "JSON for the chat page's script (the fallback to the stream)",
    "chats.stream": "Server-Sent Events for the chat page's script",
    "chats.second_reading": "only for a closed chat (tests/test_chats.py)",
}

# Findings that count whatever axe's impact: the page's structure (a header, a menu, a
# main part and a footer; headings in order, one h1) must hold on every page.
STRUCTURE = [
    "heading-order",
    "page-has-heading-one",
    "landmark-one-main",
    "landmark-no-duplicate-banner",
    "landmark-no-duplicate-contentinfo",
    "landmark-unique",
    "region",
    "bypass",
]

# A page at one width: what sticks out sideways, axe's serious and critical findings and
# any finding on the structure, and the landmarks present.
CHECK = """async (structure) => {
  const wide = document.documentElement.scrollWidth;
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
    resultTypes: ["violations"],
  });
  const serious = result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical" || structure.includes(v.id))
    .map((v) => `${v.id} (${v.impact}): ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
  const landmarks = ["body > header", "header nav", "main", "body > footer"]
    .filter((selector) => !document.querySelector(selector));
  return {wide, inner: window.innerWidth, serious, missing: landmarks};
}"""


def get_pages(app) -> dict[str, list[str]]:
    """Every GET rule of the URL map is a page in PAGES or named in NOT_PAGES."""
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods}
    unknown = endpoints - PAGES.keys() - NOT_PAGES.keys()
    stale = (PAGES.keys() | NOT_PAGES.keys()) - endpoints
    assert not unknown, f"GET routes without a row in PAGES or NOT_PAGES: {sorted(unknown)}"
    assert not stale, f"rows without a route: {sorted(stale)}"
    return {e: list(who) for e, who in PAGES.items()}


def url_of(app, endpoint: str, values: dict[str, object]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    names = {**PARAMS, **PARAMS_FOR.get(endpoint, {})}
    arguments = {name: values[names[name]] for name in rule.arguments}
    return app.url_map.bind("localhost").build(endpoint, arguments)


def cast(server: LiveServer) -> dict[str, object]:
    """The cast of tests/test_access_matrix.py, in the live server's database."""
    make = server.create_user
    coach_a = make("Coach Anna", Role.COACH)
    coach_b = make("Coach Bram", Role.COACH)
    supervisor = make("Supervisor Sam", Role.SUPERVISOR)
    other_supervisor = make("Supervisor Siem", Role.SUPERVISOR)
    ids = {
        "coachee_a": make("Reiziger A", Role.COACHEE, coach_id=coach_a),
        "coachee_b": make("Reiziger B", Role.COACHEE, coach_id=coach_b),
        "coach_a": coach_a,
        "coach_b": coach_b,
        "trainee": make("Leerling Lot", Role.TRAINEE),
        "supervisor": supervisor,
        "admin": make("Beheerder Bo", Role.ADMIN),
    }
    other = make("Leerling Olaf", Role.TRAINEE)
    app, clock = server.app, server.clock
    world, frame = app.extensions["journey.world"], app.extensions["journey.frames"].default
    values: dict[str, object] = {**ids, "end": "end"}
    with app.app_context():
        db.session.get(User, ids["trainee"]).supervisor_id = supervisor
        db.session.get(User, other).supervisor_id = other_supervisor
        anna = db.session.get(User, coach_a)  # shares her trends with her supervisor
        anna.supervisor_id, anna.trends_shared_at = supervisor, clock()
        for side in ("a", "b"):
            coachee = db.session.get(User, ids[f"coachee_{side}"])
            coach = db.session.get(User, ids[f"coach_{side}"])
            values |= a_journey(side, coachee, coach, world, frame, clock)
        trainee = SimpleNamespace(id=ids["trainee"])
        values |= practice_work(app, trainee, SimpleNamespace(id=other), clock)
        coach_a, coach_b = (SimpleNamespace(id=ids[name]) for name in ("coach_a", "coach_b"))
        values |= intervision_work(app, coach_a, coach_b, values["a.letter"], clock)
        db.session.commit()
        db.session.remove()
    values["a.unsubscribe"] = unsubscribe_token(
        app.config["SECRET_KEY"], ids["coachee_a"], NoticeKind.FEEDBACK_ARRIVED
    )
    values["text"] = app.extensions["journey.library"].texts[0].id
    return values


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[LiveServer, dict[str, object]]]:
    """One server with the cast for the whole module (cheap password hashes)."""
    assert AXE.exists(), f"{AXE} is missing: run `npm ci --prefix tests/browser` (make test does)"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "hash_password", quick_hash)
        with serve(tmp_path_factory.mktemp("pages") / "journey.sqlite3") as server:
            yield server, cast(server)
        accounts._dummy_hash.cache_clear()


def check_page(page: Page, label: str, problems: list[str]) -> None:
    """Check the open page at every width in WIDTHS; add what is wrong to ``problems``."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        if not page.evaluate("() => typeof axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE))
        found = page.evaluate(CHECK, STRUCTURE)
        if found["wide"] > found["inner"]:
            problems.append(f"{label} at {width}px: {found['wide']}px wide")
        problems.extend(f"{label} at {width}px: {v}" for v in found["serious"])
        problems.extend(f"{label}: no {landmark}" for landmark in found["missing"])


def log_in_checked(page: Page, server: LiveServer, pseudonym: str, problems: list[str]) -> None:
    """Log in through the forms; staff's code page is checked on the way."""
    page.goto(server.url + "/login")
    form = page.locator("main form")
    form.locator('[name="pseudonym"]').fill(pseudonym)
    form.locator('[name="password"]').fill(PASSWORD)
    form.locator('button[type="submit"]').click()
    if pseudonym in server.secrets:
        page.wait_for_url("**/login/code*", timeout=WAIT)
        check_page(page, "auth.login_code", problems)
        page.locator('main form [name="code"]').fill(server.code_for(pseudonym))
        page.locator('main form button[type="submit"]').click()
    page.wait_for_selector("body[data-user]", timeout=WAIT)


PSEUDONYMS = {
    "coachee": "Reiziger A",
    "coach": "Coach Anna",
    "trainee": "Leerling Lot",
    "supervisor": "Supervisor Sam",
    "admin": "Beheerder Bo",
}


@pytest.mark.parametrize("who", list(ROLES))
def test_every_page_fits_a_phone_and_passes_axe(browser, site, who):
    server, values = site
    pages = get_pages(server.app)
    for endpoint, roles in pages.items():
        for role in roles:
            assert EXPECTED[endpoint][ROLES[role]] == 200, (endpoint, role)
    # bypass_csp: the app's policy rightly refuses a script the page did not ask for
    context = browser.new_context(locale="nl-NL", bypass_csp=True)
    context.set_default_timeout(WAIT)
    problems: list[str] = []
    try:
        page = context.new_page()
        if who != "anonymous":
            log_in_checked(page, server, PSEUDONYMS[who], problems)
        for endpoint in sorted(e for e, roles in pages.items() if who in roles):
            page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
            response = page.goto(server.url + url_of(server.app, endpoint, values))
            assert response is not None and response.status == 200, endpoint
            check_page(page, endpoint, problems)
    finally:
        context.close()
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
