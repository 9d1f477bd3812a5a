"""Benchmark: the deadline sweep, with many open cases of which a few are due.

A lexflow deadline is a row in `deadlines` with its reminders in `reminders`; the sweep
finds the due reminders by the index on (status, fire_at) and fires each one in its own
transaction, which restores that one case's workflow, runs its timer, queues the messages
and writes the history. No case is deserialized to find work. This script checks that the
cost really is like that: a sweep over 100,000 open cases of which 1% are due must cost
about as much as firing the due ones one by one, whatever the number of open cases.

It builds two settings in one database, with the same number of due cases:

- a smaller one (by default a tenth of the open cases), then
- the main one (by default 100,000 open cases, 1% of them due),

and for each prints the time of the due-query alone (median of several runs), the time of
one whole sweep, its fired count and cost per fired reminder, and the median time of a
single reminder's firing (`DeadlineSweeper.fire`, timer included) on a separate due case,
with the ratio sweep / single firing (about the number due). It also prints the query plan
of the due-query at the main size, and checks that the sweep fired exactly the due
reminders: every due case's deadline is 'overdue' afterwards and no other reminder changed.

Setting up. The due cases (and the few single-firing cases) are lex Sarah cases filed
through the engine on Monday 23 November 2026, received that day, so their registration
deadline passes at midnight on the Wednesday; the clock is then moved 5 minutes past it.
The not-due cases are copies made in SQL (INSERT ... SELECT) of the first due cases
filed: the same workflow state and data under their own diary number, each with its own
registration deadline (a fresh timer id) and reminder, due 30 to 395 days later, and their
ready tasks, so that inboxes and listings find them as they would find real cases. Copies
have no history of their own and cannot be worked (their workflow state, task ids included,
is the template's); they are what a sweep must not touch, and it never reads anything of a
case it does not fire. On PostgreSQL the tables the copies went into are analyzed
afterwards, as autovacuum would do in a live database; SQLite is left as lexflow leaves it
(no ANALYZE).

    python bench/deadlines.py [--open N] [--due-share S] [--compare-open M] [--database-url URL]

Without --database-url it uses a fresh SQLite file in a temporary folder; a URL given must
name an empty database (the schema is created or upgraded, the demo organisation loaded).
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, this file's folder comes first on sys.path; the project root must be there too.
sys.path.insert(0, str(ROOT))

from sqlalchemy import Integer, String, bindparam, func, insert, select  # noqa: E402

import workflows  # noqa: E402
from demo.lex_sarah import CaseDriver  # noqa: E402
from engine.clock import STOCKHOLM, FixedClock  # noqa: E402
from bench.common import scratch_database  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.deadlines import DeadlineSweeper  # noqa: E402
from engine.diagrams import DiagramStore  # noqa: E402
from engine.models import Case, Deadline, OpenTask, Reminder, UTCDateTime  # noqa: E402
from engine.runner import CaseRunner  # noqa: E402

CASE_TYPE = "lex_sarah"
KIND = "registration"
# Monday: a report received today has its registration deadline (1 working day) at the
# end of Tuesday, i.e. Wednesday 25 November 00:00 Stockholm time.
FILED_AT = datetime(2026, 11, 23, 10, 0, tzinfo=STOCKHOLM)
SWEEP_AFTER_DUE = timedelta(minutes=5)
# Not-due copies fall due between 30 and 395 days after the sweep, spread over the year.
NOT_DUE_FROM = timedelta(days=30)
NOT_DUE_SPREAD_MINUTES = 365 * 24 * 60
TEMPLATES = 20
SINGLE_FIRINGS = 11
QUERY_RUNS = 9
COPY_BATCH = 5_000
MAX_QUERY_MS = 50.0
TARGET_OPEN = 100_000
MAX_PER_FIRED_GROWTH = 1.5


@dataclass
class Setting:
    """One measured setting: so many open cases, so many of them due."""

    label: str
    open_cases: int = 0
    due: int = 0
    filed: int = 0
    filing_seconds: float = 0.0
    copied: int = 0
    copy_seconds: float = 0.0
    query_ms: float = 0.0
    query_rows: int = 0
    plan: tuple[str, list[str]] = ("", [])
    sweep_seconds: float = 0.0
    fired: int = 0
    single_ms: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def sweep_ms_per_fired(self) -> float:
        return self.sweep_seconds * 1000 / self.fired if self.fired else float("nan")

    @property
    def single_median_ms(self) -> float:
        return statistics.median(self.single_ms)

    @property
    def sweep_per_single(self) -> float:
        return self.sweep_seconds * 1000 / self.single_median_ms


# -- setting up ------------------------------------------------------------------

def max_id(db: Database, model) -> int:
    with db.unit_of_work() as session:
        return session.scalar(select(func.max(model.id))) or 0


def file_due_cases(db: Database, runner: CaseRunner, driver: CaseDriver, clock: FixedClock,
                   count: int) -> tuple[list[int], float]:
    """File `count` cases through the engine, received today; returns their case ids."""
    clock.set(FILED_AT)
    received = FILED_AT.date().isoformat()
    report = driver.report(received_on=received, noticed_on=received,
                           occurred_on=(FILED_AT.date() - timedelta(days=1)).isoformat())
    first = max_id(db, Case) + 1
    started = time.perf_counter()
    for _ in range(count):
        runner.file_case(CASE_TYPE, report, "anna")
    seconds = time.perf_counter() - started
    with db.unit_of_work() as session:
        ids = list(session.scalars(select(Case.id).where(Case.id >= first).order_by(Case.id)))
    if len(ids) != count:
        raise RuntimeError(f"filed {count} cases but found {len(ids)}")
    return ids, seconds


def registration_reminders(db: Database, case_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Case id -> (deadline id, 'due' reminder id) of its registration deadline."""
    with db.unit_of_work() as session:
        rows = session.execute(
            select(Reminder.case_id, Reminder.deadline_id, Reminder.id)
            .join(Deadline, Deadline.id == Reminder.deadline_id)
            .where(Reminder.case_id.between(min(case_ids), max(case_ids)), Deadline.kind == KIND,
                   Reminder.level == "due")).all()
    wanted = set(case_ids)
    found = {case_id: (deadline_id, reminder_id) for case_id, deadline_id, reminder_id in rows
             if case_id in wanted}
    if len(found) != len(case_ids):
        raise RuntimeError(f"{len(case_ids) - len(found)} filed cases have no registration reminder")
    return found


