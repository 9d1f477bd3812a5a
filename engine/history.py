"""The case history and the access log: written here, never changed (the database refuses it)."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Iterator

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from engine.db import Database
from engine.models import AccessLogEntry, Case, HistoryEvent

_UNWRITTEN_READS = "lexflow_unwritten_reads"


def record(session: Session, case: Case, at: datetime, actor: str | None, action: str, summary: str,
           task: str | None = None, before: dict | None = None, after: dict | None = None) -> HistoryEvent:
    seq = (session.scalar(select(func.max(HistoryEvent.seq)).where(HistoryEvent.case_id == case.id)) or 0) + 1
    event = HistoryEvent(case_id=case.id, seq=seq, at=at, actor=actor, action=action, task=task,
                         summary=summary, before=before, after=after)
    session.add(event)
    session.flush()
    return event


def record_read(session: Session, case: Case, at: datetime, person_id: str, action: str) -> None:
    record_reads(session, [case.id], at, person_id, action)


def record_reads(session: Session, case_ids: list[int], at: datetime, person_id: str, action: str) -> None:
    """Log that the person read these cases (e.g. one page of a list), in one statement;
    within `reading`, when the snapshot ends."""
    rows = [{"at": at, "person_id": person_id, "case_id": case_id, "action": action} for case_id in case_ids]
    if _UNWRITTEN_READS in session.info:
        session.info[_UNWRITTEN_READS].extend(rows)
    elif rows:
        session.execute(insert(AccessLogEntry), rows)


@contextmanager
def reading(db: Database) -> Iterator[Session]:
    """A unit of work that only reads: it runs on a snapshot, and the reads it records are
    written to the access log in a short transaction of their own as the block ends, before
    the caller gets anything. So on SQLite readers do their work without the write lock and
    hold it only for the log; if the log cannot be written, nothing read is returned."""
    with db.snapshot() as session:
        session.info[_UNWRITTEN_READS] = unwritten = []
        yield session
    if unwritten:
        with db.unit_of_work() as session:
            session.execute(insert(AccessLogEntry), unwritten)


def events(session: Session, case: Case) -> list[HistoryEvent]:
    return list(session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case.id)
                                .order_by(HistoryEvent.seq)))


def reads(session: Session, case: Case) -> list[AccessLogEntry]:
    return list(session.scalars(select(AccessLogEntry).where(AccessLogEntry.case_id == case.id)
                                .order_by(AccessLogEntry.id)))
