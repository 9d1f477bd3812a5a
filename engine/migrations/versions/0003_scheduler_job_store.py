"""The table where APScheduler keeps its jobs.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scheduler_jobs',
    sa.Column('id', sa.Unicode(length=191), nullable=False),
    sa.Column('next_run_time', sa.Float(precision=25), nullable=True),
    sa.Column('job_state', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduler_jobs'))
    )
    with op.batch_alter_table('scheduler_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduler_jobs_next_run_time'), ['next_run_time'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('scheduler_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduler_jobs_next_run_time'))

    op.drop_table('scheduler_jobs')
