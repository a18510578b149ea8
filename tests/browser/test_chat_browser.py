"""A live chat in two browsers: the coachee's and the coach's pages exchange messages
within a second; one goes offline, writes, comes back, and every message arrives once
and in order; a reload keeps everything; the coach marks a phase, the coachee sees it.
(The same with two app servers, PostgreSQL and Redis: tests/test_chat_scale_out.py.)"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from journey import agenda, timezones
from journey.extensions import db
from journey.models import ChatMessage, Role, User

from .conftest import WAIT, journey_keys, log_in

pytestmark = pytest.mark.browser

ZONE = "Europe/Amsterdam"


def a_session_starting_soon(app, coach_id: int, coachee_id: int, now: datetime) -> int:
    """An appointment of the two that begins within minutes of ``now`` (its chat is
    open); its chat id. Written in an app context of its own."""
    with app.app_context():
        coach, coachee = db.session.get(User, coach_id), db.session.get(User, coachee_id)
        local = timezones.to_local(now + timedelta(minutes=10), timezones.zone(ZONE))
        agenda.publish(
            coach,
            starts_on=local.date(),
            minute=local.hour * 60 + local.minute,
            minutes=60,
            weekly=False,
            until=None,
            zone_name=ZONE,
            now=now,
        )
        (slot,) = agenda.slots(coach, now)
        appointment = agenda.book(coachee, slot.key, now)
        db.session.commit()
        chat_id = appointment.chat_id
        db.session.remove()
    return chat_id


def bodies(server, chat_id: int) -> list[str]:
    with server.app.app_context():
        query = sa.select(ChatMessage).where(ChatMessage.chat_id == chat_id)
        found = [m.body for m in db.session.scalars(query.order_by(ChatMessage.id)) if not m.phase]
        db.session.remove()
    return found


def write(page, text: str) -> None:
    box = page.locator("form.chat-form textarea")
    box.fill(text)
    box.press("Enter")


def arrives_within(page, text: str, seconds: float) -> float:
    started = time.monotonic()
    page.locator(".chat-log .message:not(.pending)", has_text=text).wait_for(timeout=WAIT)
    elapsed = time.monotonic() - started
    assert elapsed < seconds, f"{text!r} took {elapsed:.2f} s"
    return elapsed


def texts(page) -> list[str]:
    return page.locator(".chat-log .message .body").all_inner_texts()


def test_two_pages_talk_live_offline_and_after_a_reload(live_server, browser):
    coach_id = live_server.create_user("Coach Anna", Role.COACH)
    live_server.create_user("Reiziger", Role.COACHEE, coach_id=coach_id)
    with live_server.app.app_context():
        coachee_id = db.session.scalars(
            sa.select(User.id).where(User.pseudonym == "Reiziger")
        ).one()
        db.session.remove()
    chat_id = a_session_starting_soon(live_server.app, coach_id, coachee_id, live_server.clock())
    url = f"{live_server.url}/chats/{chat_id}"

    contexts = [browser.new_context(locale="nl-NL") for _ in range(2)]
    try:
        coachee_page, coach_page = (c.new_page() for c in contexts)
        log_in(coachee_page, live_server, "Reiziger", f"/login?next=/chats/{chat_id}")
        log_in(coach_page, live_server, "Coach Anna", f"/login?next=/chats/{chat_id}")
        for page in (coachee_page, coach_page):
            page.goto(url)
            expect(page.locator("form.chat-form textarea")).to_be_visible()

        # The coach opens the session; the coachee sees the phase.
        coach_page.locator('.phase[data-phase="welcome"] button').click()
        expect(coachee_page.locator(".chat-log .phase-mark")).to_contain_text(
            "Fase: Warm welkom", timeout=WAIT
        )

        # Within a second, both ways (the first message warms the connection up).
        write(coach_page, "Welkom, fijn dat je er bent.")
        coachee_page.locator(".chat-log .message", has_text="Welkom, fijn").wait_for(timeout=WAIT)
        write(coachee_page, "Dank je, ik ben er.")
        arrives_within(coach_page, "Dank je, ik ben er.", 1.0)
        write(coach_page, "Waar wil je het vandaag over hebben?")
        arrives_within(coachee_page, "Waar wil je het vandaag over hebben?", 1.0)

        # The coachee types while the coach writes: their half-written text stays.
        box = coachee_page.locator("form.chat-form textarea")
        box.fill("Over mijn werk, denk")
        write(coach_page, "Neem gerust de tijd.")
        arrives_within(coachee_page, "Neem gerust de tijd.", 1.0)
        expect(box).to_have_value("Over mijn werk, denk")
        box.press_sequentially(" ik.")
        box.press("Enter")
        arrives_within(coach_page, "Over mijn werk, denk ik.", 1.0)

        # Offline: the coachee writes two messages, the coach one; back online, each
        # arrives once, in order.
        contexts[0].set_offline(True)
        write(coachee_page, "Het is daar erg druk.")
        write(coachee_page, "Ik slaap er slecht van.")
        expect(coachee_page.locator(".chat-log .message.pending")).to_have_count(2)
        assert len(journey_keys(coachee_page)) == 1  # kept in this browser
        write(coach_page, "Dat klinkt zwaar.")
        coach_page.wait_for_timeout(500)
        contexts[0].set_offline(False)
        for text in ("Het is daar erg druk.", "Ik slaap er slecht van."):
            coach_page.locator(".chat-log .message", has_text=text).wait_for(timeout=WAIT)
        coachee_page.locator(".chat-log .message", has_text="Dat klinkt zwaar.").wait_for(
            timeout=WAIT
        )
        expect(coachee_page.locator(".chat-log .message.pending")).to_have_count(0, timeout=WAIT)
        expected = [
            "Welkom, fijn dat je er bent.",
            "Dank je, ik ben er.",
            "Waar wil je het vandaag over hebben?",
            "Neem gerust de tijd.",
            "Over mijn werk, denk ik.",
            "Het is daar erg druk.",
            "Ik slaap er slecht van.",
        ]
        stored = bodies(live_server, chat_id)
        assert [b for b in stored if b != "Dat klinkt zwaar."] == expected
        assert stored.count("Dat klinkt zwaar.") == 1 and len(stored) == 8

        # Offline again, a message is written and the tab closed; a new tab sends it.
        contexts[0].set_offline(True)
        write(coachee_page, "Dit schreef ik zonder verbinding.")
        coachee_page.close()
        contexts[0].set_offline(False)
        coachee_page = contexts[0].new_page()
        coachee_page.goto(url)
        coach_page.locator(".chat-log .message", has_text="zonder verbinding").wait_for(
            timeout=WAIT
        )

        # A reload keeps everything, once, in order; nothing is left in the browser.
        for page in (coachee_page, coach_page):
            page.reload()
            expect(page.locator(".chat-log .message")).to_have_count(9, timeout=WAIT)
            assert texts(page) == bodies(live_server, chat_id)
        expect(coachee_page.locator(".chat-log .message.pending")).to_have_count(0)
        assert journey_keys(coachee_page) == []
    finally:
        for context in contexts:
            context.close()
