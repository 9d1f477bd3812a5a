"""Benchmark: the JSON API under a mixed load, served by gunicorn on loopback.

The database holds 10,000 open lex Sarah cases (by default): some filed through the engine,
spread over the four demo units, and the rest copies made in SQL of the first of them, as
bench/deadlines.py makes them (same state and data under their own diary number, with their
own registration deadline and ready tasks). The application runs in a real gunicorn
(`web:create_app()`, see SERVER_SHAPE and worker_class) on a free loopback port, as in
production; clients in this process send a fixed number of requests over
keep-alive connections, as other systems would (a sync worker closes each after its answer):

- 40% list cases (a page of 50, as Erik, Fredrik or Anna, some with a filter),
- 30% get one case (as Erik, one of his units' cases),
- 20% file a report (as Anna),
- 10% complete a task (Erik takes the immediate protective actions of a case filed for it).

The load is an open loop: request i is due at start + i / rate, whatever the answers so
far, and its latency counts from when it was due, so a server that falls behind shows it
(no coordinated omission). With --rate 0 the clients send as fast as they can instead
(closed loop: throughput at saturation). The script prints the throughput and the median,
95th and 99th percentile latency per kind of request and overall, the CPU time the workers
spent per request, and checks the target of the issue: 100 requests/s with p95 under 100 ms
on SQLite.

    python bench/web.py [--open N] [--requests N] [--rate R] [--workers W] [--threads T]
                        [--clients C] [--database-url URL]

Without --database-url it uses a fresh SQLite file in a temporary folder; a URL given must
name an empty database (the schema is created or upgraded, the demo organisation loaded).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Run as a script, this file's folder comes first on sys.path, and this file is named like
# the `web` package it measures: put the project root there instead.
if sys.path and Path(sys.path[0]).resolve() == HERE:
    sys.path[0] = str(ROOT)

from sqlalchemy import func, select  # noqa: E402

import workflows  # noqa: E402
from bench.common import scratch_database  # noqa: E402
from bench.deadlines import copy_not_due, registration_reminders  # noqa: E402
from demo.lex_sarah import CaseDriver  # noqa: E402
from engine import accounts  # noqa: E402
from engine.clock import Clock  # noqa: E402
from engine.db import Database  # noqa: E402
from engine.diagrams import DiagramStore  # noqa: E402
from engine.models import Case  # noqa: E402
from engine.runner import CaseRunner  # noqa: E402

UNITS = ("hemtjanst-norr", "solgarden", "lss-bostad-eken", "daglig-verksamhet")
ERIKS_UNITS = ("hemtjanst-norr", "solgarden")
TEMPLATES = 20
MIX = (("list", 0.4), ("get", 0.3), ("file", 0.2), ("complete", 0.1))
EXPECTED_STATUS = {"list": 200, "get": 200, "file": 201, "complete": 200}
LIST_QUERIES = ("", "&status=open", "&unit=solgarden", "&page=3", "&case_type=lex_sarah")
# Workers and threads per database: a worker per core. On SQLite the work is all in the worker
# (the database is a library) and writers take turns at once (engine.db._WriterQueue), so a
# second thread only fights the first for the GIL: measured side by side, 2 workers of 1
# thread used 8-15% less CPU per request than 2 of 2. PostgreSQL answers from a process of its
# own, and a worker's threads overlap their waits for it.
SERVER_SHAPE = {"sqlite": (2, 1), "postgresql": (2, 4)}
GUNICORN = Path(sys.executable).parent / "gunicorn"
START_TIMEOUT = 30  # seconds
TARGET_RATE, TARGET_P95_MS, TARGET_OPEN = 100, 100.0, 10_000
# Requests per client thread, in the MIX, sent before measuring (see warm_up).
WARM_UP_PER_CLIENT = 12


# -- the server --------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def worker_class(threads: int) -> str:
    """gunicorn's worker class for workers of this many threads. One thread: gunicorn's own
    default, `sync`, which takes a connection only when it is free, so that each request goes
    to a worker that is idle. A gthread worker takes connections while it is busy and keeps a
    client's connection, so a request can wait behind another while the other worker is idle:
    measured alternately on SQLite, p95 26-32 ms with sync against 46-51 ms with gthread of one
    thread, at the same CPU per request."""
    return "sync" if threads == 1 else "gthread"


@dataclass(frozen=True)
class Server:
    port: int
    pid: int

    def worker_cpu_seconds(self) -> float:
        """User and system time of the workers so far, from /proc (Linux)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        ticks = 0
        for child in children:
            fields = Path(f"/proc/{child}/stat").read_text().rpartition(")")[2].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def gunicorn(database_url: str, log: Path, *options: str) -> Iterator[Server]:
    """Serve `web:create_app()` with gunicorn on a free loopback port until the block ends.
    Stops it with SIGTERM (a graceful shutdown) and checks that it exited cleanly."""
    port = free_port()
    env = {**os.environ, "LEXFLOW_DATABASE_URL": database_url, "LEXFLOW_SECRET_KEY": "gunicorn-on-loopback"}
    with log.open("w") as log_file:
        server = subprocess.Popen([GUNICORN, *options, "-b", f"127.0.0.1:{port}", "web:create_app()"],
                                  env=env, cwd=ROOT, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        _wait_until_listening(server, port, log)
        yield Server(port, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if server.returncode != 0:
        raise RuntimeError(f"gunicorn exited with {server.returncode}:\n{log.read_text()}")


def _wait_until_listening(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"gunicorn did not listen on port {port} within {START_TIMEOUT} s:\n{log.read_text()}")


# -- setting up --------------------------------------------------------------------

@dataclass
class Setup:
    open_cases: int = 0
    filed: int = 0
    filing_seconds: float = 0.0
    copied: int = 0
    copy_seconds: float = 0.0
    workable: list[int] = field(default_factory=list)  # ids of cases whose "protect" step is ready
    eriks_cases: list[int] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)


def set_up(db: Database, open_cases: int, completes: int) -> Setup:
    """`open_cases` open cases: templates in every unit and one case per planned completion
    filed through the engine, the rest copied in SQL."""
    setup, clock = Setup(), Clock()
    runner = CaseRunner(db, DiagramStore(ROOT / "bpmn", workflows.CASE_TYPES), clock)
    driver = CaseDriver(runner, clock)
    started = time.perf_counter()
    templates = [runner.show_case(driver.file(unit=UNITS[n % len(UNITS)]), "fredrik").id for n in range(TEMPLATES)]
    setup.workable = [runner.show_case(driver.file(unit=ERIKS_UNITS[n % 2]), "fredrik").id for n in range(completes)]
    setup.filing_seconds = time.perf_counter() - started
    setup.filed = len(templates) + len(setup.workable)
    setup.copied = open_cases - setup.filed
    if setup.copied < 0:
        raise SystemExit(f"--open must be at least {setup.filed:,} (the templates and the cases to complete)")
    setup.copy_seconds = copy_not_due(db, registration_reminders(db, templates), setup.copied, serial=1,
                                      sweep_at=clock.now())
    with db.unit_of_work() as session:
        setup.open_cases = session.scalar(select(func.count()).select_from(Case).where(Case.status == "open"))
        setup.eriks_cases = list(session.scalars(select(Case.id).where(Case.unit_id.in_(ERIKS_UNITS))))
        for person in ("erik", "fredrik", "anna"):
            setup.tokens[person] = accounts.issue_token(session, person, "bench/web.py", clock.now())
    return setup


# -- the load ----------------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    kind: str
    person: str
    method: str
    path: str
    body: dict | None = None


def completes_per_run(requests: int, clients: int) -> int:
    """How many cases a run's warm-up and its `requests` complete a step of: one each."""
    share = dict(MIX)["complete"]
    return round(WARM_UP_PER_CLIENT * clients * share) + round(requests * share)


def plan(setup: Setup, count: int, workable: Iterator[int], seed: int = 1) -> list[Request]:
    """`count` requests in the MIX, in a shuffled but repeatable order; the steps completed are
    those of the next cases of `workable`."""
    chooser, driver = random.Random(seed), CaseDriver(None, Clock())
    kinds = [kind for kind, share in MIX for _ in range(round(count * share))][:count]
    chooser.shuffle(kinds)
    requests = []
    for n, kind in enumerate(kinds):
        if kind == "list":
            person = ("erik", "fredrik", "anna")[n % 3]
            requests.append(Request(kind, person, "GET", f"/api/v1/cases?page_size=50{chooser.choice(LIST_QUERIES)}"))
        elif kind == "get":
            requests.append(Request(kind, "erik", "GET", f"/api/v1/cases/{chooser.choice(setup.eriks_cases)}"))
        elif kind == "file":
            requests.append(Request(kind, "anna", "POST", "/api/v1/cases",
                                    {"case_type": "lex_sarah", "data": driver.report(unit=chooser.choice(UNITS))}))
        else:
            requests.append(Request(kind, "erik", "POST", f"/api/v1/cases/{next(workable)}/tasks/protect",
                                    {"data": driver.form("protect")}))
    return requests


def warm_up(setup: Setup, clients: int, workable: Iterator[int]) -> list[Request]:
    """Requests of every kind in the MIX, not measured, so that each worker has loaded the
    diagrams, opened its connections and compiled its SQL statements before the measured
    ones: what a worker does once in its life would otherwise count as the latency of the
    first requests of each kind (up to 300 ms each at the start of a run)."""
    return plan(setup, WARM_UP_PER_CLIENT * clients, workable, seed=0)


@dataclass(frozen=True)
class Result:
    kind: str
    status: int
    latency_ms: float  # from when the request was due (open loop) or sent (closed loop)


def run_load(port: int, tokens: dict[str, str], requests: list[Request], rate: float,
             clients: int) -> tuple[list[Result], float]:
    """Send the requests from `clients` threads; returns the results and the seconds it took."""
    results: list[Result] = []
    next_index = iter(range(len(requests)))
    lock = threading.Lock()
    start = time.perf_counter() + 0.1  # every thread is waiting by then

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                break
            due = start + index / rate if rate else time.perf_counter()
            time.sleep(max(0.0, due - time.perf_counter()))
            request = requests[index]
            status = send(connection, request, tokens[request.person])
            with lock:
                results.append(Result(request.kind, status, (time.perf_counter() - due) * 1000))
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - start


def send(connection: http.client.HTTPConnection, request: Request, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = json.dumps(request.body) if request.body is not None else None
    connection.request(request.method, request.path, body=body, headers=headers)
    response = connection.getresponse()
    response.read()
    if response.getheader("Connection", "").lower() == "close":
        connection.close()  # http.client reconnects on the next request
    return response.status


# -- the report --------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1] if len(values) > 1 \
        else values[0]


def print_results(db: Database, setup: Setup, args, server: str, results: list[Result], seconds: float,
                  cpu_ms: float) -> None:
    dialect = db.engine.dialect.name
    server_version = ".".join(str(part) for part in db.engine.dialect.server_version_info or ())
    offered = f"{args.rate:g}/s offered" if args.rate else "as fast as the clients can (closed loop)"
    print(f"lexflow web benchmark: {setup.open_cases:,} open cases; {len(results):,} API requests, {offered}, "
          f"from {args.clients} client threads with keep-alive")
    print(f"server: {server}")
    print(f"database: {dialect} {server_version} ({db.engine.url.render_as_string(hide_password=True)})")
    print(f"Python {platform.python_version()}, Flask {version('Flask')}, SQLAlchemy {version('SQLAlchemy')}, "
          f"gunicorn {version('gunicorn')}; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} after the run "
          "(other work on the machine slows the figures)")
    print(f"setting up: {setup.filed:,} cases filed through the engine ({setup.filing_seconds:.0f} s), "
          f"{setup.copied:,} copied in SQL ({setup.copy_seconds:.1f} s)")
    print()
    print(f"{'request':<12}{'count':>7}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    groups = [(kind, [r for r in results if r.kind == kind]) for kind, _ in MIX] + [("all", results)]
    for kind, group in groups:
        latencies = [r.latency_ms for r in group]
        errors = sum(1 for r in group if r.status != EXPECTED_STATUS[r.kind])
        print(f"{kind:<12}{len(group):>7,}{errors:>8,}{percentile(latencies, 0.5):>9.1f}"
              f"{percentile(latencies, 0.95):>9.1f}{percentile(latencies, 0.99):>9.1f}")
    statuses = sorted({(r.kind, r.status) for r in results if r.status != EXPECTED_STATUS[r.kind]})
    if statuses:
        print(f"unexpected statuses: {', '.join(f'{kind} {status}' for kind, status in statuses)}")
    throughput = len(results) / seconds
    p95 = percentile([r.latency_ms for r in results], 0.95)
    print(f"(list: a page of 50; latency counts from when each request was due; after "
          f"{WARM_UP_PER_CLIENT * args.clients} requests of the same mix to warm up the workers, not counted)")
    print()
    print(f"throughput: {throughput:.1f} requests/s ({len(results):,} in {seconds:.1f} s); "
          f"the workers used {cpu_ms:.1f} ms of CPU per request")
    met = throughput >= TARGET_RATE * 0.98 and p95 < TARGET_P95_MS and not statuses
    conditions = "" if setup.open_cases >= TARGET_OPEN and dialect == "sqlite" else \
        f" (the target is set for {TARGET_OPEN:,} open cases on sqlite)"
    print(f"target: {TARGET_RATE} requests/s at p95 < {TARGET_P95_MS:g} ms, no errors: {throughput:.1f}/s at "
          f"p95 {p95:.1f} ms, {'met' if met else 'NOT met'}{conditions}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=TARGET_OPEN, dest="open_cases",
                        help=f"open cases in the database (default {TARGET_OPEN:,})")
    parser.add_argument("--requests", type=int, default=3_000, help="requests to send (default 3,000)")
    parser.add_argument("--rate", type=float, default=TARGET_RATE,
                        help=f"requests per second offered (default {TARGET_RATE}); 0: as fast as possible")
    parser.add_argument("--workers", type=int,
                        help="gunicorn worker processes (default 2; see SERVER_SHAPE)")
    parser.add_argument("--threads", type=int, help="threads per worker (default: 1 on SQLite, 4 on PostgreSQL)")
    parser.add_argument("--clients", type=int, default=16, help="client threads (default 16)")
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file in a temp folder)")
    args = parser.parse_args(argv)
    if args.requests < 10 or args.rate < 0:
        parser.error("--requests at least 10, --rate not negative")

    with scratch_database(args.database_url) as (db, folder):
        setup = set_up(db, args.open_cases, completes=completes_per_run(args.requests, args.clients))
        workable = iter(setup.workable)
        warming, requests = warm_up(setup, args.clients, workable), plan(setup, args.requests, workable)
        workers, threads = SERVER_SHAPE["sqlite" if db.is_sqlite else "postgresql"]
        workers, threads = args.workers or workers, args.threads or threads
        options = ("-w", str(workers), "--threads", str(threads), "--worker-class", worker_class(threads))
        with gunicorn(db.url, folder / "gunicorn.log", *options) as server:
            run_load(server.port, setup.tokens, warming, rate=0, clients=args.clients)
            cpu_before = server.worker_cpu_seconds()
            results, seconds = run_load(server.port, setup.tokens, requests, args.rate, args.clients)
            cpu_ms = (server.worker_cpu_seconds() - cpu_before) * 1000 / len(results)
        command = f"gunicorn {' '.join(options)} 'web:create_app()' on 127.0.0.1:{server.port}"
        print_results(db, setup, args, command, results, seconds, cpu_ms)


if __name__ == "__main__":
    main()
