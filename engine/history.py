"""The case history and the access log: written here, never changed (the database refuses it)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from engine.models import AccessLogEntry, Case, HistoryEvent


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
    """Log that the person read these cases (e.g. one page of a list), in one statement."""
    if case_ids:
        session.execute(insert(AccessLogEntry), [{"at": at, "person_id": person_id, "case_id": case_id,
                                                   "action": action} for case_id in case_ids])


def events(session: Session, case: Case) -> list[HistoryEvent]:
    return list(session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case.id)
                                .order_by(HistoryEvent.seq)))


def reads(session: Session, case: Case) -> list[AccessLogEntry]:
    return list(session.scalars(select(AccessLogEntry).where(AccessLogEntry.case_id == case.id)
                                .order_by(AccessLogEntry.id)))
