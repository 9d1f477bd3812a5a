"""Faults: a web worker killed mid-request, the scheduler killed mid-sweep, PostgreSQL stopped
under load and started again, mail queued while the mail server is down. Afterwards every
case is whole, every report that was accepted exists, and every reminder went out once."""
from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bench.web import free_port, gunicorn
from demo.klagomal import ComplaintDriver
from demo.lex_sarah import CaseDriver
from engine.db import Database
from engine.models import OutboxMessage, Reminder
from engine.outbox import Outbox
from tests.engine.test_outbox import start_server
from tests.ops.checks import (
    assert_cases_whole, assert_diary_numbers_gapless, assert_reminders_delivered_once, deliver_claimed,
    due_reminders_pending, pending_mail, undelivered,
)
from tests.ops.processes import NEEDS_POSTGRESQL, scheduler, try_request, worker_pids
from tests.web.test_serve import wait_for

pytestmark = NEEDS_POSTGRESQL
OVERDUE_COMPLAINTS = 30  # three reminders each, all due: a sweep long enough to be killed in


class Filing:
    """Clients that file reports without pause until stopped, and what each was answered
    (None: the connection died)."""

    def __init__(self, port: int, tokens: dict[str, str], clock, clients: int = 4):
        self.port, self.tokens = port, tokens
        self.reports, self.complaints = CaseDriver(None, clock), ComplaintDriver(None, clock)
        self.answers: list[tuple[int | None, dict]] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._client, args=(n,)) for n in range(clients)]

    def _client(self, n: int) -> None:
        while not self.stopping.is_set():
            # Every fourth client registers paper complaints whose reminders are due at once.
            if n % 4 == 3:
                person, body = "rita", {"case_type": "klagomal", "data": self.complaints.report(
                    channel="paper", received_on=self.complaints.day(-25))}
            else:
                person, body = "anna", {"case_type": "lex_sarah", "data": self.reports.report()}
            self.answers.append(try_request(self.port, "POST", "/api/v1/cases", self.tokens[person], body))

    def __enter__(self) -> "Filing":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def count(self, status: int | None) -> int:
        return sum(1 for answer, _ in list(self.answers) if answer == status)

    def accepted(self) -> dict[str, int]:
        return {body["diary_number"]: body["id"] for status, body in self.answers if status == 201}


def assert_accepted_reports_exist(filing: Filing, services) -> dict[str, int]:
    """Every 201 has its case, whole; a case no client heard of is one whose answer was lost."""
    cases = assert_cases_whole(services)
    assert filing.accepted().items() <= cases.items()
    assert len(cases) - len(filing.accepted()) <= len(filing.answers) - filing.count(201)
    assert_diary_numbers_gapless(cases)
    return cases


def test_a_web_worker_killed_mid_request_leaves_each_report_whole_or_absent(services, tokens, database_url,
                                                                           clock, tmp_path):
    with gunicorn(database_url, tmp_path / "web.log", "-w", "2") as server, \
            Filing(server.port, tokens, clock) as filing:
        # Both workers are always busy with a filing; kill one until a client has lost its request.
        for _ in range(5):
            answered = filing.count(201)
            assert wait_for(lambda: filing.count(201) >= answered + 3), "the filings go through"
            killed = min(worker_pids(server.pid))
            os.kill(killed, signal.SIGKILL)
            assert wait_for(lambda: killed not in worker_pids(server.pid) and len(worker_pids(server.pid)) == 2), \
                "gunicorn starts a new worker"
            if filing.count(None):
                break
        answered = filing.count(201)
        assert wait_for(lambda: filing.count(201) >= answered + 3), "filing goes on after the kills"

    assert filing.count(None) >= 1, "a request died with its worker"
    assert set(status for status, _ in filing.answers) == {201, None}
    assert_accepted_reports_exist(filing, services)


def reminders(services, status: str) -> int:
    with services.db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Reminder).where(Reminder.status == status))


