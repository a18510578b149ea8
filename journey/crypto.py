"""Encryption at rest of every text a person wrote, and key rotation.

``ENCRYPTION_KEYS`` (env ``JOURNEY_ENCRYPTION_KEYS``) holds one or more Fernet
keys, comma-separated: the first encrypts, every key decrypts. ``init_app``
builds the app's *keyring* from it; the column type :class:`EncryptedText`
encrypts on write and decrypts on read through the keyring of ``current_app``,
so the rest of the app reads and writes plain ``str``.

Rotating a key: put a new key in front of the list, restart, run
``journey rotate-key`` (it re-encrypts every stored text with the first key),
then drop the old key from the list.

A Fernet token is random each time, so a database can only store and return
encrypted values: never filter, sort or compare on them in SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import click
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

from .logs import security_event

EXTENSION = "journey.crypto"
BATCH_SIZE = 500


class EncryptionKeyError(RuntimeError):
    """``ENCRYPTION_KEYS`` is missing or holds something that is not a Fernet key."""


class UndecryptableText(EncryptionKeyError):
    """A stored value cannot be decrypted with any configured key."""


UNDECRYPTABLE = (
    "a stored text cannot be decrypted with any key in ENCRYPTION_KEYS "
    "(JOURNEY_ENCRYPTION_KEYS): the key it was encrypted with is wrong or missing "
    "from the list, or the value was never encrypted"
)


@dataclass(frozen=True)
class Keyring:
    """The configured keys: ``primary`` (the first) encrypts, ``every`` key decrypts."""

    primary: Fernet
    every: MultiFernet

    @classmethod
    def from_config(cls, value: str | Iterable[str] | None) -> Keyring:
        """The keyring for ``ENCRYPTION_KEYS``: a comma-separated string or a list of keys.

        Raises EncryptionKeyError naming the problem (never the key itself).
        """
        if value is None:
            value = ""
        parts = value.split(",") if isinstance(value, str) else list(value)
        texts = (part.decode() if isinstance(part, bytes) else str(part) for part in parts)
        keys = [text.strip() for text in texts if text.strip()]
        if not keys:
            raise EncryptionKeyError(
                "ENCRYPTION_KEYS is empty: set JOURNEY_ENCRYPTION_KEYS to one or more "
                "Fernet keys, comma-separated (make one with "
                '`python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"`)'
            )
        fernets = []
        for number, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key))
            except (ValueError, TypeError):
                raise EncryptionKeyError(
                    f"ENCRYPTION_KEYS: key {number} of {len(keys)} is not a valid Fernet key "
                    "(32 bytes, url-safe base64-encoded)"
                ) from None
        return cls(primary=fernets[0], every=MultiFernet(fernets))

    def encrypt(self, text: str) -> str:
        return self.primary.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The text in ``token``; raises UndecryptableText when no key opens it."""
        try:
            return self.every.decrypt(token.encode("utf-8")).decode("utf-8")
        except (InvalidToken, ValueError):
            raise UndecryptableText(UNDECRYPTABLE) from None

    def can_decrypt(self, token: str) -> bool:
        try:
            self.decrypt(token)
        except UndecryptableText:
            return False
        return True

    def is_current(self, token: str) -> bool:
        """Whether ``token`` was encrypted with the first key."""
        try:
            self.primary.decrypt(token.encode("utf-8"))
        except (InvalidToken, ValueError):
            return False
        return True

    def rotate(self, token: str) -> str:
        """``token`` encrypted anew with the first key; raises UndecryptableText."""
        try:
            return self.every.rotate(token.encode("utf-8")).decode("ascii")
        except (InvalidToken, ValueError):
            raise UndecryptableText(UNDECRYPTABLE) from None


def init_app(app: Flask) -> None:
    """Build the keyring from ``ENCRYPTION_KEYS``; raises EncryptionKeyError when it is unusable."""
    app.extensions[EXTENSION] = Keyring.from_config(app.config.get("ENCRYPTION_KEYS"))


def keyring() -> Keyring:
    """The keyring of the current app."""
    try:
        return current_app.extensions[EXTENSION]
    except KeyError:
        raise EncryptionKeyError(
            "encryption is not set up: call journey.crypto.init_app(app)"
        ) from None


class EncryptedText(TypeDecorator):
    """Text stored encrypted with the app's first key (a ``TEXT`` column in the database)."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else keyring().encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else keyring().decrypt(value)


def encrypted_columns(metadata: sa.MetaData) -> list[tuple[str, str]]:
    """``(table, column)`` of every EncryptedText column in ``metadata``."""
    return [
        (table.name, column.name)
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    ]


def rewrite_values(
    connection: Connection,
    table_name: str,
    column_name: str,
    change: Callable[[str], str | None],
    batch_size: int | None = None,
) -> int:
    """Pass every stored value of one column through ``change`` and write back what it
    changed (``None``: leave as is), in batches, on ``connection``'s transaction.

    A row is only written when its value is still the one that was read, so a text
    saved meanwhile is never overwritten. Returns how many values were rewritten.
    Raises UndecryptableText naming the table, column and row.
    """
    batch_size = batch_size or BATCH_SIZE
    table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column_name, sa.Text))
    row_id, value = table.c.id, table.c[column_name]
    write = (
        sa.update(table)
        .where(row_id == sa.bindparam("b_id"), value == sa.bindparam("b_old"))
        .values({column_name: sa.bindparam("b_new")})
    )
    rewritten, last_id = 0, None
    while True:
        query = sa.select(row_id, value).where(value.is_not(None)).order_by(row_id)
        if last_id is not None:
            query = query.where(row_id > last_id)
        rows = connection.execute(query.limit(batch_size)).all()
        if not rows:
            return rewritten
        last_id = rows[-1][0]
        changes = []
        for found_id, old in rows:
            try:
                new = change(old)
            except UndecryptableText as error:
                raise UndecryptableText(
                    f"{table_name}.{column_name}, row {found_id}: {error}"
                ) from None
            if new is not None and new != old:
                changes.append({"b_id": found_id, "b_old": old, "b_new": new})
        if changes:
            result = connection.execute(write, changes)
            sane = connection.dialect.supports_sane_multi_rowcount
            rewritten += result.rowcount if sane and result.rowcount >= 0 else len(changes)


def rotate(connection: Connection, ring: Keyring, columns: Iterable[tuple[str, str]]) -> int:
    """Re-encrypt with the first key every value of ``columns`` that another key encrypted."""

    def renew(token: str) -> str | None:
        return None if ring.is_current(token) else ring.rotate(token)

    return sum(rewrite_values(connection, table, column, renew) for table, column in columns)


@click.command("rotate-key")
@with_appcontext
def rotate_key_command() -> None:
    """Re-encrypt every stored text with the first key of ENCRYPTION_KEYS.

    Put a new key in front of ENCRYPTION_KEYS, run this, then drop the old key.
    Safe to run again: values already under the first key are left alone.
    """
    from .extensions import db

    ring = keyring()
    try:
        with db.engine.begin() as connection:
            count = rotate(connection, ring, encrypted_columns(db.metadata))
    except UndecryptableText as error:
        raise click.ClickException(f"{error}. Nothing was changed.") from None
    security_event("key_rotated", values=count)
    click.echo(f"{count} value(s) re-encrypted with the first key of ENCRYPTION_KEYS.")
