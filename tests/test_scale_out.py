"""More app servers: two gunicorn instances share one PostgreSQL and one Redis, and
sessions, the login throttle, claims and draft saves behave as on one server.

Both instances (2 sync workers each, on two free loopback ports) get the same
settings: the test's database, secret key and encryption keys, the machine's Redis
(127.0.0.1:6379) for the throttles under a key prefix of this test alone (its keys
are removed afterwards) and ``JOURNEY_PROXIES=1``, as behind a load balancer: every
browser of the test sends its own ``X-Forwarded-For`` address, so that the login
throttle counts per visitor and the logins of one proof do not use up another's.

The proofs: a login on one instance is valid on the other, and logging out on one
ends the session on the other; wrong passwords sent to both in turn are refused
after the limit, although each instance alone saw fewer; two coaches claiming one
pool letter at the same moment through different instances give exactly one winner;
20 writers autosaving through alternating instances lose no acknowledged save.

Only on PostgreSQL: several servers share one PostgreSQL (SQLite is one file on one
machine). As in test_concurrency, the test writes what the servers need before they
start and reads what they stored after they stopped, each time in an app context of
its own; while they run it holds no app context, no transaction and no connection.
"""

from __future__ import annotations

import itertools
import math
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from urllib.parse import urlsplit

import pyotp
import pytest
import redis

from journey import accounts
from journey.extensions import db
from journey.models import Answer, Letter, Role, User, Visit

from .conftest import PASSWORD, Actor, a_place_letter
from .servers import (
    CSRF_INPUT,
    CSRF_META,
    REQUEST_TIMEOUT,
    Browser,
    Gunicorn,
    close_connections,
    post_request,
    run_together,
)

REDIS_URL = "redis://127.0.0.1:6379"
WORKERS = 2  # sync workers per instance
LOGIN_LIMIT = 5  # JOURNEY_LOGIN_RATE_LIMIT of both instances, per minute
POOL_LETTERS = 10
WRITING_COACHEES = 5
ANSWERS_PER_COACHEE = 4  # 5 coachees x 4 answers: 20 writers, each their own answer
SAVES_PER_WRITER = 20
# Several servers share one PostgreSQL; SQLite is one file on one machine.
pytestmark = pytest.mark.backends("postgresql")
TAKEN = "Een andere coach heeft deze brief net genomen."
TOO_MANY = "Je hebt het te vaak kort na elkaar geprobeerd"


class Servers:
    """Instances A and B on the test's database, sharing Redis: ``start()`` them after
    writing what they need, ``stop()`` them before reading what they stored."""

    def __init__(self, app, tmp_path, env: dict[str, str]):
        self.app, self.tmp_path, self.env = app, tmp_path, env
        self.started: list[Gunicorn] = []

    def start(self) -> tuple[Gunicorn, Gunicorn]:
        close_connections(self.app)
        for name in ("a", "b"):
            log = self.tmp_path / f"gunicorn-{name}.log"
            self.started.append(Gunicorn(self.app, log, workers=WORKERS, env=self.env))
        for server in self.started:
            server.wait_until_ready()
        return self.started[0], self.started[1]

    def stop(self) -> None:
        for server in self.started:
            server.stop()

    def logs(self) -> str:
        return "\n".join(f"--- {server.url}\n{server.log()}" for server in self.started)


@pytest.fixture
def servers(app, tmp_path, quick_password_hashes):
    """Two instances to start; both are stopped and the test's Redis keys removed
    afterwards, also when the test fails."""
    prefix = f"journey-scale-out-{uuid.uuid4().hex}"
    env = {
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute",
        "PROXIES": "1",
    }
    pair = Servers(app, tmp_path, env)
    try:
        yield pair
    finally:
        pair.stop()
        with redis.Redis.from_url(REDIS_URL) as connection:
            for key in connection.scan_iter(match=f"*{prefix}*"):
                connection.delete(key)


_addresses = itertools.count()


def visitor(server: Gunicorn) -> Browser:
    """A new browser on ``server``, from an address of its own (TEST-NET-2)."""
    return Browser(
        server.url, headers={"X-Forwarded-For": f"198.51.100.{next(_addresses) % 254 + 1}"}
    )


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the redirect comes back as an HTTPError with its Location


