"""Notices (issue 11, first part): recorded with their event, listed in the app, mailed
by the worker through a real SMTP server (aiosmtpd on a free local port), never with a
written text, each kind switched off on the page or by the mail's unsubscribe link."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy.exc import IntegrityError

from journey import data_rights, free_letters, inbox, mail, notices, worker
from journey.cli import cli
from journey.extensions import db
from journey.models import Letter, MailState, MutedNotice, Notice, NoticeKind, Role, User
from tests.conftest import a_place_letter, login
from tests.gunicorn import free_port

CANARY = "Kanarie-7f3a9: mijn geheim bij de vuurtoren"
BASE_URL = "https://journey.example.org"


class Catcher:
    """An SMTP server that keeps every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.port = free_port()
        self.controller: Controller | None = None

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK queued"

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def text(self, message: EmailMessage) -> str:
        """Everything in a message: its headers and its body."""
        return message.as_string() + message.get_body(("plain",)).get_content()


@pytest.fixture
def smtp(app):
    """A mail server on a free port, and the app set to mail through it."""
    catcher = Catcher()
    catcher.start()
    app.config.update(
        MAIL_HOST="127.0.0.1",
        MAIL_PORT=catcher.port,
        MAIL_SECURITY="none",
        MAIL_SENDER="Journey <journey@example.org>",
        MAIL_TIMEOUT=5,
        BASE_URL=BASE_URL,
    )
    yield catcher
    catcher.stop()


def _set(app, actor, **values):
    with app.app_context():
        user = db.session.get(User, actor.id)
        for name, value in values.items():
            setattr(user, name, value)
        db.session.commit()


def _deliver(app, clock) -> int:
    with app.app_context():
        return worker.deliver_due(mail.MailSettings.from_config(app.config), clock)


def _answer(app, coach, letter_id: int, frame, clock, text: str) -> None:
    """``coach`` sends feedback with ``text`` in every part on the letter ``letter_id``."""
    with app.app_context():
        answer_letter(
            db.session.get(Letter, letter_id), db.session.get(User, coach.id), frame, clock, text
        )
        db.session.commit()


def answer_letter(letter, coach_user, frame, clock, text: str) -> None:
    """The same inside the caller's app context."""
    feedback = inbox.feedback_draft(letter, coach_user, frame, clock())
    texts = dict.fromkeys(inbox.feedback_keys(frame, letter), text)
    inbox.send_feedback(feedback, texts, frame, clock())


def _notices(app, **where) -> list[Notice]:
    with app.app_context():
        query = db.select(Notice).filter_by(**where).order_by(Notice.id)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


@pytest.fixture
def anna_and_mila(app, make_user, coach):
    _set(app, coach, email="anna@example.org")
    mila = make_user("Mila", Role.COACHEE, coach=coach, email="mila@example.org")
    return coach, mila


