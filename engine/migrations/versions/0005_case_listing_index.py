"""An index with all that a listing asks of a case, so that lists and counts need not read
the table (engine/queries.py). On PostgreSQL the assignees become JSONB, which an index takes.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

COLUMNS = ['received_on', 'id', 'unit_id', 'case_type', 'status', 'concerns_person_id', 'reported_by', 'assignees']


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column('cases', 'assignees', type_=postgresql.JSONB(), postgresql_using='assignees::jsonb')
    op.create_index('ix_cases_listing', 'cases', COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index('ix_cases_listing', table_name='cases')
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column('cases', 'assignees', type_=sa.JSON(), postgresql_using='assignees::json')