def post_form(browser: Browser, path: str, form: dict[str, str]) -> tuple[int, str, str]:
    """POST a form (with the browser's CSRF token unless ``form`` has one) without
    following a redirect: (status, path of the Location or "", page)."""
    form = {"csrf_token": browser.csrf_token, **form}
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(browser.jar), _Stay)
    opener.addheaders = list(browser.headers.items())
    data = urllib.parse.urlencode(form).encode()
    request = post_request(browser.base_url + path, data, {})
    try:
        with opener.open(request, timeout=REQUEST_TIMEOUT) as response:
            return response.status, "", response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            location = urlsplit(error.headers.get("Location", "")).path
            return error.code, location, error.read().decode(errors="replace")


def take_token(browser: Browser, path: str) -> str:
    """Open ``path`` and keep its CSRF token (of the form, else of the page)."""
    status, _url, page = browser.get(path)
    assert status == 200, path
    found = CSRF_INPUT.search(page) or CSRF_META.search(page)
    browser.csrf_token = found.group(1)
    return page


def current_code(actor: Actor) -> str:
    """The code the authenticator app shows now (the servers use the real clock)."""
    return pyotp.TOTP(actor.totp_secret, interval=accounts.TOTP_STEP_SECONDS).at(time.time())


def page_of(browser: Browser, path: str) -> tuple[str, str]:
    """(path of the page the browser ended on, the page)."""
    _status, url, page = browser.get(path)
    return urlsplit(url).path, page


def logged_in_as(page: str, pseudonym: str) -> bool:
    return f'href="/account">{pseudonym}</a>' in page


def staff_login(password_at: Browser, code_at: Browser, actor: Actor) -> None:
    """Log ``actor`` in: the password on one instance, the code on the other."""
    take_token(password_at, "/login")
    form = {"pseudonym": actor.pseudonym, "password": actor.password}
    assert post_form(password_at, "/login", form)[:2] == (302, "/login/code")
    take_token(code_at, "/login/code")
    status, location, _page = post_form(code_at, "/login/code", {"code": current_code(actor)})
    assert (status, location) == (302, "/"), actor.pseudonym


def test_a_login_on_one_server_is_valid_on_the_other(servers, make_user):
    coach = make_user("CoachOpTwee", Role.COACH)
    coachee = make_user("ReizigerOpTwee")
    a, b = servers.start()

    # The coach's password on A, the code on B: the half-logged-in state travels too.
    browser = visitor(a)
    staff_login(browser, browser.at(b.url), coach)
    for server in (a, b):
        path, page = page_of(browser.at(server.url), "/inbox/")
        assert path == "/inbox/", server.url
        assert logged_in_as(page, coach.pseudonym), server.url

    # A coachee on two devices, one logged in on A and one on B; logging out on B ends
    # both sessions everywhere (the session epoch in the database).
    first, second = visitor(a), visitor(b)
    for device in (first, second):
        device.login(coachee.pseudonym)
    for device in (first, second):
        for server in (a, b):
            path, page = page_of(device.at(server.url), "/map")
            assert path == "/map" and logged_in_as(page, coachee.pseudonym), server.url
    take_token(second, "/map")
    assert post_form(second, "/logout", {})[:2] == (302, "/")
    for device in (first, second):
        for server in (a, b):
            path, page = page_of(device.at(server.url), "/map")
            assert path == "/login" and not logged_in_as(page, coachee.pseudonym), server.url


def test_the_login_throttle_counts_across_servers(servers, make_user):
    target = make_user("Geraden")
    a, b = servers.start()
    browser = visitor(a)
    take_token(browser, "/login")
    at = {a: browser, b: browser.at(b.url)}
    wrong = {"pseudonym": target.pseudonym, "password": "niet-het-goede-wachtwoord"}
    seen = {a: 0, b: 0}
    for attempt in range(LOGIN_LIMIT):
        server = a if attempt % 2 == 0 else b
        status, _location, page = post_form(at[server], "/login", wrong)
        assert status == 422 and TOO_MANY not in page, attempt
        seen[server] += 1
    assert max(seen.values()) == math.ceil(LOGIN_LIMIT / 2) < LOGIN_LIMIT  # each saw fewer

    # The next attempt is refused on either instance, the right password as well.
    for server in (b, a):
        status, _location, page = post_form(at[server], "/login", wrong)
        assert status == 429 and TOO_MANY in page, server.url
    right = {"pseudonym": target.pseudonym, "password": PASSWORD}
    assert post_form(at[b], "/login", right)[0] == 429


