"""Logs: security events say who, when, from where and what, and no log line ever holds
a written text (a canary typed into an answer, a note and a feedback is looked for in
every record, at DEBUG, as text and as JSON lines)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from datetime import datetime

import pyotp
import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from journey import create_app, logs
from journey.blueprints.auth import SETUP_KEY
from journey.cli import cli
from journey.extensions import db
from journey.models import Letter, Role, User, Visit

from .conftest import Client, login

CANARY = "kanarie-7f3a9c"  # typed into every text; must be in no log record
VISITOR = "203.0.113.7"  # the visitor's address, as nginx passes it on

pytestmark = pytest.mark.usefixtures("quick_password_hashes")


@pytest.fixture
def proxied_app(app, database_url, clock):
    """The test app's database behind one proxy (JOURNEY_PROXIES=1): the address in
    X-Forwarded-For is the visitor's."""
    config = {"TESTING": True, "SECRET_KEY": "test-secret", "CLOCK": clock, "PROXIES": 1}
    proxied = create_app({**config, "DATABASE_URL": database_url})
    proxied.test_client_class = Client
    yield proxied
    with proxied.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def visitor(proxied_app) -> Client:
    client = proxied_app.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = VISITOR
    return client


@pytest.fixture
def json_lines():
    """Every record on the root logger, formatted by the JSON formatter: the text."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    handler.addFilter(logs.NoRowsFilter())  # as on the handlers of logs.logging_config
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


@pytest.fixture
def records(caplog, json_lines):
    """Everything logged at DEBUG and above, on every logger, SQL statements included
    (SQLAlchemy keeps its loggers at WARNING unless told otherwise)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")  # alembic.ini says WARN
    return caplog


def events(caplog, name: str) -> list[dict]:
    return [
        r.security
        for r in caplog.records
        if r.name == logs.SECURITY and getattr(r, "security", {}).get("event") == name
    ]


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def test_no_written_text_reaches_any_log(
    app, visitor, records, json_lines, make_user, coach, clock, world, frame
):
    coachee = make_user("Reiziger", coach=coach)
    # a failed login: a wrong password, and a pseudonym that is no account's
    wrong = {"pseudonym": coachee.pseudonym, "password": f"{CANARY}-wachtwoord"}
    assert visitor.post("/login", data=wrong).status_code == 422
    unknown = {"pseudonym": f"Onbekend {CANARY[:6]}", "password": CANARY}
    assert visitor.post("/login", data=unknown).status_code == 422

    # the coachee writes an answer and a note with the canary, and sends them
    assert login(visitor, coachee).status_code == 302
    question = world.place("veilige-haven").questions[0]
    visitor.get("/places/veilige-haven")
    with app.app_context():
        visit_id = db.session.scalars(db.select(Visit.id)).one()
    answer = {f"q-{question.id}": f"Bij de zee {CANARY} voel ik me thuis."}
    draft = visitor.post(f"/visits/{visit_id}/drafts/q-{question.id}", json={"text": CANARY})
    assert draft.status_code == 200
    sent = visitor.post(
        f"/visits/{visit_id}",
        data={"action": "send", "mood": "7", "note": f"Notitie {CANARY}", **answer},
    )
    assert sent.status_code == 302
    for fmt in ("md", "json"):
        assert visitor.get(f"/dossier/export.{fmt}").status_code == 200
    assert visitor.get("/privacy/archive.zip").status_code == 200
    visitor.post("/logout")

    # the coach answers with the canary in the feedback, and exports the dossier
    with app.app_context():
        letter_id = db.session.scalars(db.select(Letter.id)).one()
    assert login(visitor, coach).status_code == 302
    section = frame.sections[0]
    autosave = f"/inbox/letters/{letter_id}/feedback/s-{section.id}"
    assert visitor.post(autosave, json={"text": f"Concept {CANARY}"}).status_code == 200
    texts = {f"s-{s.id}": f"Feedback {CANARY} voor {s.title}." for s in frame.sections}
    texts[f"c-{question.id}"] = f"Commentaar {CANARY}"
    sent = visitor.post(f"/inbox/letters/{letter_id}/feedback", data={"action": "send", **texts})
    assert sent.status_code == 302
    assert visitor.get(f"/dossier/{coachee.id}/export.md").status_code == 200
    with app.app_context():  # the texts were written (encrypted) where they belong
        letter = db.session.get(Letter, letter_id)
        assert CANARY in letter.feedback.text_of(f"s-{section.id}")

    # SQLAlchemy's rows, at DEBUG, hold the decrypted texts: no handler of Journey's
    # writes them (NoRowsFilter); everything else is looked through
    rows = [r for r in records.records if r.getMessage().startswith("Row ")]
    assert rows and not any(logs.NoRowsFilter().filter(r) for r in rows)
    kept = [r for r in records.records if logs.NoRowsFilter().filter(r)]
    logged = [r.getMessage() + repr(r.__dict__) for r in kept]
    assert len(logged) > 10  # SQL statements too, at DEBUG
    assert any("[SQL parameters hidden due to hide_parameters=True]" in line for line in logged)
    statements = [r.getMessage() for r in records.records if r.name.startswith("sqlalchemy.engine")]
    assert any(s.startswith("INSERT INTO answers") for s in statements)
    # the values of statements are not logged (the rows read, at DEBUG, are: encrypted texts)
    assert not [s for s in statements if "Reiziger" in s and not s.startswith("Row ")]
    assert not [line for line in logged if CANARY in line or CANARY[:6] in line]
    assert CANARY not in json_lines.getvalue() and CANARY[:6] not in json_lines.getvalue()

    # ... and each event says who, when and from where
    failed = events(records, "login_failed")
    assert [(e.get("user_id"), e["known_account"]) for e in failed] == [
        (coachee.id, True),
        (None, False),
    ]
    assert failed[0]["pseudonym"] == "Reiziger" and "pseudonym" not in failed[1]
    succeeded = events(records, "login_succeeded")
    assert [(e["user_id"], e["pseudonym"], e["role"]) for e in succeeded] == [
        (coachee.id, "Reiziger", "coachee"),
        (coach.id, "Coach Anna", "coach"),
    ]
    exports = events(records, "dossier_export")
    assert [(e["user_id"], e["subject_id"], e["format"]) for e in exports] == [
        (coachee.id, coachee.id, "md"),
        (coachee.id, coachee.id, "json"),
        (coach.id, coachee.id, "md"),
    ]
    assert [e["user_id"] for e in events(records, "data_archive_export")] == [coachee.id]
    every = failed + succeeded + exports
    assert all(e["remote_addr"] == VISITOR for e in every)
    assert all(e["at"].endswith("Z") and datetime.fromisoformat(e["at"]) for e in every)

    lines = json_lines.getvalue().splitlines()
    objects = [json.loads(line) for line in lines]  # one valid JSON object per line
    assert all(
        isinstance(o, dict) and {"time", "level", "logger", "message"} <= o.keys() for o in objects
    )
    security = [o for o in objects if o["logger"] == logs.SECURITY]
    assert [o["event"] for o in security if o["event"] == "login_succeeded"] == [
        "login_succeeded"
    ] * 2
    assert all(o["remote_addr"] == VISITOR for o in security)


