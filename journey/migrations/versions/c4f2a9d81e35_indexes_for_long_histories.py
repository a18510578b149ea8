"""indexes for long histories: pages read a page's worth of rows, not every letter

A coach's answered letters newest first, a coachee's letters newest first, and a
coachee's letters that wait for an answer each get an index, so the inbox, the
response figures, the letters list and the caseload stay as fast with a hundred
thousand letters as with five.

Revision ID: c4f2a9d81e35
Revises: b8d41f0e6c27
Create Date: 2026-11-28 11:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c4f2a9d81e35"
down_revision = "b8d41f0e6c27"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_letters_answered": ["coach_id", "answered_at"],
    "ix_letters_coachee_sent": ["coachee_id", "sent_at"],
    "ix_letters_coachee_waiting": ["coachee_id", "answered_at", "due_at"],
}


def upgrade():
    for name, columns in INDEXES.items():
        op.create_index(name, "letters", columns)


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="letters")