def _copy_statement(table, overrides: dict[str, object], key: str):
    """INSERT INTO table (...) SELECT <overrides>, <the other columns> FROM table WHERE id = :key."""
    kept = [column for column in table.c if column.name not in overrides]
    return insert(table).from_select(
        [*overrides, *(column.name for column in kept)],
        select(*(bindparam(name, type_=kind) for name, kind in overrides.items()), *kept)
        .where(table.c.id == bindparam(key, type_=table.c.id.type)))


def copy_not_due(db: Database, templates: dict[int, tuple[int, int]], count: int, serial: int,
                 sweep_at: datetime) -> float:
    """Copy `count` open cases from the template cases, each with its own registration
    deadline and reminder, due long after `sweep_at`, and its own ready tasks (as inboxes and
    listings find them). Returns the seconds it took."""
    cases, deadlines, reminders, tasks = Case.__table__, Deadline.__table__, Reminder.__table__, OpenTask.__table__
    copy_case = _copy_statement(cases, {"id": Integer, "diary_number": String}, "template_case")
    copy_task = _copy_statement(tasks, {"id": String, "case_id": Integer}, "template_task")
    copy_deadline = _copy_statement(deadlines, {"id": Integer, "case_id": Integer, "timer_id": String,
                                                "due_at": UTCDateTime, "status": String,
                                                "resolved_at": UTCDateTime}, "template_deadline")
    copy_reminder = _copy_statement(reminders, {"id": Integer, "deadline_id": Integer, "case_id": Integer,
                                                "fire_at": UTCDateTime, "status": String,
                                                "fired_at": UTCDateTime}, "template_reminder")
    sources = list(templates.items())
    with db.unit_of_work() as session:
        template_tasks = defaultdict(list)
        for case_id, task_id in session.execute(select(OpenTask.case_id, OpenTask.id)
                                                .where(OpenTask.case_id.in_(templates))):
            template_tasks[case_id].append(task_id)
    next_case, next_deadline, next_reminder = (max_id(db, model) + 1 for model in (Case, Deadline, Reminder))
    base = sweep_at + NOT_DUE_FROM
    started = time.perf_counter()
    for start in range(0, count, COPY_BATCH):
        case_rows, deadline_rows, reminder_rows, task_rows = [], [], [], []
        for n in range(start, min(start + COPY_BATCH, count)):
            template_case, (template_deadline, template_reminder) = sources[n % len(sources)]
            case_id, deadline_id, reminder_id = next_case + n, next_deadline + n, next_reminder + n
            # A multiplicative step spreads the due times over the year, out of insertion order.
            due_at = base + timedelta(minutes=(n * 7_919) % NOT_DUE_SPREAD_MINUTES)
            case_rows.append({"id": case_id, "diary_number": f"BENCH/2026:{serial + n}",
                              "template_case": template_case})
            deadline_rows.append({"id": deadline_id, "case_id": case_id, "timer_id": str(uuid.uuid4()),
                                  "due_at": due_at, "status": "pending", "resolved_at": None,
                                  "template_deadline": template_deadline})
            reminder_rows.append({"id": reminder_id, "deadline_id": deadline_id, "case_id": case_id,
                                  "fire_at": due_at, "status": "pending", "fired_at": None,
                                  "template_reminder": template_reminder})
            task_rows += [{"id": str(uuid.uuid4()), "case_id": case_id, "template_task": task}
                          for task in template_tasks[template_case]]
        with db.engine.begin() as connection:
            connection.execute(copy_case, case_rows)
            connection.execute(copy_deadline, deadline_rows)
            connection.execute(copy_reminder, reminder_rows)
            if task_rows:
                connection.execute(copy_task, task_rows)
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as connection:
            # Explicit ids leave the id sequences behind; later filings need them ahead.
            for table in ("cases", "deadlines", "reminders"):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            for table in ("cases", "deadlines", "reminders", "open_tasks"):
                connection.exec_driver_sql(f"ANALYZE {table}")
    else:
        # Write the copies through to the database file now, so that the measured sweep does
        # not pay for flushing the bulk load at its first checkpoint.
        # (Outside a transaction: the engine's connections begin with BEGIN IMMEDIATE.)
        connection = db.engine.raw_connection()
        try:
            connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            connection.close()
    return time.perf_counter() - started


