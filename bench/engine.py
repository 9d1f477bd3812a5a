"""Benchmark: the persisted engine against bare SpiffWorkflow, over the lex Sarah lifecycle.

Every step of a lexflow case is one database transaction: load the case, restore the
workflow from its stored state, run it, then write the state, the open tasks, the
deadlines and the history back. This script measures what that costs compared with the
least an application can do with SpiffWorkflow alone: keep the workflow in memory and
round-trip it through Spiff's own serializer between steps (spec included, no database).

It walks N lex Sarah cases, each filed with a 2,000-character report, along the full
serious path (file, protect, register, ... close) through both, and prints

- the time each takes, per case and per step, and the ratio persisted / bare;
- what one case stores (`cases.state`, the JSON of `cases.data`) after `propose` and once
  closed, next to the size of bare Spiff's serialization at the same points;
- the number of stored versions of the lex Sarah diagram (the spec is stored once, not per case);

and checks the targets of the issue: the persisted lifecycle takes at most 3x the bare
one, and a case with a 2 KB report stores less than 10 KB.

    python bench/engine.py [--cases N] [--database-url URL]

Without --database-url it uses a fresh SQLite file in a temporary folder; a URL given must
name an empty database (the schema is created or upgraded, the demo organisation loaded).
"""
from __future__ import annotations

import argparse
import gzip
import platform
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, this file's folder comes first on sys.path, and this file is named
# like the `engine` package it measures: put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path[0] = str(ROOT)

from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG  # noqa: E402
from SpiffWorkflow.bpmn.serializer.default import TimerConditionalEventDefinitionConverter  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import Text, cast, func, select  # noqa: E402

import workflows  # noqa: E402
from demo.lex_sarah import CaseDriver  # noqa: E402
from engine.clock import STOCKHOLM, FixedClock  # noqa: E402
from bench.common import scratch_database  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.diagrams import Diagram, DiagramStore  # noqa: E402
from engine.models import Case, DiagramVersion  # noqa: E402
from engine.runner import CaseRunner  # noqa: E402
from engine.scripting import ClockedTimer, DiagramScriptEngine  # noqa: E402

CASE_TYPE = "lex_sarah"
SERIOUS_PATH = ("protect", "register", "assign_investigator", "investigate", "propose", "decide",
                "notify_ivo", "inform_individual", "follow_up", "close")
MIDWAY = "propose"
STEPS_PER_CASE = 1 + len(SERIOUS_PATH)  # filing, then each task
START = datetime(2026, 11, 23, 10, 0, tzinfo=STOCKHOLM)
REPORT_LENGTH = 2_000
REPORT_SENTENCE = "Brukaren fick inte sin kvällsinsats och lämnades utan tillsyn efter en schemaändring."
# Bare Spiff's timers are never meant to fire during the walk.
FAR_FUTURE = "2999-12-31T00:00:00+00:00"
MAX_RATIO = 3.0
MAX_STORED_BYTES = 10_000


@dataclass(frozen=True)
class Timing:
    seconds: float
    cases: int

    @property
    def ms_per_case(self) -> float:
        return self.seconds * 1000 / self.cases

    @property
    def steps_per_second(self) -> float:
        return self.cases * STEPS_PER_CASE / self.seconds


@dataclass(frozen=True)
class Sizes:
    """Bytes one case takes at one point of its lifecycle."""

    state: int
    data: int
    bare_json: int
    bare_gzip: int

    @property
    def stored(self) -> int:
        return self.state + self.data


# -- the persisted engine ---------------------------------------------------

def run_persisted(db: Database, driver: CaseDriver, report_text: str, cases: int) -> Timing:
    """File and walk `cases` cases through CaseRunner: one transaction per step."""
    started = time.perf_counter()
    for _ in range(cases):
        case = driver.file(what_happened=report_text)
        driver.walk(case, *SERIOUS_PATH)
    seconds = time.perf_counter() - started
    with db.unit_of_work() as session:
        closed = session.scalar(select(func.count()).select_from(Case).where(Case.status == "closed"))
    if closed != cases:
        raise RuntimeError(f"only {closed} of {cases} persisted cases were closed")
    return Timing(seconds, cases)


