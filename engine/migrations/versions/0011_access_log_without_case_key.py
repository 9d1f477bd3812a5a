"""The access log's `case_id` is no longer a foreign key to `cases`.

On PostgreSQL the key's check locked every case a reader was shown (FOR KEY SHARE): a page of
a listing wrote a lock into fifty case rows, which took about a quarter of the database's
work for a listing and left those pages no longer all-visible, so the next listing's
index-only scan had to visit the table for them. Cases are never deleted, and what the log
says is proved by its hash chain (engine/chain.py), not by the key.

Revision ID: 0011
Revises: 0010
"""
from contextlib import contextmanager

from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

KEY = 'fk_access_log_case_id_cases'


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint(KEY, 'access_log', type_='foreignkey')
        return
    with _sqlite_copy_keeping_append_only() as batch:
        batch.drop_constraint(KEY, type_='foreignkey')


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.create_foreign_key(KEY, 'access_log', 'cases', ['case_id'], ['id'])
        return
    with _sqlite_copy_keeping_append_only() as batch:
        batch.create_foreign_key(KEY, 'cases', ['case_id'], ['id'])


@contextmanager
def _sqlite_copy_keeping_append_only():
    """SQLite alters a constraint by copying the table, and the old table's triggers go with
    it: they are made again on the copy."""
    for operation in ('update', 'delete'):
        op.execute(f'DROP TRIGGER access_log_no_{operation}')
    with op.batch_alter_table('access_log') as batch:
        yield batch
    for operation in ('UPDATE', 'DELETE'):
        op.execute(f'CREATE TRIGGER access_log_no_{operation.lower()} BEFORE {operation} ON access_log '
                   "BEGIN SELECT RAISE(ABORT, 'access_log is append-only'); END")
