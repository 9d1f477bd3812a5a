"""How cases are stored: specs once, state small, open work in indexed tables, schema by Alembic."""
import gzip

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from engine.models import Base, Case, Deadline, DiagramVersion, OpenTask


def test_the_diagram_is_stored_once_not_in_every_case(cases, services):
    for _ in range(3):
        cases.file()
    with services.db.unit_of_work() as session:
        # One version per case type's diagram, however many cases run on it.
        assert session.scalar(select(func.count()).select_from(DiagramVersion)) == len(services.diagrams.current)
        states = list(session.scalars(select(Case.state)))
        xml = session.scalar(select(DiagramVersion.bpmn_xml).where(DiagramVersion.process_id == "lex_sarah"))
    assert all(len(state) < len(xml) / 10 for state in states)
    assert all(b"BoundaryEventSplit" not in state and b"lane_registrator" not in state for state in states)


def test_the_workflow_holds_only_what_the_diagram_reads(cases, services):
    case = cases.file(what_happened="Ett mycket långt och känsligt referat. " * 50)
    with services.db.unit_of_work() as session:
        row = session.scalar(select(Case).where(Case.diary_number == case))
        assert "känsligt referat" in row.data["report"]["what_happened"]
        assert "känsligt".encode() not in gzip.decompress(row.state)


def test_open_tasks_and_deadlines_mirror_the_workflow(cases, services, clock):
    case = cases.file()
    cases.complete(case, "register")
    with services.db.unit_of_work() as session:
        case_id = session.scalar(select(Case.id).where(Case.diary_number == case))
        assert list(session.scalars(select(OpenTask.name).where(OpenTask.case_id == case_id))) == ["protect"]
        deadlines = session.execute(select(Deadline.kind, Deadline.status).where(Deadline.case_id == case_id)).all()
    assert deadlines == [("registration", "met")]


def test_a_backdated_report_is_overdue_at_once_and_says_by_how_much(cases, runner):
    # Received Mon 2026-10-19; one working day gives Tue 10-20, so overdue since 10-21 00:00,
    # and the clock says Mon 11-23 10:00.
    case = cases.file(received_on=cases.day(-35), occurred_on=cases.day(-36), noticed_on=cases.day(-36))
    events = runner.case_history(case, "erik")
    fired = [e.summary for e in events if e.action == "deadline.overdue"]
    assert fired == ["Frist passerad: Registreringsfrist (33 dagar sen)"]
    assert any(e.action == "deadline.escalated" for e in events)


def test_migrations_create_exactly_the_models_schema(services):
    with services.db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
