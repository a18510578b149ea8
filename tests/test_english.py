"""Journey in English: every role's main pages carry no Dutch UI text, and the language
of a page follows the account, else the browser, else the organisation.

"No Dutch UI text": no message id whose English translation differs from it appears in
the text of the page (tags stripped; attributes people read kept). Texts people wrote,
pseudonyms and the content of the world, the frames and the sample journeys (data, in
Dutch) are left out of the page text first.
"""

from __future__ import annotations

import dataclasses
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from journey import accounts, inbox, practice
from journey.extensions import db
from journey.models import (
    Answer,
    ChatMessage,
    FeedbackPart,
    IntervisionCase,
    IntervisionComment,
    Letter,
    PracticeAttempt,
    PracticeComment,
    PracticePart,
    Reaction,
    Role,
    User,
    Visit,
)

from .conftest import a_place_letter, login
from .test_access_matrix import (  # noqa: F401  (cast: a fixture)
    ACTORS,
    EXPECTED,
    cast,
    request_of,
    sign_in,
    url_values,
    walk_order,
)

CATALOGUE = (
    Path(__file__).resolve().parent.parent / "journey/translations/en/LC_MESSAGES/messages.po"
)
READ_ATTRIBUTES = {"title", "aria-label", "alt", "placeholder", "content"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")
DUTCH_MONTHS = ("januari", "februari", "maart", "mei", "juni", "juli", "augustus", "oktober")
ANSWER = "By the sea I feel at home."


def dutch_patterns() -> list[tuple[str, re.Pattern]]:
    """The Dutch message ids whose English differs, as patterns (placeholders: any text)."""
    with open(CATALOGUE, "rb") as po:
        catalogue = read_po(po, locale="en")
    patterns = []
    for entry in catalogue:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for dutch in ids:
            # The same in English, kept in it on purpose ("Dutch (Nederlands)"), or a date
            # pattern (its words are checked on the page as dates, below).
            if any(dutch in text for text in strings) or "MMMM" in dutch:
                continue
            parts = [re.escape(part) for part in PLACEHOLDER.split(dutch)]
            pattern = re.compile(r"(?<!\w)" + ".+?".join(parts) + r"(?!\w)")
            patterns.append((dutch, pattern))
    return patterns


PATTERNS = dutch_patterns()


class Texts(HTMLParser):
    """The texts of a page a reader meets: text nodes and the attributes read aloud."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES or name.startswith("data-msg-")):
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.append(data)


TAG = re.compile(r"<[^>]+>")


def strings_of(value) -> list[str]:
    """Every text in the loaded data (world, frames, samples): dataclasses all the way down."""
    if isinstance(value, str):
        return [value]
    if dataclasses.is_dataclass(value):
        return [s for f in dataclasses.fields(value) for s in strings_of(getattr(value, f.name))]
    if isinstance(value, (tuple, list)):
        return [s for item in value for s in strings_of(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_of(item)]
    return []


def normal(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def content(app):
    """Texts on pages that are not UI: the data's, and what the test's people wrote."""
    keys = ("journey.world", "journey.frames", "journey.samples", "journey.library")
    loaded = [app.extensions[key] for key in keys]
    texts = {normal(text) for text in strings_of(loaded) if len(text.strip()) > 2}
    # the library's bodies are HTML: their text between the tags is content too
    bodies = [text.html for text in app.extensions["journey.library"].texts]
    texts |= {normal(html.unescape(piece)) for body in bodies for piece in TAG.split(body)}
    texts = {text for text in texts if len(text) > 2}
    return sorted(texts, key=len, reverse=True)  # the longest first: a name is in a teaser


def dutch_in(html: str, content: list[str], names: tuple[str, ...] = ()) -> list[str]:
    parser = Texts()
    parser.feed(html)
    found = []
    for text in parser.texts:
        text = normal(text)
        for name in names:  # pseudonyms and what people wrote
            text = text.replace(name, " ")
        if not text.strip() or any(text.strip() in written for written in content):
            continue
        for written in content:  # a place's name and teaser in one label
            if written in text:
                text = re.sub(r"(?<!\w)" + re.escape(written) + r"(?!\w)", " ", text)
        for dutch, pattern in PATTERNS:
            if pattern.search(text):
                found.append(f"{dutch!r} in {text!r}")
    return found


def page(client, url: str, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def assert_english(client, urls, content, names=(), **kwargs) -> None:
    problems = []
    for url in urls:
        html = page(client, url, **kwargs)
        assert '<html lang="en">' in html, url
        problems += [f"{url}: {found}" for found in dutch_in(html, content, names)]
    assert not problems, "Dutch left on English pages:\n" + "\n".join(problems)


# -- the check itself ------------------------------------------------------------------


def test_the_check_sees_dutch(app, client, content):
    """The login page in Dutch (the default) is full of what the check looks for."""
    html = page(client, "/login")
    assert '<html lang="nl">' in html
    assert any("'Inloggen'" in found for found in dutch_in(html, content))


# -- each role's pages -----------------------------------------------------------------


def test_anonymous_pages_in_english_by_the_browser(client, content):
    headers = {"Accept-Language": "en-GB,en;q=0.9,nl;q=0.5"}
    assert_english(client, ["/login", "/register", "/"], content, headers=headers)


def test_coachee_pages_in_english(app, client, make_user, coach, clock, content):
    coachee = make_user("Traveller", coach=coach, locale="en")
    letter_id = a_place_letter(app, coachee, clock, answer=ANSWER)
    login(client, coachee)
    urls = [
        "/map",
        "/places/veilige-haven",
        "/letters",
        f"/letters/{letter_id}",
        "/letters/new",
        "/dossier",
        "/notices/",
        "/privacy/",
        "/privacy/erase",
        "/account",
    ]
    names = (coachee.pseudonym, coach.pseudonym, ANSWER, "Een notitie.")
    assert_english(client, urls, content, names)


def test_coach_pages_in_english(app, client, make_user, clock, content):
    coach = make_user("Coach Anna", Role.COACH, locale="en")
    coachee = make_user("Traveller", coach=coach)
    letter_id = a_place_letter(app, coachee, clock, answer=ANSWER)
    login(client, coach)
    urls = [
        "/inbox/",
        f"/inbox/letters/{letter_id}",
        "/inbox/coachees",
        "/inbox/settings",
        f"/inbox/coachees/{coachee.id}/letter",
        f"/dossier/{coachee.id}",
        "/notices/",
        "/account",
    ]
    names = (coachee.pseudonym, coach.pseudonym, ANSWER, "Een notitie.")
    assert_english(client, urls, content, names)


def test_trainee_and_supervisor_pages_in_english(app, client, make_user, content):
    supervisor = make_user("Supervisor Carla", Role.SUPERVISOR, locale="en")
    trainee = make_user("Trainee Bas", Role.TRAINEE, supervisor=supervisor, locale="en")
    sample = app.extensions["journey.samples"].samples[0]
    names = (trainee.pseudonym, supervisor.pseudonym)
    login(client, trainee)
    assert_english(client, ["/practice/", f"/practice/samples/{sample.id}"], content, names)
    client.post("/logout")
    login(client, supervisor)
    assert_english(client, ["/practice/review", "/account"], content, names)


def test_admin_pages_in_english(app, client, make_user, coach, content):
    admin = make_user("Admin Dee", Role.ADMIN, locale="en")
    make_user("Traveller", coach=coach)
    login(client, admin)
    urls = [
        "/admin/",
        "/admin/staff/new",
        "/admin/codes",
        "/admin/coachees",
        "/admin/trainees",
        "/admin/mail",
        "/admin/access-log",
    ]
    names = (admin.pseudonym, coach.pseudonym, "Traveller")
    assert_english(client, urls, content, names)


# -- which language wins ---------------------------------------------------------------


def language_of(client, **kwargs) -> str:
    html = page(client, "/account", **kwargs)
    return re.search(r'<html lang="(\w+)">', html).group(1)


def test_the_account_beats_the_browser_which_beats_the_organisation(
    another_app, database_url, make_user, app
):
    english_org = another_app({"DATABASE_URL": database_url, "DEFAULT_LOCALE": "en"})
    client = english_org.test_client()
    user = make_user("Traveller")
    login(client, user)
    assert language_of(client) == "en"  # the organisation's
    assert language_of(client, headers={"Accept-Language": "nl"}) == "nl"  # the browser's
    with app.app_context():
        db.session.get(User, user.id).locale = "en"
        db.session.commit()
    assert language_of(client, headers={"Accept-Language": "nl"}) == "en"  # the account's
    assert language_of(client, headers={"Accept-Language": "de, fr"}) == "en"


def test_choosing_a_language_on_the_account_page(app, client, make_user):
    user = make_user("Traveller")
    login(client, user)
    assert "Taal van Journey" in page(client, "/account")
    response = client.post("/account/language", data={"locale": "en"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Your language has been saved." in html
    assert '<html lang="en">' in html
    with app.app_context():
        assert db.session.get(User, user.id).locale == "en"
    response = client.post("/account/language", data={"locale": ""}, follow_redirects=True)
    assert '<html lang="nl">' in response.get_data(as_text=True)  # the organisation's again
    with app.app_context():
        assert db.session.get(User, user.id).locale is None


def test_an_unknown_language_is_refused_with_a_message(app, client, make_user):
    user = make_user("Traveller", locale="en")
    login(client, user)
    response = client.post("/account/language", data={"locale": "de"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please choose one of the languages in the list." in html
    with app.app_context():
        assert db.session.get(User, user.id).locale == "en"


def test_the_language_form_needs_its_csrf_token(app, client, make_user):
    user = make_user("Traveller")
    login(client, user)
    response = client.post("/account/language", data={"locale": "en"}, csrf=False)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, user.id).locale is None


def test_set_locale_refuses_an_unknown_language(app, make_user):
    user = make_user("Traveller")
    with app.app_context():
        account = db.session.get(User, user.id)
        with pytest.raises(ValueError):
            accounts.set_locale(account, "de")


def test_an_unknown_default_locale_refuses_to_start(another_app):
    with pytest.raises(RuntimeError, match="JOURNEY_DEFAULT_LOCALE"):
        another_app({"DATABASE_URL": "sqlite://", "DEFAULT_LOCALE": "fr"})


# -- dates and times -------------------------------------------------------------------


def test_dates_in_english_use_english_month_names(app, client, make_user, coach, clock):
    coachee = make_user("Traveller", coach=coach, locale="en", time_zone="Europe/London")
    letter_id = a_place_letter(app, coachee, clock)  # 2 March 2026, 09:00 UTC
    login(client, coachee)
    html = page(client, f"/letters/{letter_id}")
    assert "Monday 2 March at 9:00 AM" in html  # London: UTC+0 in March
    assert not any(month in html for month in DUTCH_MONTHS)
    assert "maandag" not in html and " om " not in html


@pytest.mark.parametrize(
    ("settings", "message", "saved_time"),
    [  # 2 March 2026, 09:05 UTC
        ({"locale": "en", "time_zone": "America/New_York"}, "Saved at {time}", "4:05\u202fAM"),
        ({}, "Opgeslagen om {time}", "10:05"),  # Dutch and Amsterdam by default (UTC+1)
    ],
)
def test_autosave_answers_with_the_time_in_the_writers_zone_and_language(
    app, client, make_user, coach, clock, settings, message, saved_time
):
    """New York is UTC-5 in March; CLDR writes English times with a narrow space."""
    login(client, make_user("Traveller", coach=coach, **settings))
    html = page(client, "/places/veilige-haven")
    assert f'data-msg-saved="{message}"' in html
    url = re.search(r'data-save-url="([^"]+)"', html).group(1)
    question = app.extensions["journey.world"].place("veilige-haven").questions[0].id
    clock.advance(minutes=5)
    response = client.post(url.replace("FIELD", f"q-{question}"), json={"text": "x", "version": 0})
    assert response.status_code == 200
    assert response.get_json()["saved_time"] == saved_time


# -- pages with more on them: feedback, history, practice answers and comments ---------

WRITTEN = "You write with care, and that is a fine start."


def test_pages_after_feedback_in_english(app, client, make_user, clock, frame, content):
    coach = make_user("Coach Anna", Role.COACH, locale="en")
    coachee = make_user("Traveller", coach=coach, locale="en")
    letter_id = a_place_letter(app, coachee, clock, answer=ANSWER)
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        feedback = inbox.feedback_draft(letter, db.session.get(User, coach.id), frame, clock())
        texts = dict.fromkeys(inbox.feedback_keys(frame, letter), WRITTEN)
        inbox.send_feedback(feedback, texts, frame, clock())
        db.session.commit()
    names = (coachee.pseudonym, coach.pseudonym, ANSWER, WRITTEN, "Een notitie.")
    login(client, coach)
    urls = [f"/inbox/letters/{letter_id}", "/inbox/?filter=answered", f"/dossier/{coachee.id}"]
    assert_english(client, urls, content, names)
    client.post("/logout")
    login(client, coachee)
    urls = [f"/letters/{letter_id}", "/letters", "/dossier", "/notices/", "/map"]
    assert_english(client, urls, content, names)


def test_practice_answers_and_comments_in_english(app, client, make_user, clock, frame, content):
    supervisor = make_user("Supervisor Carla", Role.SUPERVISOR, locale="en")
    trainee = make_user("Trainee Bas", Role.TRAINEE, supervisor=supervisor, locale="en")
    sample = app.extensions["journey.samples"].samples[0]
    with app.app_context():
        attempt = practice.start_attempt(db.session.get(User, trainee.id), sample, frame, clock())
        texts = dict.fromkeys(practice.answer_keys(frame, sample), WRITTEN)
        practice.submit(attempt, texts, practice.review(frame, sample, texts), clock())
        practice.add_comment(attempt, db.session.get(User, supervisor.id), WRITTEN, "", clock())
        attempt_id = attempt.id
        db.session.commit()
    names = (trainee.pseudonym, supervisor.pseudonym, WRITTEN)
    login(client, supervisor)
    assert_english(client, ["/practice/review", f"/practice/attempts/{attempt_id}"], content, names)
    with app.app_context():
        attempt = db.session.get(PracticeAttempt, attempt_id)
        practice.mark_reviewed(attempt, db.session.get(User, supervisor.id), clock())
        db.session.commit()
    client.post("/logout")
    login(client, trainee)
    urls = ["/practice/", f"/practice/samples/{sample.id}", f"/practice/attempts/{attempt_id}"]
    assert_english(client, urls, content, names)


def test_the_worlds_dutch_texts_are_marked_as_dutch_on_english_pages(app, client, make_user):
    place = app.extensions["journey.world"].place("veilige-haven")
    html = page(client, "/", headers={"Accept-Language": "en"})
    assert f'<h1 lang="nl">{app.extensions["journey.world"].title}</h1>' in html
    coachee = make_user("Traveller", locale="en")
    login(client, coachee)
    html = page(client, "/places/veilige-haven")
    assert f'<h1 lang="nl">{place.name}</h1>' in html
    assert f'<span lang="nl">{place.questions[0].text}</span>' in html
    with app.app_context():
        db.session.get(User, coachee.id).locale = "nl"
        db.session.commit()
    assert 'lang="nl">' not in page(client, "/places/veilige-haven").replace('<html lang="nl">', "")


# -- every page of the URL map, as every actor who may see it ----------------------------


def written_texts() -> list[str]:
    """What the cast's people wrote (Dutch, and not UI): every stored text, decrypted."""
    columns = [
        (Visit, Visit.note),
        (Answer, Answer.text),
        (Letter, Letter.body),
        (Letter, Letter.note),
        (FeedbackPart, FeedbackPart.text),
        (PracticePart, PracticePart.text),
        (PracticeComment, PracticeComment.passage),
        (PracticeComment, PracticeComment.body),
        (ChatMessage, ChatMessage.body),
        (IntervisionCase, IntervisionCase.question),
        (IntervisionCase, IntervisionCase.letter_text),
        (IntervisionCase, IntervisionCase.feedback_text),
        (IntervisionComment, IntervisionComment.passage),
        (IntervisionComment, IntervisionComment.body),
        (Reaction, Reaction.line),
    ]
    texts = {
        normal(text) for _model, column in columns for text in db.session.scalars(db.select(column))
    }
    return sorted((text for text in texts if text), key=len, reverse=True)


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"] + ["anonymous"])
def test_every_page_of_the_url_map_in_english(app, client, cast, content, actor):  # noqa: F811
    """Every GET page the access matrix lets this actor see (200, HTML), in English: a new
    page is checked as soon as it has its row there."""
    with app.app_context():
        for user in db.session.scalars(db.select(User)):
            user.locale = "en"
        db.session.commit()
        written = written_texts()
        names = tuple(u.pseudonym for u in db.session.scalars(db.select(User)))
    headers = {}
    if actor == "anonymous":
        headers = {"Accept-Language": "en"}
    else:
        sign_in(client, cast.users[actor])
    problems, seen = [], 0
    for rule in walk_order(app):
        if "GET" not in rule.methods or EXPECTED[rule.endpoint][actor] != 200:
            continue
        _method, url = request_of(app, rule, url_values(rule, cast, {}))
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        if response.mimetype != "text/html":
            continue
        seen += 1
        html = response.get_data(as_text=True)
        if html.lstrip().lower().startswith("<!doctype"):  # a page, not a piece of one
            assert '<html lang="en">' in html, url
        problems += [f"{url}: {found}" for found in dutch_in(html, [*written, *content], names)]
    assert seen, f"{actor} saw no page"
    assert not problems, "Dutch left on English pages:\n" + "\n".join(problems)
