"""Benchmark: the committee's yearly compilation over 1,000,000 cases, counted in the database.

A report never reads a case: each step of a case keeps its row of `case_facts` (what the
case counts as) and its category marks, and a compilation is one grouped query per case type
over the covering index of that narrow table, plus one over the marks. This script checks
that this holds up at a million cases, on SQLite and on PostgreSQL.

Setting up. A few dozen template cases are filed through the engine with the demo drivers
(demo/*.py) at different steps: lex Sarah reports just filed, registered, investigated,
assessed with several categories, decided and notified to IVO, closed as no missförhållande;
complaints of every type; deviations at every risk level and route; the reports and deviations
about women, men, others and individuals of no gender given, in turn. The rest are copies made
in SQL, set-based (INSERT ... SELECT over a generated series, in chunks): each copy is a
template's case row (its workflow state and data included, so the cases table is as large as a
real one), its facts, marks and deadlines, under its own id, in one of the demo units, with a
report date spread over 2024-01-01 to 2026-11-22 and the dates of its steps moved with it.
About a fifth are lex Sarah reports, a third complaints and the rest deviations. On PostgreSQL
the new rows are vacuumed and analyzed afterwards, as autovacuum would; SQLite is left as
lexflow leaves it (no ANALYZE).

It then times, as the förvaltningschef (every unit), the median of several runs after one
untimed run:
- the compilation (Sammanställning till nämnden), helår 2026 with 2024 and 2025 beside it,
  so that it counts every case;
- the same for helår 2026 alone, and as an enhetschef of two of the four units;
- the lead times and deadlines report, and the quality report of 2026;
and checks that the compilation's totals equal the cases counted directly.

    python bench/reports.py [--cases N] [--runs R] [--database-url URL]

Without --database-url it uses a fresh SQLite file in a temporary folder; a URL given must
name an empty database (the schema is created or upgraded, the demo organisation loaded).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import date, datetime
from importlib.metadata import version
from itertools import cycle
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, this file's folder comes first on sys.path; the project root must be there too.
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, func, select, text  # noqa: E402

import workflows  # noqa: E402
from bench.common import scratch_database  # noqa: E402
from demo import avvikelse, klagomal, lex_sarah  # noqa: E402
from engine.clock import STOCKHOLM, FixedClock  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.diagrams import DiagramStore  # noqa: E402
from engine.models import Case, CaseFacts, Unit  # noqa: E402
from engine.reports import ReportDefinition, compile_report  # noqa: E402
from engine.reports.compilations import FACT_COLUMNS, grouped_query  # noqa: E402
from engine.reports.periods import ReportPeriod  # noqa: E402
from engine.reports.scope import scope_of  # noqa: E402
from engine.reports.source import Source  # noqa: E402
from engine.runner import CaseRunner  # noqa: E402
from workflows.statistics import COMPILATION, LEAD_TIMES, QUALITY_REPORT  # noqa: E402

FILED_AT = datetime(2026, 11, 23, 10, 0, tzinfo=STOCKHOLM)
FIRST_DAY, LAST_DAY = date(2024, 1, 1), date(2026, 11, 22)
TARGET_CASES = 1_000_000
CHUNK = 50_000
TARGET_SECONDS = {"sqlite": 2.0, "postgresql": 1.0}
# How many copy slots each template of a case type gets: the mix of case types.
WEIGHTS = {"lex_sarah": 1, "klagomal": 2, "avvikelse": 3}


# -- setting up ------------------------------------------------------------------

def file_templates(runner: CaseRunner, clock: FixedClock) -> list[tuple[str, str]]:
    """Cases at different steps, filed through the engine: (case type, diary number)."""
    genders = cycle((*workflows.lex_sarah.GENDERS, None))  # of the individual concerned, or none given
    sarah = lex_sarah.CaseDriver(runner, clock)
    path = lex_sarah.SERIOUS_PATH
    filed = [sarah.file(affected_gender=next(genders))]
    for steps in (path[:2], path[:3], path[:5], path[:7]):
        filed.append(sarah.file(affected_gender=next(genders)))
        sarah.walk(filed[-1], *steps)
    filed.append(sarah.file(unit="solgarden", affected_gender=next(genders)))
    sarah.walk(filed[-1], *path[:5], propose={"assessment": "misconduct", "categories": ["violence_abuse", "treatment"],
                                              "severity": 2, "probability": 2})
    filed.append(sarah.file(affected_gender=next(genders)))
    sarah.walk(filed[-1], *path[:5], propose={"assessment": "no_misconduct", "categories": [], "action_plan": []})
    sarah.complete(filed[-1], "close_no_misconduct")
    templates = [("lex_sarah", number) for number in filed]

    complaints = klagomal.ComplaintDriver(runner, clock)
    submitters = list(workflows.klagomal.SUBMITTER_CATEGORIES)
    for index, feedback_type in enumerate(workflows.klagomal.FEEDBACK_TYPES):
        number = complaints.file(feedback_type=feedback_type, submitter_category=submitters[index % len(submitters)],
                                 received_on=complaints.day(-index * 4))
        complaints.walk(number, *klagomal.ANSWERED_PATH[:index % 3])
        templates.append(("klagomal", number))

    deviations = avvikelse.DeviationDriver(runner, clock)
    templates.append(("avvikelse", deviations.file(affected_gender=next(genders))))
    for category, severity, probability, route in (("fall", 1, 1, "local"), ("medication", 2, 2, "local"),
                                                   ("medication", 3, 2, "mas"), ("safety", 3, 3, "local")):
        number = deviations.file(affected_gender=next(genders))
        deviations.walk(number, "triage", *(("act",) if route == "local" else ()), triage={
            "category": category, "severity": severity, "probability": probability, "route": route})
        templates.append(("avvikelse", number))
    return templates


def copy_cases(db: Database, templates: list[int], count: int) -> float:
    """`count` copies of the template cases, made in SQL, chunk by chunk; returns the seconds."""
    sqlite = db.is_sqlite
    with db.unit_of_work() as session:
        units = list(session.scalars(select(Unit.id).order_by(Unit.id)))
        first_id = session.scalar(select(func.max(Case.id))) + 1
    numbers = ("numbers(n) AS (SELECT :lo UNION ALL SELECT n + 1 FROM numbers WHERE n + 1 < :hi)" if sqlite
               else "numbers(n) AS (SELECT generate_series(CAST(:lo AS bigint), :hi - 1))")
    days = (LAST_DAY - FIRST_DAY).days + 1
    offset = f"CAST((n * 7919) % {days} AS INTEGER)"
    received = (f"date('{FIRST_DAY}', '+' || {offset} || ' days')" if sqlite
                else f"DATE '{FIRST_DAY}' + {offset}")
    template_rows = ", ".join(f"({slot}, {case_id})" for slot, case_id in enumerate(templates))
    unit_rows = ", ".join(f"({slot}, '{unit}')" for slot, unit in enumerate(units))
    prefix = f"""WITH RECURSIVE {numbers},
        templates(slot, case_id) AS (VALUES {template_rows}),
        units(slot, unit_id) AS (VALUES {unit_rows}),
        copies AS (SELECT n, {first_id} + n AS id, t.case_id AS template, u.unit_id, {received} AS received_on
                   FROM numbers JOIN templates t ON t.slot = n % {len(templates)}
                   JOIN units u ON u.slot = (n / {len(templates)}) % {len(units)})"""

    def moved(column: str) -> str:
        """A step's date, as far from the copy's report date as from the template's."""
        if sqlite:
            return (f"date(c.received_on, '+' || CAST(julianday(f.{column}) - julianday(f.received_on) AS INTEGER)"
                    f" || ' days')")
        return f"c.received_on + (f.{column} - f.received_on)"

    steps = ("registered_on", "investigator_assigned_on", "decided_on", "ivo_notified_on", "answered_on", "assessed_on")
    statements = [
        f"""{prefix} INSERT INTO cases (id, diary_number, case_type, unit_id, status, received_on, reported_by,
            concerns_person_id, diagram_version_id, state, data, assignees, version, created_at, updated_at, closed_at)
            SELECT c.id, 'BENCH/' || c.n, t.case_type, c.unit_id, t.status, c.received_on, t.reported_by,
            t.concerns_person_id, t.diagram_version_id, t.state, t.data, t.assignees, t.version, t.created_at,
            t.updated_at, t.closed_at FROM copies c JOIN cases t ON t.id = c.template""",
        f"""{prefix} INSERT INTO case_facts (case_id, case_type, unit_id, received_on, concerns_person_id,
            {', '.join(FACT_COLUMNS)}, category_count, {', '.join(steps)})
            SELECT c.id, f.case_type, c.unit_id, c.received_on, f.concerns_person_id,
            {', '.join(f'f.{name}' for name in FACT_COLUMNS)}, f.category_count,
            {', '.join(moved(name) for name in steps)}
            FROM copies c JOIN case_facts f ON f.case_id = c.template""",
        f"""{prefix} INSERT INTO case_marks (case_id, category, case_type, unit_id, received_on, concerns_person_id)
            SELECT c.id, m.category, m.case_type, c.unit_id, c.received_on, m.concerns_person_id
            FROM copies c JOIN case_marks m ON m.case_id = c.template""",
        f"""{prefix} INSERT INTO deadlines (case_id, kind, timer_id, timer_name, guarded_task, label, due_at, status,
            created_at, resolved_at)
            SELECT c.id, d.kind, 'bench-' || c.n || '-' || d.id, d.timer_name, d.guarded_task, d.label, d.due_at,
            d.status, d.created_at, d.resolved_at FROM copies c JOIN deadlines d ON d.case_id = c.template""",
    ]
    started = time.perf_counter()
    for lo in range(0, count, CHUNK):
        with db.engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement), {"lo": lo, "hi": min(lo + CHUNK, count)})
    settle(db)
    return time.perf_counter() - started


