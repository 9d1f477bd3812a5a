"""The processes of a production set-up, started for real on loopback: `lexflow scheduler`,
gunicorn's workers (the masters come from bench/web.py), a PostgreSQL server of the test's
own, and API clients that may meet a dead worker or a stopped database."""
from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from bench.web import free_port
from tests.web.test_gunicorn import request

NEEDS_POSTGRESQL = pytest.mark.skipif(
    not os.environ.get("LEXFLOW_TEST_DATABASE_URL"),
    reason="needs PostgreSQL (several machines over one database): set LEXFLOW_TEST_DATABASE_URL, "
           "as the PostgreSQL pass of .ci/run does")
ROOT = Path(__file__).resolve().parents[2]
LEXFLOW = Path(sys.executable).parent / "lexflow"
POSTGRESQL_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name))
# The failures a client sees when the worker answering it dies, or nothing listens.
CONNECTION_LOST = (ConnectionError, http.client.HTTPException, OSError)


def try_request(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[int | None, dict]:
    """An API request; status None when the connection failed (the worker died under it)."""
    try:
        return request(port, method, path, token, body)
    except CONNECTION_LOST as error:
        return None, {"error": repr(error)}


# -- the scheduler -------------------------------------------------------------------

@dataclass
class SchedulerProcess:
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def name(self) -> str:
        """As engine/leader.py names the process: what it logs and what PostgreSQL shows."""
        return re.search(rf"(lexflow scheduler \S+:{self.pid}) ", self.output()).group(1)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def times_led(self) -> int:
        return self.output().count(" leads: it runs the scheduler's jobs")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


@contextmanager
def scheduler(database_url: str, smtp_port: int, log: Path) -> Iterator[SchedulerProcess]:
    """`lexflow scheduler`, sweeping every second and trying to lead every second."""
    env = {**os.environ, "LEXFLOW_DATABASE_URL": database_url, "LEXFLOW_SMTP_HOST": "127.0.0.1",
           "LEXFLOW_SMTP_PORT": str(smtp_port), "LEXFLOW_SWEEP_INTERVAL_SECONDS": "1",
           "LEXFLOW_LEADER_RETRY_SECONDS": "1"}
    with log.open("w") as log_file:
        process = subprocess.Popen([LEXFLOW, "scheduler"], env=env, cwd=ROOT, stdout=log_file,
                                   stderr=subprocess.STDOUT)
    try:
        yield SchedulerProcess(process, log)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def worker_pids(master_pid: int) -> set[int]:
    """The pids of a gunicorn master's workers (Linux)."""
    return {int(pid) for pid in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()}


# -- a PostgreSQL server of our own --------------------------------------------------

class PrivatePostgreSQL:
    """A PostgreSQL cluster in a temporary folder on a free loopback port, which a test may
    stop and start again without disturbing the shared server other tests use.

    initdb refuses to run as root, so as root the server runs as the `postgres` user."""

    def __init__(self):
        self.bin = POSTGRESQL_BINARIES[-1]
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="lexflow-pg-"))
        self.data = self.folder / "data"
        self.url = f"postgresql+psycopg://lexflow@127.0.0.1:{self.port}/postgres"
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", self.data, "-U", "lexflow", "-A", "trust", "-E", "UTF8", "--locale=C",
                  "--no-sync")

    def start(self) -> None:
        # fsync off: the test crashes the server, not the machine, so the kernel keeps every write.
        self._run("pg_ctl", "-D", self.data, "-l", self.folder / "server.log", "-w", "-t", "60", "start", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off")

    def stop(self) -> None:
        """As a crash: no shutdown checkpoint, every connection cut."""
        self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder)

    def _run(self, program: str, *args) -> None:
        command = [str(self.bin / program), *map(str, args)]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

