"""Actions (åtgärder) as records of their own: owner, due date, follow-up date and status,
each serving one or more cases. Their changes are written into the cases' history.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.String(length=64), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['people.id'], name=op.f('fk_actions_created_by_people')),
    sa.ForeignKeyConstraint(['owner_id'], ['people.id'], name=op.f('fk_actions_owner_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_actions'))
    )
    op.create_index(op.f('ix_actions_owner_id'), 'actions', ['owner_id'], unique=False)
    op.create_index('ix_actions_status_due_on', 'actions', ['status', 'due_on'], unique=False)
    op.create_table('action_cases',
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('linked_at', sa.DateTime(), nullable=False),
    sa.Column('linked_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], name=op.f('fk_action_cases_action_id_actions')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_action_cases_case_id_cases')),
    sa.ForeignKeyConstraint(['linked_by'], ['people.id'], name=op.f('fk_action_cases_linked_by_people')),
    sa.PrimaryKeyConstraint('action_id', 'case_id', name=op.f('pk_action_cases'))
    )
    op.create_index(op.f('ix_action_cases_case_id'), 'action_cases', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_action_cases_case_id'), table_name='action_cases')
    op.drop_table('action_cases')
    op.drop_index('ix_actions_status_due_on', table_name='actions')
    op.drop_index(op.f('ix_actions_owner_id'), table_name='actions')
    op.drop_table('actions')
