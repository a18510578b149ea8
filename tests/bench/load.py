"""The bench's machinery: gunicorn on a free port, logging in, and wrk driving one page.

Every page is measured with wrk (16 connections, 2 threads) and a small Lua script
that sets the method, body and headers (the session cookie, the CSRF token, JSON)
and counts every answer that is not 200: a bench of error pages or of redirects to
the login would measure the wrong thing, so any such answer fails the bench.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

from .. import gunicorn
from ..gunicorn import HOST

WORKERS = 2
CONNECTIONS = 16
THREADS = 2
TIMEOUT = 30
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
VISIT_FORM = re.compile(r'action="/visits/(\d+)"')


class BenchError(RuntimeError):
    """The bench cannot measure what it claims to: a server, a login or a page failed."""


class Server:
    """``gunicorn -w 2`` (sync workers) serving ``app`` on a free loopback port."""

    def __init__(self, app: str, env: dict[str, str], log_path: Path, workers: int = WORKERS):
        self.port, self.process = gunicorn.start(
            app, {**os.environ, **env}, log_path, workers=workers, timeout=120
        )
        self.url = f"http://{HOST}:{self.port}"
        self.log_path = log_path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]

    def wait_until_ready(self, path: str = "/", timeout: float = 60) -> None:
        problem = gunicorn.wait_until_answers(self.url + path, self.process, timeout)
        if problem:
            raise BenchError(f"{problem}:\n{self.log()}")

    def stop(self) -> None:
        gunicorn.stop(self.process, timeout=15)


@dataclass(frozen=True)
class Target:
    """One thing to load: a GET of ``path`` or a POST of JSON, as a person logged in."""

    name: str
    path: str
    cookie: str = ""
    csrf: str = ""
    json_text: str | None = None  # POST {"text": ...} with a text new on every request
    json_fields: tuple[str, ...] = ()  # for autosave: the draft paths it rotates over


class Browser:
    """Cookies and the CSRF token of one person on the server at ``base_url``."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf_token = ""

    def get(self, path: str) -> tuple[int, str, str]:
        with self.opener.open(self.base_url + path, timeout=TIMEOUT) as response:
            return response.status, response.geturl(), response.read().decode()

    def post_form(self, path: str, form: dict[str, str]) -> tuple[int, str, str]:
        request = urllib.request.Request(  # noqa: S310 (our own loopback server)
            self.base_url + path, data=urllib.parse.urlencode(form).encode(), method="POST"
        )
        with self.opener.open(request, timeout=TIMEOUT) as response:
            return response.status, response.geturl(), response.read().decode()

    def login(self, pseudonym: str, password: str, totp_secret: str | None = None) -> None:
        """Log in through the forms: password, then the code from the authenticator app."""
        _status, _url, page = self.get("/login")
        form = {"pseudonym": pseudonym, "password": password}
        form["csrf_token"] = _search(CSRF_INPUT, page, "the login form's CSRF token")
        _status, url, page = self.post_form("/login", form)
        if totp_secret:
            import pyotp

            if not url.endswith("/login/code"):
                raise BenchError(f"{pseudonym}: the password did not lead to the code ({url})")
            code = {"code": pyotp.TOTP(totp_secret).now()}
            code["csrf_token"] = _search(CSRF_INPUT, page, "the code form's CSRF token")
            _status, url, page = self.post_form("/login/code", code)
        if "/login" in urllib.parse.urlsplit(url).path:
            raise BenchError(f"{pseudonym} could not log in (ended at {url})")

    def page(self, path: str) -> str:
        """A page that must answer 200 (not a redirect); keeps its CSRF token."""
        status, url, page = self.get(path)
        if status != 200 or urllib.parse.urlsplit(url).path != path.split("?")[0]:
            raise BenchError(f"GET {path} answered {status} at {url}, not the page itself")
        found = CSRF_META.search(page)
        if found:
            self.csrf_token = found.group(1)
        return page

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def _search(pattern: re.Pattern, page: str, what: str) -> str:
    found = pattern.search(page)
    if not found:
        raise BenchError(f"{what} is not on the page")
    return found.group(1)


