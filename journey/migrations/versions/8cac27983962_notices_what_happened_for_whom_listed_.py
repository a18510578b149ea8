"""notices: what happened for whom, listed in the app and mailed by the worker

A notice is recorded with the event that causes it (a letter arrived, feedback arrived)
and holds no written text. ``muted_notices`` holds the kinds a user switched off.

Revision ID: 8cac27983962
Revises: c4f2a9d81e35
Create Date: 2026-11-28 13:31:57.184179

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "8cac27983962"
down_revision = "c4f2a9d81e35"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "muted_notices",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "kind"),
    )
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mail_state", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["letter_id"], ["letters.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notices_letter_id"), ["letter_id"], unique=False)
        batch_op.create_index(
            "ix_notices_mail_due", ["mail_state", "next_attempt_at"], unique=False
        )
        batch_op.create_index("ix_notices_user_created", ["user_id", "created_at"], unique=False)


def downgrade():
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ix_notices_user_created")
        batch_op.drop_index("ix_notices_mail_due")
        batch_op.drop_index(batch_op.f("ix_notices_letter_id"))

    op.drop_table("notices")
    op.drop_table("muted_notices")
