"""Real app servers for tests: gunicorn on a free loopback port, and a browser for it.

Used by test_concurrency (one server, many writers) and test_scale_out (two servers
sharing one database and one Redis). The test's own app (the ``app`` fixture, on the
same database) writes what the servers need before they start and reads what they
wrote after they stopped, each time in an app context of its own; while they run the
test holds no app context, no transaction and no open connection.
"""

from __future__ import annotations

import json
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest

from journey.extensions import db

from . import gunicorn
from .conftest import PASSWORD
from .gunicorn import HOST

REQUEST_TIMEOUT = 30
START_TIMEOUT = 30
LOAD_TIMEOUT = 60

CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
VISIT_FORM = re.compile(r'action="/visits/(\d+)"')


class Gunicorn:
    """Real gunicorn serving ``journey:create_app()`` on a loopback port, with the
    database, secret key and encryption keys of ``app`` and the ``JOURNEY_*`` settings
    of ``env`` (names without the prefix)."""

    def __init__(
        self,
        app,
        log_path: Path,
        *,
        workers: int = 4,
        threads: int = 1,
        env: Mapping[str, str] | None = None,
    ):
        environment = {
            **os.environ,
            "JOURNEY_DATABASE_URL": app.config["DATABASE_URL"],
            "JOURNEY_SECRET_KEY": app.secret_key,
            "JOURNEY_ENCRYPTION_KEYS": app.config["ENCRYPTION_KEYS"],
            **{f"JOURNEY_{name}": value for name, value in (env or {}).items()},
        }
        self.port, self.process = gunicorn.start(
            "journey:create_app()",
            environment,
            log_path,
            workers=workers,
            timeout=60,
            threads=threads,
        )
        self.url = f"http://{HOST}:{self.port}"
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    def wait_until_ready(self) -> None:
        problem = gunicorn.wait_until_answers(f"{self.url}/login", self.process, START_TIMEOUT)
        if problem:
            pytest.fail(f"{problem}:\n{self.log()}")

    def stop(self) -> None:
        gunicorn.stop(self.process, timeout=10)


def post_request(url: str, data: bytes, headers: dict[str, str]) -> urllib.request.Request:
    assert url.startswith(f"http://{HOST}:"), url
    return urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310


class Browser:
    """One person's cookies and CSRF token on the server at ``base_url``, shared by the
    threads that write for them. ``jar`` shares the cookies of another browser (cookies
    are the host's, whatever its port); ``headers`` go with every request."""

    def __init__(
        self,
        base_url: str,
        *,
        jar: CookieJar | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        self.base_url = base_url
        self.jar = jar if jar is not None else CookieJar()
        self.headers = dict(headers or {})
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = list(self.headers.items())
        self.csrf_token = ""

    def at(self, base_url: str) -> Browser:
        """The same browser (cookies, headers, CSRF token) talking to another server."""
        twin = Browser(base_url, jar=self.jar, headers=self.headers)
        twin.csrf_token = self.csrf_token
        return twin

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base_url + path, timeout=REQUEST_TIMEOUT) as response:
            return response.status, response.geturl(), response.read().decode()

    def login(self, pseudonym: str) -> None:
        _status, _url, page = self.get("/login")
        form = {"pseudonym": pseudonym, "password": PASSWORD}
        form["csrf_token"] = CSRF_INPUT.search(page).group(1)
        data = urllib.parse.urlencode(form).encode()
        request = post_request(self.base_url + "/login", data, {})
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
        request = post_request(
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


def close_connections(app) -> None:
    """Close every pooled connection of ``app``: the test keeps none open while the
    servers write (it opens a new one when it reads again)."""
    with app.app_context():
        db.engine.dispose()


def run_together(jobs: list, work: Callable[..., Any]) -> dict:
    """Run ``work(*job)`` for every job in its own thread, all starting at once; returns
    job -> result."""
    start = threading.Barrier(len(jobs), timeout=REQUEST_TIMEOUT)

    def run(job):
        start.wait()
        return work(*job)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {job: pool.submit(run, job) for job in jobs}
        return {job: future.result(timeout=LOAD_TIMEOUT) for job, future in futures.items()}