def check(base_url: str, target: Target, times: int = 3) -> None:
    """Ask for ``target`` a few times as wrk will (warming the workers); every answer
    must be 200 without a redirect."""
    for number in range(times):
        headers = {"Cookie": target.cookie} if target.cookie else {}
        data = None
        path = target.path
        if target.json_text is not None:
            headers |= {"Content-Type": "application/json", "X-CSRFToken": target.csrf}
            path = target.json_fields[number % len(target.json_fields)]
            data = json.dumps({"text": f"{target.json_text} check {number}"}).encode()
        request = urllib.request.Request(base_url + path, data=data, headers=headers)  # noqa: S310
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=TIMEOUT) as response:
                status = response.status
                response.read()
        except urllib.error.HTTPError as error:
            status = error.code
            error.close()
        if status != 200:
            raise BenchError(f"{target.name}: {path} answered {status}, not 200")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


LUA = """
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  non200 = 0
  first_bad = 0
  counter = 0
end

local method = %(method)s
local paths = %(paths)s
local text = %(text)s
local headers = %(headers)s

function request()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  local body = nil
  if text ~= nil then
    body = '{"text": "' .. text .. ' ' .. id .. '-' .. counter .. '"}'
  end
  return wrk.format(method, path, headers, body)
end

function response(status, headers, body)
  if status ~= 200 then
    non200 = non200 + 1
    if first_bad == 0 then first_bad = status end
  end
end

function done(summary, latency, requests)
  local bad, first = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non200")
    if first == 0 then first = thread:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%d, \\"p99_us\\": %%d, " ..
    "\\"non200\\": %%d, \\"first_bad\\": %%d, \\"connect\\": %%d, \\"read\\": %%d, " ..
    "\\"write\\": %%d, \\"timeout\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50.0), latency:percentile(99.0),
    bad, first, e.connect, e.read, e.write, e.timeout))
end
"""


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal here


def lua_script(target: Target) -> str:
    headers = {}
    if target.cookie:
        headers["Cookie"] = target.cookie
    if target.json_text is not None:
        headers["Content-Type"] = "application/json"
        headers["X-CSRFToken"] = target.csrf
    paths = list(target.json_fields) if target.json_text is not None else [target.path]
    return LUA % {
        "method": _lua_string("POST" if target.json_text is not None else "GET"),
        "paths": "{" + ", ".join(_lua_string(p) for p in paths) + "}",
        "text": _lua_string(target.json_text) if target.json_text is not None else "nil",
        "headers": "{"
        + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
        + "}",
    }


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float


WRK_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")


def run_wrk(base_url: str, target: Target, duration: float, workdir: Path) -> Result:
    """Load ``target`` for ``duration`` seconds; raises BenchError on any answer that is
    not 200 and on any socket error."""
    script = workdir / f"{re.sub(r'[^a-z0-9]+', '-', target.name.lower())}.lua"
    script.write_text(lua_script(target), encoding="utf-8")
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        f"{TIMEOUT}s",
        "--latency",
        "-s",
        str(script),
        base_url + target.path,
    ]
    finished = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        command, capture_output=True, text=True, timeout=duration + TIMEOUT + 30, check=False
    )
    output = finished.stdout
    line = next((x for x in output.splitlines() if x.startswith("BENCH ")), None)
    if finished.returncode != 0 or line is None:
        raise BenchError(f"wrk failed on {target.name}:\n{output}\n{finished.stderr}")
    numbers = json.loads(line.removeprefix("BENCH "))
    if numbers["non200"]:
        raise BenchError(
            f"{target.name}: {numbers['non200']} of {numbers['requests']} answers were not "
            f"200 (the first: {numbers['first_bad']}); the bench measures pages, not errors"
        )
    errors = {k: numbers[k] for k in ("connect", "read", "write", "timeout") if numbers[k]}
    if errors:
        raise BenchError(f"{target.name}: socket errors {errors}:\n{output}")
    if not numbers["requests"]:
        raise BenchError(f"{target.name}: no request was answered:\n{output}")
    seconds = numbers["duration_us"] / 1e6
    rps_line = WRK_RPS.search(output)
    return Result(
        requests=numbers["requests"],
        seconds=seconds,
        rps=float(rps_line.group(1)) if rps_line else numbers["requests"] / seconds,
        p50_ms=numbers["p50_us"] / 1000,
        p99_ms=numbers["p99_us"] / 1000,
    )
