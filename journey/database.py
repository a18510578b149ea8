"""The database connection: SQLite settings that keep every save under concurrent load.

On SQLite every connection enforces foreign keys, uses the write-ahead log (a
backup or other plain reader never waits for a writer) and waits up to ten
seconds for a lock instead of failing.

Every transaction starts with ``BEGIN IMMEDIATE``: it takes SQLite's one write lock
at its start and holds it until commit or rollback, so concurrent requests queue
behind each other (honouring the busy timeout) instead of failing with "database is
locked" when a transaction that has read tries to write, and no request can read
an answer that another one is about to change (no lost updates). This is
SQLAlchemy's documented recipe for the sqlite3 driver: the driver's own
transaction handling is switched off (``isolation_level = None``) and a "begin"
event emits the BEGIN. The price: on SQLite, transactions run one at a time, also
those that only read, and code must not hold a session's transaction open while
it waits for another connection of the same database (that waits for the busy
timeout, then fails). PostgreSQL needs none of this.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from .extensions import db

BUSY_TIMEOUT_MS = 10_000


def init_app(app: Flask) -> None:
    """Bind the database to ``app`` and configure its SQLite engines."""
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                configure_sqlite(engine)


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
    """Take the write lock when the transaction starts, waiting for it if need be.

    Sent on the DBAPI connection, not with ``exec_driver_sql``: it is part of the
    transaction's plumbing, like the driver's own BEGIN, so statement events and
    the SQL echo do not see it.
    """
    cursor = connection.connection.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE")
    finally:
        cursor.close()