def settle(db: Database) -> None:
    """What a live database would have done by itself after a bulk load."""
    if db.is_sqlite:
        # Write the copies through to the database file (outside a transaction: the engine's
        # connections begin with BEGIN IMMEDIATE), so that no measured run pays for it.
        connection = db.engine.raw_connection()
        try:
            connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            connection.close()
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))")
        # As autovacuum would: statistics for the planner, and the visibility map that lets
        # PostgreSQL answer from the covering index alone.
        for table in ("case_facts", "case_marks", "deadlines"):
            connection.exec_driver_sql(f"VACUUM ANALYZE {table}")


# -- measuring ---------------------------------------------------------------------

def time_report(db: Database, clock: FixedClock, person: str, definition: ReportDefinition,
                period: ReportPeriod, runs: int):
    """The report and the median seconds of `runs` runs after an untimed one."""
    report = compile_report(db, clock, person, definition, period)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        report = compile_report(db, clock, person, definition, period)
        times.append(time.perf_counter() - started)
    return report, statistics.median(times)


def check_totals(db: Database, report) -> list[str]:
    """The compilation's totals against the cases counted directly, per case type."""
    problems = []
    with db.snapshot() as session:
        direct = dict(session.execute(select(CaseFacts.case_type, func.count()).group_by(CaseFacts.case_type)).all())
    spans = range(report.period.years)
    for key, case_type in (("feedback_by_unit_and_type", "klagomal"), ("lex_sarah_by_unit_and_assessment", "lex_sarah"),
                           ("lex_sarah_by_department_and_assessment", "lex_sarah"),
                           ("deviations_by_unit_and_risk_level", "avvikelse")):
        total = sum(report.table(key).total(span) for span in spans)
        if total != direct.get(case_type, 0):
            problems.append(f"{key}: {total:,} counted, {direct.get(case_type, 0):,} cases")
    return problems


