"""Leader election: of all the scheduler processes over one database, one runs the jobs.

The leader holds a lock that the database server or the kernel frees when the process dies,
so a crashed leader hands over without a lease to expire:

- PostgreSQL: a session-level advisory lock, held on a connection of its own for as long as
  the process leads. When the process dies the connection closes and the server frees the
  lock. The connection carries the process's name, so `pg_stat_activity` shows who leads.
- SQLite: the database is a file on one machine, so an exclusive `flock` on a file next to it
  does the same (the kernel frees it when the process dies); the file names who leads.

Processes that stand by try again every `retry_seconds`. A leader that loses its lock
connection (the database restarted) stops its jobs and stands by again; until it notices,
two may run, and the claim per reminder (engine/deadlines.py) still fires each one once.
"""
from __future__ import annotations

import fcntl
import logging
import os
import socket
import threading
from pathlib import Path
from typing import Callable, Protocol, TextIO

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from engine.db import Database

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
# Any number will do, as long as every lexflow process uses the same one. Advisory locks are
# per database, so two installations on one PostgreSQL server do not meet.
ADVISORY_LOCK_KEY = 7_400_001
HOLDER_QUERY = text("""
    SELECT activity.application_name FROM pg_locks AS lock
    JOIN pg_stat_activity AS activity ON activity.pid = lock.pid
    WHERE lock.locktype = 'advisory' AND lock.granted AND lock.classid = 0 AND lock.objid::bigint = :key
      AND lock.database = (SELECT oid FROM pg_database WHERE datname = current_database())""")


class LeaderLock(Protocol):
    def acquire(self) -> bool: ...
    def held(self) -> bool: ...
    def holder(self) -> str | None: ...
    def release(self) -> None: ...


class AdvisoryLock:
    """PostgreSQL: `pg_try_advisory_lock` on a connection kept open while we lead."""

    def __init__(self, url: str, name: str):
        # Outside the application's pool: closing the connection really ends the session.
        self.engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT",
                                    connect_args={"application_name": name})
        self.connection: Connection | None = None

    def acquire(self) -> bool:
        won = False
        connection = self.engine.connect()
        try:
            won = bool(connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}))
        finally:
            if won:
                self.connection = connection
            else:
                connection.close()
        return won

    def held(self) -> bool:
        try:
            self.connection.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def holder(self) -> str | None:
        with self.engine.connect() as connection:
            return connection.scalar(HOLDER_QUERY, {"key": ADVISORY_LOCK_KEY})

    def release(self) -> None:
        self.connection.close()
        self.connection = None


class FileLock:
    """SQLite: an exclusive `flock` on `<database file>.leader`; the file names the holder."""

    def __init__(self, path: Path, name: str):
        self.path, self.name = path, name
        self.file: TextIO | None = None

    def acquire(self) -> bool:
        file = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            return False
        file.truncate(0)
        file.write(self.name)
        file.flush()
        self.file = file
        return True

    def held(self) -> bool:
        return True  # a lock on a local file lasts until we close it

    def holder(self) -> str | None:
        try:
            return self.path.read_text(encoding="utf-8") or None
        except FileNotFoundError:
            return None

    def release(self) -> None:
        self.file.close()
        self.file = None


def lock_for(db: Database, name: str) -> LeaderLock:
    if db.is_sqlite:
        return FileLock(Path(f"{make_url(db.url).database}.leader"), name)
    return AdvisoryLock(db.url, name)


class Leadership:
    """Runs jobs in this process whenever it leads, until `stop()`."""

    def __init__(self, db: Database, retry_seconds: float = RETRY_SECONDS):
        self.name = f"lexflow scheduler {socket.gethostname()}:{os.getpid()}"
        self.lock = lock_for(db, self.name)
        self.retry_seconds = retry_seconds
        self.stopping = threading.Event()
        self._said = ""

    def run(self, start_jobs: Callable[[], Callable[[], None]]) -> None:
        """Wait to lead; then `start_jobs()`, and call what it returned when the lead ends."""
        while not self.stopping.is_set():
            if self._try_to_lead():
                try:
                    self._lead(start_jobs)
                finally:
                    self.lock.release()
            self.stopping.wait(self.retry_seconds)

    def stop(self) -> None:
        self.stopping.set()

    def _try_to_lead(self) -> bool:
        try:
            if self.lock.acquire():
                self._say(logging.INFO, f"{self.name} leads: it runs the scheduler's jobs")
                return True
            leader = self.lock.holder() or "another process"
            self._say(logging.INFO, f"{self.name} stands by; {leader} leads "
                                    f"(trying again every {self.retry_seconds:g} s)")
        except SQLAlchemyError as error:
            self._say(logging.WARNING, f"{self.name} stands by: the database cannot be reached "
                                       f"({type(error).__name__}); trying again every {self.retry_seconds:g} s")
        return False

    def _lead(self, start_jobs: Callable[[], Callable[[], None]]) -> None:
        try:
            stop_jobs = start_jobs()
        except SQLAlchemyError as error:
            self._say(logging.WARNING, f"{self.name} could not start its jobs ({type(error).__name__}); "
                                       "it gives up the lead and tries again")
            return
        try:
            while not self.stopping.wait(self.retry_seconds) and self.lock.held():
                pass
        finally:
            stop_jobs()
        if not self.stopping.is_set():
            self._say(logging.WARNING, f"{self.name} lost the lead (its database connection closed); "
                                       "its jobs are stopped")

    def _say(self, level: int, message: str) -> None:
        """Log each change of state once, not at every retry."""
        if message != self._said:
            log.log(level, message)
            self._said = message
