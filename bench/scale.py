"""Benchmark: does the JSON API scale with gunicorn's worker processes on PostgreSQL?

One database, set up as bench/web.py sets it up (10,000 open lex Sarah cases by default), is
served in turn by gunicorn with 1, 2 and 4 worker processes (the same threads per worker in
each). Against each, client threads in this process send bench/web.py's mix of
requests (40% list, 30% get, 20% file, 10% complete a step) as fast as the answers come back
(closed loop: throughput at saturation), after the same warm-up. The figures are printed side
by side: requests per second, latency, the CPU time per request of the workers, of PostgreSQL
(when it runs on this machine) and of the clients, and the machine's load average before and
after each run, because anything else running on the machine takes CPU from all three. The
series is run --rounds times, in the order 1, 2, 4, then 4, 2, 1 and so on, so that a machine
growing faster or slower during the benchmark favours neither end; the best run of each is
compared (the one least disturbed). The target of the issue: 4 workers at least 1.7 times as
fast as 1, on a 2-core machine. One worker is bound by Python's GIL to about one core; more
workers are bound by the cores left when PostgreSQL and the clients have had theirs, which
the script prints as the ceiling the CPU cost allows.

    python bench/scale.py --database-url postgresql+psycopg://user:pw@host/empty_database
                          [--open N] [--requests N] [--threads T] [--clients C] [--rounds R]

The URL must name an empty PostgreSQL database: the schema is created, the demo organisation
loaded. The reports filed by each run stay, so later runs list slightly more cases.
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, this file's folder comes first on sys.path, where bench/web.py would hide the
# `web` package: put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path[0] = str(ROOT)

from sqlalchemy import text  # noqa: E402

from bench.common import open_database  # noqa: E402
from bench.web import (EXPECTED_STATUS, MIX, SERVER_SHAPE, completes_per_run, gunicorn, percentile,  # noqa: E402
                       plan, run_load, set_up, warm_up, worker_class)

WORKERS = (1, 2, 4)
TARGET_SPEED_UP = 1.7


@dataclass(frozen=True)
class Run:
    workers: int
    throughput: float
    p50_ms: float
    p95_ms: float
    worker_cpu_ms: float  # CPU time per request
    postgresql_cpu_ms: float | None
    client_cpu_ms: float
    errors: int
    load_before: float
    load_after: float

    @property
    def cpu_ms(self) -> float:
        return self.worker_cpu_ms + (self.postgresql_cpu_ms or 0) + self.client_cpu_ms


def _cpu_seconds(pid: int) -> float:
    """User and system time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgresql_cpu_seconds(postmaster: int | None, database: str) -> float | None:
    """CPU time so far of the PostgreSQL backends connected to `database`: a server shared with
    other work counts only ours. (The workers' pooled connections live as long as the server
    does, so no backend of a run ends before it is measured.) None when PostgreSQL runs elsewhere."""
    if postmaster is None:
        return None
    seconds = 0.0
    for backend in Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split():
        try:
            title = Path(f"/proc/{backend}/cmdline").read_text().replace("\0", " ")
            seconds += _cpu_seconds(int(backend)) if f" {database} " in title else 0.0
        except FileNotFoundError:
            pass  # another database's connection, just closed
    return seconds


def find_postmaster(db) -> int | None:
    with db.engine.connect() as connection:
        backend = connection.scalar(text("SELECT pg_backend_pid()"))
    try:
        postmaster = int(Path(f"/proc/{backend}/stat").read_text().rpartition(")")[2].split()[1])
        return postmaster if Path(f"/proc/{postmaster}/comm").read_text().strip() == "postgres" else None
    except OSError:
        return None  # the server runs elsewhere


def measure(url: str, setup, warming, requests, workers: int, threads: int, clients: int, postmaster: int | None,
            database: str, log: Path) -> Run:
    options = ("-w", str(workers), "--threads", str(threads), "--worker-class", worker_class(threads))
    load_before = os.getloadavg()[0]
    with gunicorn(url, log, *options) as server:
        run_load(server.port, setup.tokens, warming, rate=0, clients=clients)
        before = server.worker_cpu_seconds(), postgresql_cpu_seconds(postmaster, database), time.process_time()
        results, seconds = run_load(server.port, setup.tokens, requests, rate=0, clients=clients)
        after = server.worker_cpu_seconds(), postgresql_cpu_seconds(postmaster, database), time.process_time()
    per_request = [None if end is None else (end - start) * 1000 / len(results) for start, end in zip(before, after)]
    latencies = [result.latency_ms for result in results]
    return Run(workers, len(results) / seconds, percentile(latencies, 0.5), percentile(latencies, 0.95),
               *per_request, sum(1 for result in results if result.status != EXPECTED_STATUS[result.kind]),
               load_before, os.getloadavg()[0])


def series(rounds: int) -> list[int]:
    """The worker counts of the runs in turn: 1, 2, 4, then 4, 2, 1, and so on."""
    return [workers for round_ in range(rounds) for workers in (WORKERS if round_ % 2 == 0 else WORKERS[::-1])]


