"""An action's owner is reminded on the day it is due: `actions.reminded_for` keeps the due date
they were reminded of, and the reminder in the outbox names its action (`outbox.action_id`).

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


# `actions` is altered in place, not in a batch: on SQLite a batch copies the table and drops
# the old one, which the foreign keys from action_cases and outbox refuse.
def upgrade():
    op.add_column('actions', sa.Column('reminded_for', sa.Date(), nullable=True))
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('action_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_outbox_action_id_actions'), 'actions', ['action_id'], ['id'])


def downgrade():
    with op.batch_alter_table('outbox') as batch:
        batch.drop_constraint(op.f('fk_outbox_action_id_actions'), type_='foreignkey')
        batch.drop_column('action_id')
    op.drop_column('actions', 'reminded_for')
