"""Operations tests: the production set-up (gunicorn, `lexflow scheduler`, PostgreSQL) started
for real on loopback, under load and with faults. Those that need PostgreSQL (several machines
share one database) are marked `NEEDS_POSTGRESQL`: they run in the PostgreSQL pass of CI."""
from __future__ import annotations

import os
import pwd
from datetime import datetime, timezone

import pytest

from bench.web import free_port
from engine import accounts
from engine.clock import FixedClock
from tests.engine.test_outbox import start_server
from tests.ops.processes import POSTGRESQL_BINARIES, PrivatePostgreSQL


@pytest.fixture
def clock():
    # The servers run on the real clock, so this side must agree on what today is.
    return FixedClock(datetime.now(timezone.utc))


@pytest.fixture
def tokens(services, clock) -> dict[str, str]:
    """API tokens of Anna (files reports), Erik (enhetschef) and Rita (registrator)."""
    with services.db.unit_of_work() as session:
        return {person: accounts.issue_token(session, person, "tests/ops", clock.now())
                for person in ("anna", "erik", "rita")}


@pytest.fixture
def mail_server():
    """A local SMTP server: yields its port and the inbox it fills."""
    port = free_port()
    inbox, controller = start_server(port)
    try:
        yield port, inbox
    finally:
        controller.stop()


@pytest.fixture
def private_postgresql():
    """A PostgreSQL server of the test's own, which it may stop and start."""
    if not POSTGRESQL_BINARIES:
        pytest.skip("PostgreSQL's server programs are not installed (/usr/lib/postgresql/*/bin): "
                    "apt-get install postgresql")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("initdb does not run as root, and there is no postgres user to run it as")
    server = PrivatePostgreSQL()
    try:
        server.start()
        yield server
    finally:
        server.remove()
