"""APScheduler runs the deadline sweep and the outbox delivery.

The sweep runs at start (catching up on whatever came due while nothing ran), every
`interval` seconds (to see deadlines that other processes created), and at the next
reminder's time; mail that a sweep queued goes out at once, and what failed is retried by the
delivery job. Jobs live in the application database (table `scheduler_jobs`), so a
restarted scheduler finds them. Of several scheduler processes only the leader runs the jobs
(engine/leader.py); should two ever run at once, each reminder is still claimed by exactly
one transaction (engine/deadlines.py).
"""
from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from engine.clock import STOCKHOLM
from engine.db import Database
from engine.deadlines import DeadlineSweeper
from engine.leader import Leadership
from engine.outbox import Outbox

log = logging.getLogger(__name__)
DELIVERY_INTERVAL_SECONDS = 30


@dataclass
class _Workers:
    sweeper: DeadlineSweeper
    outbox: Outbox
    scheduler: BackgroundScheduler


# Jobs in a persistent store are saved as references to module-level functions, not as
# bound methods; these functions act on this process's workers.
_workers: _Workers | None = None


def sweep_deadlines() -> None:
    result = _workers.sweeper.sweep()
    if result.fired or result.retry or result.actions_reminded or result.actions_escalated or result.actions_retry:
        log.info("deadline sweep: %d fired, %d to retry; %d action owners reminded, %d late actions escalated, "
                 "%d to retry", len(result.fired), len(result.retry), len(result.actions_reminded),
                 len(result.actions_escalated), len(result.actions_retry))
    if result.sent:
        deliver_outbox()
    _schedule_next_reminder()


def deliver_outbox() -> None:
    result = _workers.outbox.deliver()
    if result.sent or result.failed:
        log.info("outbox: %d sent, %d failed", result.sent, result.failed)


def _schedule_next_reminder() -> None:
    next_at = _workers.sweeper.next_fire_at()
    if next_at is not None:
        _workers.scheduler.add_job(sweep_deadlines, "date", run_date=next_at, id="next-reminder",
                                   replace_existing=True)


def run(db: Database, sweeper: DeadlineSweeper, outbox: Outbox, interval_seconds: int,
        leadership: Leadership) -> None:
    """Run the jobs whenever this process leads; returns when `leadership.stop()` is called."""
    def start_jobs():
        scheduler = build(db, sweeper, outbox, interval_seconds)
        scheduler.start()
        # Without waiting for a running job: one that schedules the next reminder would wait
        # for the lock that shutdown holds. Should it still fire a reminder, the claim holds.
        return functools.partial(scheduler.shutdown, wait=False)

    leadership.run(start_jobs)


def build(db: Database, sweeper: DeadlineSweeper, outbox: Outbox, interval_seconds: int) -> BackgroundScheduler:
    global _workers
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=db.engine, tablename="scheduler_jobs")},
        timezone=STOCKHOLM,
        # A job missed while down runs once when we are back, however late.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    _workers = _Workers(sweeper, outbox, scheduler)
    # APScheduler keeps wall-clock time; what is due is decided by the sweeper's clock.
    now = datetime.now(timezone.utc)
    scheduler.add_job(sweep_deadlines, "interval", seconds=interval_seconds, id="deadline-sweep",
                      replace_existing=True, next_run_time=now)
    scheduler.add_job(deliver_outbox, "interval", seconds=DELIVERY_INTERVAL_SECONDS, id="outbox-delivery",
                      replace_existing=True, next_run_time=now)
    return scheduler
