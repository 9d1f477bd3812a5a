"""The case history and the access log: written here, never changed (the database refuses it),
and hash-chained (engine/chain.py) so that a change made behind the database's back shows
(engine/audit.py)."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from typing import Iterator

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from engine import chain
from engine.db import Database
from engine.models import AccessLogEntry, AccessLogHead, Case, HistoryEvent, HistoryHead

_UNWRITTEN_READS = "lexflow_unwritten_reads"
# Case id -> its HistoryHead, so that a step writing several events reads each head once.
_HEADS = "lexflow_history_heads"
ACCESS_LOG_HEAD = 1  # the id of the access log's one head row


def record(session: Session, case: Case, at: datetime, actor: str | None, action: str, summary: str,
           task: str | None = None, before: dict | None = None, after: dict | None = None) -> HistoryEvent:
    """Append an event to the case's history. Writers of one case are one at a time (the
    case row's version check, or its lock), and (case, seq) is unique: two writers that
    read the same head cannot both append after it."""
    head = _history_head(session, case.id)
    payload = chain.payload_digest(summary, before, after, actor)
    seq = head.seq + 1
    event = HistoryEvent(case_id=case.id, seq=seq, at=at, actor=actor, action=action, task=task,
                         summary=summary, before=before, after=after, payload_digest=payload,
                         hash=chain.event_hash(head.hash, case.id, seq, at, action, task, payload))
    head.seq, head.hash = seq, event.hash
    session.add(event)
    return event


def _history_head(session: Session, case_id: int) -> HistoryHead:
    heads = session.info.setdefault(_HEADS, {})
    if case_id not in heads:
        head = session.get(HistoryHead, case_id)
        if head is None:
            head = HistoryHead(case_id=case_id, seq=0, hash=chain.GENESIS)
            session.add(head)
        heads[case_id] = head
    return heads[case_id]


def record_read(session: Session, case: Case, at: datetime, person_id: str, action: str) -> None:
    record_reads(session, [case.id], at, person_id, action)


def record_reads(session: Session, case_ids: list[int], at: datetime, person_id: str, action: str) -> None:
    """Log that the person read these cases (e.g. one page of a list), in one statement;
    within `reading`, when the snapshot ends."""
    rows = [{"at": at, "person_id": person_id, "case_id": case_id, "action": action} for case_id in case_ids]
    if _UNWRITTEN_READS in session.info:
        session.info[_UNWRITTEN_READS].extend(rows)
    elif rows:
        _append_reads(session, rows)


@contextmanager
def reading(db: Database) -> Iterator[Session]:
    """A unit of work that only reads; the reads it records are written to the access log as
    the block ends, before the caller gets anything, so if the log cannot be written, nothing
    read is returned.

    Where a unit of work locks the database at its BEGIN (SQLite, Database.locks_at_begin), the
    block runs on a snapshot, which cannot write, and the log is written in a short transaction
    of its own: readers do their work without the write lock and hold it only for the log.
    Elsewhere (PostgreSQL) the log is written in the reading transaction itself; that a read
    does not write is then checked by the tests on SQLite."""
    if not db.locks_at_begin:
        with db.unit_of_work() as session:
            session.info[_UNWRITTEN_READS] = unwritten = []
            yield session
            if unwritten:
                _append_reads(session, unwritten)
        return
    with db.snapshot() as session:
        session.info[_UNWRITTEN_READS] = unwritten = []
        yield session
    if unwritten:
        with db.unit_of_work() as session:
            _append_reads(session, unwritten)


# The access log's statements, run on every read: plain table statements, built once
# (engine/db.py).
_HEAD = AccessLogHead.__table__
_LOCK_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == ACCESS_LOG_HEAD).with_for_update()
_APPEND_READS = insert(AccessLogEntry.__table__)
_MOVE_HEAD = update(_HEAD).where(_HEAD.c.id == ACCESS_LOG_HEAD)  # SET seq, hash: the parameters given


def _append_reads(session: Session, rows: list[dict]) -> None:
    """Chain the rows onto the access log. The head row is locked until the transaction ends
    (on SQLite the write lock is already held), so concurrent writers take turns."""
    seq, link = session.execute(_LOCK_HEAD).one()
    for row in rows:
        seq += 1
        link = chain.read_hash(link, seq, row["at"], row["person_id"], row["case_id"], row["action"])
        row.update(seq=seq, hash=link)
    session.execute(_APPEND_READS, rows)
    session.execute(_MOVE_HEAD, {"seq": seq, "hash": link})


def events(session: Session, case: Case) -> list[HistoryEvent]:
    return list(session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case.id)
                                .order_by(HistoryEvent.seq)))


def reads(session: Session, case: Case) -> list[AccessLogEntry]:
    return list(session.scalars(select(AccessLogEntry).where(AccessLogEntry.case_id == case.id)
                                .order_by(AccessLogEntry.id)))
