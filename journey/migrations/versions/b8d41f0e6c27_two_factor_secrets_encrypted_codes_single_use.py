"""two-factor: secrets encrypted at rest, each code good once

``users.totp_secret`` becomes TEXT and is encrypted with the first key of the app's
ENCRYPTION_KEYS (decrypted again on downgrade); secrets already encrypted with one
of the keys are left as they are, so the upgrade can safely run again.
``users.totp_last_step`` keeps the time step of the last accepted code, so that a
code cannot log in twice, whichever app server it reaches.

Revision ID: b8d41f0e6c27
Revises: 684424a099da
Create Date: 2026-11-28 09:30:00.000000

"""

import sqlalchemy as sa
from alembic import context, op

from journey import crypto

# revision identifiers, used by Alembic.
revision = "b8d41f0e6c27"
down_revision = "684424a099da"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
        batch_op.alter_column("totp_secret", existing_type=sa.String(length=255), type_=sa.Text())
    ring = _keyring()

    def encrypt(value):
        return None if ring.can_decrypt(value) else ring.encrypt(value)

    crypto.rewrite_values(context.get_bind(), "users", "totp_secret", encrypt)


def downgrade():
    crypto.rewrite_values(context.get_bind(), "users", "totp_secret", _keyring().decrypt)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.alter_column("totp_secret", existing_type=sa.Text(), type_=sa.String(length=255))
        batch_op.drop_column("totp_last_step")


def _keyring():
    if context.is_offline_mode():
        raise RuntimeError(
            "this migration encrypts or decrypts two-factor secrets and needs the database: "
            "run it without --sql"
        )
    return crypto.keyring()
