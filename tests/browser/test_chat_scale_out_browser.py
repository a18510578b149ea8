"""A live chat across two app servers: the coachee's page on instance A, the coach's on
instance B (two gunicorn instances with threaded workers, one PostgreSQL, one Redis).
Messages cross within a second through the Redis doorbell; the coachee goes offline,
writes, comes back, and every message arrives once and in order on both."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pyotp
import pytest
import redis
import sqlalchemy as sa
from playwright.sync_api import expect

from journey import accounts
from journey.extensions import db
from journey.models import ChatMessage, Role

from ..conftest import PASSWORD
from ..servers import Gunicorn, close_connections
from .conftest import WAIT
from .test_chat_browser import a_session_starting_soon

pytestmark = [pytest.mark.browser, pytest.mark.backends("postgresql")]

REDIS_URL = "redis://127.0.0.1:6379"


@pytest.fixture
def two_servers(app, tmp_path, quick_password_hashes):
    prefix = f"journey-chat-{uuid.uuid4().hex}"
    env = {
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "REALTIME_URL": REDIS_URL,
    }
    started: list[Gunicorn] = []

    def start() -> list[Gunicorn]:
        close_connections(app)
        for name in ("a", "b"):
            log = tmp_path / f"gunicorn-{name}.log"
            started.append(Gunicorn(app, log, workers=2, threads=8, env=env))
        for server in started:
            server.wait_until_ready()
        return started

    try:
        yield start
    finally:
        for server in started:
            server.stop()
        with redis.Redis.from_url(REDIS_URL) as connection:
            for key in connection.scan_iter(match=f"*{prefix}*"):
                connection.delete(key)


def log_in(page, base_url: str, pseudonym: str, secret: str | None, then: str) -> None:
    page.goto(f"{base_url}/login?next={then}")
    form = page.locator("main form")
    form.locator('[name="pseudonym"]').fill(pseudonym)
    form.locator('[name="password"]').fill(PASSWORD)
    form.locator('button[type="submit"]').click()
    if secret:
        page.wait_for_url("**/login/code*", timeout=WAIT)
        totp = pyotp.TOTP(secret, interval=accounts.TOTP_STEP_SECONDS)
        page.locator('main form [name="code"]').fill(totp.now())
        page.locator('main form button[type="submit"]').click()
    page.wait_for_selector("body[data-user]", timeout=WAIT)


def write(page, text: str) -> None:
    box = page.locator("form.chat-form textarea")
    box.fill(text)
    box.press("Enter")


def test_a_live_chat_across_two_app_servers(app, make_user, two_servers, browser):
    coach = make_user("Coach Anna", Role.COACH)
    coachee = make_user("Reiziger", coach=coach)
    chat_id = a_session_starting_soon(app, coach.id, coachee.id, datetime.now(UTC))
    server_a, server_b = two_servers()
    path = f"/chats/{chat_id}"

    contexts = [browser.new_context(locale="nl-NL") for _ in range(2)]
    try:
        coachee_page, coach_page = (c.new_page() for c in contexts)
        log_in(coachee_page, server_a.url, "Reiziger", None, path)
        log_in(coach_page, server_b.url, "Coach Anna", coach.totp_secret, path)
        for page, server in ((coachee_page, server_a), (coach_page, server_b)):
            page.goto(server.url + path)
            expect(page.locator("form.chat-form textarea")).to_be_visible()

        write(coach_page, "Welkom!")  # warms both streams up
        coachee_page.locator(".chat-log .message", has_text="Welkom!").wait_for(timeout=WAIT)
        for sender, receiver, text in (
            (coachee_page, coach_page, "Hallo vanaf server A."),
            (coach_page, coachee_page, "Hallo vanaf server B."),
        ):
            write(sender, text)
            started = time.monotonic()
            receiver.locator(".chat-log .message:not(.pending)", has_text=text).wait_for(
                timeout=WAIT
            )
            elapsed = time.monotonic() - started
            assert elapsed < 1.0, f"{text!r} took {elapsed:.2f} s"

        contexts[0].set_offline(True)
        write(coachee_page, "Eerste zonder verbinding.")
        write(coachee_page, "Tweede zonder verbinding.")
        write(coach_page, "Ik wacht even.")
        coach_page.wait_for_timeout(500)
        contexts[0].set_offline(False)
        coach_page.locator(".chat-log .message", has_text="Tweede zonder").wait_for(timeout=WAIT)
        coachee_page.locator(".chat-log .message", has_text="Ik wacht even.").wait_for(timeout=WAIT)
        expect(coachee_page.locator(".chat-log .message.pending")).to_have_count(0, timeout=WAIT)
        for page in (coachee_page, coach_page):
            page.reload()
            expect(page.locator(".chat-log .message")).to_have_count(6, timeout=WAIT)
        shown = [coachee_page.locator(".chat-log .message .body").all_inner_texts()]
        shown.append(coach_page.locator(".chat-log .message .body").all_inner_texts())
    finally:
        for context in contexts:
            context.close()

    with app.app_context():
        query = sa.select(ChatMessage.body).where(ChatMessage.chat_id == chat_id)
        stored = list(db.session.scalars(query.order_by(ChatMessage.id)))
    assert sorted(stored) == sorted(
        [
            "Welkom!",
            "Hallo vanaf server A.",
            "Hallo vanaf server B.",
            "Eerste zonder verbinding.",
            "Tweede zonder verbinding.",
            "Ik wacht even.",
        ]
    )
    assert stored.index("Eerste zonder verbinding.") < stored.index("Tweede zonder verbinding.")
    assert shown[0] == shown[1] == stored
