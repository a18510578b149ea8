"""notices: one of a kind per person and letter

The periodic job (journey tick) may run twice at once, on two machines: the unique index
keeps it from telling a coach twice that the same letter is due soon.

Revision ID: 38036a152ef9
Revises: 514412ae54f3
Create Date: 2026-11-28 14:34:36.360886

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "38036a152ef9"
down_revision = "514412ae54f3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.create_index(
            "ux_notices_user_kind_letter", ["user_id", "kind", "letter_id"], unique=True
        )


def downgrade():
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_index("ux_notices_user_kind_letter")
