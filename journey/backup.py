"""Backups of the database, and putting one back: ``journey backup`` and ``journey restore``.

SQLite: the backup is a consistent copy made with SQLite's online backup API
(``sqlite3.Connection.backup``), safe while the app runs and writes; the
write-ahead log is included. It is one self-contained database file. Restoring
copies it back into the configured database through the same API, in one
transaction, so the app's other connections see either the old or the restored data.

PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean --if-exists
--no-owner --single-transaction``; they need the PostgreSQL client tools.

A backup holds everything in the database, the (encrypted) texts included: keep
it as safely as the database itself. The encryption key is not in it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.engine import URL

from .logs import security_event

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
BUSY_TIMEOUT_MS = 10_000
TOOL_TIMEOUT_SECONDS = 3600


class BackupError(click.ClickException):
    """A backup or restore that could not be done; nothing was changed."""


# ---------------------------------------------------------------------------- SQLite


def sqlite_path(url: URL) -> Path:
    """The file of a SQLite database URL; raises BackupError for in-memory databases."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError(f"Cannot back up or restore this SQLite database: {url.database!r}.")
    return Path(url.database)


@contextlib.contextmanager
def _sqlite(path: Path | str, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    """A sqlite3 connection that waits when the database is busy, closed afterwards."""
    if read_only:
        target = f"{Path(path).resolve().as_uri()}?mode=ro"
        connection = sqlite3.connect(target, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    else:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        yield connection
    finally:
        connection.close()


def _check_sqlite_file(path: Path) -> str:
    """The migration revision of a SQLite Journey backup; raises BackupError if it is none."""
    with path.open("rb") as file:
        magic = file.read(len(SQLITE_MAGIC))
    if magic != SQLITE_MAGIC:
        hint = " (it is a PostgreSQL dump)" if magic.startswith(PG_DUMP_MAGIC) else ""
        raise BackupError(f"{path} is not a SQLite database{hint}. Nothing was changed.")
    try:
        with _sqlite(path, read_only=True) as connection:
            check = connection.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"{path} is damaged ({check}). Nothing was changed.")
            return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except sqlite3.Error as error:
        raise BackupError(
            f"{path} is not a Journey backup ({error}). Nothing was changed."
        ) from error


def backup_sqlite(database: Path, target: Path) -> None:
    """Copy the live SQLite ``database`` to the new file ``target`` (mode 0600)."""
    if not database.is_file():
        raise BackupError(f"The database {database} does not exist.")
    with _new_file(target) as partial:
        with _sqlite(database) as source, _sqlite(partial) as copy:
            source.backup(copy)
            # One self-contained file: the copy keeps no write-ahead log of its own.
            copy.execute("PRAGMA journal_mode=DELETE")
        _check_sqlite_file(partial)


def restore_sqlite(source: Path, database: Path) -> str:
    """Replace the contents of ``database`` with the backup ``source``; returns its revision."""
    revision = _check_sqlite_file(source)
    try:
        with _sqlite(source, read_only=True) as backup, _sqlite(database) as live:
            backup.backup(live)
            live.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as error:
        raise BackupError(f"Restoring {source} into {database} failed: {error}.") from error
    return revision


# ------------------------------------------------------------------------ PostgreSQL


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for ``url`` and the environment for the client tools.

    The password goes through ``PGPASSWORD``, never on the command line.
    """
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client tools, of the server's "
            "major version or newer (Debian/Ubuntu: apt-get install postgresql-client)."
        )
    return path


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(  # noqa: S603 (a list of arguments, no shell)
            args,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TOOL_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{what} took longer than {TOOL_TIMEOUT_SECONDS} seconds.") from None
    if result.returncode != 0:
        details = (result.stderr or result.stdout).strip()
        raise BackupError(f"{what} failed (exit code {result.returncode}):\n{details}")


def backup_postgresql(url: URL, target: Path) -> None:
    """``pg_dump`` the database to the new file ``target`` (mode 0600), custom format."""
    pg_dump = _tool("pg_dump")
    uri, env = _libpq(url)
    with _new_file(target) as partial:
        args = [pg_dump, "--format=custom", "--file", str(partial), "--dbname", uri]
        _run(args, env, "pg_dump")


def restore_postgresql(source: Path, url: URL) -> None:
    """``pg_restore`` the dump ``source`` into the database, all or nothing."""
    pg_restore = _tool("pg_restore")
    with source.open("rb") as file:
        magic = file.read(len(PG_DUMP_MAGIC))
    if magic != PG_DUMP_MAGIC:
        hint = " (it is a SQLite database)" if magic == SQLITE_MAGIC[: len(magic)] else ""
        raise BackupError(
            f"{source} is not a PostgreSQL dump in custom format{hint}. Nothing was changed."
        )
    uri, env = _libpq(url)
    args = [
        pg_restore,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",  # all or nothing: a failed restore changes nothing
        "--dbname",
        uri,
        str(source),
    ]
    _run(args, env, "pg_restore")


# ---------------------------------------------------------------------------- shared


@contextlib.contextmanager
def _new_file(target: Path) -> Iterator[Path]:
    """A fresh, private file next to ``target``, renamed to ``target`` when all went well."""
    if target.exists():
        raise BackupError(f"{target} already exists: choose another name, or remove it first.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    partial = target.with_name(f".{target.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    try:
        yield partial
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def describe(url: URL) -> str:
    """The database for humans, without its password."""
    if url.get_backend_name() == "sqlite":
        return f"the SQLite database {url.database}"
    host = f" on {url.host}" if url.host else ""
    return f"the PostgreSQL database {url.database}{host}"


def _release_connections() -> URL:
    """End this process's own use of the database; returns its URL."""
    from .extensions import db

    db.session.remove()
    db.engine.dispose()
    return db.engine.url


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent backup of the database to PATH (a new file); safe while the app runs."""
    url = _release_connections()
    if url.get_backend_name() == "sqlite":
        backup_sqlite(sqlite_path(url), path)
    else:
        backup_postgresql(url, path)
    size = path.stat().st_size
    security_event("backup", database=describe(url), path=str(path), bytes=size)
    click.echo(f"Backed up {describe(url)} to {path} ({size:,} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Really replace everything in the database.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace everything in the database with the backup PATH (needs --yes).

    Stop the app servers first; run `journey db upgrade` afterwards.
    """
    url = _release_connections()
    if not yes:
        raise BackupError(
            f"This replaces everything in {describe(url)} with the backup {path}. "
            "Nothing was changed. Run again with --yes to do it."
        )
    if url.get_backend_name() == "sqlite":
        revision = restore_sqlite(path, sqlite_path(url))
        security_event("restore", database=describe(url), path=str(path), revision=revision)
        click.echo(f"Restored {describe(url)} from {path} (schema revision {revision}).")
    else:
        restore_postgresql(path, url)
        security_event("restore", database=describe(url), path=str(path))
        click.echo(f"Restored {describe(url)} from {path}.")
    click.echo("Run `journey db upgrade` if the backup is older than this version of Journey.")
