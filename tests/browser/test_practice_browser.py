"""Practice in a real browser: the second reader refreshes after each autosave, and a
supervisor takes selected words of an answer over as a comment's passage.

Both paths live in practice.js, so only a browser shows them; the flow through the
test client is in tests/test_practice.py.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from journey import practice
from journey.extensions import db
from journey.models import Role, User

from .conftest import WAIT, LiveServer, log_in

pytestmark = pytest.mark.browser

TRAINEE = "Leerling Lot"
SUPERVISOR = "Supervisor Sam"
WITH_IK = "Ik vind het een mooie brief."
WITHOUT_IK = "Wat een mooie brief."
PASSAGE = "open en eerlijke brief"
OPENING = f"Wat een {PASSAGE} heb je geschreven."
REMARK = "Mooi concreet benoemd."


def a_trainee_with_a_supervisor(server: LiveServer) -> None:
    supervisor_id = server.create_user(SUPERVISOR, Role.SUPERVISOR)
    trainee_id = server.create_user(TRAINEE, Role.TRAINEE)
    with server.app.app_context():
        db.session.get(User, trainee_id).supervisor_id = supervisor_id
        db.session.commit()
        db.session.remove()


def a_submitted_answer(server: LiveServer) -> int:
    """The trainee's first attempt at the first sample, handed in; returns its id."""
    app = server.app
    with app.app_context():
        now = server.clock()
        trainee = db.session.scalars(db.select(User).where(User.pseudonym == TRAINEE)).one()
        sample = app.extensions["journey.samples"].samples[0]
        frame = app.extensions["journey.frames"].default
        texts = {f"s-{section.id}": f"Tekst bij {section.title}." for section in frame.sections}
        texts["s-openen"] = OPENING
        attempt = practice.start_attempt(trainee, sample, frame, now)
        practice.submit(attempt, texts, [], now)
        db.session.commit()
        attempt_id = attempt.id
        db.session.remove()
    return attempt_id


def select_with_the_mouse(page: Page, container: str, words: str) -> None:
    """Drag the mouse over ``words`` inside the element ``container``, as a reader would."""
    box = page.evaluate(
        """([selector, words]) => {
            const element = document.querySelector(selector);
            const node = [...element.childNodes].find(
                (n) => n.nodeType === Node.TEXT_NODE && n.data.includes(words));
            const start = node.data.indexOf(words);
            const rect = (from) => {
                const range = document.createRange();
                range.setStart(node, from);
                range.setEnd(node, from + 1);
                return range.getBoundingClientRect();
            };
            const first = rect(start), last = rect(start + words.length - 1);
            return {x1: first.left + 1, y1: first.top + first.height / 2,
                    x2: last.right - 1, y2: last.top + last.height / 2};
        }""",
        [container, words],
    )
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()


def test_the_second_reader_reads_along_after_each_autosave(live_server, page):
    a_trainee_with_a_supervisor(live_server)
    sample = live_server.app.extensions["journey.samples"].samples[0]
    log_in(page, live_server, TRAINEE)
    page.goto(f"{live_server.url}/practice/")
    page.get_by_role("link", name=sample.title).click()
    expect(page).to_have_url(f"{live_server.url}/practice/samples/{sample.id}")
    findings = page.locator("[data-second-reader-findings]")
    expect(findings.locator("li.finding")).to_have_count(0)  # nothing written yet

    page.evaluate("() => { window.notReloaded = true; }")
    section = page.locator('textarea[name="s-openen"]')
    state = page.locator('[data-state-for="s-openen"]')
    section.press_sequentially(WITH_IK)
    expect(state).to_contain_text("Opgeslagen om", timeout=WAIT)
    expect(findings.locator('li.finding.miss[data-check="first_person"]')).to_be_visible(
        timeout=WAIT
    )

    section.fill("")
    section.press_sequentially(WITHOUT_IK)
    expect(findings.locator('li.finding.ok[data-check="first_person"]')).to_be_visible(timeout=WAIT)
    expect(findings.locator('li.finding.miss[data-check="first_person"]')).to_have_count(0)
    assert page.evaluate("() => window.notReloaded") is True  # refreshed in place


def test_a_supervisor_takes_a_selected_passage_over(live_server, page):
    a_trainee_with_a_supervisor(live_server)
    attempt_id = a_submitted_answer(live_server)
    log_in(page, live_server, SUPERVISOR)
    url = f"{live_server.url}/practice/attempts/{attempt_id}"
    page.goto(url)
    take = page.get_by_role("button", name="Neem de selectie over")
    expect(take).to_be_visible()  # hidden in the HTML, shown by practice.js

    select_with_the_mouse(page, '.mine .written[data-part="s-openen"]', PASSAGE)
    assert page.evaluate("() => String(window.getSelection())") == PASSAGE
    take.click()
    form = page.locator("form.comment-form")
    expect(form.locator('[name="passage"]')).to_have_value(PASSAGE)
    expect(form.locator('[name="passage"]')).to_be_focused()

    form.locator('[name="body"]').fill(REMARK)
    form.get_by_role("button", name="Bewaar je opmerking").click()
    expect(page).to_have_url(f"{url}#opmerkingen")
    comment = page.locator("ol.supervisor-comments li").first
    expect(comment.locator("blockquote.evidence")).to_have_text(PASSAGE)
    expect(comment.locator(".written")).to_have_text(REMARK)
    expect(page.locator('.mine .written[data-part="s-openen"] mark')).to_contain_text(PASSAGE)
