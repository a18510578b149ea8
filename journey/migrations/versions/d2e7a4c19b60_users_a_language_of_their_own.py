"""users: a language of their own

Empty for everyone at first: the browser's language, else the organisation's
JOURNEY_DEFAULT_LOCALE, holds until a person chooses one on the account page.

Revision ID: d2e7a4c19b60
Revises: 3f1d7c2b9a60
Create Date: 2026-11-28 16:15:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d2e7a4c19b60"
down_revision = "3f1d7c2b9a60"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locale")
