"""Scale-out: two machines' worth of processes over one PostgreSQL, started for real on loopback.

Each "machine" is a gunicorn master with two workers. Beside them run two `lexflow scheduler`
processes, of which one leads (engine/leader.py). Clients file reports through both machines
and race each other to complete the same steps of the same cases, while the leader fires the
reminders that are due; then the leader is killed and the other one takes over.
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass

from sqlalchemy import func, select

from bench.web import gunicorn
from demo.klagomal import ComplaintDriver
from demo.lex_sarah import CaseDriver
from engine.leader import ADVISORY_LOCK_KEY, HOLDER_QUERY
from engine.models import Case, HistoryEvent
from tests.ops.checks import (
    assert_cases_whole, assert_diary_numbers_gapless, assert_reminders_delivered_once, undelivered,
)
from tests.ops.processes import NEEDS_POSTGRESQL, scheduler
from tests.web.test_gunicorn import request
from tests.web.test_serve import wait_for

pytestmark = NEEDS_POSTGRESQL
REPORTS = 24  # lex Sarah reports filed through the two machines
COMPLAINTS = 6  # paper complaints received 25 days ago: all their reminders are due at once
RACED = 6  # cases whose first two steps two clients each try to complete at the same moment
MACHINE = ("-w", "2", "--worker-class", "gthread", "--threads", "4")


@dataclass(frozen=True)
class Attempt:
    person: str
    task: str
    data: dict
    statuses: list[int]


def file_case(port: int, token: str, case_type: str, data: dict) -> tuple[int, dict]:
    return request(port, "POST", "/api/v1/cases", token, {"case_type": case_type, "data": data})


def complete_until_done(port: int, token: str, case_id: int, task: str, data: dict) -> list[int]:
    """As a careful client does: read the case, complete the step at the version read, and on
    409 read again, until the step is done (by us or by someone else). Returns the statuses."""
    statuses = []
    for _ in range(20):
        status, case = request(port, "GET", f"/api/v1/cases/{case_id}", token)
        assert status == 200, case
        if task not in {ready["name"] for ready in case["tasks"]}:
            return statuses
        status, answer = request(port, "POST", f"/api/v1/cases/{case_id}/tasks/{task}", token,
                                 {"data": data, "expected_version": case["version"]})
        statuses.append(status)
        if status != 409:
            return statuses
    raise AssertionError(f"{task} in case {case_id}: still 409 after 20 tries")


def race(ports: list[int], tokens: dict[str, str], case_id: int, reports: CaseDriver) -> list[Attempt]:
    """Two clients complete `protect` (each with its own text) and two `register`, all at once,
    through both machines."""
    contenders = [("erik", "protect", reports.form("protect", actions_taken=f"Åtgärd enligt klient {n}."))
                  for n in range(2)] + [("rita", "register", reports.form("register")) for _ in range(2)]
    start = threading.Barrier(len(contenders))
    attempts: list[Attempt | None] = [None] * len(contenders)

    def contend(n: int, person: str, task: str, data: dict) -> None:
        start.wait()
        attempts[n] = Attempt(person, task, data,
                              complete_until_done(ports[n % 2], tokens[person], case_id, task, data))

    threads = [threading.Thread(target=contend, args=(n, *contender)) for n, contender in enumerate(contenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return attempts


def leader_in_database(services) -> str | None:
    with services.db.engine.connect() as connection:
        return connection.scalar(HOLDER_QUERY, {"key": ADVISORY_LOCK_KEY})


def test_two_machines_and_two_schedulers_share_one_postgresql(services, tokens, mail_server, database_url,
                                                              clock, tmp_path):
    smtp_port, inbox = mail_server
    reports, complaints = CaseDriver(None, clock), ComplaintDriver(None, clock)
    with ExitStack() as running:
        ports = [running.enter_context(gunicorn(database_url, tmp_path / f"machine-{n}.log", *MACHINE)).port
                 for n in (1, 2)]
        schedulers = [running.enter_context(scheduler(database_url, smtp_port, tmp_path / f"scheduler-{n}.log"))
                      for n in (1, 2)]
        assert wait_for(lambda: sorted(s.times_led() for s in schedulers) == [0, 1]
                        and any(" stands by; " in s.output() for s in schedulers)), [s.output() for s in schedulers]
        leader, standby = sorted(schedulers, key=lambda s: -s.times_led())
        assert f"stands by; {leader.name} leads" in standby.output()
        assert leader_in_database(services) == leader.name

        # Load: reports and complaints through both machines, and races for the same steps.
        with ThreadPoolExecutor(max_workers=6) as clients:
            raced = [file_case(ports[n % 2], tokens["anna"], "lex_sarah", reports.report()) for n in range(RACED)]
            filings = [clients.submit(file_case, ports[n % 2], tokens["anna"], "lex_sarah", reports.report())
                       for n in range(REPORTS)]
            filings += [clients.submit(file_case, ports[n % 2], tokens["rita"], "klagomal",
                                       complaints.report(channel="paper", received_on=complaints.day(-25)))
                        for n in range(COMPLAINTS)]
            races = {filed["id"]: race(ports, tokens, filed["id"], reports) for _, filed in raced}
            answers = raced + [filing.result() for filing in filings]
        assert [status for status, _ in answers] == [201] * len(answers), answers

        assert wait_for(lambda: undelivered(services) == 0), "reminders fired and mailed by the leader"
        fired = assert_reminders_delivered_once(services, inbox)
        assert fired >= 3 * COMPLAINTS
        assert (leader.times_led(), standby.times_led()) == (1, 0)

        # The leader dies; the other scheduler takes over and fires what comes due next.
        leader.kill()
        assert wait_for(lambda: standby.times_led() == 1, timeout=30), standby.output()
        assert leader_in_database(services) == standby.name
        status, late = file_case(ports[1], tokens["rita"], "klagomal",
                                 complaints.report(channel="paper", received_on=complaints.day(-25)))
        assert status == 201, late
        answers.append((status, late))
        assert wait_for(lambda: undelivered(services) == 0), "the new leader fired and mailed the new reminders"
        assert assert_reminders_delivered_once(services, inbox) == fired + 3
        assert standby.times_led() == 1

    # Every report answered 201 is stored whole, under the number it was given; numbers without gaps.
    cases = assert_cases_whole(services)
    assert {filed["diary_number"]: filed["id"] for _, filed in answers} == cases
    assert_diary_numbers_gapless(cases)

    # Each raced step was completed once (the losers got 409), and the winner's data is what is kept.
    statuses = [status for attempts in races.values() for attempt in attempts for status in attempt.statuses]
    assert set(statuses) == {200, 409}, "the races were run, and some clients lost one"
    with services.db.unit_of_work() as session:
        for case_id, attempts in races.items():
            case = session.get(Case, case_id)
            for task in ("protect", "register"):
                winners = [a for a in attempts if a.task == task and 200 in a.statuses]
                assert len(winners) == 1, (case.diary_number, task, attempts)
                assert winners[0].data.items() <= case.data[task].items(), (case.diary_number, task)
                assert session.scalar(select(func.count()).select_from(HistoryEvent).where(
                    HistoryEvent.case_id == case_id, HistoryEvent.action == "task.completed",
                    HistoryEvent.task == task)) == 1
