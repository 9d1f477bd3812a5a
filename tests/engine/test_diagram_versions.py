"""Diagram versions: a changed diagram serves new cases, open cases stay on theirs until moved,
and a case moves only when the path it has taken is unchanged in the new version."""
import subprocess
import sys

import pytest
from sqlalchemy import func, select

import workflows
from demo.lex_sarah import SERIOUS_PATH, CaseDriver
from engine import diagram_versions
from engine.diagrams import DiagramStore
from engine.models import Case, Deadline, DiagramVersion, HistoryEvent, OpenTask
from engine.runner import CaseRunner
from tests.changed_diagrams import (
    FEEDBACK_STEP, FEEDBACK_TITLE, add_feedback_step, copy_of_shipped, remove_protect_step, rename_close_step,
    with_feedback_form,
)
from web import ROOT

AT_INVESTIGATE = SERIOUS_PATH[:3]
AT_INFORM = SERIOUS_PATH[:7]
AT_FOLLOW_UP = SERIOUS_PATH[:8]


@pytest.fixture
def feedback_form(monkeypatch):
    """The added step's form, deployed with the diagram that adds it (workflows/ is code)."""
    monkeypatch.setitem(workflows.CASE_TYPES, "lex_sarah", with_feedback_form(workflows.CASE_TYPES["lex_sarah"]))


@pytest.fixture
def deploy(services, clock):
    """A process started on a changed bpmn/ folder, over the same database: it deploys the change."""
    return lambda bpmn_dir: CaseRunner(services.db, DiagramStore(bpmn_dir, workflows.CASE_TYPES), clock)


def stored(services, diary_number) -> dict:
    with services.db.snapshot() as session:
        case = session.scalar(select(Case).where(Case.diary_number == diary_number))
        return {
            "diagram_version": case.diagram_version_id, "version": case.version, "state": case.state,
            "events": list(session.scalars(select(HistoryEvent.action).where(HistoryEvent.case_id == case.id)
                                           .order_by(HistoryEvent.seq))),
            "tasks": sorted(session.execute(select(OpenTask.id, OpenTask.name, OpenTask.ready_since)
                                            .where(OpenTask.case_id == case.id)).all()),
            "deadlines": sorted(session.execute(
                select(Deadline.timer_id, Deadline.kind, Deadline.status, Deadline.due_at)
                .where(Deadline.case_id == case.id)).all()),
        }


def current_version_id(services, case_type="lex_sarah") -> int:
    with services.db.snapshot() as session:
        return session.scalar(select(func.max(DiagramVersion.id)).where(DiagramVersion.process_id == case_type))


def test_new_cases_use_a_deployed_change_while_open_cases_stay_on_theirs(
        cases, services, clock, deploy, feedback_form, tmp_path):
    old_case = cases.file()
    cases.walk(old_case, *AT_INFORM)
    old_version = stored(services, old_case)["diagram_version"]

    new_runner = deploy(add_feedback_step(copy_of_shipped(tmp_path / "bpmn")))
    new_cases = CaseDriver(new_runner, clock)
    new_case = new_cases.file()
    new_cases.walk(new_case, *AT_INFORM)

    assert stored(services, new_case)["diagram_version"] == current_version_id(services) != old_version
    assert stored(services, old_case)["diagram_version"] == old_version
    # The same new process runs each case on its own version: only the new case gets the new step.
    assert [t.name for t in new_cases.complete(new_case, "inform_individual").tasks] == [FEEDBACK_STEP]
    assert [t.name for t in new_cases.complete(old_case, "inform_individual").tasks] == ["follow_up"]


