"""The delegation order keeps its earlier versions: each row is in force from the loading of
the organisation file that made it until one that changed it (valid_to NULL: in force now),
so a decision listed for the committee shows the delegation it was taken on. The rows already
there are taken as in force as far back as is known.

Revision ID: 0009
Revises: 0008
"""
from datetime import datetime

from alembic import op
import sqlalchemy as sa

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

KNOWN_SINCE = datetime(1970, 1, 1)  # UTC, as the columns hold it


def upgrade():
    with op.batch_alter_table('delegations') as batch:
        batch.add_column(sa.Column('valid_from', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('valid_to', sa.DateTime(), nullable=True))
    op.execute(sa.text('UPDATE delegations SET valid_from = :since')
               .bindparams(sa.bindparam('since', KNOWN_SINCE, type_=sa.DateTime())))
    with op.batch_alter_table('delegations') as batch:
        batch.alter_column('valid_from', existing_type=sa.DateTime(), nullable=False)
        batch.drop_constraint('pk_delegations', type_='primary')
        batch.create_primary_key('pk_delegations', ['decision', 'valid_from'])


def downgrade():
    op.execute(sa.text('DELETE FROM delegations WHERE valid_to IS NOT NULL'))
    with op.batch_alter_table('delegations') as batch:
        batch.drop_constraint('pk_delegations', type_='primary')
        batch.create_primary_key('pk_delegations', ['decision'])
        batch.drop_column('valid_to')
        batch.drop_column('valid_from')
