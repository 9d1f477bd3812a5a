"""The case history and the access log: written here, never changed (the database refuses it)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
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
    session.add(AccessLogEntry(at=at, person_id=person_id, case_id=case.id, action=action))


def events(session: Session, case: Case) -> list[HistoryEvent]:
    return list(session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case.id)
                                .order_by(HistoryEvent.seq)))


def reads(session: Session, case: Case) -> list[AccessLogEntry]:
    return list(session.scalars(select(AccessLogEntry).where(AccessLogEntry.case_id == case.id)
                                .order_by(AccessLogEntry.id)))
