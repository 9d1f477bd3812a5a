"""A step commits whole or not at all; concurrent steps conflict cleanly; history cannot be edited."""
import threading
import time
from datetime import datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from demo.lex_sarah import CaseDriver
from engine.clock import STOCKHOLM
from engine.diagrams import DiagramStore
from engine.errors import Conflict, LexflowError
from engine.models import Case, Deadline, HistoryEvent, OpenTask
from engine.runner import CaseRunner
from web import ROOT
from workflows import CASE_TYPES


def snapshot(services, diary_number):
    with services.db.unit_of_work() as session:
        case = session.scalar(select(Case).where(Case.diary_number == diary_number))
        return {
            "version": case.version, "state": case.state, "data": case.data, "status": case.status,
            "history": session.scalar(select(func.count()).select_from(HistoryEvent)
                                      .where(HistoryEvent.case_id == case.id)),
            "tasks": sorted(session.scalars(select(OpenTask.name).where(OpenTask.case_id == case.id))),
            "deadlines": sorted(session.execute(select(Deadline.kind, Deadline.status)
                                                .where(Deadline.case_id == case.id)).all()),
        }


def test_a_step_that_fails_in_the_diagram_leaves_no_trace(services, clock, tmp_path):
    # A diagram whose gateway after `propose` reads a variable no form provides: the step
    # fails in SpiffWorkflow after the task itself has already run.
    xml = (ROOT / "bpmn" / "lex_sarah.bpmn").read_text(encoding="utf-8")
    (tmp_path / "lex_sarah.bpmn").write_text(
        xml.replace('assessment == "no_misconduct"', 'assessment == "no_misconduct" or never_given'),
        encoding="utf-8")
    cases = CaseDriver(CaseRunner(services.db, DiagramStore(tmp_path, {"lex_sarah": CASE_TYPES["lex_sarah"]}), clock), clock)
    case = cases.file()
    cases.walk(case, "protect", "register", "assign_investigator", "investigate")
    before = snapshot(services, case)

    with pytest.raises(LexflowError, match="diagrammet kunde inte köras vidare"):
        cases.complete(case, "propose", assessment="misconduct")

    assert snapshot(services, case) == before


def test_concurrent_completion_of_one_task_lets_exactly_one_win(cases, runner):
    case = cases.file()
    barrier = threading.Barrier(2)
    outcomes = []

    def complete():
        barrier.wait()
        try:
            runner.complete_task(case, "register", cases.form("register"), "rita")
            outcomes.append("done")
        except Conflict as error:
            outcomes.append(str(error))

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("done") == 1
    assert any("ärendet" in o or "uppgiften" in o for o in outcomes if o != "done")
    completed = [e for e in runner.case_history(case, "rita") if e.action == "task.completed"]
    assert len(completed) == 1


def test_a_step_overtaken_by_another_is_worked_out_again_on_what_that_one_left(cases, runner, monkeypatch):
    # `protect` and `register` are ready side by side; `register` is done while `protect` is
    # being worked out, between its snapshot and its transaction.
    case = cases.file()
    prepare, prepared = CaseRunner._prepare_completion, []

    def overtaken(self, session, case_ref, task_name, *args):
        step = prepare(self, session, case_ref, task_name, *args)
        prepared.append(task_name)
        if prepared == ["protect"]:
            cases.complete(case, "register")
        return step

    monkeypatch.setattr(CaseRunner, "_prepare_completion", overtaken)
    view = cases.complete(case, "protect")

    assert prepared == ["protect", "register", "protect"]
    # Both are written, and the workflow went on past the join that waits for both.
    completed = [e.task for e in runner.case_history(case, "rita") if e.action == "task.completed"]
    assert completed == ["register", "protect"]
    assert [task.name for task in view.tasks] == ["assign_investigator"]