def stored_bytes(db: Database, diary_number: str) -> tuple[int, int]:
    """Bytes of a case's `state` column and of its `data` column as the database holds them."""
    with db.unit_of_work() as session:
        state, data = session.execute(select(Case.state, cast(Case.data, Text))
                                      .where(Case.diary_number == diary_number)).one()
    return len(state), len(data.encode())


def count_diagram_versions(db: Database, diagram: Diagram) -> int:
    """The stored versions of the cases' diagram (the other case types' diagrams are stored too)."""
    with db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(DiagramVersion)
                              .where(DiagramVersion.process_id == diagram.process_id))


# -- bare SpiffWorkflow ------------------------------------------------------

class BareEngine:
    """SpiffWorkflow as a minimal application uses it: the whole form goes into task data,
    and the workflow is kept as Spiff's standard JSON (spec included) between steps."""

    def __init__(self, diagram: Diagram, clock: FixedClock):
        self.diagram = diagram
        # The diagram's timers are ClockedTimers (engine.diagrams); Spiff has to be told
        # how to serialize them, as it would for any custom spec class.
        registry = BpmnWorkflowSerializer.configure(
            {**DEFAULT_CONFIG, ClockedTimer: TimerConditionalEventDefinitionConverter})
        self.serializer = BpmnWorkflowSerializer(registry)
        self.script_engine = DiagramScriptEngine(
            {"deadline": lambda kind, start: FAR_FUTURE, "escalate": lambda kind: None}, clock)

    def lifecycle(self, report: dict, forms: dict[str, dict]) -> dict[str, str]:
        """File a case and complete `forms` in order; returns the serialization after each step."""
        workflow = BpmnWorkflow(self.diagram.spec, self.diagram.subprocess_specs, script_engine=self.script_engine)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(report)
        workflow.do_engine_steps()
        serialized = self.serializer.serialize_json(workflow)
        saved = {"file": serialized}
        for task_name, form in forms.items():
            workflow = self.serializer.deserialize_json(serialized)
            workflow.script_engine = self.script_engine
            task = self._ready_task(workflow, task_name)
            task.data.update(form)
            task.run()
            workflow.do_engine_steps()
            serialized = saved[task_name] = self.serializer.serialize_json(workflow)
        if not workflow.is_completed():
            raise RuntimeError("the bare workflow did not complete")
        return saved

    @staticmethod
    def _ready_task(workflow: BpmnWorkflow, task_name: str):
        for task in workflow.get_tasks(state=TaskState.READY, manual=True):
            if task.task_spec.name == task_name:
                return task
        raise RuntimeError(f"{task_name!r} is not ready in the bare workflow")


def run_bare(bare: BareEngine, driver: CaseDriver, report_text: str, cases: int) -> Timing:
    started = time.perf_counter()
    for _ in range(cases):
        bare.lifecycle(driver.report(what_happened=report_text), serious_forms(driver))
    return Timing(time.perf_counter() - started, cases)


# -- sizes ---------------------------------------------------------------------

def measure_sizes(db: Database, driver: CaseDriver, bare: BareEngine, report_text: str) -> dict[str, Sizes]:
    """What one more case stores after `propose` and once closed, through both engines."""
    case = driver.file(what_happened=report_text)
    midway = SERIOUS_PATH.index(MIDWAY) + 1
    driver.walk(case, *SERIOUS_PATH[:midway])
    persisted = {MIDWAY: stored_bytes(db, case)}
    driver.walk(case, *SERIOUS_PATH[midway:])
    persisted["closed"] = stored_bytes(db, case)

    saved = bare.lifecycle(driver.report(what_happened=report_text), serious_forms(driver))
    bare_json = {MIDWAY: saved[MIDWAY], "closed": saved[SERIOUS_PATH[-1]]}
    return {point: Sizes(*persisted[point], len(bare_json[point].encode()),
                         len(gzip.compress(bare_json[point].encode())))
            for point in (MIDWAY, "closed")}