def test_lockout_and_two_factor_are_logged(app, visitor, records, make_user, clock):
    coachee = make_user("Reiziger")
    for _ in range(5):
        visitor.post("/login", data={"pseudonym": "Reiziger", "password": "fout-fout-fout"})
    locked = events(records, "lockout")
    assert [(e["user_id"], e["step"], e["remote_addr"]) for e in locked] == [
        (coachee.id, "password", VISITOR)
    ]
    assert events(records, "login_failed")[-1]["reason"] == "wrong"
    visitor.post("/login", data={"pseudonym": "Reiziger", "password": coachee.password})
    assert events(records, "login_failed")[-1]["reason"] == "locked"

    other = make_user("Zwerver")
    login(visitor, other)
    assert visitor.get("/account/two-factor").status_code == 200
    with visitor.session_transaction() as session:
        secret = session[SETUP_KEY]
    visitor.post("/account/two-factor", data={"code": code_at(secret, clock())})
    visitor.post("/account/two-factor/off", data={"password": other.password})
    assert [e["user_id"] for e in events(records, "two_factor_enabled")] == [other.id]
    assert [e["user_id"] for e in events(records, "two_factor_disabled")] == [other.id]


def test_erasure_is_logged_without_the_pseudonym(app, visitor, records, make_user):
    coachee = make_user("Verdwijner")
    login(visitor, coachee)
    response = visitor.post("/privacy/erase", data={"password": coachee.password})
    assert response.status_code == 302
    [erased] = events(records, "account_erased")
    assert erased["subject_id"] == coachee.id and erased["role"] == "coachee"
    assert "pseudonym" not in erased and erased["remote_addr"] == VISITOR
    assert (
        "Verdwijner" not in [r.getMessage() for r in records.records if r.name == logs.SECURITY][-1]
    )