def test_on_postgresql_a_step_waits_for_the_one_being_written_and_is_worked_out_again(cases, services, runner,
                                                                                     monkeypatch):
    # `protect` and `register` are worked out side by side; `register` is written first and
    # keeps its transaction open until `protect`'s write is waiting for the case.
    if services.db.engine.dialect.name != "postgresql":
        pytest.skip("on SQLite writers wait for each other before they read (the write lock)")
    case = cases.file()
    prepare, write = CaseRunner._prepare_completion, CaseRunner._write_completion
    both_prepared, register_written = threading.Barrier(2), threading.Event()
    prepared = []

    def side_by_side(self, session, case_ref, task_name, *args):
        step = prepare(self, session, case_ref, task_name, *args)
        prepared.append(task_name)
        if prepared.count(task_name) == 1:
            both_prepared.wait(timeout=30)
        return step

    def register_first(self, session, case_ref, step, actor):
        if step.task_name == "protect":
            register_written.wait(timeout=30)
            return write(self, session, case_ref, step, actor)
        written = write(self, session, case_ref, step, actor)
        session.flush()
        register_written.set()
        wait_for_a_lock_wait(services)
        return written

    monkeypatch.setattr(CaseRunner, "_prepare_completion", side_by_side)
    monkeypatch.setattr(CaseRunner, "_write_completion", register_first)
    outcomes = {}

    def complete(task_name):
        try:
            outcomes[task_name] = [task.name for task in cases.complete(case, task_name).tasks]
        except LexflowError as error:
            outcomes[task_name] = error

    threads = [threading.Thread(target=complete, args=(name,)) for name in ("register", "protect")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes["protect"] == ["assign_investigator"], outcomes
    assert prepared == ["register", "protect", "protect"] or prepared == ["protect", "register", "protect"]
    completed = [e.task for e in runner.case_history(case, "rita") if e.action == "task.completed"]
    assert completed == ["register", "protect"]


def wait_for_a_lock_wait(services):
    """Until another connection of this database waits for a row lock (PostgreSQL)."""
    with services.db.engine.connect() as sql:
        for _ in range(3000):
            if sql.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                               "AND wait_event_type = 'Lock'")):
                return
            sql.rollback()  # a new snapshot of the statistics next time
            time.sleep(0.01)
    raise AssertionError("no step waited for the case")


def test_a_stale_version_is_refused(cases, runner):
    case = cases.file()
    version = runner.show_case(case, "erik").version
    cases.complete(case, "protect")
    with pytest.raises(Conflict, match="har ändrats"):
        runner.complete_task(case, "register", cases.form("register"), "rita", expected_version=version)


def test_a_task_that_is_not_ready_is_a_conflict(cases):
    case = cases.file()
    with pytest.raises(Conflict, match="inte aktuell"):
        cases.complete(case, "decide")


def test_concurrent_filing_gives_serials_without_gaps_or_duplicates(cases):
    numbers, errors = [], []

    def file_some():
        try:
            for _ in range(5):
                numbers.append(cases.file())
        except Exception as error:  # noqa: BLE001 - any failure fails the test below
            errors.append(error)

    threads = [threading.Thread(target=file_some) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(int(n.rsplit(":", 1)[1]) for n in numbers) == list(range(1, 31))


def test_serials_count_from_one_each_year(cases, clock):
    last_of_2026 = cases.file()
    clock.set(datetime(2027, 1, 4, 9, 0, tzinfo=STOCKHOLM))
    assert [last_of_2026, cases.file(), cases.file()] == ["SOCN/2026:1", "SOCN/2027:1", "SOCN/2027:2"]


@pytest.mark.parametrize("statement", [
    "UPDATE history_events SET summary = 'ändrad'",
    "DELETE FROM history_events",
    "UPDATE access_log SET person_id = 'någon'",
    "DELETE FROM access_log",
])
def test_history_and_access_log_refuse_edits(cases, runner, services, statement):
    case = cases.file()
    runner.show_case(case, "erik")
    with pytest.raises(DBAPIError, match="append-only"):
        with services.db.unit_of_work() as session:
            session.execute(text(statement))
