"""APScheduler really runs the sweep, from jobs kept in the application database."""
import threading
from datetime import datetime

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from sqlalchemy import select

from engine import scheduler as scheduling
from engine.clock import STOCKHOLM
from engine.models import Deadline, scheduler_jobs


def test_the_scheduler_sweeps_at_start_and_keeps_its_jobs_in_the_database(cases, services, clock):
    cases.file(received_on="2026-11-23", noticed_on="2026-11-22", occurred_on="2026-11-22")
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=STOCKHOLM))  # the deadline passed while nothing ran

    scheduler = scheduling.build(services.db, services.sweeper, services.outbox, interval_seconds=3600)
    swept, errors = threading.Event(), []

    def on_event(event):
        if event.exception:
            errors.append(event.exception)
        if event.job_id == "deadline-sweep":
            swept.set()

    scheduler.add_listener(on_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        assert swept.wait(timeout=30), "the sweep did not run at start"
    finally:
        scheduler.shutdown()

    assert errors == []
    with services.db.unit_of_work() as session:
        assert list(session.scalars(select(Deadline.status))) == ["overdue"]
        jobs = set(session.scalars(select(scheduler_jobs.c.id)))
    assert {"deadline-sweep", "outbox-delivery"} <= jobs
