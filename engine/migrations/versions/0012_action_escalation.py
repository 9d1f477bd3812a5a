"""An action still not done a week after its due date is brought to the avdelningschef:
`actions.escalated_for` keeps the due date they were told of.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


# In place, not in a batch, for the reason 0010 gives.
def upgrade():
    op.add_column('actions', sa.Column('escalated_for', sa.Date(), nullable=True))


def downgrade():
    op.drop_column('actions', 'escalated_for')