def count_open(db: Database) -> int:
    with db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Case).where(Case.status == "open"))


def settled_reminders(db: Database) -> set[int]:
    """Ids of the reminders that are no longer pending."""
    with db.unit_of_work() as session:
        return set(session.scalars(select(Reminder.id).where(Reminder.status != "pending")))


# -- measuring ---------------------------------------------------------------------

def time_due_query(db: Database, now: datetime, runs: int) -> tuple[float, int]:
    """Median milliseconds of the sweep's due-query (ids fetched), and the rows it returned."""
    times, rows = [], 0
    with db.unit_of_work() as session:
        for _ in range(runs):
            started = time.perf_counter()
            rows = len(session.scalars(DeadlineSweeper.due_query(now)).all())
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), rows


def query_plan(db: Database, now: datetime) -> tuple[str, list[str]]:
    query = DeadlineSweeper.due_query(now)
    sql = str(query.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    explain = "EXPLAIN QUERY PLAN" if db.is_sqlite else "EXPLAIN"
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql(f"{explain} {sql}").all()
    return explain, [str(row[-1]) for row in rows]


def check_sweep(db: Database, setting: Setting, fired: list[int], retry: list[int], due_reminders: set[int],
                due_cases: list[int], settled_before: set[int]) -> None:
    """Exactly the due reminders fired, each due case's deadline is overdue, nothing else changed."""
    problems = setting.problems
    if retry:
        problems.append(f"{len(retry)} reminders left for retry")
    if len(fired) != len(due_reminders) or set(fired) != due_reminders:
        problems.append(f"fired {len(fired)} reminders, {len(set(fired) & due_reminders)} of the "
                        f"{len(due_reminders)} due ones")
    with db.unit_of_work() as session:
        overdue = session.scalar(select(func.count()).select_from(Deadline).where(
            Deadline.case_id.between(min(due_cases), max(due_cases)), Deadline.kind == KIND,
            Deadline.status == "overdue"))
    if overdue != len(due_cases):
        problems.append(f"{overdue} of {len(due_cases)} due cases have an overdue registration deadline")
    changed = settled_reminders(db) - settled_before
    if changed != set(fired):
        problems.append(f"{len(changed - set(fired))} reminders changed that the sweep did not fire")


def run_setting(db: Database, runner: CaseRunner, driver: CaseDriver, clock: FixedClock, sweeper: DeadlineSweeper,
                setting: Setting, open_cases: int, due: int, serial: int) -> Setting:
    """Grow the database to `open_cases` open cases of which `due` (plus the single-firing
    cases) are due, then time the single firings, the due-query and one sweep."""
    setting.due = due
    already_open = count_open(db)
    filed, setting.filing_seconds = file_due_cases(db, runner, driver, clock, due + SINGLE_FIRINGS)
    setting.filed = len(filed)
    reminders = registration_reminders(db, filed)
    due_cases, single_cases = filed[:due], filed[due:]
    with db.unit_of_work() as session:
        due_at = session.scalar(select(func.max(Deadline.due_at))
                                .where(Deadline.case_id.between(filed[0], filed[-1])))
    sweep_at = due_at + SWEEP_AFTER_DUE

    setting.copied = open_cases - already_open - len(filed)
    templates = {case_id: reminders[case_id] for case_id in due_cases[:TEMPLATES]}
    setting.copy_seconds = copy_not_due(db, templates, setting.copied, serial, sweep_at)
    setting.open_cases = count_open(db)
    if setting.open_cases != open_cases:
        setting.problems.append(f"{setting.open_cases:,} open cases instead of {open_cases:,}")

    clock.set(sweep_at.astimezone(STOCKHOLM))
    for case_id in single_cases:
        started = time.perf_counter()
        if not sweeper.fire(reminders[case_id][1]):
            setting.problems.append(f"the reminder of case {case_id} did not fire")
        setting.single_ms.append((time.perf_counter() - started) * 1000)

    now = clock.now()
    setting.query_ms, setting.query_rows = time_due_query(db, now, QUERY_RUNS)
    if setting.query_rows != due:
        setting.problems.append(f"the due-query found {setting.query_rows} reminders, {due} are due")
    setting.plan = query_plan(db, now)

    settled_before = settled_reminders(db)
    started = time.perf_counter()
    result = sweeper.sweep()
    setting.sweep_seconds = time.perf_counter() - started
    setting.fired = len(result.fired)
    check_sweep(db, setting, result.fired, result.retry, {reminders[case_id][1] for case_id in due_cases},
                filed, settled_before)
    return setting


# -- the run -----------------------------------------------------------------------

def print_results(db: Database, settings: list[Setting], share: float, seconds: float) -> None:
    main_setting, smaller = settings[-1], settings[0]
    url = db.engine.url.render_as_string(hide_password=True)
    dialect = db.engine.dialect.name
    server = ".".join(str(part) for part in db.engine.dialect.server_version_info or ())
    print(f"lexflow deadline sweep benchmark: {main_setting.open_cases:,} open lex Sarah cases, "
          f"{main_setting.due:,} due ({share:.2%}), registration deadlines")
    print(f"database: {dialect} {server} ({url})")
    print(f"Python {platform.python_version()}, SpiffWorkflow {version('SpiffWorkflow')}, "
          f"SQLAlchemy {version('SQLAlchemy')}")
    print()
    print(f"{'setting up':<28}{'open':>10}{'filed':>8}{'ms/filing':>11}{'copied':>9}{'copy s':>9}")
    for s in settings:
        print(f"{s.label:<28}{s.open_cases:>10,}{s.filed:>8,}{s.filing_seconds * 1000 / s.filed:>11.1f}"
              f"{s.copied:>9,}{s.copy_seconds:>9.1f}")
    print("(filed: the due cases and the single-firing cases, through the engine; "
          "copied: not-due cases, in SQL)")
    print()
    print(f"{'sweep':<28}{'open':>10}{'due':>7}{'query ms':>10}{'sweep s':>9}{'fired':>7}"
          f"{'ms/fired':>10}{'single ms':>11}{'sweep/single':>14}")
    for s in settings:
        print(f"{s.label:<28}{s.open_cases:>10,}{s.due:>7,}{s.query_ms:>10.2f}{s.sweep_seconds:>9.2f}"
              f"{s.fired:>7,}{s.sweep_ms_per_fired:>10.1f}{s.single_median_ms:>11.1f}{s.sweep_per_single:>14.0f}")
    print(f"(query: median of {QUERY_RUNS} runs of DeadlineSweeper.due_query, ids fetched; single: median of "
          f"{SINGLE_FIRINGS} DeadlineSweeper.fire calls on separate due cases; sweep/single is about the number due)")
    print()
    explain, lines = main_setting.plan
    print(f"due-query plan at {main_setting.open_cases:,} open ({explain}):")
    for line in lines:
        print(f"  {line}")
    print()
    print("the sweep fired exactly the due reminders (each due case now overdue, no other reminder changed):")
    for s in settings:
        print(f"  {s.label}: {'yes' if not s.problems else 'NO: ' + '; '.join(s.problems)}")
    print()
    query_met = main_setting.query_ms < MAX_QUERY_MS
    growth = main_setting.sweep_ms_per_fired / smaller.sweep_ms_per_fired
    growth_met = growth <= MAX_PER_FIRED_GROWTH and main_setting.fired == smaller.fired == main_setting.due
    print("targets")
    print(f"  due-query < {MAX_QUERY_MS:g} ms at {main_setting.open_cases:,} open on {dialect}: "
          f"{main_setting.query_ms:.2f} ms, {'met' if query_met else 'NOT met'}"
          + ("" if main_setting.open_cases >= TARGET_OPEN and dialect == "sqlite"
             else f" (the target is set for {TARGET_OPEN:,} open on sqlite)"))
    print(f"  sweep cost grows with the number due, not open: {main_setting.sweep_ms_per_fired:.1f} ms per fired "
          f"reminder at {main_setting.open_cases:,} open vs {smaller.sweep_ms_per_fired:.1f} ms at "
          f"{smaller.open_cases:,} ({growth:.2f}x, at most {MAX_PER_FIRED_GROWTH:g}x), "
          f"{'met' if growth_met else 'NOT met'}")
    print()
    print(f"run time: {seconds:.0f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=TARGET_OPEN, dest="open_cases",
                        help=f"open cases in the main setting (default {TARGET_OPEN:,})")
    parser.add_argument("--due-share", type=float, default=0.01,
                        help="share of the main setting's open cases that are due (default 0.01)")
    parser.add_argument("--compare-open", type=int,
                        help="open cases in the smaller setting, same number due (default: a tenth of --open)")
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file in a temp folder)")
    args = parser.parse_args(argv)
    due = round(args.open_cases * args.due_share)
    compare_open = args.compare_open if args.compare_open is not None else args.open_cases // 10
    if not 0 < args.due_share <= 1 or due < 1:
        parser.error("--due-share must make at least one case due")
    if compare_open < due + SINGLE_FIRINGS:
        parser.error(f"the smaller setting needs at least {due + SINGLE_FIRINGS:,} open cases "
                     f"(the {due:,} due and {SINGLE_FIRINGS} for single firings)")
    if args.open_cases < compare_open + due + SINGLE_FIRINGS:
        parser.error(f"--open must be at least {compare_open + due + SINGLE_FIRINGS:,}: the smaller setting's "
                     "cases stay open, and the main setting files its own due cases")

    started = time.perf_counter()
    with scratch_database(args.database_url) as (db, _):
        clock = FixedClock(FILED_AT)
        runner = CaseRunner(db, DiagramStore(ROOT / "bpmn", workflows.CASE_TYPES), clock)
        driver = CaseDriver(runner, clock)
        sweeper = DeadlineSweeper(db, runner, clock)
        smaller = run_setting(db, runner, driver, clock, sweeper, Setting(f"smaller ({compare_open:,} open)"),
                              compare_open, due, serial=1)
        main_setting = run_setting(db, runner, driver, clock, sweeper,
                                   Setting(f"main ({args.open_cases:,} open)"), args.open_cases, due,
                                   serial=compare_open + 1)
        print_results(db, [smaller, main_setting], args.due_share, time.perf_counter() - started)


if __name__ == "__main__":
    main()