def test_commands_log_the_system_user(app, records):
    result = CliRunner().invoke(cli, ["rotate-key"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    [rotated] = events(records, "key_rotated")
    assert rotated["remote_addr"] == "cli" and rotated["system_user"]
    assert isinstance(rotated["values"], int)


def test_text_lines_quote_what_could_forge_a_line(app, records):
    with app.test_request_context():
        logs.security_event("login_failed", reason="wrong\nlevel=INFO event=login_succeeded")
    message = records.records[-1].getMessage()
    assert "\n" not in message and 'reason="wrong\\nlevel=INFO' in message


def test_the_json_formatter_writes_one_object_per_line():
    formatter = logs.JsonFormatter()
    record = logging.LogRecord("journey.x", logging.ERROR, __file__, 1, "a\nb %s", ("c",), None)
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = formatter.format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["message"] == "a\nb c" and parsed["level"] == "ERROR"
    assert "ValueError: boom" in parsed["exception"] and parsed["time"].endswith("Z")


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_create_app_sets_logging_up_once_from_the_setting(tmp_path, log_format):
    """In a process of its own (as gunicorn's worker): JOURNEY_LOG_FORMAT picks the format
    of every line on stderr."""
    script = (
        "import logging\n"
        "from journey import create_app\n"
        "app = create_app()\n"
        "create_app()\n"  # a second app configures nothing again
        "logging.getLogger('journey.test').warning('hallo %s', 'wereld')\n"
        "with app.test_request_context(environ_base={'REMOTE_ADDR': '192.0.2.1'}):\n"
        "    from journey.logs import security_event\n"
        "    security_event('backup', path='/tmp/x')\n"
        # an operator turns SQL logging on: statements yes, values and rows read no
        "import sqlalchemy\n"
        "from journey.extensions import db\n"
        "logging.getLogger('sqlalchemy.engine').setLevel(logging.DEBUG)\n"
        "with app.app_context():\n"
        "    db.session.execute(sqlalchemy.text('SELECT :x AS y'), {'x': 'geheim-7'}).all()\n"
    )
    env = {
        **os.environ,
        "JOURNEY_LOG_FORMAT": log_format,
        "JOURNEY_DATABASE_URL": f"sqlite:///{tmp_path}/j.sqlite3",
    }
    env.pop("JOURNEY_ENV", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "geheim-7" not in result.stderr
    lines = result.stderr.splitlines()
    assert "SELECT ? AS y" in lines[-3] and "parameters hidden" in lines[-2], lines
    assert lines[-1].endswith("ROLLBACK") or '"ROLLBACK"' in lines[-1]
    lines = lines[:2]
    if log_format == "json":
        first, second = map(json.loads, lines)
        assert first["message"] == "hallo wereld" and first["logger"] == "journey.test"
        assert second["event"] == "backup" and second["remote_addr"] == "192.0.2.1"
    else:
        assert " WARNING [" in lines[0] and "] journey.test: hallo wereld" in lines[0]
        assert 'event="backup"' in lines[1] and 'remote_addr="192.0.2.1"' in lines[1]
        assert lines[0][:4].isdigit() and "Z " in lines[0]


def test_an_unknown_log_format_is_refused(database_url):
    with pytest.raises(RuntimeError, match="JOURNEY_LOG_FORMAT"):
        create_app({"TESTING": True, "DATABASE_URL": database_url, "LOG_FORMAT": "xml"})


def test_what_an_admin_changes_is_logged(app, visitor, records, make_user):
    admin = make_user("Beheerder", Role.ADMIN)
    login(visitor, admin)
    [event] = events(records, "login_succeeded")
    assert event["role"] == "admin" and event["user_id"] == admin.id
    data = {"pseudonym": "Coach Dirk", "email": "", "role": "coach", "password": ""}
    assert visitor.post("/admin/staff/new", data=data).status_code == 200
    [created] = events(records, "staff_account_created")
    with app.app_context():
        dirk = db.session.scalars(db.select(User).filter_by(pseudonym="Coach Dirk")).one()
    assert (created["user_id"], created["subject_id"], created["subject_role"]) == (
        admin.id,
        dirk.id,
        "coach",
    )
    assert created["remote_addr"] == VISITOR


def test_a_changed_address_is_logged_without_the_address(app, visitor, records, make_user):
    mila = make_user("Mila")
    login(visitor, mila)
    visitor.post("/account/email", data={"email": "mila@example.org", "password": "fout"})
    visitor.post("/account/email", data={"email": "mila@example.org", "password": mila.password})
    assert [e["reason"] for e in events(records, "email_change_refused")] == ["wrong_password"]
    [changed] = events(records, "email_changed")
    assert changed["user_id"] == mila.id and changed["removed"] is False
    assert "mila@example.org" not in repr(
        [r.__dict__ for r in records.records if r.name == logs.SECURITY]
    )
