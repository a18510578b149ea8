"""The production kit: ``journey serve`` (gunicorn with deploy/gunicorn.conf.py), the
health check, what production refuses, and the systemd unit and nginx example, checked
by systemd-analyze and nginx themselves (a broken copy must fail the same check)."""

from __future__ import annotations

import datetime as dt
import os
import re
import runpy
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from flask.cli import ScriptInfo
from flask_limiter.util import get_qualified_name

import journey.cli
from journey import config
from journey.config import PROJECT_ROOT, Defaults
from journey.extensions import db, limiter
from journey.models import User

from .conftest import login, production_config
from .gunicorn import free_port, wait_until_answers

DEPLOY = PROJECT_ROOT / "deploy"
CLOSED_PORT = 9  # discard: nothing listens there
SYSTEMD_ANALYZE = shutil.which("systemd-analyze") or "/usr/bin/systemd-analyze"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
VENV_BIN = Path(sys.executable).parent


# --- /healthz ------------------------------------------------------------------------


def test_healthz_says_ok_and_sets_no_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "not configured"}
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_healthz_loads_no_user_and_touches_no_session(app, client, make_user, count_queries):
    login(client, make_user("Reiziger"))
    with client.session_transaction() as session:
        before = dict(session)
    response, queries = count_queries(client.get, "/healthz")
    assert response.status_code == 200
    assert queries == 1  # SELECT 1: no user loaded from the session
    with client.session_transaction() as session:
        assert dict(session) == before  # the idle time did not slide


def test_healthz_is_never_throttled(app, client):
    view = app.view_functions["health.healthz"]
    assert get_qualified_name(view) in limiter._route_exemptions
    assert all(client.get("/healthz").status_code == 200 for _ in range(30))


def test_healthz_pings_redis_when_the_throttles_count_there(database_url, another_app):
    app = another_app(production_config(database_url))
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "ok"}
    assert "Set-Cookie" not in response.headers
    assert "Strict-Transport-Security" in response.headers


def test_healthz_answers_503_when_redis_is_down(database_url, another_app, caplog):
    down = f"redis://127.0.0.1:{CLOSED_PORT}"
    app = another_app(production_config(database_url, RATELIMIT_STORAGE_URI=down))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "ok", "redis": "error"}
    assert "Redis does not answer" in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-folder/journey/journey.sqlite3",
        f"postgresql://journey@127.0.0.1:{CLOSED_PORT}/journey",
    ],
    ids=["sqlite-missing-folder", "postgresql-closed-port"],
)
def test_healthz_answers_503_when_the_database_is_unreachable(url, another_app, caplog):
    app = another_app({"DATABASE_URL": url})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "error", "redis": "not configured"}
    assert "Set-Cookie" not in response.headers
    assert "the database does not answer (OperationalError)" in caplog.text
    assert "journey@" not in response.get_data(as_text=True)  # nothing of the address


# --- what production refuses -----------------------------------------------------------