@pytest.mark.parametrize("done", [AT_INVESTIGATE, AT_INFORM], ids=["far-before", "just-before"])
def test_a_case_moves_to_a_version_with_a_step_added_downstream_and_then_reaches_it(
        cases, services, clock, deploy, feedback_form, tmp_path, done):
    case = cases.file()
    cases.walk(case, *done)
    before = stored(services, case)

    new_runner = deploy(add_feedback_step(copy_of_shipped(tmp_path / "bpmn")))
    moved = diagram_versions.migrate(new_runner, "lex_sarah")

    after = stored(services, case)
    assert moved == [diagram_versions.Migration(case, before["diagram_version"], current_version_id(services))]
    assert after["diagram_version"] == current_version_id(services)
    assert after["events"] == before["events"] + ["diagram.migrated"]
    # The open steps and deadlines are the same rows: no step restarted, no deadline set again.
    assert after["tasks"] == before["tasks"] and after["deadlines"] == before["deadlines"]

    new_cases = CaseDriver(new_runner, clock)
    view = new_cases.walk(case, *SERIOUS_PATH[len(done):SERIOUS_PATH.index("inform_individual") + 1])
    assert [(t.name, t.title) for t in view.tasks] == [(FEEDBACK_STEP, FEEDBACK_TITLE)]
    view = new_runner.complete_task(case, FEEDBACK_STEP, {"fed_back_on": cases.day(), "how": "Samtal."}, "erik")
    assert [t.name for t in view.tasks] == ["follow_up"]


def test_the_migration_is_in_the_case_history_from_version_to_version(cases, services, deploy, tmp_path):
    case = cases.file()
    old_version = stored(services, case)["diagram_version"]
    diagram_versions.migrate(deploy(rename_close_step(copy_of_shipped(tmp_path / "bpmn"))), "lex_sarah")

    event = [e for e in cases.runner.case_history(case, "erik") if e.action == "diagram.migrated"][0]
    new_version = current_version_id(services)
    assert (event.before, event.after) == ({"diagram_version": old_version}, {"diagram_version": new_version})
    assert event.summary == f"Ärendet flyttat från diagramversion {old_version} till {new_version}"


def test_a_case_that_has_done_a_step_removed_upstream_is_refused_and_left_as_it_was(
        cases, services, clock, deploy, tmp_path):
    past_it = cases.file()
    cases.walk(past_it, *AT_INVESTIGATE)
    waiting_on_it = cases.file()
    before = {case: stored(services, case) for case in (past_it, waiting_on_it)}

    new_runner = deploy(remove_protect_step(copy_of_shipped(tmp_path / "bpmn")))
    refused = {m.diary_number: m.refused for m in diagram_versions.migrate(new_runner, "lex_sarah")}

    assert refused[past_it].startswith(
        "steg som ärendet har gått igenom finns inte i den nya versionen: Vidta omedelbara åtgärder")
    assert refused[waiting_on_it].startswith(
        "steg som ärendet står på finns inte i den nya versionen: Vidta omedelbara åtgärder")
    assert {case: stored(services, case) for case in before} == before
    # New cases skip the removed step, and the refused ones still run on their version.
    new_cases = CaseDriver(new_runner, clock)
    assert new_cases.ready(new_cases.file()) == ["register"]
    assert [t.name for t in cases.complete(past_it, "investigate").tasks] == ["propose"]


def test_a_case_already_past_the_place_of_an_added_step_is_refused(cases, services, deploy, feedback_form, tmp_path):
    case = cases.file()
    cases.walk(case, *AT_FOLLOW_UP)
    before = stored(services, case)

    [migration] = diagram_versions.migrate(deploy(add_feedback_step(copy_of_shipped(tmp_path / "bpmn"))), "lex_sarah")

    assert migration.refused == "steg som ärendet har gått igenom har ändrats: Informera den enskilde (flöde ut)"
    assert stored(services, case) == before


def test_a_changed_deadline_on_the_current_step_is_refused(cases, services, deploy, tmp_path):
    case = cases.file()
    cases.walk(case, *AT_INVESTIGATE)
    bpmn = copy_of_shipped(tmp_path / "bpmn")
    path = bpmn / "lex_sarah.bpmn"
    # The first of the two timers on deadline("investigation", …) is the one on "Utred händelsen".
    path.write_text(path.read_text(encoding="utf-8").replace(
        'deadline("investigation", assigned_on)', 'deadline("investigation", registered_on)', 1), encoding="utf-8")

    [migration] = diagram_versions.migrate(deploy(bpmn), "lex_sarah")

    assert migration.refused == "steg som ärendet står på har ändrats: Utredningsfrist (tidsfrist)"


def test_a_dry_run_says_what_would_move_and_moves_nothing(cases, services, deploy, tmp_path):
    movable = cases.file()
    before = stored(services, movable)
    new_runner = deploy(rename_close_step(copy_of_shipped(tmp_path / "bpmn")))

    assert [m.refused for m in diagram_versions.migrate(new_runner, "lex_sarah", dry_run=True)] == [None]
    assert stored(services, movable) == before
    assert [m.diary_number for m in diagram_versions.migrate(new_runner, "lex_sarah")] == [movable]
    assert diagram_versions.migrate(new_runner, "lex_sarah") == []