def test_one_coach_wins_a_pool_letter_claimed_through_two_servers(
    app, servers, make_user, world, clock
):
    writer = make_user("PoolSchrijver")  # no coach of their own: their letters go to the pool
    places = [place.id for place in world.places[:POOL_LETTERS]]
    letters = [a_place_letter(app, writer, clock, place=place) for place in places]
    coaches = [make_user(name, Role.COACH) for name in ("CoachLinks", "CoachRechts")]
    a, b = servers.start()

    browsers = {}
    for coach, (first, then) in zip(coaches, ((a, b), (b, a)), strict=True):
        browser = visitor(first)
        staff_login(browser, browser.at(then.url), coach)
        take_token(browser, "/inbox/")
        browsers[coach.id] = {a: browser.at(a.url), b: browser.at(b.url)}

    def claim(letter_id: int, coach_id: int, server: Gunicorn) -> tuple[int, str]:
        path = f"/inbox/letters/{letter_id}/claim"
        status, location, _page = post_form(browsers[coach_id][server], path, {})
        return status, location

    winners = {}
    for number, letter_id in enumerate(letters):
        sides = (a, b) if number % 2 == 0 else (b, a)  # each coach through either instance
        jobs = [(letter_id, coach.id, side) for coach, side in zip(coaches, sides, strict=True)]
        results = run_together(jobs, claim)
        won = [
            job for job, result in results.items() if result == (302, f"/inbox/letters/{letter_id}")
        ]
        lost = [job for job, result in results.items() if result in ((302, "/inbox/"), (404, ""))]
        assert len(won) == 1 and len(lost) == 1, (letter_id, results)
        winners[letter_id] = won[0][1]
        # A loser who still saw the letter in the pool is told another coach took it.
        if results[lost[0]][0] == 302:
            _letter, loser, side = lost[0]
            _path, page = page_of(browsers[loser][side], "/inbox/")
            assert TAKEN in page, letter_id
    servers.stop()

    with app.app_context():
        stored = {
            letter.id: (letter.coach_id, letter.claimed_at)
            for letter in db.session.scalars(db.select(Letter).where(Letter.id.in_(letters)))
        }
    for letter_id, coach_id in winners.items():
        holder, claimed_at = stored[letter_id]
        assert holder == coach_id and claimed_at is not None, letter_id


def _text(name: str, question_id: str, number: int) -> str:
    """Save ``number`` of one answer: every save is longer than the one before."""
    return f"{name} over {question_id}, bewaring {number}: " + "verder schrijven " * number


def test_autosaves_through_alternating_servers_lose_nothing(app, servers, make_user, world):
    place = next(p for p in world.places if len(p.questions) >= ANSWERS_PER_COACHEE)
    questions = [q.id for q in place.questions[:ANSWERS_PER_COACHEE]]
    names = [make_user(f"Schrijver{n}").pseudonym for n in range(WRITING_COACHEES)]
    a, b = servers.start()

    browsers, visits = {}, {}
    for name in names:
        browser = visitor(a)
        browser.login(name)  # on A
        on_b = browser.at(b.url)
        visits[name] = on_b.open_place(place.id)  # the page on B
        browsers[name] = {a: browser.at(a.url), b: on_b}
        browsers[name][a].csrf_token = on_b.csrf_token

    def write(name: str, question_id: str) -> list[tuple[int, dict]]:
        return [
            browsers[name][a if number % 2 == 0 else b].save_draft(
                visits[name], question_id, _text(name, question_id, number)
            )
            for number in range(1, SAVES_PER_WRITER + 1)
        ]

    jobs = [(name, question_id) for name in names for question_id in questions]
    assert len(jobs) == WRITING_COACHEES * ANSWERS_PER_COACHEE == 20
    results = run_together(jobs, write)
    servers.stop()

    with app.app_context():
        query = db.select(User.pseudonym, Answer).join(Visit.coachee).join(Visit.answers)
        stored = {
            (name, answer.question_id): (answer.text, answer.version)
            for name, answer in db.session.execute(query)
        }
    problems = []
    for (name, question_id), saves in results.items():
        acknowledged = [n for n, (status, _body) in enumerate(saves, start=1) if status == 200]
        versions = [body["version"] for status, body in saves if status == 200]
        if versions != list(range(1, len(acknowledged) + 1)):
            problems.append(("versions", name, question_id, versions))
        if not acknowledged:
            continue
        expected = (_text(name, question_id, acknowledged[-1]), len(acknowledged))
        if stored.get((name, question_id)) != expected:
            got = stored.get((name, question_id), ("", 0))
            problems.append(("lost", name, question_id, len(got[0]), got[1], expected[1]))
    failed = [
        (job, status) for job, saves in results.items() for status, _ in saves if status != 200
    ]
    assert not problems, f"acknowledged saves went missing: {problems[:4]}"
    assert not failed, f"{len(failed)} saves failed, first: {failed[:3]}\n{servers.logs()}"
