"""users: a time zone and quiet hours of their own

Empty for everyone at first: the organisation's time zone and quiet hours hold until a
person chooses their own on the account page.

Revision ID: 514412ae54f3
Revises: 8cac27983962
Create Date: 2026-11-28 14:29:55.906009

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "514412ae54f3"
down_revision = "8cac27983962"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("quiet_start", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("quiet_end", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("quiet_end")
        batch_op.drop_column("quiet_start")
        batch_op.drop_column("time_zone")
