"""Leader election (engine/leader.py) within one process: two contenders over one database,
on SQLite (a file lock) and on PostgreSQL (an advisory lock on a connection of its own)."""
from __future__ import annotations

import logging
import queue
import threading

import pytest
from sqlalchemy import text

from engine.leader import ADVISORY_LOCK_KEY, Leadership
from tests.ops.processes import NEEDS_POSTGRESQL
from tests.web.test_serve import wait_for


class Contender:
    """A Leadership running in a thread, whose jobs only report that they started and stopped."""

    def __init__(self, db):
        self.leadership = Leadership(db, retry_seconds=0.05)
        self.events: queue.Queue[str] = queue.Queue()
        self.thread = threading.Thread(target=self.leadership.run, args=(self._start_jobs,), daemon=True)
        self.thread.start()

    def _start_jobs(self):
        self.events.put("started")
        return lambda: self.events.put("stopped")

    def next_event(self) -> str:
        return self.events.get(timeout=30)

    def stop(self) -> None:
        self.leadership.stop()
        self.thread.join(timeout=30)


@pytest.fixture
def leader_log(caplog):
    caplog.set_level(logging.INFO, logger="engine.leader")
    return caplog


def test_one_of_two_leads_and_the_other_takes_over_when_it_stops(services, leader_log):
    first = Contender(services.db)
    assert first.next_event() == "started"
    second = Contender(services.db)
    try:
        assert wait_for(lambda: f"stands by; {first.leadership.name} leads" in leader_log.text), leader_log.text
        assert second.events.empty()

        first.stop()
        assert first.next_event() == "stopped"
        assert second.next_event() == "started"
        assert first.events.empty()
    finally:
        first.stop()
        second.stop()
    assert second.next_event() == "stopped"
    assert leader_log.text.count("leads: it runs the scheduler's jobs") == 2


@NEEDS_POSTGRESQL
def test_a_leader_whose_connection_is_cut_stops_its_jobs_and_leads_again(services, leader_log):
    contender = Contender(services.db)
    try:
        assert contender.next_event() == "started"
        with services.db.engine.connect() as connection:
            cut = connection.scalar(text("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                                         "AND objid::bigint = :key"), {"key": ADVISORY_LOCK_KEY})
        assert cut
        assert contender.next_event() == "stopped"
        assert contender.next_event() == "started"
    finally:
        contender.stop()
    assert "lost the lead (its database connection closed)" in leader_log.text