def test_a_scheduler_killed_mid_sweep_and_restarted_sends_each_reminder_once(services, runner, mail_server,
                                                                            database_url, clock, tmp_path):
    smtp_port, inbox = mail_server
    complaints = ComplaintDriver(runner, clock)
    for _ in range(OVERDUE_COMPLAINTS):
        complaints.file(channel="paper", received_on=complaints.day(-25))
    due = reminders(services, "pending")
    assert due == 3 * OVERDUE_COMPLAINTS

    with scheduler(database_url, smtp_port, tmp_path / "scheduler-1.log") as first:
        assert wait_for(lambda: reminders(services, "sent") >= due // 4), first.output()
        first.kill()
    assert reminders(services, "sent") < due, "the sweep ended before the kill: file more complaints"
    # Mail the killed scheduler had taken to send waits until its claim runs out.
    stranded = pending_mail(services, claimed=True)

    with scheduler(database_url, smtp_port, tmp_path / "scheduler-2.log") as second:
        assert wait_for(lambda: reminders(services, "sent") == due), second.output()
        assert wait_for(lambda: pending_mail(services) == stranded), second.output()
    assert deliver_claimed(services, smtp_port) == len(stranded)

    assert undelivered(services) == 0
    assert assert_reminders_delivered_once(services, inbox) == due
    assert_cases_whole(services)


class TestPostgreSQLStoppedUnderLoad:
    """On a PostgreSQL server of the test's own, so that stopping it disturbs no other test."""

    @pytest.fixture
    def database_url(self, private_postgresql):
        return private_postgresql.url

    def test_web_and_scheduler_carry_on_when_the_database_is_back(self, private_postgresql, services, tokens,
                                                                  mail_server, database_url, clock, tmp_path):
        smtp_port, inbox = mail_server
        with gunicorn(database_url, tmp_path / "web.log", "-w", "2", "--worker-class", "gthread",
                      "--threads", "4") as server, \
                scheduler(database_url, smtp_port, tmp_path / "scheduler.log") as leader:
            assert wait_for(lambda: leader.times_led() == 1), leader.output()
            with Filing(server.port, tokens, clock) as filing:
                assert wait_for(lambda: filing.count(201) >= 8), Counter(s for s, _ in filing.answers)
                private_postgresql.stop()
                failed = len(filing.answers) - filing.count(201)
                assert wait_for(lambda: len(filing.answers) - filing.count(201) >= failed + 3), \
                    "clients see the database gone"
                private_postgresql.start()
                answered = filing.count(201)
                assert wait_for(lambda: filing.count(201) >= answered + 8), "the same workers file again"
            # The scheduler lost the lead with its connection, and took it again.
            assert wait_for(lambda: leader.times_led() == 2), leader.output()
            assert "lost the lead" in leader.output()
            assert wait_for(lambda: due_reminders_pending(services) == 0
                            and pending_mail(services) == pending_mail(services, claimed=True)), leader.output()
        # Mail that was being sent as the database went down goes when its claim has run out.
        deliver_claimed(services, smtp_port)

        assert_accepted_reports_exist(filing, services)
        assert undelivered(services) == 0
        assert assert_reminders_delivered_once(services, inbox, resent=True) >= 3
        # While the database was down a client was told so (500) or lost its connection; never a
        # 4xx, which would say that its report was wrong and must not be sent again.
        failures = [(status, body) for status, body in filing.answers if status != 201]
        assert {status for status, _ in failures} <= {500, None}, [f for f in failures if f[0] != 500]


def test_mail_queued_while_the_mail_server_is_down_goes_once_when_it_is_back(services, runner, database_url,
                                                                            clock):
    port = free_port()
    services.config["SMTP_HOST"], services.config["SMTP_PORT"] = "127.0.0.1", port
    complaints = ComplaintDriver(runner, clock)
    for _ in range(10):
        complaints.file(channel="paper", received_on=complaints.day(-25))
    assert len(services.sweeper.sweep().fired) == 30
    with services.db.unit_of_work() as session:
        queued = session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.email.is_not(None)))
    # Two deliverers, as two scheduler processes would be, each with its own connections.
    deliverers = [Outbox(Database(database_url), services.outbox.smtp, clock) for _ in range(2)]

    def deliver() -> tuple[int, int]:
        results = []
        threads = [threading.Thread(target=lambda d=d: results.append(d.deliver())) for d in deliverers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sum(r.sent for r in results), sum(r.failed for r in results)

    try:
        assert deliver() == (0, queued)  # the mail server is down
        clock.advance(timedelta(minutes=1))
        assert deliver() == (0, queued)  # still down: the next try is two minutes on
        inbox, controller = start_server(port)
        try:
            clock.advance(timedelta(minutes=1))
            assert deliver() == (0, 0)  # up, but the retry is not due yet
            clock.advance(timedelta(minutes=1))
            assert deliver() == (queued, 0)
            clock.advance(timedelta(hours=2))
            assert deliver() == (0, 0)
        finally:
            controller.stop()
    finally:
        for deliverer in deliverers:
            deliverer.db.dispose()

    assert assert_reminders_delivered_once(services, inbox) == 30
    assert_cases_whole(services)
