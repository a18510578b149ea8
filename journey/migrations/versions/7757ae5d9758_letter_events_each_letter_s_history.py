"""letter events: each letter's history

Where a letter went and when: sent to a coach or the pool, claimed, due soon, overdue and
handed on, the admins told, answered. Letters sent before this revision have no history.

Revision ID: 7757ae5d9758
Revises: 7a45c4058c6c
Create Date: 2026-11-28 14:44:01.471243

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7757ae5d9758"
down_revision = "7a45c4058c6c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "letter_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["coach_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["letter_id"], ["letters.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("letter_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_letter_events_letter_id"), ["letter_id"], unique=False)


def downgrade():
    with op.batch_alter_table("letter_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_letter_events_letter_id"))

    op.drop_table("letter_events")
