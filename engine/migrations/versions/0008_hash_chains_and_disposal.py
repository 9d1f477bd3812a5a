"""Hash chains over the case history and the access log (engine/chain.py), with their heads;
the disposal log; and triggers that let a disposed case's history content be erased and
nothing else be changed. The rows already there are chained in the order they were written.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

from engine import chain
from engine.models import UTCDateTime

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BATCH = 1000
# The erasure disposal makes: the content goes, the digest of it and the links of the chain stay.
ERASURE = (f"NEW.summary = '{chain.ERASED_SUMMARY}' AND NEW.before IS NULL AND NEW.after IS NULL "
           "AND NEW.actor IS NULL AND NEW.id = OLD.id AND NEW.case_id = OLD.case_id AND NEW.seq = OLD.seq "
           "AND NEW.at = OLD.at AND NEW.action = OLD.action AND NEW.task IS NOT DISTINCT FROM OLD.task "
           "AND NEW.payload_digest = OLD.payload_digest AND NEW.hash = OLD.hash "
           "AND EXISTS (SELECT 1 FROM disposals WHERE disposals.case_id = OLD.case_id)")

events = sa.table('history_events', sa.column('id', sa.Integer()), sa.column('case_id', sa.Integer()),
                  sa.column('seq', sa.Integer()), sa.column('at', UTCDateTime()), sa.column('actor', sa.String()),
                  sa.column('action', sa.String()), sa.column('task', sa.String()), sa.column('summary', sa.Text()),
                  sa.column('before', sa.JSON()), sa.column('after', sa.JSON()),
                  sa.column('payload_digest', sa.String()), sa.column('hash', sa.String()))
reads = sa.table('access_log', sa.column('id', sa.Integer()), sa.column('at', UTCDateTime()),
                 sa.column('person_id', sa.String()), sa.column('case_id', sa.Integer()),
                 sa.column('action', sa.String()), sa.column('seq', sa.Integer()), sa.column('hash', sa.String()))
history_heads = sa.table('history_heads', sa.column('case_id', sa.Integer()), sa.column('seq', sa.Integer()),
                         sa.column('hash', sa.String()))
access_log_head = sa.table('access_log_head', sa.column('id', sa.Integer()), sa.column('seq', sa.Integer()),
                           sa.column('hash', sa.String()))


def upgrade() -> None:
    op.create_table('history_heads',
    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_history_heads_case_id_cases')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_history_heads'))
    )
    op.create_table('access_log_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_log_head'))
    )
    op.create_table('disposals',
    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('disposed_at', sa.DateTime(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('rule', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_disposals_case_id_cases')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_disposals'))
    )
    _drop_append_only()
    with op.batch_alter_table('history_events') as batch_op:
        batch_op.add_column(sa.Column('payload_digest', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('access_log') as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    _chain_history()
    _chain_access_log()
    with op.batch_alter_table('history_events') as batch_op:
        batch_op.alter_column('payload_digest', existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
    with op.batch_alter_table('access_log') as batch_op:
        batch_op.alter_column('seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_access_log_seq'), ['seq'])
    _protect(erasable=True)


def downgrade() -> None:
    _drop_append_only()
    with op.batch_alter_table('access_log') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_access_log_seq'), type_='unique')
        batch_op.drop_column('hash')
        batch_op.drop_column('seq')
    with op.batch_alter_table('history_events') as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('payload_digest')
    op.drop_table('disposals')
    op.drop_table('access_log_head')
    op.drop_table('history_heads')
    _protect(erasable=False)


def _chain_history() -> None:
    bind = op.get_bind()
    head, last = None, (0, 0)  # head: [case id, seq, hash]
    while True:
        rows = bind.execute(sa.select(events).where(sa.tuple_(events.c.case_id, events.c.seq) > sa.tuple_(*last))
                            .order_by(events.c.case_id, events.c.seq).limit(BATCH)).all()
        if not rows:
            break
        updates = []
        for row in rows:
            if head is None or head[0] != row.case_id:
                if head is not None:
                    bind.execute(history_heads.insert(), [dict(zip(('case_id', 'seq', 'hash'), head))])
                head = [row.case_id, 0, chain.GENESIS]
            payload = chain.payload_digest(row.summary, row.before, row.after, row.actor)
            head[1] = row.seq
            head[2] = chain.event_hash(head[2], row.case_id, row.seq, row.at, row.action, row.task, payload)
            updates.append({'row_id': row.id, 'payload_digest': payload, 'hash': head[2]})
        bind.execute(events.update().where(events.c.id == sa.bindparam('row_id')), updates)
        last = (rows[-1].case_id, rows[-1].seq)
    if head is not None:
        bind.execute(history_heads.insert(), [dict(zip(('case_id', 'seq', 'hash'), head))])


def _chain_access_log() -> None:
    bind = op.get_bind()
    seq, hash_, last = 0, chain.GENESIS, 0
    while True:
        rows = bind.execute(sa.select(reads).where(reads.c.id > last).order_by(reads.c.id).limit(BATCH)).all()
        if not rows:
            break
        updates = []
        for row in rows:
            seq += 1
            hash_ = chain.read_hash(hash_, seq, row.at, row.person_id, row.case_id, row.action)
            updates.append({'row_id': row.id, 'seq': seq, 'hash': hash_})
        bind.execute(reads.update().where(reads.c.id == sa.bindparam('row_id')), updates)
        last = rows[-1].id
    bind.execute(access_log_head.insert(), [{'id': 1, 'seq': seq, 'hash': hash_}])


def _drop_append_only() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in ('history_events', 'access_log', 'disposals'):
            op.execute(f'DROP TRIGGER IF EXISTS {table}_append_only ON {table}')
        op.execute('DROP TRIGGER IF EXISTS history_events_erase_only ON history_events')
        op.execute('DROP FUNCTION IF EXISTS lexflow_history_erase_only()')
    else:
        for table in ('history_events', 'access_log', 'disposals'):
            for operation in ('update', 'delete'):
                op.execute(f'DROP TRIGGER IF EXISTS {table}_no_{operation}')


def _protect(erasable: bool) -> None:
    """The history, the access log and the disposal log can never be edited or deleted, not
    even by SQL; but for `erasable`, the history content of a disposed case can be erased."""
    postgresql = op.get_bind().dialect.name == 'postgresql'
    tables = ('history_events', 'access_log', 'disposals') if erasable else ('history_events', 'access_log')
    for table in tables:
        changes = 'DELETE' if erasable and table == 'history_events' else 'UPDATE OR DELETE'
        if postgresql:
            op.execute(f'CREATE TRIGGER {table}_append_only BEFORE {changes} ON {table} '
                       'FOR EACH ROW EXECUTE FUNCTION lexflow_append_only()')
        else:
            for operation in changes.split(' OR '):
                op.execute(f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    if not erasable:
        return
    if postgresql:
        op.execute("CREATE FUNCTION lexflow_history_erase_only() RETURNS trigger AS $$ BEGIN "
                   f"IF {ERASURE} THEN RETURN NEW; END IF; "
                   "RAISE EXCEPTION 'history_events is append-only (only a disposed case''s content can be erased)'; "
                   "END; $$ LANGUAGE plpgsql")
        op.execute('CREATE TRIGGER history_events_erase_only BEFORE UPDATE ON history_events '
                   'FOR EACH ROW EXECUTE FUNCTION lexflow_history_erase_only()')
    else:
        op.execute(f"CREATE TRIGGER history_events_no_update BEFORE UPDATE ON history_events "
                   f"WHEN NOT ({ERASURE.replace('IS NOT DISTINCT FROM', 'IS')}) "
                   "BEGIN SELECT RAISE(ABORT, 'history_events is append-only "
                   "(only a disposed case''s content can be erased)'); END")
