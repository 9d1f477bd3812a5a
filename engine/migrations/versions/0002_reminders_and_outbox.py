"""Reminders per deadline level, and the outbox of messages to deliver.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('fire_at', sa.DateTime(), nullable=False),
    sa.Column('notify', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('fired_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_reminders_case_id_cases')),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadlines.id'], name=op.f('fk_reminders_deadline_id_deadlines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('deadline_id', 'level', name=op.f('uq_reminders_deadline_id_level'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminders_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminders_deadline_id'), ['deadline_id'], unique=False)
        batch_op.create_index('ix_reminders_status_fire_at', ['status', 'fire_at'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('person_id', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('reminder_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_outbox_case_id_cases')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_outbox_person_id_people')),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminders.id'], name=op.f('fk_outbox_reminder_id_reminders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_outbox_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_status_next_attempt_at')
        batch_op.drop_index(batch_op.f('ix_outbox_person_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_case_id'))

    op.drop_table('outbox')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_status_fire_at')
        batch_op.drop_index(batch_op.f('ix_reminders_deadline_id'))
        batch_op.drop_index(batch_op.f('ix_reminders_case_id'))

    op.drop_table('reminders')
