"""Database connections and units of work.

Statements run by every request or step are built once, at module level, with `bindparam`
for what changes (runner._CASE_BY_ID, say): building a statement costs about as much as
running it on SQLite (measured: 0.2 ms to build a select with a few conditions, 0.17 ms to
run it).
"""
from __future__ import annotations

import fcntl
import json
import threading
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


class Database:
    """One database: SQLite (embedded default) or PostgreSQL (production)."""

    def __init__(self, url: str, echo: bool = False):
        self.url = url
        self.engine = make_engine(url, echo=echo)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # On SQLite, snapshots have connections of their own, read-only for as long as they live;
        # on PostgreSQL they begin READ ONLY (psycopg says so in its BEGIN).
        self._snapshot_engine = make_engine(url, echo=echo, read_only=True) if self.is_sqlite else \
            self.engine.execution_options(postgresql_readonly=True)
        self._snapshot_sessions = sessionmaker(self._snapshot_engine, expire_on_commit=False)
        self._lookup_sessions = self._snapshot_sessions if self.is_sqlite else sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)
        path = _sqlite_path(url)
        self._writers = _WriterQueue(Path(f"{path}.writers")) if path else None

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def locks_at_begin(self) -> bool:
        """Whether a unit of work holds the write lock of the whole database from its BEGIN
        (SQLite's BEGIN IMMEDIATE), so that what only reads is better done on a snapshot before
        it. PostgreSQL locks rows only as they are written, and readers never wait for writers:
        there one transaction spares the round trips of two."""
        return self.is_sqlite

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: everything inside commits together or not at all."""
        with self._writers.turn() if self._writers else nullcontext(), self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def snapshot(self) -> Iterator[Session]:
        """A read-only transaction. On SQLite it neither waits for the write lock nor holds it,
        so reads run beside a writer on the state it last committed; a write in it fails."""
        with self._snapshot_sessions() as session, session.begin():
            yield session

    @contextmanager
    def lookup(self) -> Iterator[Session]:
        """For reads whose statements need not agree with one another, such as the token check
        of every API request: on PostgreSQL each statement commits as it runs (autocommit),
        sparing the round trips of BEGIN and COMMIT; on SQLite it is a snapshot. It must not
        write (the SQLite snapshot refuses to)."""
        with self._lookup_sessions() as session:
            yield session

    def upgrade(self) -> None:
        """Bring the schema to the newest migration."""
        with self.engine.begin() as connection:
            config = alembic_config(self.url)
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def dispose(self) -> None:
        self.engine.dispose()
        self._snapshot_engine.dispose()


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def make_engine(url: str, echo: bool = False, read_only: bool = False) -> Engine:
    """`read_only` (SQLite): connections that only read, for snapshots."""
    # Swedish text stored as UTF-8, not as \u escapes.
    options = {"echo": echo, "json_serializer": _json_dumps}
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = create_engine(url, connect_args={"timeout": 30}, **options)
        _configure_sqlite(engine, read_only)
        return engine
    engine = create_engine(url, pool_pre_ping=True, **options)
    # psycopg 3 runs an executemany as one statement per row; batching the rows into multi-row
    # INSERTs (as SQLAlchemy does for psycopg2) takes most of that work off the server: a page
    # of a listing logs fifty reads on every request.
    engine.dialect.use_insertmanyvalues_wo_returning = True
    return engine


def insert_or(session: Session, table):
    """An INSERT that can say what to do on a conflict (`on_conflict_do_nothing`, `..._update`),
    which both databases support, each with its own construct."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def _json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _sqlite_path(url: str) -> str | None:
    """The database file of a SQLite URL; None for PostgreSQL and for an in-memory database."""
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1].partition("?")[0]
    return path if path and path != ":memory:" else None


def _ensure_sqlite_folder(url: str) -> None:
    path = _sqlite_path(url)
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)


class _WriterQueue:
    """Units of work on one SQLite file take turns here before their BEGIN IMMEDIATE.

    SQLite's busy handler polls for the write lock with sleeps of up to 100 ms, so under load
    the lock sits free while its waiters sleep. A blocking flock wakes the next writer as soon
    as the last one is done, in any process; the thread lock orders one process's threads
    first, as a flock belongs to an open file and does not tell threads apart.
    """

    def __init__(self, path: Path):
        self._path = path
        self._threads = threading.Lock()

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._threads, self._path.open("a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            yield  # closing the file releases the flock


def _configure_sqlite(engine: Engine, read_only: bool) -> None:
    """Foreign keys on, WAL for concurrent readers, and BEGIN IMMEDIATE for units of work.

    A unit of work takes the write lock at BEGIN, so concurrent writers queue instead of
    failing on lock upgrade. A snapshot's connection is `query_only` and begins deferred:
    a WAL read that waits for nobody.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA query_only={int(read_only)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
