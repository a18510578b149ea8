"""Every route, asked by every kind of visitor: one table says what each one gets.

The principle (DESIGN.md, "Data promises"): what an actor may not see answers
404, exactly like what does not exist; anonymous visitors are sent to the login
page (302), or get 401 JSON from the autosave endpoints; what an actor may see
answers 200, a successful POST 302, and a correct refusal 409 or 422.

Each actor gets a fresh database with the same fixed cast, walks every rule of
``app.url_map`` (GET when the rule allows it, else POST), and the answers are
compared with EXPECTED. A route without a row, or a row without a route, fails.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from journey import (
    agenda,
    book,
    chats,
    free_letters,
    inbox,
    intervision,
    practice,
    proposals,
    reactions,
    visits,
)
from journey.extensions import db
from journey.models import NoticeKind, Role, User
from journey.notices import unsubscribe_token

from .conftest import Actor, login

PLACE, DRAFT_PLACE = "veilige-haven", "stille-vijver"


pytestmark = pytest.mark.usefixtures("quick_password_hashes")

ACTORS = (
    "anonymous",
    "coachee_a",  # assigned to coach_a
    "coachee_b",  # assigned to coach_b
    "coach_a",
    "coach_b",  # "another coach" for everything of coachee_a
    "trainee",
    "supervisor",
    "admin",
)
GROUPS = {"coachees": ("coachee_a", "coachee_b"), "coaches": ("coach_a", "coach_b")}
LOGIN = 302  # anonymous visitors are sent to /login (checked)
NO_SESSION = 401  # anonymous autosave: JSON that says the session is gone


def row(default: int = 404, *, anonymous: int = LOGIN, **statuses: int) -> dict[str, int]:
    """Expected statuses: ``default`` for every signed-in actor not named, ``anonymous``
    for visitors; names may be actors or the groups ``coachees`` and ``coaches``."""
    table = dict.fromkeys(ACTORS[1:], default)
    table["anonymous"] = anonymous
    for name, status in statuses.items():
        for actor in GROUPS.get(name, (name,)):
            if actor not in table:
                raise KeyError(f"unknown actor {actor!r}")
            table[actor] = status
    return table


# endpoint -> {actor: status}, with the URL filled from PARAMS (objects of coachee A).
EXPECTED: dict[str, dict[str, int]] = {
    # who you are
    "journey.home": row(302, anonymous=200),  # the welcome page, or on to your own start
    "auth.login": row(302, anonymous=200),  # signed in already: on to your start
    "auth.register": row(302, anonymous=200),  # signed in already: on to your start
    "auth.logout": row(302),
    "auth.account": row(200),
    "auth.login_code": row(302),  # no password was just accepted: back to /login
    "auth.keep_alive": row(200, anonymous=NO_SESSION),
    # staff who must use two-factor have it on already: on to /account; others may set it up
    "auth.two_factor_setup": row(200, coaches=302, supervisor=302, admin=302),
    # it is off, or required for staff: back to /account
    "auth.two_factor_off": row(302),
    "auth.change_email": row(422),  # an empty form: the password is missing
    "auth.change_time_settings": row(422),  # an empty form: no zone, no hours
    "auth.change_language": row(422),  # an empty form: no choice (not even the browser's)
    # the coachee's journey
    "journey.world_map": row(coachees=200),
    "journey.place": row(coachees=200),  # places belong to the world, not to A
    "journey.goal": row(coachees=200),
    "journey.proposals_list": row(coachees=200),
    # the library: texts of the world, for everyone signed in (a coachee's read is noted)
    "library.index": row(200),
    "library.text": row(200),
    "journey.submit": row(coachee_a=302),  # A's draft visit, saved
    "journey.save_draft": row(coachee_a=200, anonymous=NO_SESSION),
    "journey.letters_list": row(coachees=200),
    "journey.letter": row(coachee_a=200),  # A's sent place letter
    "journey.free_letter": row(coachees=200),
    "journey.send_free_letter": row(coachee_a=302),  # A's free-letter draft, saved
    "journey.save_free_letter_draft": row(coachee_a=200, anonymous=NO_SESSION),
    # A's reaction to the end of the feedback on A's letter: an empty form names no kind
    "reactions.react": row(coachee_a=422),
    "reactions.take_back": row(coachee_a=302),
    # the coach's inbox
    "inbox.index": row(coaches=200),
    "inbox.letter": row(coach_a=200),
    "inbox.claim": row(coach_a=302),  # already theirs: back to the letter
    "inbox.save_feedback": row(coach_a=409, anonymous=NO_SESSION),  # the feedback was sent
    "inbox.send_feedback": row(coach_a=302),  # the feedback was sent: back to the letter
    "inbox.coachees": row(coaches=200),
    "inbox.harvest_letter": row(coach_a=200),  # GET: the draft, begun on the first visit
    "inbox.coachee_proposals": row(coach_a=200),
    "inbox.withdraw_proposal": row(coach_a=302),
    "inbox.write_letter": row(coach_a=200),
    "inbox.close_trajectory": row(coach_a=302),
    "inbox.settings": row(coaches=200),
    "inbox.delete_absence": row(coach_a=302),  # coach A's own absence
    "inbox.second_reader": row(coach_a=200),  # on A's letter, which coach A holds
    # a coach's own trends; coach A shares them with the supervisor (and so the admins)
    "trends.own": row(coaches=200),
    "trends.coach": row(coach_a=200, supervisor=200, admin=200),
    "trends.sharing": row(coaches=302),  # an empty form: not shared (any more)
    # practice: trainees see only samples and their own answers; supervisors their trainees'
    "practice.index": row(trainee=200),
    "practice.sample": row(trainee=200),
    "practice.save_part": row(trainee=200, anonymous=NO_SESSION),  # the next attempt
    "practice.answer": row(trainee=302),  # an empty form is kept as a draft
    "practice.second_reader": row(trainee=200),
    "practice.again": row(trainee=302),
    "practice.attempt": row(trainee=200, supervisor=200),  # the trainee's submitted answer
    "practice.review": row(supervisor=200),
    "practice.comment": row(supervisor=422),  # an empty comment is refused
    "practice.mark_reviewed": row(supervisor=302),
    # the dossier
    "dossier.own": row(coachees=200),
    "dossier.export_own": row(coachees=200),
    "dossier.show": row(coachee_a=200, coach_a=200),
    "dossier.export": row(coachee_a=200, coach_a=200),
    # the coachee's own book; their coach reads it while they share it (A does, B not)
    "book.index": row(coachees=200),
    "book.mark": row(),  # an empty form names no text of the dossier to keep words of
    "book.add_chapter": row(coachees=422),  # an empty form: the title is missing
    "book.edit_chapter": row(coachee_a=200),
    "book.move_chapter": row(coachee_a=302),
    "book.delete_chapter": row(coachee_a=302),
    "book.place_passage": row(coachee_a=302),  # an empty form: back among the gathered
    "book.move_passage": row(coachee_a=302),
    "book.remove_passage": row(coachee_a=302),
    "book.sharing": row(coachees=302),  # an empty form: not shared
    "book.export": row(coachees=200),
    # the agenda: A's appointment with coach A, and its live chat (not open yet)
    "agenda.index": row(coachees=200, coaches=200),
    "agenda.publish": row(coaches=422),  # an empty form: no date
    "agenda.withdraw": row(coach_a=302),
    "agenda.book": row(coachees=302),  # an empty form: back, asked to choose a time
    "agenda.appointment": row(coachee_a=200, coach_a=200),
    "agenda.move": row(coachee_a=302, coach_a=302),  # an empty form: back, asked to choose
    "agenda.cancel": row(coachee_a=302, coach_a=302),
    "agenda.set_link": row(coach_a=302),  # an empty link: none
    "agenda.calendar_file": row(coachee_a=200, coach_a=200),
    "chats.index": row(coachees=200, coaches=200),
    "chats.start": row(coaches=422),  # an empty form: no coachee
    "chats.chat": row(coachee_a=200, coach_a=200),
    "chats.send": row(coachee_a=422, coach_a=422),  # an empty form: no message
    "chats.mark_phase": row(coach_a=400),  # an empty form: no phase
    "chats.close": row(coach_a=302),
    "chats.messages": row(coachee_a=200, coach_a=200),
    "chats.stream": row(coachee_a=200, coach_a=200),
    "chats.second_reading": row(),  # the chat is still open: nothing to read back yet
    "book.coachee_book": row(coach_a=200),
    # administration
    "admin.index": row(admin=200),
    "admin.new_staff": row(admin=200),
    "admin.invitation_codes": row(admin=200),
    "admin.renew_code": row(admin=302),
    "admin.coachees": row(admin=200),
    "admin.assign_coach": row(admin=302),  # an empty form keeps the coach as it was
    "admin.trainees": row(admin=200),
    "admin.assign_supervisor": row(admin=302),  # an empty form keeps the supervisor
    "admin.assign_coach_supervisor": row(admin=302),  # an empty form keeps the supervisor
    "admin.access_log_search": row(admin=200),
    "admin.intervision_groups": row(admin=200),
    "admin.create_intervision_group": row(admin=422),  # an empty form: no name
    "admin.intervision_group": row(admin=200),
    "admin.change_intervision_group": row(admin=422),  # an empty form: no name
    "admin.add_intervision_member": row(admin=422),  # an empty form: no coach chosen
    "admin.remove_intervision_member": row(admin=302),
    "admin.delete_intervision_group": row(admin=302),
    "admin.mail_status": row(admin=200),
    # intervision: A's case, brought by coach A to the group of coaches A and B, shared
    "intervision.index": row(coaches=200),
    "intervision.new_case": row(coaches=200),
    "intervision.case": row(coaches=200),
    "intervision.save_case": row(coach_a=302),  # shared: it no longer changes
    "intervision.comment": row(coaches=422),  # an empty comment is refused
    "intervision.close_case": row(coach_a=302),
    "intervision.requests": row(coachees=200),
    "intervision.consent": row(coachee_a=200),
    "intervision.answer": row(coachee_a=422),  # an empty form: no answer
    # the coachee's own data
    "privacy.index": row(coachees=200),
    "privacy.archive": row(coachees=200),
    "privacy.erase": row(coachees=200),  # GET: the form that asks for the password
    # notices: everyone's own; an unsubscribe link works for whoever holds it (no login)
    "notices.index": row(200),
    "notices.mail_settings": row(302),
    "notices.unsubscribe": row(200, anonymous=200),  # GET: the page with the button
    # operations: the health check answers everyone, logged in or not
    "health.healthz": row(200, anonymous=200),
    # the installed web app: the manifest, the service worker and its offline page
    "install.manifest": row(200, anonymous=200),
    "install.service_worker": row(200, anonymous=200),
    "install.offline": row(200, anonymous=200),
}

# The same routes with other objects: (endpoint, URL values that differ, statuses).
PROBES: list[tuple[str, dict[str, str], dict[str, int]]] = [
    # B's things are B's and B's coach's
    ("journey.letter", {"letter_id": "b.letter"}, row(coachee_b=200)),
    ("inbox.letter", {"letter_id": "b.letter"}, row(coach_b=200)),
    ("dossier.show", {"coachee_id": "b.coachee"}, row(coachee_b=200, coach_b=200)),
    ("dossier.export", {"coachee_id": "b.coachee"}, row(coachee_b=200, coach_b=200)),
    ("inbox.write_letter", {"coachee_id": "b.coachee"}, row(coach_b=200)),
    ("inbox.harvest_letter", {"coachee_id": "b.coachee"}, row(coach_b=200)),
    ("inbox.harvest_letter", {"coachee_id": "pool.coachee"}, row()),
    ("inbox.coachee_proposals", {"coachee_id": "b.coachee"}, row(coach_b=200)),
    ("inbox.coachee_proposals", {"coachee_id": "pool.coachee"}, row()),
    ("inbox.withdraw_proposal", {"proposal_id": "b.proposal"}, row(coach_b=302)),
    ("inbox.withdraw_proposal", {"proposal_id": "missing"}, row()),
    ("inbox.save_feedback", {"letter_id": "b.waiting"}, row(coach_b=200, anonymous=NO_SESSION)),
    # a coach's free letter to A: A reads it, A's coach holds it, nobody answers it
    ("journey.letter", {"letter_id": "a.coach_letter"}, row(coachee_a=200)),
    ("inbox.letter", {"letter_id": "a.coach_letter"}, row(coach_a=200)),
    ("inbox.save_feedback", {"letter_id": "a.coach_letter"}, row(anonymous=NO_SESSION)),
    # A's sent free letter, waiting for an answer
    ("journey.letter", {"letter_id": "a.waiting"}, row(coachee_a=200)),
    ("inbox.letter", {"letter_id": "a.waiting"}, row(coach_a=200)),
    ("journey.save_free_letter_draft", {"letter_id": "a.waiting"}, row(anonymous=NO_SESSION)),
    # A's unsent free letter is read by nobody, A included, outside the letter form
    ("journey.letter", {"letter_id": "a.free_draft"}, row()),
    ("inbox.letter", {"letter_id": "a.free_draft"}, row()),
    ("inbox.save_feedback", {"letter_id": "a.free_draft"}, row(anonymous=NO_SESSION)),
    # A's sent visit cannot change any more
    (
        "journey.save_draft",
        {"visit_id": "a.sent_visit", "field": "a.sent_visit.field"},
        row(coachee_a=409, anonymous=NO_SESSION),
    ),
    ("journey.submit", {"visit_id": "a.sent_visit"}, row(coachee_a=302)),
    # the pool: every coach reads a pool letter; its writer's dossier only once a coach holds
    # one of their letters
    ("inbox.letter", {"letter_id": "pool.letter"}, row(coaches=200)),
    ("dossier.show", {"coachee_id": "pool.coachee"}, row()),
    ("inbox.write_letter", {"coachee_id": "pool.coachee"}, row()),
    # what does not exist looks like what one may not see
    ("journey.letter", {"letter_id": "missing"}, row()),
    ("inbox.letter", {"letter_id": "missing"}, row()),
    ("dossier.show", {"coachee_id": "missing"}, row()),
    ("journey.place", {"place_id": "missing.place"}, row()),
    ("library.text", {"text_id": "missing.place"}, row()),
    ("dossier.export_own", {"fmt": "fmt.docx"}, row()),
    # staff have no dossier, and only coachees have a coach
    ("dossier.show", {"coachee_id": "coach_a"}, row()),
    ("dossier.show", {"coachee_id": "admin"}, row()),
    ("admin.assign_coach", {"coachee_id": "coach_a"}, row()),
    ("admin.renew_code", {"coach_id": "a.coachee"}, row()),
    ("admin.assign_supervisor", {"trainee_id": "supervisor"}, row()),
    # a draft is its trainee's alone; another trainee's answer is nobody else's
    ("practice.attempt", {"attempt_id": "t.draft"}, row(trainee=302)),  # on to the sample page
    ("practice.attempt", {"attempt_id": "other.attempt"}, row()),
    ("practice.comment", {"attempt_id": "other.attempt"}, row()),
    ("practice.mark_reviewed", {"attempt_id": "other.attempt"}, row()),
    ("practice.sample", {"sample_id": "missing.place"}, row()),
    # an answer that was handed in cannot change; a number that skips ahead does not exist
    ("practice.save_part", {"number": "t.attempt.number"}, row(trainee=409, anonymous=NO_SESSION)),
    ("practice.save_part", {"number": "t.far"}, row(anonymous=NO_SESSION)),
    ("inbox.second_reader", {"letter_id": "pool.letter"}, row()),  # nobody holds it yet
    # a book is its owner's; the coach reads it only while it is shared (B's is not)
    ("book.edit_chapter", {"chapter_id": "b.chapter"}, row(coachee_b=200)),
    ("book.move_passage", {"passage_id": "b.passage"}, row(coachee_b=302)),
    ("book.coachee_book", {"coachee_id": "b.coachee"}, row()),
    ("book.coachee_book", {"coachee_id": "pool.coachee"}, row()),
    ("book.coachee_book", {"coachee_id": "missing"}, row()),
    ("book.edit_chapter", {"chapter_id": "missing"}, row()),
    ("book.export", {"fmt": "fmt.docx"}, row()),
    # the second reader reads a closed chat for its coach only
    ("chats.second_reading", {"chat_id": "a.closed_chat"}, row(coach_a=200)),
    ("chats.chat", {"chat_id": "b.chat"}, row(coachee_b=200, coach_b=200)),
    ("agenda.appointment", {"appointment_id": "b.appointment"}, row(coachee_b=200, coach_b=200)),
    ("agenda.withdraw", {"availability_id": "b.availability"}, row(coach_b=302)),
    # a case is its coach's; the group reads it once shared, the coachee once asked
    ("intervision.case", {"case_id": "a.draft_case"}, row(coach_a=200)),
    ("intervision.case", {"case_id": "a.asked_case"}, row(coach_a=200)),
    ("intervision.comment", {"case_id": "a.asked_case"}, row(coach_a=302)),  # not shared
    ("intervision.save_case", {"case_id": "a.draft_case"}, row(coach_a=422)),  # empty form
    ("intervision.consent", {"case_id": "a.draft_case"}, row()),
    ("intervision.consent", {"case_id": "a.asked_case"}, row(coachee_a=200)),
    ("intervision.case", {"case_id": "missing"}, row()),
    ("intervision.consent", {"case_id": "missing"}, row()),
    ("admin.intervision_group", {"group_id": "missing"}, row()),
    # reactions: to comments of sent feedback on one's own letter only
    ("reactions.react", {"letter_id": "b.letter"}, row(coachee_b=422)),
    ("reactions.react", {"key": "a.letter.key"}, row()),  # a section: no comment to react to
    ("reactions.react", {"letter_id": "a.waiting"}, row()),  # not answered yet
    ("reactions.react", {"letter_id": "a.coach_letter"}, row()),
    ("reactions.react", {"letter_id": "missing"}, row()),
    ("reactions.take_back", {"letter_id": "b.letter"}, row(coachee_b=302)),
    ("reactions.take_back", {"letter_id": "a.waiting"}, row()),
    # trends: coach B shares nothing; only coaches have trends
    ("trends.coach", {"coach_id": "coach_b"}, row(coach_b=200)),
    ("trends.coach", {"coach_id": "a.coachee"}, row()),
    ("trends.coach", {"coach_id": "supervisor"}, row()),
    ("trends.coach", {"coach_id": "missing"}, row()),
    ("admin.assign_coach_supervisor", {"coach_id": "a.coachee"}, row()),
    # a spoilt unsubscribe link is refused alike for everyone
    ("notices.unsubscribe", {"token": "spoilt.token"}, row(400, anonymous=400)),
]

# URL parameter -> the cast's value (Cast.values) it is filled with.
PARAMS = {
    "letter_id": "a.letter",
    "visit_id": "a.visit",
    "place_id": "a.visit.place",
    "field": "a.visit.field",
    "coachee_id": "a.coachee",
    "coach_id": "coach_a",
    "absence_id": "a.absence",
    "key": "a.letter.key",
    "fmt": "fmt.json",
    "trainee_id": "trainee",
    "sample_id": "t.sample",
    "number": "t.next",
    "token": "a.unsubscribe",
    "attempt_id": "t.attempt",
    "chapter_id": "a.chapter",
    "text_id": "text",
    "passage_id": "a.passage",
    "proposal_id": "a.proposal",
    "availability_id": "a.availability",
    "appointment_id": "a.appointment",
    "chat_id": "a.chat",
    "case_id": "a.case",
    "group_id": "group",
}
PARAMS_FOR = {
    "reactions.react": {"key": "end"},
    "reactions.take_back": {"key": "end"},
    "practice.sample": {"sample_id": "t.draft_sample"},
    "practice.second_reader": {"sample_id": "t.draft_sample", "number": "t.draft.number"},
    "journey.send_free_letter": {"letter_id": "a.free_draft"},
    "journey.save_free_letter_draft": {"letter_id": "a.free_draft", "field": "a.free_draft.field"},
}
JSON_BODY = {
    "journey.save_draft",
    "journey.save_free_letter_draft",
    "inbox.save_feedback",
    "practice.save_part",
    "auth.keep_alive",
}
LAST = (
    "reactions.take_back",
    "trends.sharing",
    "chats.close",
    "agenda.cancel",
    "book.remove_passage",
    "book.delete_chapter",
    "inbox.close_trajectory",
    "intervision.close_case",
    "admin.remove_intervision_member",
    "admin.delete_intervision_group",
    "auth.logout",
)  # they change what comes after them
SKIPPED = {"static"}


@dataclass(frozen=True)
class Cast:
    """Who acts (Actors) and the ids and plain values of their things: no database rows."""

    users: dict[str, Actor]
    values: dict[str, object]


def sign_in(client, user: Actor) -> None:
    """Log ``user`` in through the login form (conftest's ``login``) and check it worked."""
    response = login(client, user)
    assert response.status_code == 302, f"could not log in as {user.pseudonym}"
    with client.session_transaction() as session:
        assert session.get("_user_id") == str(user.id), f"{user.pseudonym} is not logged in"


def a_journey(side: str, coachee: User, coach: User, world, frame, clock) -> dict[str, object]:
    """One coachee's things: a sent place letter with sent feedback (and the coachee's
    reaction to it as a whole), a waiting free letter,
    a free-letter draft, a draft visit with an answer, a coach's letter, a book with a
    chapter and a passage (shared by coachee A); the coach's absence.
    Runs in the caller's app context."""
    place, draft_place = world.place(PLACE), world.place(DRAFT_PLACE)
    sent_visit = visits.visit_place(coachee, PLACE, clock())
    letter = visits.send_letter(
        sent_visit, {place.questions[0].id: "Bij de zee voel ik me thuis."}, 6, "", clock(), 48
    )
    feedback = inbox.feedback_draft(letter, coach, frame, clock())
    texts = {f"s-{section.id}": "Dank voor je brief." for section in frame.sections}
    inbox.send_feedback(feedback, texts, frame, clock())
    reactions.react(feedback, reactions.END, "touches", "Dit raakte me echt.", clock())
    waiting = free_letters.draft(coachee, clock())
    free_letters.send(waiting, "Vandaag wil ik iets kwijt.", 5, "", clock(), 48)
    free_draft = free_letters.draft(coachee, clock())
    free_letters.save_body(free_draft, "Nog niet af.", clock())
    visit = visits.visit_place(coachee, DRAFT_PLACE, clock())
    visits.save_draft(visit, draft_place.questions[0].id, "Een concept.", clock())
    coach_letter = free_letters.write_to_coachee(coach, coachee, "Hoe gaat het nu?", clock())
    later = clock() + timedelta(days=30)
    absence = inbox.add_absence(coach, later, later + timedelta(days=1), None)
    source = book.find_source(coachee, "answer", letter.id, place.questions[0].id)
    passage = book.mark(coachee, source, "Bij de zee", clock())
    chapter = book.add_chapter(coachee, "Thuis", clock())
    book.place_passage(coachee, passage, chapter)
    if side == "a":
        book.share(coachee, clock())
    proposal = proposals.propose(
        coach,
        coachee,
        "place",
        DRAFT_PLACE,
        None,
        None,
        None,
        "Kijk eens hier.",
        clock(),
        world=world,
        known_text=lambda _text: False,
    )
    publish = dict(minute=10 * 60, minutes=60, weekly=False, until=None)
    agenda.publish(  # booked below
        coach,
        starts_on=clock().date() + timedelta(days=7),
        **publish,
        zone_name="Europe/Amsterdam",
        now=clock(),
    )
    appointment = agenda.book(coachee, agenda.slots(coach, clock())[0].key, clock())
    kept = agenda.publish(  # withdrawn by the walk: the booked one's stays
        coach,
        starts_on=clock().date() + timedelta(days=8),
        **publish,
        zone_name="Europe/Amsterdam",
        now=clock(),
    )
    closed_chat = chats.start_async(coach, coachee, 4, clock())
    chats.close(closed_chat, clock())
    db.session.flush()
    return {
        f"{side}.availability": kept.id,
        f"{side}.appointment": appointment.id,
        f"{side}.chat": appointment.chat_id,
        f"{side}.closed_chat": closed_chat.id,
        f"{side}.coachee": coachee.id,
        f"{side}.letter": letter.id,
        f"{side}.letter.key": f"s-{frame.sections[0].id}",
        f"{side}.sent_visit": sent_visit.id,
        f"{side}.sent_visit.field": f"q-{place.questions[0].id}",
        f"{side}.waiting": waiting.id,
        f"{side}.free_draft": free_draft.id,
        f"{side}.free_draft.field": "body",
        f"{side}.visit": visit.id,
        f"{side}.visit.place": DRAFT_PLACE,
        f"{side}.visit.field": f"q-{draft_place.questions[0].id}",
        f"{side}.coach_letter": coach_letter.id,
        f"{side}.absence": absence.id,
        f"{side}.chapter": chapter.id,
        f"{side}.passage": passage.id,
        f"{side}.proposal": proposal.id,
    }


@pytest.fixture
def cast(app, make_user, clock) -> Cast:
    world, frame = app.extensions["journey.world"], app.extensions["journey.frames"].default
    supervisor = make_user("Supervisor Sam", Role.SUPERVISOR)
    # coach A shares their trends with their supervisor; coach B has none and shares nothing
    coach_a = make_user("Coach Anna", Role.COACH, supervisor=supervisor, trends_shared_at=clock())
    coach_b = make_user("Coach Bram", Role.COACH)
    users = {
        "coachee_a": make_user("Reiziger A", coach=coach_a),
        "coachee_b": make_user("Reiziger B", coach=coach_b),
        "coach_a": coach_a,
        "coach_b": coach_b,
        "trainee": make_user("Leerling Lot", Role.TRAINEE, supervisor=supervisor),
        "supervisor": supervisor,
        "admin": make_user("Beheerder Bo", Role.ADMIN),
    }
    pool = make_user("Reiziger Pool")  # no coach: the shared pool
    other_supervisor = make_user("Supervisor Siem", Role.SUPERVISOR)
    other = make_user("Leerling Olaf", Role.TRAINEE, supervisor=other_supervisor)
    values: dict[str, object] = {name: user.id for name, user in users.items()}
    values |= {"missing": 999_999, "missing.place": "nergens", "fmt.json": "json"}
    values |= {"fmt.docx": "docx", "spoilt.token": "abc", "end": reactions.END}
    values["text"] = app.extensions["journey.library"].texts[0].id
    app.config["CHAT_STREAM_SECONDS"] = 0.05  # a stream answers, then ends
    kind = NoticeKind.FEEDBACK_ARRIVED  # A's unsubscribe link from a feedback mail
    values["a.unsubscribe"] = unsubscribe_token(
        app.config["SECRET_KEY"], users["coachee_a"].id, kind
    )
    with app.app_context():  # the cast's things, written before any request
        for side in ("a", "b"):
            coachee, coach = (
                db.session.get(User, users[f"{r}_{side}"].id) for r in ("coachee", "coach")
            )
            values |= a_journey(side, coachee, coach, world, frame, clock)
        pool_visit = visits.visit_place(db.session.get(User, pool.id), PLACE, clock())
        answer = {world.place(PLACE).questions[0].id: "Zonder coach."}
        values["pool.letter"] = visits.send_letter(pool_visit, answer, None, "", clock(), 48).id
        values["pool.coachee"] = pool.id
        values |= practice_work(app, users["trainee"], other, clock)
        values |= intervision_work(
            app, users["coach_a"], users["coach_b"], values["a.letter"], clock
        )
        db.session.commit()
    return Cast(users, values)


def intervision_work(app, coach_a, coach_b, letter_id: int, clock) -> dict[str, object]:
    """A group of coaches A and B; coach A brought A's answered letter three times: a
    draft, one A was asked about, and one A agreed to (shared). Runs in the caller's app
    context; ``coach_a`` and ``coach_b`` have an ``id``."""
    world, frames = app.extensions["journey.world"], app.extensions["journey.frames"]
    coach, other = db.session.get(User, coach_a.id), db.session.get(User, coach_b.id)
    group = intervision.create_group("Dinsdaggroep", 14, clock())
    intervision.add_member(group, coach)
    intervision.add_member(group, other)
    letter = db.session.get(inbox.Letter, letter_id)
    cases = [
        intervision.start_case(coach, group, letter, "Wat zien jullie?", world, frames, clock())
        for _ in range(3)
    ]
    draft, asked, shared = cases
    intervision.ask_consent(asked, clock())
    intervision.ask_consent(shared, clock())
    intervision.consent(shared, clock())
    return {
        "group": group.id,
        "a.draft_case": draft.id,
        "a.asked_case": asked.id,
        "a.case": shared.id,
    }


def practice_work(app, trainee: Actor, other: Actor, clock) -> dict[str, object]:
    """The trainee (supervised by the supervisor) handed in an answer to one sample and
    has a draft at another; another trainee, with another supervisor, handed one in too.
    Runs in the caller's app context."""
    frame = app.extensions["journey.frames"].default
    first, second = app.extensions["journey.samples"].samples[:2]
    trainee, other = db.session.get(User, trainee.id), db.session.get(User, other.id)
    handed_in = practice.start_attempt(trainee, first, frame, clock())
    practice.submit(handed_in, {"s-openen": "Wat een mooie brief."}, [], clock())
    draft = practice.start_attempt(trainee, second, frame, clock())
    practice.save_part(draft, "s-openen", "Een begin.", clock())
    elsewhere = practice.start_attempt(other, first, frame, clock())
    practice.submit(elsewhere, {"s-openen": "Dank je."}, [], clock())
    return {
        "t.sample": first.id,
        "t.attempt": handed_in.id,
        "t.attempt.number": handed_in.number,
        "t.next": handed_in.number + 1,
        "t.far": handed_in.number + 5,
        "t.draft_sample": second.id,
        "t.draft": draft.id,
        "t.draft.number": draft.number,
        "other.attempt": elsewhere.id,
    }


@dataclass(frozen=True)
class Outcome:
    endpoint: str
    method: str
    url: str
    expected: int
    got: int | str

    def __str__(self) -> str:
        return f"{self.endpoint}: {self.method} {self.url} expected {self.expected}, got {self.got}"


def walk_order(app) -> list:
    """The rules to ask: GETs first, then POSTs, and the ones in LAST at the very end."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED]

    def order(rule) -> tuple:
        last = LAST.index(rule.endpoint) if rule.endpoint in LAST else -1
        return (last, "GET" not in rule.methods, rule.endpoint, rule.rule)

    return sorted(rules, key=order)


def url_values(rule, cast: Cast, overrides: dict[str, str]) -> dict[str, object]:
    names = {**PARAMS, **PARAMS_FOR.get(rule.endpoint, {}), **overrides}
    missing = sorted(rule.arguments - names.keys())
    if missing:
        raise LookupError(
            f"{rule.endpoint}: no value for URL parameter(s) {', '.join(missing)}; "
            "add them to PARAMS (or PARAMS_FOR) in tests/test_access_matrix.py"
        )
    return {name: cast.values[names[name]] for name in rule.arguments}


def request_of(app, rule, values: dict[str, object]) -> tuple[str, str]:
    """The method and URL to ask ``rule`` with: GET when it allows GET, else POST."""
    method = "GET" if "GET" in rule.methods else "POST"
    return method, app.url_map.bind("localhost").build(rule.endpoint, values, method=method)


def send(client, endpoint: str, method: str, url: str):
    if method == "GET":
        return client.get(url)
    if endpoint in JSON_BODY:
        return client.post(url, json={"text": "x"})
    return client.post(url, data={})


def check(app, client, rule, cast: Cast, expected: dict[str, int], actor: str, overrides=None):
    """Ask one rule as ``actor``; returns an Outcome when the answer is not the expected one."""
    try:
        method, url = request_of(app, rule, url_values(rule, cast, overrides or {}))
    except LookupError as problem:
        return Outcome(rule.endpoint, "?", rule.rule, expected[actor], str(problem))
    try:
        response = send(client, rule.endpoint, method, url)
    except Exception as error:  # the app raised: report it with the rest
        got = f"an exception, {type(error).__name__}: {error}"
        return Outcome(rule.endpoint, method, url, expected[actor], got)
    got: int | str = response.status_code
    if actor == "anonymous" and got == 302:
        location = urlsplit(response.headers["Location"]).path
        got = 302 if location == "/login" else f"302 to {location} (not /login)"
    if got == NO_SESSION and response.get_json(silent=True) is None:
        got = "401 without JSON"
    if got == expected[actor]:
        return None
    return Outcome(rule.endpoint, method, url, expected[actor], got)


def signed_in_as(client, user: Actor | None) -> None:
    """Make sure the client is (still) signed in as ``user``; a POST /logout ends it."""
    if user is None:
        return
    with client.session_transaction() as session:
        if session.get("_user_id") == str(user.id):
            return
    sign_in(client, user)


def test_every_route_has_a_row_and_every_row_a_route(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - SKIPPED
    problems = [
        f"{endpoint} has no row: add it to EXPECTED in tests/test_access_matrix.py"
        for endpoint in sorted(endpoints - EXPECTED.keys())
    ]
    problems += [
        f"EXPECTED has a row for {e}, a route the app does not have"
        for e in sorted(EXPECTED.keys() - endpoints)
    ]
    named = {endpoint for endpoint, _, _ in PROBES} | JSON_BODY | set(LAST) | PARAMS_FOR.keys()
    problems += [
        f"PROBES, JSON_BODY, LAST or PARAMS_FOR name {e}, a route the app does not have"
        for e in sorted(named - endpoints)
    ]
    problems += [
        f"EXPECTED[{endpoint!r}] names {sorted(statuses)}, not every actor: use row()"
        for endpoint, statuses in EXPECTED.items()
        if set(statuses) != set(ACTORS)
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("actor", ACTORS)
def test_each_actor_gets_what_the_table_says(app, client, cast, actor):
    user = cast.users.get(actor)
    rules = walk_order(app)
    by_endpoint = {rule.endpoint: rule for rule in rules}
    wrong: list[str] = []

    # the probes first: nothing they change matters to the table
    for endpoint, overrides, statuses in PROBES:
        if endpoint not in by_endpoint:
            wrong.append(f"(probe {overrides}) {endpoint}: the app has no such route")
            continue
        signed_in_as(client, user)
        outcome = check(app, client, by_endpoint[endpoint], cast, statuses, actor, overrides)
        if outcome:
            wrong.append(f"(probe {overrides}) {outcome}")

    for rule in rules:
        if rule.endpoint not in EXPECTED:
            wrong.append(
                f"{rule.endpoint} ({rule.rule}) has no row: "
                "add it to EXPECTED in tests/test_access_matrix.py"
            )
            continue
        signed_in_as(client, user)
        outcome = check(app, client, rule, cast, EXPECTED[rule.endpoint], actor)
        if outcome:
            wrong.append(str(outcome))

    assert not wrong, f"{actor}:\n  " + "\n  ".join(wrong)
