"""Fixtures: a fresh database per test (SQLite by default, PostgreSQL when
LEXFLOW_TEST_DATABASE_URL names a server), the demo organisation, and a controlled clock."""
from __future__ import annotations

import os
import threading
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from engine import paging, queries
from engine.clock import STOCKHOLM, FixedClock
from demo.lex_sarah import CaseDriver
from web import create_app

POSTGRES_URL = os.environ.get("LEXFLOW_TEST_DATABASE_URL")


@pytest.fixture
def database_url(tmp_path):
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'lexflow.db'}"
        return
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"lexflow_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            # A plain DROP stops an autovacuum worker in the database itself; FORCE, which a
            # role without superuser rights cannot use on such a worker, only for connections
            # a test left open.
            try:
                connection.execute(text(f'DROP DATABASE "{name}"'))
            except DBAPIError:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def clock():
    return FixedClock(datetime(2026, 11, 23, 10, 0, tzinfo=STOCKHOLM))


@pytest.fixture
def app(database_url, clock):
    app = create_app({"DATABASE_URL": database_url, "CLOCK": clock, "TESTING": True})
    result = app.test_cli_runner().invoke(args=["init"])
    assert result.exit_code == 0, result.output
    yield app
    app.extensions["lexflow"].db.dispose()


@pytest.fixture
def services(app):
    return app.extensions["lexflow"]


@pytest.fixture
def runner(services):
    return services.runner


@pytest.fixture
def cases(runner, clock):
    return CaseDriver(runner, clock)


@pytest.fixture
def inbox(services):
    """`inbox(person)`: the person's inbox (Mina uppgifter) as (diary number, task name), most urgent first."""
    def listed(person: str) -> list[tuple[str, str]]:
        found = queries.list_tasks(services.db, services.clock, person, page_size=paging.MAX_PAGE_SIZE)
        return [(row.diary_number, row.task.name) for row in found.items]
    return listed


@pytest.fixture
def two_sweeps_at_once(app, services, clock):
    """`two_sweeps_at_once()`: this app's deadline sweep and another process's over the same
    database, started together (as two schedulers would); returns their two Sweep results."""
    def run():
        other = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "CLOCK": clock}).extensions["lexflow"]
        barrier, results = threading.Barrier(2), []

        def sweep(svc):
            barrier.wait()
            results.append(svc.sweeper.sweep())

        threads = [threading.Thread(target=sweep, args=(svc,)) for svc in (services, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        other.db.dispose()
        return results
    return run


@pytest.fixture
def cli(app):
    """`cli(*args)`: run a `lexflow` command as the command line does."""
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


@pytest.fixture
def days_ago(clock):
    return lambda n: (clock.today() - timedelta(days=n)).isoformat()
