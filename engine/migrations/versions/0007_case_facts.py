"""What the committee's statistics count of each case (engine/reports): a narrow row per case
and its category marks, each with a covering index, filled in for the cases already there;
and an index that gives each kind of deadline case by case.

Revision ID: 0007
Revises: 0006
"""
from datetime import date

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

DATES = ('registered_on', 'investigator_assigned_on', 'decided_on', 'ivo_notified_on', 'answered_on', 'assessed_on')
FACTS = ('feedback_type', 'submitter_category', 'assessment', 'risk_level', 'route')
COUNTED_BY = ('case_type', 'unit_id', 'concerns_person_id')
# The case types' `statistics` as they were at this revision (workflows/*.py).
STATISTICS = {
    'lex_sarah': {
        'registered_on': ('register.registered_on',),
        'investigator_assigned_on': ('assign_investigator.assigned_on',),
        'assessment': ('propose.assessment',),
        'risk_level': ('propose.risk_level',),
        'categories': ('propose.categories',),
        'decided_on': ('decide.decided_on', 'close_no_misconduct.decided_on'),
        'ivo_notified_on': ('notify_ivo.notified_on',),
    },
    'klagomal': {
        'feedback_type': ('report.feedback_type',),
        'submitter_category': ('report.submitter_category',),
        'registered_on': ('register.registered_on',),
        'answered_on': ('answer.answered_on',),
    },
    'avvikelse': {
        'assessed_on': ('triage.triaged_on',),
        'risk_level': ('triage.risk_level',),
        'categories': ('triage.category',),
        'route': ('triage.route',),
    },
}
BATCH = 1000


def upgrade() -> None:
    op.create_table('case_facts',
    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('case_type', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('concerns_person_id', sa.String(length=64), nullable=True),
    *(sa.Column(name, sa.String(length=16 if name == 'risk_level' else 32), nullable=True) for name in FACTS),
    sa.Column('category_count', sa.Integer(), nullable=False),
    *(sa.Column(name, sa.Date(), nullable=True) for name in DATES),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_facts_case_id_cases')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_case_facts_unit_id_units')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_facts'))
    )
    op.create_index('ix_case_facts_counts', 'case_facts',
                    [*COUNTED_BY, *FACTS, 'category_count', 'received_on', *DATES], unique=False)
    op.create_table('case_marks',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('case_type', sa.String(length=32), nullable=False),
    sa.Column('unit_id', sa.String(length=64), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('concerns_person_id', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_facts.case_id'], name=op.f('fk_case_marks_case_id_case_facts')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_case_marks_unit_id_units')),
    sa.PrimaryKeyConstraint('case_id', 'category', name=op.f('pk_case_marks'))
    )
    op.create_index('ix_case_marks_counts', 'case_marks',
                    ['case_type', 'category', 'unit_id', 'concerns_person_id', 'received_on'], unique=False)
    op.create_index('ix_deadlines_kind_case_id', 'deadlines', ['kind', 'case_id', 'status', 'due_at'], unique=False)
    _fill_in()


def downgrade() -> None:
    op.drop_index('ix_deadlines_kind_case_id', table_name='deadlines')
    op.drop_index('ix_case_marks_counts', table_name='case_marks')
    op.drop_table('case_marks')
    op.drop_index('ix_case_facts_counts', table_name='case_facts')
    op.drop_table('case_facts')


def _fill_in() -> None:
    bind = op.get_bind()
    cases = sa.table('cases', sa.column('id'), *(sa.column(name) for name in COUNTED_BY),
                     sa.column('received_on', sa.Date()), sa.column('data', sa.JSON()))
    facts = sa.table('case_facts', sa.column('case_id'), *(sa.column(name) for name in (*COUNTED_BY, *FACTS)),
                     sa.column('category_count'), *(sa.column(name, sa.Date()) for name in ('received_on', *DATES)))
    marks = sa.table('case_marks', sa.column('case_id'), sa.column('category'),
                     *(sa.column(name) for name in COUNTED_BY), sa.column('received_on', sa.Date()))
    last = 0
    while True:
        rows = bind.execute(sa.select(cases).where(cases.c.id > last).order_by(cases.c.id).limit(BATCH)).all()
        if not rows:
            return
        fact_rows, mark_rows = [], []
        for row in rows:
            found = {name: _first(row.data, places) for name, places in STATISTICS.get(row.case_type, {}).items()}
            categories = found.pop('categories', None) or []
            categories = sorted(set([categories] if isinstance(categories, str) else categories))
            counted_by = {'case_type': row.case_type, 'unit_id': row.unit_id,
                          'concerns_person_id': row.concerns_person_id, 'received_on': row.received_on}
            fact_rows.append({'case_id': row.id, **counted_by, 'category_count': len(categories),
                              **{name: found.get(name) for name in FACTS},
                              **{name: date.fromisoformat(found[name]) if found.get(name) else None
                                 for name in DATES}})
            mark_rows += [{'case_id': row.id, 'category': category, **counted_by} for category in categories]
        bind.execute(facts.insert(), fact_rows)
        if mark_rows:
            bind.execute(marks.insert(), mark_rows)
        last = rows[-1].id


def _first(data, places):
    for place in places:
        form, _, field = place.partition('.')
        value = (data.get(form) or {}).get(field)
        if value not in (None, '', []):
            return value
    return None
