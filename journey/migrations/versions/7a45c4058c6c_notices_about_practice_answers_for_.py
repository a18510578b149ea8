"""notices about practice answers, for trainees and supervisors

A supervisor is told when a trainee hands in an answer, a trainee when the comments on
it can be read; the notice points to the practice attempt.

Revision ID: 7a45c4058c6c
Revises: 38036a152ef9
Create Date: 2026-11-28 14:38:15.417220

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7a45c4058c6c"
down_revision = "38036a152ef9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempt_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_notices_attempt_id"), ["attempt_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_notices_attempt_id", "practice_attempts", ["attempt_id"], ["id"], ondelete="CASCADE"
        )


def downgrade():
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_constraint("fk_notices_attempt_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_notices_attempt_id"))
        batch_op.drop_column("attempt_id")
