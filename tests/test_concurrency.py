"""Nothing is lost under load: many concurrent autosaves against real gunicorn workers.

The app runs in gunicorn (4 sync worker processes) on a free loopback port, on the
test database of the backend (SQLite file or PostgreSQL). Several coachees log in
and open a place; then threads save drafts at once, every thread its own answer,
each save longer than the one before. Every save must succeed, and afterwards every
answer must hold the last text sent for it, with one version per save. Then two
"tabs" per coachee save one answer at the same time: each save must get its own
version, and the answer must hold the text of the last one.

The test's own app (the ``app`` fixture, on the same database) writes the accounts
before gunicorn starts and reads the answers after it stopped, each time in an app
context of its own; while gunicorn writes, the test holds no app context, no
transaction and no open connection (on SQLite every transaction takes the write lock).
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest

from journey.config import PROJECT_ROOT
from journey.extensions import db
from journey.models import Answer, User, Visit

from .conftest import PASSWORD

HOST = "127.0.0.1"
WORKERS = 4
COACHEES = 4
THREADS_PER_COACHEE = 2  # each thread writes its own question of the coachee's visit
SAVES_PER_THREAD = 40
TABS = 2  # then two "tabs" of each coachee save one other answer at the same time
SAVES_PER_TAB = 20
REQUEST_TIMEOUT = 30
START_TIMEOUT = 30
LOAD_TIMEOUT = 60

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
VISIT_FORM = re.compile(r'action="/visits/(\d+)"')


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """Real gunicorn serving ``journey:create_app()`` on a loopback port, with the
    database, secret key and encryption keys of ``app``."""

    def __init__(self, app, log_path):
        self.port = _free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log_path = log_path
        env = {
            **os.environ,
            "JOURNEY_DATABASE_URL": app.config["DATABASE_URL"],
            "JOURNEY_SECRET_KEY": app.secret_key,
            "JOURNEY_ENCRYPTION_KEYS": app.config["ENCRYPTION_KEYS"],
        }
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(WORKERS),
            "--bind",
            f"{HOST}:{self.port}",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "journey:create_app()",
        ]
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (fixed arguments, no shell)
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/login", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        pytest.fail(f"gunicorn did not answer within {START_TIMEOUT} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _post(url: str, data: bytes, headers: dict[str, str]) -> urllib.request.Request:
    assert url.startswith(f"http://{HOST}:"), url
    return urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310


class Browser:
    """One coachee's cookies and CSRF token, shared by the threads that write for them."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.csrf_token = ""

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base_url + path, timeout=REQUEST_TIMEOUT) as response:
            return response.status, response.geturl(), response.read().decode()

    def login(self, pseudonym: str) -> None:
        _status, _url, page = self.get("/login")
        form = {"pseudonym": pseudonym, "password": PASSWORD}
        form["csrf_token"] = CSRF_INPUT.search(page).group(1)
        data = urllib.parse.urlencode(form).encode()
        request = _post(self.base_url + "/login", data, {})
        with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
            assert response.status == 200 and response.geturl().endswith("/map"), pseudonym
            response.read()

    def open_place(self, place_id: str) -> int:
        """Open the place page; returns the visit's id and keeps the page's CSRF token."""
        status, _url, page = self.get(f"/places/{place_id}")
        assert status == 200
        self.csrf_token = CSRF_META.search(page).group(1)
        return int(VISIT_FORM.search(page).group(1))

    def save_draft(self, visit_id: int, question_id: str, text: str) -> tuple[int, dict]:
        """The autosave request of the place page: (status, JSON answer)."""
        request = _post(
            f"{self.base_url}/visits/{visit_id}/drafts/q-{question_id}",
            json.dumps({"text": text}).encode(),
            {"Content-Type": "application/json", "X-CSRFToken": self.csrf_token},
        )
        try:
            with self.opener.open(request, timeout=REQUEST_TIMEOUT) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            with error:
                return error.code, {"body": error.read().decode(errors="replace")[:500]}


def _text(pseudonym: str, question_id: str, number: int) -> str:
    """Save ``number`` of one answer: every save is longer than the one before."""
    return f"{pseudonym} over {question_id}, bewaring {number}: " + "verder schrijven " * number


def _close_connections(app) -> None:
    """Close every pooled connection of ``app``: the test keeps none open while gunicorn
    writes (it opens a new one when it reads again)."""
    with app.app_context():
        db.engine.dispose()


