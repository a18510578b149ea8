"""visits count from their first writing

``visits.written_at``: when something was first written at a visit. Opening a place
starts a visit for its drafts, but the map, the route and the dossier show a visit only
from this moment on; a visit whose texts are all emptied again loses it.

Existing visits: the texts are encrypted, so a migration cannot see whether a draft is
empty. A sent visit, or one with a saved answer or note, counts from its start; the next
save of an unsent visit sets the moment anew (or clears it when everything is empty).

Revision ID: 3f1d7c2b9a60
Revises: 7757ae5d9758
Create Date: 2026-11-28 16:05:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "3f1d7c2b9a60"
down_revision = "7757ae5d9758"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("written_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_visits_route", ["coachee_id", "written_at"], unique=False)
    op.execute(
        """
        UPDATE visits SET written_at = started_at
        WHERE note_updated_at IS NOT NULL
           OR EXISTS (SELECT 1 FROM answers WHERE answers.visit_id = visits.id)
           OR EXISTS (SELECT 1 FROM letters WHERE letters.visit_id = visits.id)
        """
    )


def downgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index("ix_visits_route")
        batch_op.drop_column("written_at")