def test_the_diff_names_added_removed_and_changed_steps_in_swedish(cases, services, deploy, feedback_form, tmp_path):
    cases.walk(cases.file(), *AT_INVESTIGATE)
    added = deploy(add_feedback_step(copy_of_shipped(tmp_path / "added")))
    found = diagram_versions.compare(services.db, added.diagrams, "lex_sarah")
    assert [(s.id, s.name) for s in found.added] == [(FEEDBACK_STEP, FEEDBACK_TITLE)]
    assert found.removed == []
    assert [(s.name, s.changes) for s in found.changed] == [("Informera den enskilde", ("flöde ut",))]

    removed = deploy(remove_protect_step(copy_of_shipped(tmp_path / "removed")))
    found = diagram_versions.compare(services.db, removed.diagrams, "lex_sarah")
    assert (found.from_version, found.added) == (stored(services, "SOCN/2026:1")["diagram_version"], [])
    assert [(s.id, s.name) for s in found.removed] == [("protect", "Vidta omedelbara åtgärder")]
    assert sorted((s.id, s.changes) for s in found.changed) == [("fork_receive", ("flöde ut",)),
                                                                ("join_receive", ("flöde in",))]


def test_versions_are_listed_per_case_type_with_their_open_cases(cases, services, deploy, tmp_path):
    for _ in range(2):
        cases.file()
    closed = cases.file()
    cases.walk(closed, *SERIOUS_PATH[:4])
    cases.complete(closed, "propose", assessment="no_misconduct", categories=[], action_plan=[])
    cases.complete(closed, "close_no_misconduct")
    new_runner = deploy(rename_close_step(copy_of_shipped(tmp_path / "bpmn")))

    listed = [(v.open_cases, v.current) for v in diagram_versions.versions(services.db, new_runner.diagrams)
              if v.case_type == "lex_sarah"]
    assert listed == [(2, False), (0, True)]


CRASH_IN_SECOND_MOVE = """
import os, signal, sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import event

import workflows
from engine import diagram_versions
from engine.clock import FixedClock
from engine.db import Database
from engine.diagrams import DiagramStore
from engine.runner import CaseRunner

database_url, bpmn_dir, now = sys.argv[1:]
db = Database(database_url)
moves = []

@event.listens_for(db.engine, "after_cursor_execute")
def die_in_the_second_move(connection, cursor, statement, parameters, context, executemany):
    if "INSERT INTO history_events" in statement and "diagram.migrated" in str(parameters):
        moves.append(statement)
        if len(moves) == 2:  # the case's new state is written, its transaction not committed
            os.kill(os.getpid(), signal.SIGKILL)

runner = CaseRunner(db, DiagramStore(Path(bpmn_dir), workflows.CASE_TYPES), FixedClock(datetime.fromisoformat(now)))
diagram_versions.migrate(runner, "lex_sarah")
"""


def test_a_run_killed_mid_way_leaves_each_case_moved_or_untouched(cases, services, clock, database_url, tmp_path):
    filed = [cases.file() for _ in range(3)]
    cases.walk(filed[1], *AT_INVESTIGATE)
    before = {case: stored(services, case) for case in filed}
    bpmn = rename_close_step(copy_of_shipped(tmp_path / "bpmn"))
    script = tmp_path / "crash.py"
    script.write_text(CRASH_IN_SECOND_MOVE, encoding="utf-8")

    killed = subprocess.run([sys.executable, str(script), database_url, str(bpmn), clock.now().isoformat()],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)

    assert killed.returncode == -9, killed.stderr
    first, second, third = (stored(services, case) for case in filed)
    assert first["events"][-1] == "diagram.migrated" and first["diagram_version"] != before[filed[0]]["diagram_version"]
    assert second == before[filed[1]] and third == before[filed[2]]
    # Run again, it moves the rest.
    rerun = diagram_versions.migrate(CaseRunner(services.db, DiagramStore(bpmn, workflows.CASE_TYPES), clock),
                                     "lex_sarah")
    assert [(m.diary_number, m.refused) for m in rerun] == [(filed[1], None), (filed[2], None)]
