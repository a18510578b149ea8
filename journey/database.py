"""The database connection: SQLite settings that keep every save under concurrent load.

On SQLite every connection enforces foreign keys, uses the write-ahead log (a
backup or other plain reader never waits for a writer) and waits up to ten
seconds for a lock instead of failing.

Every transaction that may write starts with ``BEGIN IMMEDIATE``: it takes SQLite's
one write lock at its start and holds it until commit or rollback, so concurrent
writers queue behind each other (honouring the busy timeout) instead of failing with
"database is locked" when a transaction that has read tries to write, and no request
can read an answer that another one is about to change (no lost updates). This is
SQLAlchemy's documented recipe for the sqlite3 driver: the driver's own transaction
handling is switched off (``isolation_level = None``) and a "begin" event emits the
BEGIN. Code must not hold a session's transaction open while it waits for another
connection of the same database (that waits for the busy timeout, then fails).

Reading requests (GET, HEAD) begin with a plain ``BEGIN`` instead: they read a
snapshot of the write-ahead log while writers go on, and never wait for the lock.
A GET that does write (opening a place starts a visit; reading a dossier is logged)
calls ``will_write()`` first: its read transaction ends and the next one takes the
lock. A reading request that writes without saying so is refused with an error
before the statement runs, on every database, so that the tests catch it.
PostgreSQL needs none of the locking.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from .extensions import db

BUSY_TIMEOUT_MS = 10_000
READING_METHODS = ("GET", "HEAD", "OPTIONS")
READ_STATEMENTS = ("SELECT", "PRAGMA", "WITH")


class WriteWhileReading(RuntimeError):
    """A reading request (GET) tried to write without calling ``will_write()`` first."""


def init_app(app: Flask) -> None:
    """Bind the database to ``app``, configure its SQLite engines and make reading
    requests read without the write lock. Call before anything else registers a
    ``before_request`` function that may query."""
    db.init_app(app)
    app.before_request(_start_reading)
    with app.app_context():
        for engine in db.engines.values():
            if not event.contains(engine, "before_cursor_execute", _refuse_writes_while_reading):
                event.listen(engine, "before_cursor_execute", _refuse_writes_while_reading)
            if engine.dialect.name == "sqlite":
                configure_sqlite(engine)


def _start_reading() -> None:
    g.journey_reading = request.method in READING_METHODS


def reading() -> bool:
    """True while a reading request has not said it will write."""
    return has_request_context() and g.get("journey_reading", False)


def will_write() -> None:
    """Say that this reading request (a GET) is about to write: its read transaction ends
    (it changed nothing) and the next transaction takes the write lock on SQLite.
    Objects loaded so far are read again when next used."""
    if reading():
        db.session.commit()
        g.journey_reading = False


def _refuse_writes_while_reading(_conn, _cursor, statement: str, *_args) -> None:
    if reading() and not statement.lstrip().upper().startswith(READ_STATEMENTS):
        raise WriteWhileReading(
            f"{request.method} {request.path} writes without database.will_write(): "
            f"{statement.split(None, 1)[0]}"
        )


def configure_sqlite(engine: Engine) -> None:
    """Pragmas on every new connection, and ``BEGIN IMMEDIATE`` for every transaction."""
    if not event.contains(engine, "connect", _sqlite_connect):
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """SQLite: enforce foreign keys, write-ahead log, wait instead of failing when busy;
    leave BEGIN to SQLAlchemy (``_sqlite_begin``)."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    """Take the write lock when the transaction starts, waiting for it if need be; a
    reading request only reads a snapshot (``BEGIN``) and waits for nothing.

    Sent on the DBAPI connection, not with ``exec_driver_sql``: it is part of the
    transaction's plumbing, like the driver's own BEGIN, so statement events and
    the SQL echo do not see it.
    """
    cursor = connection.connection.cursor()
    try:
        cursor.execute("BEGIN" if reading() else "BEGIN IMMEDIATE")
    finally:
        cursor.close()