def test_demo_refuses_to_run_in_production(app, monkeypatch):
    monkeypatch.setenv("JOURNEY_ENV", "production")
    result = CliRunner().invoke(journey.cli.cli, ["demo"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 1
    assert "journey demo refuses to run when JOURNEY_ENV=production" in result.output
    with app.app_context():
        assert db.session.scalars(db.select(User)).all() == []


def test_demo_refuses_an_app_configured_for_production(database_url, another_app):
    app = another_app(production_config(database_url))
    result = CliRunner().invoke(journey.cli.cli, ["demo"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 1
    assert "published" in result.output and "Password" not in result.output
    with app.app_context():
        assert db.session.scalars(db.select(User)).all() == []


def test_production_refuses_to_start_with_memory_throttle_storage(monkeypatch, tmp_path):
    """The whole command: no app and no gunicorn; the reason on stderr, exit 1."""
    for key, value in {
        "JOURNEY_ENV": "production",
        "JOURNEY_SECRET_KEY": uuid.uuid4().hex,
        "JOURNEY_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "JOURNEY_RATELIMIT_STORAGE_URI": "memory://",
        "JOURNEY_DATABASE_URL": f"sqlite:///{tmp_path}/journey.sqlite3",
    }.items():
        monkeypatch.setenv(key, value)
    started = []
    monkeypatch.setattr(journey.cli.os, "execv", lambda *args: started.append(args))
    result = CliRunner().invoke(journey.cli.cli, ["serve"])
    assert result.exit_code == 1 and started == []
    assert "Journey cannot start: JOURNEY_RATELIMIT_STORAGE_URI must name" in result.output


# --- journey serve ---------------------------------------------------------------------


def test_serve_execs_gunicorn_with_the_config_and_extra_arguments(monkeypatch, tmp_path):
    monkeypatch.setenv("JOURNEY_DATABASE_URL", f"sqlite:///{tmp_path}/journey.sqlite3")
    started = []
    monkeypatch.setattr(journey.cli.os, "execv", lambda *args: started.append(args))
    result = CliRunner().invoke(journey.cli.cli, ["serve", "--workers", "3", "--reload"])
    assert result.exit_code == 0, result.output
    [(program, argv)] = started
    assert program == sys.executable
    assert argv == [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(DEPLOY / "gunicorn.conf.py"),
        "--workers",
        "3",
        "--reload",
        "journey.wsgi:app",
    ]


def gunicorn_settings(monkeypatch, **env: str) -> dict:
    for key in ("JOURNEY_WORKERS", "JOURNEY_BIND", "JOURNEY_LOG_FORMAT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    cores = len(os.sched_getaffinity(0))
    default = gunicorn_settings(monkeypatch)
    assert default["bind"] == ["127.0.0.1:8000"]
    assert default["workers"] == min(2 * cores + 1, 8)
    assert default["preload_app"] is False and default["accesslog"] == "-"
    assert default["timeout"] > default["graceful_timeout"] > default["keepalive"] > 0
    assert default["logconfig_dict"]["handlers"]["stdout"]["formatter"] == "text"

    chosen = gunicorn_settings(
        monkeypatch, JOURNEY_WORKERS="1", JOURNEY_BIND="0.0.0.0:9000", JOURNEY_LOG_FORMAT="json"
    )
    assert chosen["workers"] == 1 and chosen["bind"] == ["0.0.0.0:9000"]
    assert chosen["logconfig_dict"]["handlers"]["stdout"]["formatter"] == "json"
    assert gunicorn_settings(monkeypatch, JOURNEY_WORKERS="500")["workers"] == 2 * cores + 1
    with pytest.raises(RuntimeError, match="JOURNEY_WORKERS"):
        gunicorn_settings(monkeypatch, JOURNEY_WORKERS="many")


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_journey_serve_really_serves(tmp_path):
    """``journey serve`` as systemd starts it: gunicorn answers /healthz, writes its access
    log as JSON lines to stdout, and stops cleanly on SIGTERM."""
    database = tmp_path / "journey.sqlite3"
    port = free_port()
    env = {
        **os.environ,
        "JOURNEY_DATABASE_URL": f"sqlite:///{database}",
        "JOURNEY_BIND": f"127.0.0.1:{port}",
        "JOURNEY_WORKERS": "1",
        "JOURNEY_LOG_FORMAT": "json",
    }
    env.pop("JOURNEY_ENV", None)
    journey_command = str(VENV_BIN / "journey")
    upgrade = subprocess.run(  # noqa: S603
        [journey_command, "db", "upgrade"], env=env, capture_output=True, timeout=120
    )
    assert upgrade.returncode == 0, upgrade.stderr
    server = subprocess.Popen(  # noqa: S603
        [journey_command, "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/healthz"
        problem = wait_until_answers(url, server, timeout=60)
        assert problem is None, (
            f"{problem}: {server.stderr.read() if server.poll() is not None else ''}"
        )
        status, body = get(url)
        assert status == 200 and b'"database":"ok"' in body
    finally:
        server.send_signal(signal.SIGTERM)
        stdout, stderr = server.communicate(timeout=60)
    assert server.returncode == 0, stderr
    assert '"logger": "gunicorn.access"' in stdout and "GET /healthz HTTP/1.1" in stdout
    assert all(line.startswith("{") for line in stderr.splitlines()), stderr
    assert "Booting worker" in stderr and "Shutting down: Master" in stderr


# --- the systemd unit -------------------------------------------------------------------


def systemd_verify(
    unit_text: str, folder: Path, name: str = "journey.service"
) -> subprocess.CompletedProcess:
    """``systemd-analyze verify`` on ``unit_text`` as ``name``, with ExecStart on this
    virtualenv's real ``journey`` (the unit's /srv/journey/venv does not exist here)."""
    unit = folder / name
    unit.write_text(unit_text.replace("/srv/journey/venv/bin/", f"{VENV_BIN}/"))
    return subprocess.run(  # noqa: S603
        [SYSTEMD_ANALYZE, "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_systemd_unit_verifies(tmp_path):
    text = (DEPLOY / "journey.service").read_text()
    result = systemd_verify(text, tmp_path)
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stderr
    for setting in (
        "User=journey",
        "EnvironmentFile=/etc/journey/journey.env",
        "ExecStart=/srv/journey/venv/bin/journey serve",
        "NoNewPrivileges=true",
        "ProtectSystem=strict",
        "ReadWritePaths=/srv/journey/src/instance",
        "Type=notify",
    ):
        assert re.search(rf"^{re.escape(setting)}$", text, re.MULTILINE), setting


def test_the_mail_workers_systemd_unit_verifies(tmp_path):
    text = (DEPLOY / "journey-worker.service").read_text()
    result = systemd_verify(text, tmp_path, "journey-worker.service")
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stderr
    for setting in (
        "EnvironmentFile=/etc/journey/journey.env",
        "ExecStart=/srv/journey/venv/bin/journey worker",
        "ProtectSystem=strict",
    ):
        assert re.search(rf"^{re.escape(setting)}$", text, re.MULTILINE), setting
    broken = systemd_verify(
        text.replace("bin/journey worker", "bin/journey-worker worker"), tmp_path, "b.service"
    )
    assert broken.returncode != 0 or broken.stdout + broken.stderr != ""


def test_the_periodic_jobs_service_and_timer_verify(tmp_path):
    service = (DEPLOY / "journey-tick.service").read_text()
    timer = (DEPLOY / "journey-tick.timer").read_text()
    (tmp_path / "journey-tick.timer").write_text(timer)
    result = systemd_verify(service, tmp_path, "journey-tick.service")
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stderr
    checked = subprocess.run(  # noqa: S603
        [SYSTEMD_ANALYZE, "verify", "--man=no", str(tmp_path / "journey-tick.timer")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0 and checked.stdout + checked.stderr == "", checked.stderr
    assert "ExecStart=/srv/journey/venv/bin/journey tick" in service
    assert "OnUnitActiveSec=5min" in timer
    (tmp_path / "journey-tick.timer").write_text(timer.replace("[Timer]", "[Timr]"))
    broken = subprocess.run(  # noqa: S603
        [SYSTEMD_ANALYZE, "verify", "--man=no", str(tmp_path / "journey-tick.timer")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert broken.returncode != 0 or broken.stdout + broken.stderr != ""


@pytest.mark.parametrize(
    ("broken", "replacement"),
    [
        ("ProtectSystem=strict", "ProtectSystem=strictly"),  # a value systemd ignores
        ("NoNewPrivileges=true", "NoNewPrivilege=true"),  # a misspelt setting
        ("bin/journey serve", "bin/journey-serve serve"),  # no such program
        ("[Service]", "[Servce]"),  # no section to run
    ],
)
def test_a_broken_systemd_unit_fails_the_check(tmp_path, broken, replacement):
    text = (DEPLOY / "journey.service").read_text()
    assert broken in text
    result = systemd_verify(text.replace(broken, replacement, 1), tmp_path)
    assert result.returncode != 0 or result.stdout + result.stderr != ""


# --- the nginx example ------------------------------------------------------------------


def self_signed_certificate(folder: Path) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "journey.example.org")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (folder / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def nginx_test(site_text: str, folder: Path) -> subprocess.CompletedProcess:
    """``nginx -t`` on the site file inside a minimal main configuration, with a fresh
    self-signed certificate and every path in ``folder`` (nothing of /etc/nginx is read)."""
    self_signed_certificate(folder)
    (folder / "static").mkdir(exist_ok=True)
    (folder / "logs").mkdir(exist_ok=True)
    site = site_text.replace("/etc/letsencrypt/live/journey.example.org/", f"{folder}/")
    site = site.replace("/srv/journey/src/static/", f"{folder}/static/")
    (folder / "journey.conf").write_text(site)
    (folder / "nginx.conf").write_text(
        "events {}\n"
        "http {\n"
        f"    access_log {folder}/logs/access.log;\n"
        f"    include {folder}/journey.conf;\n"
        "}\n"
    )
    return subprocess.run(  # noqa: S603
        [
            NGINX,
            "-t",
            "-p",
            f"{folder}/",
            "-c",
            f"{folder}/nginx.conf",
            "-g",
            f"pid {folder}/nginx.pid; error_log stderr;",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_nginx_example_passes_nginx_t(tmp_path):
    result = nginx_test((DEPLOY / "nginx.conf").read_text(), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr and "[emerg]" not in result.stderr


def directives(text: str, name: str) -> list[str]:
    return re.findall(rf"^\s*{name}\s+([^;]+);", text, re.MULTILINE)


def test_the_nginx_example_matches_the_app():
    text = (DEPLOY / "nginx.conf").read_text()
    [size] = directives(text, "client_max_body_size")
    assert size == f"{Defaults.MAX_CONTENT_LENGTH // (1024 * 1024)}m"  # nginx's m is MiB
    headers = directives(text, "proxy_set_header")
    assert "Host $host" in headers
    assert "X-Forwarded-For $remote_addr" in headers  # one proxy: JOURNEY_PROXIES=1
    assert "X-Forwarded-Proto $scheme" in headers
    assert directives(text, "proxy_pass") == ["http://journey"]
    assert "127.0.0.1:8000" in directives(text, "server")  # JOURNEY_BIND's default
    assert "301 https://$host$request_uri" in directives(text, "return")
    assert "/srv/journey/src/static/" in directives(text, "alias")


@pytest.mark.parametrize(
    ("broken", "replacement"),
    [
        ("client_max_body_size 2m;", "client_max_body_size 2 m;"),  # a bad size
        ("proxy_pass http://journey;", "proxy_pass http://journey"),  # a missing ;
        ("ssl_protocols TLSv1.2 TLSv1.3;", "ssl_protocol TLSv1.2 TLSv1.3;"),  # no such directive
        ("privkey.pem;", "no-such-key.pem;"),  # a certificate key that is not there
    ],
)
def test_a_broken_nginx_example_fails_nginx_t(tmp_path, broken, replacement):
    text = (DEPLOY / "nginx.conf").read_text()
    assert broken in text
    result = nginx_test(text.replace(broken, replacement, 1), tmp_path)
    assert result.returncode != 0, result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql://journey@db/journey",
            "postgresql+psycopg://journey@db/journey?connect_timeout=5",
        ),
        (
            "postgres:///journey?sslmode=require",
            "postgresql+psycopg:///journey?sslmode=require&connect_timeout=5",
        ),
        ("postgresql://db/j?connect_timeout=20", "postgresql+psycopg://db/j?connect_timeout=20"),
    ],
)
def test_a_postgresql_connection_attempt_gives_up_after_a_few_seconds(url, expected, tmp_path):
    assert config.database_uri(url, str(tmp_path)) == expected