# -- the run -------------------------------------------------------------------

def serious_forms(driver: CaseDriver) -> dict[str, dict]:
    return {task: driver.form(task) for task in SERIOUS_PATH}


def make_report_text() -> str:
    text = " ".join([REPORT_SENTENCE] * (REPORT_LENGTH // len(REPORT_SENTENCE) + 1))[:REPORT_LENGTH]
    assert len(text) == REPORT_LENGTH and not text[-1].isspace()
    return text


def print_results(cases: int, db: Database, persisted: Timing, bare: Timing, sizes: dict[str, Sizes],
                  diagram_versions: int) -> None:
    ratio = persisted.seconds / bare.seconds
    largest = max(size.stored for size in sizes.values())
    url = db.engine.url.render_as_string(hide_password=True)
    print(f"lexflow engine benchmark: {cases} lex Sarah cases, serious path "
          f"({STEPS_PER_CASE} steps each), {REPORT_LENGTH:,}-character report")
    print(f"database: {db.engine.dialect.name} ({url})")
    print(f"Python {platform.python_version()}, SpiffWorkflow {version('SpiffWorkflow')}, "
          f"SQLAlchemy {version('SQLAlchemy')}")
    print()
    print(f"{'lifecycle':<34}{'total s':>10}{'steps/s':>10}{'ms/case':>10}")
    for label, timing in (("persisted (CaseRunner, database)", persisted),
                          ("bare SpiffWorkflow (in memory)", bare)):
        print(f"{label:<34}{timing.seconds:>10.2f}{timing.steps_per_second:>10.0f}{timing.ms_per_case:>10.1f}")
    print(f"{'ratio persisted / bare':<34}{ratio:>10.2f}")
    print()
    print(f"{'stored per case, bytes':<34}{'after ' + MIDWAY:>15}{'closed':>10}")
    rows = (("cases.state (gzipped workflow)", "state"), ("cases.data (JSON)", "data"),
            ("state + data", "stored"), ("bare serialize_json", "bare_json"),
            ("bare serialize_json, gzipped", "bare_gzip"))
    for label, field in rows:
        print(f"{label:<34}{getattr(sizes[MIDWAY], field):>15,}{getattr(sizes['closed'], field):>10,}")
    print()
    print(f"diagram_versions rows of the {CASE_TYPE} diagram: {diagram_versions} (the spec is stored once: "
          f"{'yes' if diagram_versions == 1 else 'NO'})")
    print()
    print("targets")
    print(f"  persisted lifecycle <= {MAX_RATIO:g}x bare engine: {ratio:.2f}x, "
          f"{'met' if ratio <= MAX_RATIO else 'NOT met'}")
    print(f"  stored state per case < {MAX_STORED_BYTES:,} B (10 KB) with a 2 KB report: {largest:,} B at most, "
          f"{'met' if largest < MAX_STORED_BYTES else 'NOT met'}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200, help="cases to walk through each engine (default 200)")
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file in a temp folder)")
    args = parser.parse_args(argv)
    if args.cases < 1:
        parser.error("--cases must be at least 1")

    with scratch_database(args.database_url) as (db, _):
        clock = FixedClock(START)
        diagrams = DiagramStore(ROOT / "bpmn", workflows.CASE_TYPES)
        driver = CaseDriver(CaseRunner(db, diagrams, clock), clock)
        bare = BareEngine(diagrams.current[CASE_TYPE], clock)
        report_text = make_report_text()

        persisted_timing = run_persisted(db, driver, report_text, args.cases)
        bare_timing = run_bare(bare, driver, report_text, args.cases)
        sizes = measure_sizes(db, driver, bare, report_text)
        print_results(args.cases, db, persisted_timing, bare_timing, sizes,
                      count_diagram_versions(db, diagrams.current[CASE_TYPE]))


if __name__ == "__main__":
    main()