def print_runs(runs: list[Run], best: dict[int, Run]) -> None:
    print(f"{'':>24}{'latency':>18}{'CPU ms per request':>32}{'load average':>26}")
    print(f"{'round':>5}{'workers':>9}{'requests/s':>12}{'p50 ms':>9}{'p95 ms':>9}{'workers':>9}{'PostgreSQL':>12}"
          f"{'clients':>9}{'errors':>8}{'before':>9}{'after':>9}")
    for n, run in enumerate(runs):
        postgresql = "n/a" if run.postgresql_cpu_ms is None else f"{run.postgresql_cpu_ms:.1f}"
        print(f"{n // len(WORKERS) + 1:>5}{run.workers:>9}{run.throughput:>12.1f}{run.p50_ms:>9.1f}{run.p95_ms:>9.1f}"
              f"{run.worker_cpu_ms:>9.1f}{postgresql:>12}{run.client_cpu_ms:>9.1f}{run.errors:>8}"
              f"{run.load_before:>9.1f}{run.load_after:>9.1f}")
    print()
    one = best[1].throughput
    print("best run: " + "   ".join(f"{w} worker{'s' if w > 1 else ''} {best[w].throughput:.1f}/s "
                                       f"({best[w].throughput / one:.2f}×)" for w in WORKERS))
    # One worker runs Python on one core at a time (the GIL); four share every core with
    # PostgreSQL and the clients.
    one_ceiling = 1000 / best[1].worker_cpu_ms
    four_ceiling = os.cpu_count() * 1000 / best[4].cpu_ms
    print(f"ceiling, were nothing else running: 1 worker ≤ {one_ceiling:.0f}/s (one core, at "
          f"{best[1].worker_cpu_ms:.1f} ms a request); 4 workers ≤ {four_ceiling:.0f}/s ({os.cpu_count()} CPUs, at "
          f"{best[4].cpu_ms:.1f} ms a request for workers, PostgreSQL and clients): at best "
          f"{four_ceiling / one_ceiling:.2f}× on this machine")
    speed_up = best[4].throughput / one
    errors = sum(run.errors for run in runs)
    met = speed_up >= TARGET_SPEED_UP and not errors
    print(f"target: 4 workers ≥ {TARGET_SPEED_UP}× 1 worker, no errors: {speed_up:.2f}×, {errors} errors, "
          f"{'met' if met else 'NOT met'}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database")
    parser.add_argument("--open", type=int, default=10_000, dest="open_cases", help="open cases (default 10,000)")
    parser.add_argument("--requests", type=int, default=2_000, help="requests per run (default 2,000)")
    parser.add_argument("--threads", type=int, default=SERVER_SHAPE["postgresql"][1],
                        help=f"threads per worker (default {SERVER_SHAPE['postgresql'][1]})")
    parser.add_argument("--clients", type=int, default=16, help="client threads (default 16)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="times the series 1, 2, 4 is run, every other time backwards (default 2)")
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgresql"):
        parser.error("--database-url must name a PostgreSQL database")

    db = open_database(args.database_url)
    try:
        completes = completes_per_run(args.requests, args.clients)
        setup = set_up(db, args.open_cases, completes=completes * args.rounds * len(WORKERS))
        server_version = ".".join(str(part) for part in db.engine.dialect.server_version_info)
        postmaster = find_postmaster(db)
    finally:
        db.dispose()
    runs = []
    with tempfile.TemporaryDirectory(prefix="lexflow-bench-") as folder:
        for n, workers in enumerate(series(args.rounds)):
            # Each run completes steps of cases of its own: a step can be completed once.
            workable = iter(setup.workable[n * completes:(n + 1) * completes])
            warming = warm_up(setup, args.clients, workable)
            runs.append(measure(args.database_url, setup, warming, plan(setup, args.requests, workable, seed=n + 1),
                                workers, args.threads, args.clients, postmaster,
                                db.engine.url.database, Path(folder) / f"gunicorn-{n}.log"))
    best = {w: max((run for run in runs if run.workers == w), key=lambda run: run.throughput) for w in WORKERS}

    print(f"lexflow scale-out benchmark: {setup.open_cases:,} open cases; {args.requests:,} API requests per run "
          f"({', '.join(f'{share:.0%} {kind}' for kind, share in MIX)}), as fast as {args.clients} client threads "
          "with keep-alive get answers (closed loop)")
    print(f"server: gunicorn -w N --threads {args.threads} --worker-class {worker_class(args.threads)} "
          "'web:create_app()' on loopback; "
          f"PostgreSQL {server_version} on the same machine")
    print(f"Python {platform.python_version()}, Flask {version('Flask')}, SQLAlchemy {version('SQLAlchemy')}, "
          f"gunicorn {version('gunicorn')}; {os.cpu_count()} CPUs shared by the workers, PostgreSQL and the clients. "
          "The load average (1 min) is the machine's: other work running beside the benchmark lowers the figures.")
    print()
    print_runs(runs, best)


if __name__ == "__main__":
    main()
