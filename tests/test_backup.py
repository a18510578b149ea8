"""``journey backup`` and ``journey restore``: what was backed up comes back, exactly."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import has_app_context
from flask.cli import ScriptInfo

from journey import backup, visits
from journey.cli import cli
from journey.extensions import db
from journey.models import Answer, Letter, Role, User, Visit


@pytest.fixture
def run(app):
    """Run a ``journey`` command against the test app, as its own process would: in an app
    context of its own, while the test holds none (on SQLite an open transaction of the
    test would hold the write lock the whole time)."""

    def invoke(*args: str):
        assert not has_app_context(), "the test must not hold an app context during a command"
        return CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: app))

    return invoke


@pytest.fixture
def database_file(app) -> Path | None:
    """The SQLite file of the test database; None on PostgreSQL (which needs pg_dump)."""
    with app.app_context():
        url = db.engine.url
    if url.get_backend_name() == "sqlite":
        return Path(url.database)
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.fail("pg_dump and pg_restore are not installed: apt-get install postgresql-client")
    return None


@pytest.fixture
def journey_data(app, make_user, clock):
    """A coachee with a visit holding a draft answer, and a sent letter from another visit."""
    coachee = make_user("Reiziger")
    world = app.extensions["journey.world"]
    haven, humor = world.place("veilige-haven"), world.place("humor")
    with app.app_context():
        user = db.session.get(User, coachee.id)
        draft = visits.visit_place(user, haven.id, clock())
        visits.save_draft(draft, haven.questions[0].id, "Bij de zee voel ik me thuis.", clock())
        clock.advance(hours=1)
        sent = visits.visit_place(user, humor.id, clock())
        answers = {humor.questions[0].id: "Ik lach het meest om mezelf."}
        visits.send_letter(sent, answers, 7, "Een notitie bij mijn brief.", clock(), 48)
        db.session.commit()
    return snapshot(app)


def snapshot(app) -> dict:
    """Everything the tests wrote, as plain values (texts decrypted)."""

    def rows(model, *columns):
        query = db.select(model).order_by(model.id)
        return [
            tuple(getattr(row, column) for column in columns) for row in db.session.scalars(query)
        ]

    with app.app_context():
        return {
            "users": rows(User, "id", "pseudonym", "role", "password_hash", "created_at"),
            "visits": rows(Visit, "id", "coachee_id", "place_id", "started_at", "note"),
            "answers": rows(Answer, "id", "visit_id", "question_id", "text", "version"),
            "letters": rows(
                Letter, "id", "visit_id", "coach_id", "sent_at", "due_at", "mood", "note"
            ),
        }


def change_everything(app, make_user, clock) -> None:
    """Change an answer, delete the sent letter, add an account."""
    with app.app_context():
        draft = db.session.scalars(db.select(Visit).order_by(Visit.id)).first()
        visits.save_draft(draft, draft.answers[0].question_id, "Iets heel anders.", clock())
        db.session.delete(db.session.scalars(db.select(Letter)).one())
        db.session.commit()
    make_user("Nieuwkomer", Role.COACHEE)


def test_backup_and_restore_bring_back_exactly_what_was_there(
    app, run, journey_data, database_file, make_user, clock, tmp_path
):
    target = tmp_path / "journey.backup"
    if database_file is not None:  # committed data still in the write-ahead log is included
        assert Path(f"{database_file}-wal").stat().st_size > 0
    result = run("backup", str(target))
    assert result.exit_code == 0, result.output
    assert f"to {target}" in result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # as private as the database
    assert not list(tmp_path.glob(".*.partial"))

    change_everything(app, make_user, clock)
    changed = snapshot(app)
    assert changed != journey_data

    refused = run("restore", str(target))
    assert refused.exit_code == 1
    assert "--yes" in refused.output and "Nothing was changed" in refused.output
    assert snapshot(app) == changed

    result = run("restore", "--yes", str(target))
    assert result.exit_code == 0, result.output
    assert f"from {target}" in result.output
    assert snapshot(app) == journey_data
    if database_file is not None:
        with contextlib.closing(sqlite3.connect(database_file)) as connection:
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    # The app goes on working on the restored database.
    make_user("Na het terugzetten", Role.COACHEE)
    assert len(snapshot(app)["users"]) == len(journey_data["users"]) + 1


def test_backup_never_overwrites_a_file(run, journey_data, database_file, tmp_path):
    target = tmp_path / "journey.backup"
    target.write_bytes(b"an older backup")
    result = run("backup", str(target))
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert target.read_bytes() == b"an older backup"


def test_restore_refuses_a_file_that_is_no_backup(app, run, journey_data, database_file, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("no backup at all", encoding="utf-8")
    result = run("restore", "--yes", str(other))
    assert result.exit_code == 1
    assert "Nothing was changed" in result.output
    assert snapshot(app) == journey_data


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_backup_is_consistent_while_a_writer_is_busy(app, run, journey_data, tmp_path):
    """The app keeps writing during a backup: it neither waits for it nor ends up half in it."""
    with app.app_context():
        database = Path(db.engine.url.database)
    with contextlib.closing(sqlite3.connect(database, isolation_level=None)) as writer:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE users SET pseudonym = 'Halverwege'")
        target = tmp_path / "busy.backup"
        result = run("backup", str(target))
        writer.execute("ROLLBACK")
    assert result.exit_code == 0, result.output
    with contextlib.closing(sqlite3.connect(target)) as copy:
        names = [name for (name,) in copy.execute("SELECT pseudonym FROM users")]
        assert names == ["Reiziger"]
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_missing_postgresql_tools_are_named(monkeypatch):
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    with pytest.raises(backup.BackupError, match="postgresql-client"):
        backup._tool("pg_dump")
