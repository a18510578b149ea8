"""encrypt the written texts at rest (data only: the columns stay TEXT)

Every text a person wrote (answers, notes, letter bodies, feedback) is encrypted
with the first key of the app's ENCRYPTION_KEYS on upgrade and decrypted on
downgrade. Values that are already encrypted with one of the keys are left as
they are, so the upgrade can safely run again.

Revision ID: a7e3c9f15b42
Revises: 315c3eb83186
Create Date: 2026-11-24 10:12:00.000000

"""

from alembic import context

from journey import crypto

# revision identifiers, used by Alembic.
revision = "a7e3c9f15b42"
down_revision = "315c3eb83186"
branch_labels = None
depends_on = None

COLUMNS = (
    ("answers", "text"),
    ("visits", "note"),
    ("letters", "body"),
    ("letters", "note"),
    ("feedback_parts", "text"),
)


def upgrade():
    ring = _keyring()

    def encrypt(value):
        return None if ring.can_decrypt(value) else ring.encrypt(value)

    _rewrite(encrypt)


def downgrade():
    _rewrite(_keyring().decrypt)


def _keyring():
    if context.is_offline_mode():
        raise RuntimeError(
            "this migration encrypts or decrypts stored texts and needs the database: "
            "run it without --sql"
        )
    return crypto.keyring()


def _rewrite(change):
    connection = context.get_bind()
    for table, column in COLUMNS:
        crypto.rewrite_values(connection, table, column, change)
