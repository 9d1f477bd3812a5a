"""Statistics by the gender of the individual a report concerns (shared/domain.md §6): a column
of case_facts, in the covering index after the other facts a compilation groups by, filled in
from the cases' reports (those filed before the form asked for it have none).

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

LEADING = ('case_type', 'unit_id', 'concerns_person_id', 'feedback_type', 'submitter_category', 'assessment',
           'risk_level', 'route')
FOLLOWING = ('category_count', 'received_on', 'registered_on', 'investigator_assigned_on', 'decided_on',
             'ivo_notified_on', 'answered_on', 'assessed_on')


# In place, not in a batch, for the reason 0010 gives.
def upgrade():
    op.add_column('case_facts', sa.Column('gender', sa.String(length=16), nullable=True))
    op.drop_index('ix_case_facts_counts', table_name='case_facts')
    op.create_index('ix_case_facts_counts', 'case_facts', [*LEADING, 'gender', *FOLLOWING], unique=False)
    _fill_in()


def downgrade():
    op.drop_index('ix_case_facts_counts', table_name='case_facts')
    op.create_index('ix_case_facts_counts', 'case_facts', [*LEADING, *FOLLOWING], unique=False)
    op.drop_column('case_facts', 'gender')


def _fill_in() -> None:
    """The gender a case's report gives, as the case types' `statistics` read it at this
    revision (`report.affected_gender`); only the rows that have one are written."""
    facts = sa.table('case_facts', sa.column('case_id'), sa.column('gender'))
    cases = sa.table('cases', sa.column('id'), sa.column('data', sa.JSON()))
    given = (sa.select(cases.c.data[('report', 'affected_gender')].as_string())
             .where(cases.c.id == facts.c.case_id).scalar_subquery())
    op.execute(facts.update().where(given.is_not(None)).values(gender=given))