def _stored_answers(app) -> dict[tuple[str, int, str], tuple[str, int]]:
    """(pseudonym, visit id, question id) -> (text, version): plain values, read through
    the app in an app context of their own."""
    with app.app_context():
        query = db.select(User.pseudonym, Visit.id, Answer).join(Visit.coachee).join(Visit.answers)
        return {
            (name, visit_id, answer.question_id): (answer.text, answer.version)
            for name, visit_id, answer in db.session.execute(query)
        }


def _run_together(jobs: list, write) -> dict:
    """Run ``write(*job)`` for every job in its own thread, all starting at once."""
    start = threading.Barrier(len(jobs), timeout=REQUEST_TIMEOUT)

    def run(job):
        start.wait()
        return write(*job)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {job: pool.submit(run, job) for job in jobs}
        return {job: future.result(timeout=LOAD_TIMEOUT) for job, future in futures.items()}


def _failures(results: dict) -> list:
    return [
        (job, number, status, body)
        for job, answers in results.items()
        for number, (status, body) in enumerate(answers, start=1)
        if status != 200
    ]


def test_concurrent_autosaves_lose_nothing(app, make_user, world, tmp_path):
    place = next(p for p in world.places if len(p.questions) > THREADS_PER_COACHEE)
    questions = [q.id for q in place.questions[:THREADS_PER_COACHEE]]
    shared = place.questions[THREADS_PER_COACHEE].id  # written from two "tabs" at once
    names = [make_user(f"Belast {n}").pseudonym for n in range(COACHEES)]
    _close_connections(app)

    server = Gunicorn(app, tmp_path / "gunicorn.log")
    try:
        server.wait_until_ready()
        browsers, visits = {}, {}
        for name in names:
            browsers[name] = Browser(server.url)
            browsers[name].login(name)
            visits[name] = browsers[name].open_place(place.id)

        def write(name: str, question_id: str) -> list[tuple[int, dict]]:
            return [
                browsers[name].save_draft(visits[name], question_id, _text(name, question_id, n))
                for n in range(1, SAVES_PER_THREAD + 1)
            ]

        jobs = [(name, question_id) for name in names for question_id in questions]
        began = time.monotonic()
        results = _run_together(jobs, write)
        elapsed = time.monotonic() - began

        def write_in_tab(name: str, tab: int) -> list[tuple[int, dict]]:
            return [
                browsers[name].save_draft(visits[name], shared, _text(name, f"tab {tab}", n))
                for n in range(1, SAVES_PER_TAB + 1)
            ]

        tabs = [(name, tab) for name in names for tab in range(TABS)]
        tab_results = _run_together(tabs, write_in_tab)
    finally:
        server.stop()

    # Every thread wrote its own answer: each save counted, the last one kept.
    failures = _failures(results)
    assert not failures, f"{len(failures)} failed saves, first: {failures[:3]}\n{server.log()}"
    for job, answers in results.items():
        versions = [body["version"] for _status, body in answers]
        assert versions == list(range(1, SAVES_PER_THREAD + 1)), job
    stored = _stored_answers(app)
    for name, question_id in jobs:
        text, version = stored[(name, visits[name], question_id)]
        assert text == _text(name, question_id, SAVES_PER_THREAD), (name, question_id)
        assert version == SAVES_PER_THREAD, (name, question_id)
    saves = len(jobs) * SAVES_PER_THREAD
    print(f"{saves} concurrent autosaves in {elapsed:.1f} s")

    # Two tabs writing the same answer at once: every save succeeds and gets its own
    # version, and the answer holds the text of the save that got the last one.
    problems = [
        ("failed", job, number, status) for job, number, status, _ in _failures(tab_results)
    ]
    for name in names:
        sent = {
            body["version"]: _text(name, f"tab {tab}", number)
            for (who, tab), answers in tab_results.items()
            if who == name
            for number, (status, body) in enumerate(answers, start=1)
            if status == 200
        }
        text, version = stored.get((name, visits[name], shared), ("", 0))
        if sorted(sent) != list(range(1, TABS * SAVES_PER_TAB + 1)) or version != max(sent):
            problems.append(("lost", name, len(sent), version))
        elif text != sent[version]:
            problems.append(("wrong text", name, version))
    assert not problems, f"saves of one answer from two tabs went wrong: {problems[:4]}"