def grouped_query_plan(db: Database, clock: FixedClock, period: ReportPeriod) -> list[str]:
    """The plan of the compilation's grouped query of complaints, as the förvaltningschef: the
    statement is caught as it is sent, and sent again after EXPLAIN with the same parameters."""
    sent = []

    def catch(connection, cursor, statement, parameters, context, executemany):
        sent.append((statement, parameters))

    with db.snapshot() as session:
        source = Source(session, period.spans(), scope_of(session, "fredrik"), clock.now())
        # The snapshot's own engine: on SQLite, snapshots have connections of their own.
        engine = session.get_bind()
        event.listen(engine, "before_cursor_execute", catch)
        try:
            session.execute(grouped_query(source, "klagomal")).all()
        finally:
            event.remove(engine, "before_cursor_execute", catch)
        statement, parameters = sent[-1]
        explain = "EXPLAIN QUERY PLAN" if db.is_sqlite else "EXPLAIN"
        rows = session.connection().exec_driver_sql(f"{explain} {statement}", parameters).all()
        return [str(row[-1]) for row in rows]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=TARGET_CASES, help=f"cases in all (default {TARGET_CASES:,})")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each report (default 5)")
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file in a temp folder)")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    with scratch_database(args.database_url) as (db, _):
        clock = FixedClock(FILED_AT)
        runner = CaseRunner(db, DiagramStore(ROOT / "bpmn", workflows.CASE_TYPES), clock)
        filing_started = time.perf_counter()
        templates = file_templates(runner, clock)
        filing_seconds = time.perf_counter() - filing_started
        with db.snapshot() as session:
            ids = dict(session.execute(select(Case.diary_number, Case.id)).all())
        slots = [ids[number] for case_type, number in templates for _ in range(WEIGHTS[case_type])]
        copies = args.cases - len(ids)
        copy_seconds = copy_cases(db, slots, copies)
        with db.snapshot() as session:
            mix = dict(session.execute(select(CaseFacts.case_type, func.count())
                                       .group_by(CaseFacts.case_type)).all())
        total = sum(mix.values())

        three_years = ReportPeriod.of("helar", 2026, years=3)
        one_year = ReportPeriod.of("helar", 2026)
        compilation, compilation_seconds = time_report(db, clock, "fredrik", COMPILATION, three_years, args.runs)
        _, one_year_seconds = time_report(db, clock, "fredrik", COMPILATION, one_year, args.runs)
        _, unit_manager_seconds = time_report(db, clock, "erik", COMPILATION, three_years, args.runs)
        _, lead_time_seconds = time_report(db, clock, "fredrik", LEAD_TIMES, three_years, args.runs)
        _, quality_seconds = time_report(db, clock, "fredrik", QUALITY_REPORT, ReportPeriod.year_of(2026, 2),
                                         args.runs)
        problems = check_totals(db, compilation)
        plan = grouped_query_plan(db, clock, three_years)

        dialect = db.engine.dialect.name
        server = ".".join(str(part) for part in db.engine.dialect.server_version_info or ())
        print(f"lexflow report benchmark: {total:,} cases "
              f"({', '.join(f'{name} {count:,}' for name, count in sorted(mix.items()))})")
        print(f"database: {dialect} {server} ({db.engine.url.render_as_string(hide_password=True)})")
        print(f"Python {platform.python_version()}, SQLAlchemy {version('SQLAlchemy')}, "
              f"{os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print()
        print(f"set-up: {len(ids)} template cases filed through the engine in {filing_seconds:.1f} s; "
              f"{copies:,} copies made in SQL in {copy_seconds:.0f} s")
        print()
        print(f"{'report (median of ' + str(args.runs) + ' runs)':<72}{'seconds':>8}")
        for label, seconds in (
                ("compilation, helår 2024, 2025 and 2026 (all cases), förvaltningschef",
                 compilation_seconds),
                ("compilation, helår 2026 alone, förvaltningschef", one_year_seconds),
                ("compilation, helår 2024-2026, enhetschef of 2 of 4 units", unit_manager_seconds),
                ("lead times and deadlines, helår 2024-2026", lead_time_seconds),
                ("quality report 2026 (with 2025)", quality_seconds)):
            print(f"  {label:<72}{seconds:>8.3f}")
        print()
        print("the compilation's grouped query (complaints), plan:")
        for line in plan:
            print(f"  {line}")
        print()
        print(f"the compilation's totals equal the cases counted directly: "
              f"{'yes' if not problems else 'NO: ' + '; '.join(problems)}")
        target = TARGET_SECONDS.get(dialect)
        if target is not None:
            met = compilation_seconds < target and total >= TARGET_CASES
            print(f"target: the yearly compilation over {TARGET_CASES:,} cases in under {target:g} s on {dialect}: "
                  f"{compilation_seconds:.3f} s over {total:,}, {'met' if met else 'NOT met'}")
        print(f"\nrun time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