def test_a_letter_mails_its_coach_what_happened_and_never_what_was_written(
    app, smtp, clock, anna_and_mila
):
    anna, mila = anna_and_mila
    letter_id = a_place_letter(app, mila, clock, answer=CANARY)
    assert _deliver(app, clock) == 1
    [mail] = smtp.messages
    assert mail["To"] == "anna@example.org"
    assert mail["Subject"] == "Er is een nieuwe brief voor je"
    assert mail["From"] == "Journey <journey@example.org>"
    body = mail.get_body(("plain",)).get_content()
    assert f"{BASE_URL}/inbox/letters/{letter_id}" in body
    # Due 48 hours after 2 March 2026 09:00 UTC, shown in Amsterdam's time (UTC+1).
    assert "Je antwoord wordt verwacht vóór woensdag 4 maart om 10:00." in body
    unsubscribe = mail["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{BASE_URL}/notices/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    everything = smtp.text(mail)
    for secret in (CANARY, "Een notitie.", "Mila", "Veilige haven"):
        assert secret not in everything
    [notice] = _notices(app, user_id=anna.id)
    assert notice.mail_state == MailState.SENT and notice.attempts == 1


def test_a_mail_is_in_its_recipients_language(app, smtp, clock, anna_and_mila):
    anna, mila = anna_and_mila
    _set(app, anna, locale="en")
    a_place_letter(app, mila, clock, answer=CANARY)
    assert _deliver(app, clock) == 1
    [mail] = smtp.messages
    assert mail["Subject"] == "There is a new letter for you"
    body = mail.get_body(("plain",)).get_content()
    assert "Your reply is expected before Wednesday 4 March at 10:00 AM." in body
    assert "Hallo" not in body and CANARY not in body


def test_feedback_and_a_coachs_letter_mail_the_coachee(app, smtp, clock, anna_and_mila, frame):
    anna, mila = anna_and_mila
    letter_id = a_place_letter(app, mila, clock)
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        coach = db.session.get(User, anna.id)
        feedback = inbox.feedback_draft(letter, coach, frame, clock())
        texts = {key: f"{CANARY} ({key})" for key in inbox.feedback_keys(frame, letter)}
        inbox.send_feedback(feedback, texts, frame, clock())
        coach_letter = free_letters.write_to_coachee(coach, letter.coachee, CANARY, clock())
        coach_letter_id = coach_letter.id
        db.session.commit()
    assert _deliver(app, clock) == 3  # the coach's (the letter) and the coachee's two
    to_mila = [m for m in smtp.messages if m["To"] == "mila@example.org"]
    assert sorted(m["Subject"] for m in to_mila) == [
        "Je coach heeft geantwoord",
        "Je coach heeft je een brief geschreven",
    ]
    bodies = {m["Subject"]: m.get_body(("plain",)).get_content() for m in to_mila}
    assert f"{BASE_URL}/letters/{letter_id}" in bodies["Je coach heeft geantwoord"]
    assert (
        f"{BASE_URL}/letters/{coach_letter_id}" in bodies["Je coach heeft je een brief geschreven"]
    )
    for message in smtp.messages:
        assert CANARY not in smtp.text(message)
        assert "Coach Anna" not in smtp.text(message)


def test_without_an_address_or_a_mail_server_notices_stay_in_the_app(app, clock, make_user, coach):
    """No JOURNEY_MAIL_HOST: nothing is queued for mail; the notice is in the app."""
    _set(app, coach, email="anna@example.org")
    mila = make_user("Mila", Role.COACHEE, coach=coach)
    a_place_letter(app, mila, clock)
    [notice] = _notices(app, user_id=coach.id)
    assert notice.kind == NoticeKind.LETTER_ARRIVED
    assert notice.mail_state == MailState.NONE


def test_a_coachee_without_an_address_gets_no_mail(app, smtp, clock, make_user, coach, frame):
    _set(app, coach, email="anna@example.org")
    mila = make_user("Mila", Role.COACHEE, coach=coach)  # pseudonymous: no address
    letter_id = a_place_letter(app, mila, clock)
    _answer(app, coach, letter_id, frame, clock, "Goed gedaan.")
    [for_mila] = _notices(app, user_id=mila.id)
    assert for_mila.mail_state == MailState.NONE
    assert _deliver(app, clock) == 1
    assert [m["To"] for m in smtp.messages] == ["anna@example.org"]


def test_a_rolled_back_event_leaves_no_notice(app, smtp, clock, anna_and_mila, world):
    anna, mila = anna_and_mila
    with app.app_context():
        user = db.session.get(User, mila.id)
        from journey import visits

        visit = visits.visit_place(user, "veilige-haven", clock())
        question = world.place("veilige-haven").questions[0].id
        visits.send_letter(visit, {question: "Tekst"}, 6, "", clock(), 48)
        assert db.session.scalars(db.select(Notice)).all()  # recorded with the letter ...
        db.session.rollback()  # ... and gone with it
    assert _notices(app) == []
    assert _deliver(app, clock) == 0
    assert smtp.messages == []


def test_the_mail_server_down_then_up_every_notice_arrives_once(app, smtp, clock, anna_and_mila):
    anna, mila = anna_and_mila
    smtp.stop()
    a_place_letter(app, mila, clock)
    assert _deliver(app, clock) == 1  # tried, failed
    [notice] = _notices(app)
    assert notice.mail_state == MailState.PENDING and notice.attempts == 1
    assert notice.last_error  # the reason, kept for the admin
    assert notice.next_attempt_at == clock() + notices.pause_after(1)
    assert _deliver(app, clock) == 0  # not yet due again
    smtp.start()
    clock.advance(minutes=1)
    assert _deliver(app, clock) == 1
    assert _deliver(app, clock) == 0  # run again: nothing twice
    clock.advance(hours=3)
    assert _deliver(app, clock) == 0
    assert len(smtp.messages) == 1
    [notice] = _notices(app)
    assert notice.mail_state == MailState.SENT and notice.attempts == 2
    assert notice.last_error is None


def test_pauses_grow_and_the_worker_gives_up_after_the_last_attempt(
    app, smtp, clock, anna_and_mila
):
    anna, mila = anna_and_mila
    smtp.stop()
    a_place_letter(app, mila, clock)
    pauses = []
    for _ in range(notices.MAX_ATTEMPTS):
        assert _deliver(app, clock) == 1
        [notice] = _notices(app)
        if notice.next_attempt_at:
            pauses.append(notice.next_attempt_at - clock())
            clock.now = notice.next_attempt_at
    assert pauses[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert max(pauses) == notices.LONGEST_PAUSE
    [notice] = _notices(app)
    assert notice.mail_state == MailState.FAILED and notice.next_attempt_at is None
    assert _deliver(app, clock) == 0


def test_a_worker_that_died_mid_send_leaves_the_notice_for_after_its_lease(
    app, smtp, clock, anna_and_mila
):
    anna, mila = anna_and_mila
    a_place_letter(app, mila, clock)
    with app.app_context():
        defaults = notices.Defaults(app.config["TIME_ZONE"], app.config["QUIET"])
        assert notices.claim_next(clock(), defaults) is not None  # claimed, then the worker died
    assert _deliver(app, clock) == 0  # another worker leaves it alone meanwhile
    clock.advance(seconds=notices.LEASE.total_seconds())
    assert _deliver(app, clock) == 1
    assert len(smtp.messages) == 1


def test_two_workers_at_once_mail_each_notice_once(app, smtp, clock, make_user, coach):
    _set(app, coach, email="anna@example.org")
    for number in range(12):
        mila = make_user(f"Mila {number}", Role.COACHEE, coach=coach)
        a_place_letter(app, mila, clock)
    errors = []

    def work() -> None:
        try:
            _deliver(app, clock)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    workers = [threading.Thread(target=work) for _ in range(2)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join(60)
    assert errors == []
    assert len(smtp.messages) == 12
    assert all(n.mail_state == MailState.SENT for n in _notices(app))
    assert sum(n.attempts for n in _notices(app)) == 12


def test_the_header_counts_new_notices_and_the_page_lists_them(app, client, clock, anna_and_mila):
    anna, mila = anna_and_mila
    letter_id = a_place_letter(app, mila, clock)
    login(client, anna)
    page = client.get("/inbox/").get_data(as_text=True)
    assert 'Berichten <span class="count">1<span class="visually-hidden"> nieuw' in page
    listed = client.get("/notices/").get_data(as_text=True)
    assert "Er is een nieuwe brief voor je" in listed
    assert f'href="/inbox/letters/{letter_id}"' in listed
    assert "maandag 2 maart om 10:00" in listed  # 09:00 UTC in Amsterdam
    assert "van Mila" in listed  # in the app the coach sees whose letter it is
    page = client.get("/inbox/").get_data(as_text=True)
    assert 'Berichten <span class="count">' not in page  # read now
    # Mila has nothing yet, and never sees Anna's notices.
    other = app.test_client()
    login(other, mila)
    assert "Er zijn nog geen berichten voor je." in other.get("/notices/").get_data(as_text=True)


def test_switching_a_kind_off_on_the_page_stops_its_mail(app, client, smtp, clock, anna_and_mila):
    anna, mila = anna_and_mila
    login(client, mila)
    page = client.get("/notices/").get_data(as_text=True)
    assert 'name="feedback_arrived" value="y" checked' in page
    reminders = {"draft_waiting": "y", "write_again": "y", "consent_asked": "y"}  # left on
    reminders |= {"appointment_changed": "y", "chat_message": "y"}
    response = client.post("/notices/mail", data={"coach_letter_arrived": "y", **reminders})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, mila.id)
        assert notices.muted_kinds(user) == {"feedback_arrived"}
        coach = db.session.get(User, anna.id)
        letter = free_letters.write_to_coachee(coach, user, "Hallo", clock())
        db.session.commit()
        assert letter.id
    page = client.get("/notices/").get_data(as_text=True)
    assert 'name="feedback_arrived" value="y">' in page  # off now
    client.post("/notices/mail", data={"feedback_arrived": "y", **reminders})  # the other off
    with app.app_context():
        assert notices.muted_kinds(db.session.get(User, mila.id)) == {"coach_letter_arrived"}


def _journey(app, args: list[str]):
    """The ``journey`` command with ``args``, on ``app``."""
    return CliRunner().invoke(cli, args, obj=ScriptInfo(create_app=lambda: app))


def _token(app, actor, kind) -> str:
    return notices.unsubscribe_token(app.config["SECRET_KEY"], actor.id, kind)


def test_the_unsubscribe_link_works_without_login_for_its_own_user_and_kind(
    app, smtp, clock, anna_and_mila
):
    anna, mila = anna_and_mila
    visitor = app.test_client()
    token = _token(app, mila, NoticeKind.FEEDBACK_ARRIVED)
    page = visitor.get(f"/notices/unsubscribe/{token}")
    assert page.status_code == 200
    assert "mijn coach op een brief van mij antwoordt" in page.get_data(as_text=True)
    with app.app_context():  # a look is not a choice: link checkers open links
        assert db.session.scalars(db.select(MutedNotice)).all() == []
    done = visitor.post(f"/notices/unsubscribe/{token}", csrf=False)  # one click (RFC 8058)
    assert done.status_code == 200
    assert "Je krijgt deze mail niet meer" in done.get_data(as_text=True)
    with app.app_context():
        assert notices.muted_kinds(db.session.get(User, mila.id)) == {"feedback_arrived"}
        assert notices.muted_kinds(db.session.get(User, anna.id)) == set()


@pytest.mark.parametrize("spoil", ["tamper", "other_kind_for_role", "nonsense"])
def test_a_spoilt_unsubscribe_link_is_refused_with_a_clear_page(app, anna_and_mila, spoil):
    anna, mila = anna_and_mila
    token = {
        "tamper": _token(app, mila, NoticeKind.FEEDBACK_ARRIVED)[:-2] + "xx",
        "other_kind_for_role": _token(app, anna, NoticeKind.FEEDBACK_ARRIVED),
        "nonsense": "abc",
    }[spoil]
    visitor = app.test_client()
    for response in (
        visitor.get(f"/notices/unsubscribe/{token}"),
        visitor.post(f"/notices/unsubscribe/{token}", csrf=False),
    ):
        assert response.status_code == 400
        assert "Deze link werkt niet" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(MutedNotice)).all() == []


def test_muting_stops_mails_already_waiting(app, smtp, clock, anna_and_mila):
    anna, mila = anna_and_mila
    a_place_letter(app, mila, clock)
    app.test_client().post(
        f"/notices/unsubscribe/{_token(app, anna, NoticeKind.LETTER_ARRIVED)}", csrf=False
    )
    assert _deliver(app, clock) == 0
    assert smtp.messages == []
    [notice] = _notices(app)
    assert notice.mail_state == MailState.NONE


def test_erasing_a_coachee_removes_the_notices_about_them(app, smtp, clock, anna_and_mila):
    anna, mila = anna_and_mila
    a_place_letter(app, mila, clock)
    with app.app_context():
        data_rights.erase(db.session.get(User, mila.id), clock())
        db.session.commit()
    assert _notices(app) == []


def test_check_mail_reports_what_the_server_said(app, smtp):
    result = _journey(app, ["check-mail", "beheer@example.org"])
    assert result.exit_code == 0, result.output
    assert "The mail server took it: 250 OK queued" in result.output
    [mail] = smtp.messages
    assert mail["To"] == "beheer@example.org" and mail["Subject"] == "Testmail van Journey"
    smtp.stop()
    result = _journey(app, ["check-mail", "beheer@example.org"])
    assert result.exit_code == 1
    assert "The mail server did not take it: ConnectionRefusedError" in result.output


def test_the_worker_and_check_mail_say_when_no_mail_server_is_set(app):
    for args in (["worker", "--once"], ["check-mail", "a@example.org"]):
        result = _journey(app, args)
        assert result.exit_code == 1
        assert "JOURNEY_MAIL_HOST" in result.output


def test_mail_settings_need_a_sender_and_the_base_url(another_app, database_url):
    base = {"DATABASE_URL": database_url, "MAIL_HOST": "smtp.example.org"}
    with pytest.raises(RuntimeError, match="JOURNEY_MAIL_SENDER must be set"):
        another_app(base)
    with pytest.raises(RuntimeError, match="JOURNEY_BASE_URL must be set"):
        another_app({**base, "MAIL_SENDER": "j@example.org"})
    with pytest.raises(RuntimeError, match="JOURNEY_MAIL_SECURITY must be one of"):
        another_app(
            {**base, "MAIL_SENDER": "j@example.org", "BASE_URL": BASE_URL, "MAIL_SECURITY": "ssl3"}
        )


def test_reading_the_letter_a_notice_is_about_makes_it_no_longer_new(
    app, clock, anna_and_mila, frame
):
    """The coach opens the letter from the inbox, the coachee the feedback from the notice on
    the page: neither needs to visit Berichten for the header's count to go."""
    anna, mila = anna_and_mila
    letter_id = a_place_letter(app, mila, clock)
    coach_client, coachee_client = app.test_client(), app.test_client()
    login(coach_client, anna)
    assert 'Berichten <span class="count">1' in coach_client.get("/inbox/").get_data(True)
    coach_client.get(f"/inbox/letters/{letter_id}")
    assert 'Berichten <span class="count">' not in coach_client.get("/inbox/").get_data(True)
    _answer(app, anna, letter_id, frame, clock, "Wat fijn dat je schreef.")
    login(coachee_client, mila)
    assert 'Berichten <span class="count">1' in coachee_client.get("/map").get_data(True)
    coachee_client.get(f"/letters/{letter_id}")
    assert 'Berichten <span class="count">' not in coachee_client.get("/map").get_data(True)
    [notice] = _notices(app, user_id=mila.id)
    assert notice.read_at == clock()


def test_mail_waits_for_the_end_of_the_recipients_quiet_hours(app, smtp, clock, anna_and_mila):
    """Anna lives in New York and keeps 21:00-07:00 quiet: a letter at 23:30 New York time
    (04:30 UTC) is mailed at 07:00 there (12:00 UTC), with its due time in her zone."""
    anna, mila = anna_and_mila
    _set(app, anna, time_zone="America/New_York", quiet_start=21 * 60, quiet_end=7 * 60)
    clock.now = clock.now.replace(hour=4, minute=30)  # 2 March 2026, 23:30 on 1 March in NY
    a_place_letter(app, mila, clock)
    assert _deliver(app, clock) == 0
    [notice] = _notices(app)
    assert notice.next_attempt_at == clock.now.replace(hour=12, minute=0)
    assert notice.attempts == 0  # waiting is no failed try
    clock.now = clock.now.replace(hour=11, minute=59)
    assert _deliver(app, clock) == 0
    clock.now = clock.now.replace(hour=12, minute=0)
    assert _deliver(app, clock) == 1
    [mail] = smtp.messages
    # Due 48 hours after 04:30 UTC on 2 March: 23:30 on 3 March in New York (UTC-5).
    assert "vóór dinsdag 3 maart om 23:30" in mail.get_body(("plain",)).get_content()


def test_equal_quiet_hours_mean_mail_at_any_hour(app, smtp, clock, anna_and_mila):
    anna, mila = anna_and_mila
    _set(app, anna, quiet_start=0, quiet_end=0)
    clock.now = clock.now.replace(hour=2)  # 03:00 in Amsterdam, in the default quiet hours
    a_place_letter(app, mila, clock)
    assert _deliver(app, clock) == 1


def test_a_person_chooses_their_time_zone_and_quiet_hours(app, client, clock, anna_and_mila):
    anna, mila = anna_and_mila
    login(client, mila)
    page = client.get("/account").get_data(as_text=True)
    assert '<option selected value="Europe/Amsterdam">' in page
    assert 'value="22:00"' in page and 'value="08:00"' in page  # the organisation's
    response = client.post(
        "/account/time",
        data={"time_zone": "Asia/Tokyo", "quiet_start": "23:00", "quiet_end": "06:30"},
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, mila.id)
        assert (user.time_zone, user.quiet_start, user.quiet_end) == ("Asia/Tokyo", 1380, 390)
    # Pages show times in her zone now: 09:00 UTC is 18:00 in Tokyo.
    with app.app_context():
        coach = db.session.get(User, anna.id)
        free_letters.write_to_coachee(coach, db.session.get(User, mila.id), "Hoi", clock())
        db.session.commit()
    assert "maandag 2 maart om 18:00" in client.get("/notices/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"time_zone": "Mars/Olympus", "quiet_start": "22:00", "quiet_end": "08:00"},
            "Ongeldige keuze.",
        ),
        (
            {"time_zone": "Europe/Paris", "quiet_start": "25:99", "quiet_end": "08:00"},
            "Ongeldige waarde voor tijd.",
        ),
        ({"time_zone": "Europe/Paris", "quiet_start": "", "quiet_end": "08:00"}, "Vul een tijd in"),
    ],
)
def test_refused_time_settings_keep_what_was_chosen(app, client, anna_and_mila, data, message):
    anna, mila = anna_and_mila
    login(client, mila)
    response = client.post("/account/time", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert 'value="08:00"' in page
    with app.app_context():
        assert db.session.get(User, mila.id).time_zone is None


def test_the_periodic_job_tells_a_coach_once_when_a_letter_is_due_soon(
    app, smtp, clock, anna_and_mila, make_user, frame
):
    """Letters are due 48 hours after sending; with DUE_SOON_HOURS = 12 the coach hears
    36 hours in, once however often the job runs; an answered letter and a pool letter
    bring nothing."""
    anna, mila = anna_and_mila
    _set(app, anna, quiet_start=0, quiet_end=0)  # 36 hours on it is 22:00 in Amsterdam
    with app.app_context():  # the pool letter below would bring a digest: not this test's
        notices.set_muted(db.session.get(User, anna.id), NoticeKind.POOL_DIGEST, muted=True)
        db.session.commit()
    waiting = a_place_letter(app, mila, clock)
    answered = a_place_letter(app, mila, clock, place="humor")
    a_place_letter(app, make_user("Zonder Coach"), clock)  # the pool: no coach to tell
    _answer(app, anna, answered, frame, clock, "Dank je.")
    assert _deliver(app, clock) == 3  # the two letters that arrived, and the feedback
    clock.advance(hours=35, minutes=59)
    assert "0 letter(s) due soon" in _journey(app, ["tick"]).output
    clock.advance(minutes=1)
    for _ in range(2):  # the timer may fire twice: no second notice
        result = _journey(app, ["tick"])
        assert result.exit_code == 0, result.output
    due = _notices(app, kind=NoticeKind.LETTER_DUE_SOON)
    assert [(n.user_id, n.letter_id) for n in due] == [(anna.id, waiting)]
    assert _deliver(app, clock) == 1
    mail = smtp.messages[-1]
    assert mail["Subject"] == "Een brief wacht nog op je antwoord"
    body = mail.get_body(("plain",)).get_content()
    assert f"{BASE_URL}/inbox/letters/{waiting}" in body
    assert "Je antwoord wordt verwacht vóór woensdag 4 maart om 10:00." in body
    clock.advance(hours=13)  # overdue now: not "due soon", and told already
    assert "0 letter(s) due soon" in _journey(app, ["tick"]).output


def test_a_second_notice_of_a_kind_about_one_letter_is_refused_by_the_database(
    app, clock, anna_and_mila
):
    anna, mila = anna_and_mila
    letter_id = a_place_letter(app, mila, clock)
    with app.app_context(), pytest.raises(IntegrityError):
        user = db.session.get(User, anna.id)
        notices.record(
            user, NoticeKind.LETTER_ARRIVED, clock(), letter=db.session.get(Letter, letter_id)
        )
        db.session.commit()


def _tick(app) -> str:
    result = _journey(app, ["tick"])
    assert result.exit_code == 0, result.output
    return result.output


def _reminders(app, actor) -> list[str]:
    return [n.kind for n in _notices(app, user_id=actor.id) if n.kind in notices.REMINDER_KINDS]


def _draft(app, coachee, clock, text: str, place: str = "humor") -> None:
    with app.app_context():
        from journey import visits

        user = db.session.get(User, coachee.id)
        visit = visits.visit_place(user, place, clock())
        question = app.extensions["journey.world"].place(place).questions[0].id
        visits.save_draft(visit, question, text, clock())
        db.session.commit()


def test_a_draft_left_for_three_days_brings_one_gentle_reminder(app, smtp, clock, anna_and_mila):
    anna, mila = anna_and_mila
    _set(app, mila, quiet_start=0, quiet_end=0)
    a_place_letter(app, mila, clock)  # she writes: no silence to remind her of
    _draft(app, mila, clock, f"Ik begin aan iets {CANARY}")
    clock.advance(days=2, hours=23)
    assert "0 coachee(s) reminded" in _tick(app)
    clock.advance(hours=1)
    assert "1 coachee(s) reminded" in _tick(app)
    assert "0 coachee(s) reminded" in _tick(app)  # run again: nothing twice
    assert _reminders(app, mila) == ["draft_waiting"]
    _deliver(app, clock)
    mail = [m for m in smtp.messages if m["To"] == "mila@example.org"][-1]
    assert mail["Subject"] == "Je brief ligt nog op je te wachten"
    assert f"{BASE_URL}/map" in mail.get_body(("plain",)).get_content()
    assert CANARY not in smtp.text(mail)
    clock.advance(days=8)  # the same untouched draft is not brought up again
    assert "0 coachee(s) reminded" in _tick(app)


def test_an_empty_draft_brings_no_reminder(app, clock, anna_and_mila):
    anna, mila = anna_and_mila
    a_place_letter(app, mila, clock)
    _draft(app, mila, clock, "   ")
    clock.advance(days=4)
    assert "0 coachee(s) reminded" in _tick(app)


def test_two_weeks_without_a_letter_bring_a_reminder_at_most_weekly(app, clock, anna_and_mila):
    anna, mila = anna_and_mila
    a_place_letter(app, mila, clock)
    clock.advance(days=13, hours=23)
    assert "0 coachee(s) reminded" in _tick(app)
    clock.advance(hours=1)
    assert "1 coachee(s) reminded" in _tick(app)
    _draft(app, mila, clock, "Toch even iets")  # a draft left after the reminder ...
    clock.advance(days=3)
    assert "0 coachee(s) reminded" in _tick(app)  # ... waits: one reminder a week
    clock.advance(days=4)
    assert "1 coachee(s) reminded" in _tick(app)
    assert _reminders(app, mila) == ["write_again", "draft_waiting"]
    clock.advance(days=30)  # the same silence is not brought up again
    _tick(app)
    assert _reminders(app, mila) == ["write_again", "draft_waiting"]


def test_no_reminder_after_the_trajectory_closed_or_when_switched_off(
    app, clock, anna_and_mila, make_user
):
    anna, mila = anna_and_mila
    ruben = make_user("Ruben", Role.COACHEE, coach=anna)
    a_place_letter(app, mila, clock)
    a_place_letter(app, ruben, clock)
    with app.app_context():
        inbox.close_trajectory(db.session.get(User, mila.id), clock())
        notices.set_muted(db.session.get(User, ruben.id), NoticeKind.WRITE_AGAIN, muted=True)
        db.session.commit()
    clock.advance(days=20)
    assert "0 coachee(s) reminded" in _tick(app)
    assert _reminders(app, mila) == [] and _reminders(app, ruben) == []


def test_a_supervisor_hears_of_a_handed_in_answer_and_the_trainee_of_the_comments(
    app, smtp, clock, make_user, frame
):
    from journey import practice

    carla = make_user("Supervisor Carla", Role.SUPERVISOR, email="carla@example.org")
    bas = make_user("Leerling Bas", Role.TRAINEE, supervisor=carla, email="bas@example.org")
    sample = app.extensions["journey.samples"].samples[0]
    with app.app_context():
        trainee = db.session.get(User, bas.id)
        attempt = practice.start_attempt(trainee, sample, frame, clock())
        practice.submit(attempt, {f"s-{frame.sections[0].id}": CANARY}, [], clock())
        attempt_id = attempt.id
        db.session.commit()
    assert _deliver(app, clock) == 1
    [to_carla] = smtp.messages
    assert to_carla["To"] == "carla@example.org"
    assert to_carla["Subject"] == "Er wacht een oefenantwoord op je commentaar"
    assert (
        f"{BASE_URL}/practice/attempts/{attempt_id}" in to_carla.get_body(("plain",)).get_content()
    )
    supervisor = app.test_client()
    login(supervisor, carla)
    page = supervisor.get("/notices/").get_data(as_text=True)
    assert "van Leerling Bas" in page and f'href="/practice/attempts/{attempt_id}"' in page
    with app.app_context():
        attempt = db.session.get(practice.PracticeAttempt, attempt_id)
        practice.mark_reviewed(attempt, db.session.get(User, carla.id), clock())
        db.session.commit()
    assert _deliver(app, clock) == 1
    to_bas = smtp.messages[-1]
    assert to_bas["To"] == "bas@example.org"
    assert to_bas["Subject"] == "Je supervisor heeft je antwoord besproken"
    for message in smtp.messages:
        assert CANARY not in smtp.text(message) and "Leerling Bas" not in smtp.text(message)


def test_the_admin_sees_the_mail_settings_failed_mails_and_overdue_letters(
    app, client, smtp, clock, anna_and_mila, make_user
):
    anna, mila = anna_and_mila
    app.config.update(MAIL_USER="journey", MAIL_PASSWORD="geheim-smtp-wachtwoord")
    admin = make_user("Beheerder Bo", Role.ADMIN)
    login(client, admin)
    page = client.get("/admin/mail").get_data(as_text=True)
    assert f"127.0.0.1:{smtp.port}" in page and "Journey &lt;journey@example.org&gt;" in page
    assert "geheim-smtp-wachtwoord" not in page
    assert "Alle mails kwamen aan." in page and "Geen brief wacht langer dan beloofd." in page
    assert "als journey" in page  # the login name, never its password
    app.config.update(MAIL_USER=None, MAIL_PASSWORD=None)  # the test server takes no login
    sent = client.post("/admin/mail", data={"address": "beheer@example.org"})
    assert "De mailserver nam de testmail aan: 250 OK queued" in sent.get_data(as_text=True)
    assert smtp.messages[-1]["To"] == "beheer@example.org"
    refused = client.post("/admin/mail", data={"address": "geen adres"})
    assert refused.status_code == 422
    assert "Dit lijkt geen e-mailadres." in refused.get_data(as_text=True)

    smtp.stop()
    a_place_letter(app, mila, clock)
    _deliver(app, clock)  # the server is down: Anna's mail waits for another try
    clock.advance(hours=49)  # and the letter is past its due time
    later = app.test_client()  # a new day, a new session
    assert login(later, admin).status_code == 302
    page = later.get("/admin/mail").get_data(as_text=True)
    assert "Coach Anna" in page and "er een brief voor mij binnenkomt" in page
    assert "ConnectionRefusedError" in page
    assert "1 uur te laat" in page


def test_without_a_mail_server_the_admin_is_told_how_mail_comes_on(app, client, make_user):
    login(client, make_user("Beheerder Bo", Role.ADMIN))
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "Er is geen mailserver ingesteld (JOURNEY_MAIL_HOST)." in page


def test_coaches_get_at_most_one_pool_digest_an_hour(app, smtp, clock, make_user, coach):
    _set(app, coach, email="anna@example.org", quiet_start=0, quiet_end=0)
    bram = make_user("Coach Bram", Role.COACH, email="bram@example.org")
    with app.app_context():  # Bram takes no pool letters by mail
        notices.set_muted(db.session.get(User, bram.id), NoticeKind.POOL_DIGEST, muted=True)
        db.session.commit()
    assert "0 coach(es) told of new pool letters" in _tick(app)  # an empty pool
    a_place_letter(app, make_user("Zonder Coach 1"), clock)
    assert "1 coach(es) told of new pool letters" in _tick(app)
    clock.advance(minutes=10)
    a_place_letter(app, make_user("Zonder Coach 2"), clock)
    assert "0 coach(es) told" in _tick(app)  # within the hour: it waits
    clock.advance(minutes=50)
    assert "1 coach(es) told" in _tick(app)  # the second letter, an hour after the first digest
    clock.advance(hours=3)
    assert "0 coach(es) told" in _tick(app)  # nothing new in the pool
    digests = _notices(app, kind=NoticeKind.POOL_DIGEST)
    assert [n.user_id for n in digests] == [coach.id, coach.id]
    _deliver(app, clock)
    mail = [
        m for m in smtp.messages if m["Subject"] == "Er staan nieuwe brieven in de gedeelde pool"
    ]
    assert len(mail) == 2 and f"{BASE_URL}/inbox/" in mail[0].get_body(("plain",)).get_content()


@pytest.mark.parametrize("to", ["pool", "substitute"])
def test_an_overdue_letter_is_handed_on_once_and_the_admin_told(
    app, client, smtp, clock, anna_and_mila, make_user, to
):
    """At its due time an unanswered letter goes to the substitute (while Anna is away)
    or back to the pool; the admins are told; every step is on the letter's history."""
    anna, mila = anna_and_mila
    app.config["OVERDUE_TO"] = to
    bram = make_user("Coach Bram", Role.COACH, email="bram@example.org")
    bo = make_user("Beheerder Bo", Role.ADMIN, email="bo@example.org")
    letter_id = a_place_letter(app, mila, clock)
    with app.app_context():  # Anna is away from 40 hours on; Bram stands in
        start = clock() + timedelta(hours=40)
        substitute = db.session.get(User, bram.id)
        inbox.add_absence(
            db.session.get(User, anna.id), start, start + timedelta(days=3), substitute
        )
        db.session.commit()
    clock.advance(hours=36)
    _tick(app)  # due soon: Anna is told
    clock.advance(hours=11, minutes=59)
    assert "0 overdue letter(s) handed on" in _tick(app)
    clock.advance(minutes=1)
    assert "1 overdue letter(s) handed on" in _tick(app)
    assert "0 overdue letter(s) handed on" in _tick(app)  # once
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        assert letter.coach_id == (bram.id if to == "substitute" else None)
        steps = [(e.kind, e.coach_id) for e in inbox.history_of(letter)]
    successor = bram.id if to == "substitute" else None
    assert steps == [
        ("sent", anna.id),
        ("due_soon", anna.id),
        ("overdue", anna.id),
        ("handed_on", successor),
        ("admin_told", None),
    ]
    [told] = _notices(app, user_id=bo.id)
    assert told.kind == NoticeKind.LETTER_OVERDUE and told.letter_id == letter_id
    # Bram hears of it: as the substitute it is his; back in the pool, the hourly digest
    expected_kind = "letter_arrived" if to == "substitute" else "pool_digest"
    assert [n.kind for n in _notices(app, user_id=bram.id)] == [expected_kind]
    login(client, bram)
    page = client.get(f"/inbox/letters/{letter_id}").get_data(as_text=True)
    expected = "doorgegeven aan Coach Bram" if to == "substitute" else "terug naar de gedeelde pool"
    assert "Geschiedenis van deze brief" in page and expected in page
    assert "verstuurd naar Coach Anna" in page


def test_the_overdue_setting_must_be_pool_or_substitute(another_app, database_url):
    with pytest.raises(RuntimeError, match="JOURNEY_OVERDUE_TO must be pool or substitute"):
        another_app({"DATABASE_URL": database_url, "OVERDUE_TO": "nobody"})


def test_the_canary_reaches_no_log_line_and_no_notice_page(
    app, smtp, clock, anna_and_mila, frame, caplog
):
    """Written texts (an answer, a note, feedback, a coach's letter) stay out of the
    worker's and the job's log lines and out of every Berichten page."""
    anna, mila = anna_and_mila
    caplog.set_level(logging.DEBUG)
    with app.app_context():
        from journey import visits

        user = db.session.get(User, mila.id)
        visit = visits.visit_place(user, "humor", clock())
        question = app.extensions["journey.world"].place("humor").questions[0].id
        letter = visits.send_letter(visit, {question: CANARY}, 5, CANARY, clock(), 48)
        coach = db.session.get(User, anna.id)
        answer_letter(letter, coach, frame, clock, CANARY)
        free_letters.write_to_coachee(coach, user, CANARY, clock())
        db.session.commit()
    _deliver(app, clock)
    clock.advance(days=20)
    _tick(app)
    _deliver(app, clock)
    assert len(smtp.messages) >= 3
    logged = "\n".join(r.getMessage() + repr(r.__dict__.get("args")) for r in caplog.records)
    assert "mailed: 250 OK" in logged and CANARY not in logged
    for actor in (anna, mila):
        browser = app.test_client()
        login(browser, actor)
        assert CANARY not in browser.get("/notices/").get_data(as_text=True)
