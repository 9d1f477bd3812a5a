"""Checking the hash chains of the history and the access log (engine/chain.py).

The database refuses to change these tables, but someone who can drop its triggers can. The
chains show it: an edited row no longer hashes to what the next row was built on, a deleted
one leaves a gap in the numbering, and the heads (history_heads, access_log_head) show rows
deleted from the end or added after it. Someone who rewrites a whole chain and its head is
caught only against a head written down outside the system (`heads`, `check_written_heads`).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import groupby
from typing import Callable, Iterable, Iterator

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from engine import chain
from engine.db import Database
from engine.history import ACCESS_LOG_HEAD
from engine.models import AccessLogEntry, AccessLogHead, Case, Disposal, HistoryEvent, HistoryHead

ACCESS_LOG = "åtkomstloggen"
KINDS = {"edited": "ändrad", "deleted": "raderad", "inserted": "infogad"}
BATCH = 5000


@dataclass(frozen=True)
class Break:
    """Where a chain first goes wrong, and how."""

    chain: str  # the case's diary number, or ACCESS_LOG
    seq: int | None
    row_id: int | None
    kind: str  # a key of KINDS
    reason: str

    def __str__(self) -> str:
        where = f"{'rad' if self.chain == ACCESS_LOG else 'händelse'} {self.seq}" if self.seq else "kedjan"
        row = f" (id {self.row_id})" if self.row_id else ""
        return f"{self.chain}: {where}{row} {KINDS[self.kind]}: {self.reason}"


@dataclass(frozen=True)
class Verification:
    cases: int
    events: int
    reads: int
    breaks: tuple[Break, ...]

    @property
    def intact(self) -> bool:
        return not self.breaks


@dataclass(frozen=True)
class _Head:
    seq: int
    hash: str


def verify(db: Database) -> Verification:
    """Check every case's history chain and the access log chain; the first break of each."""
    with _one_snapshot(db) as session:
        breaks, cases, events = _verify_histories(session)
        head = session.get(AccessLogHead, ACCESS_LOG_HEAD)
        reads = _Counted(session.execute(select(AccessLogEntry.__table__)
                                         .order_by(AccessLogEntry.seq, AccessLogEntry.id)
                                         .execution_options(yield_per=BATCH)))
        found = _first_break(ACCESS_LOG, "rad", reads, _Head(head.seq, head.hash) if head else None, _read_link)
    return Verification(cases, events, reads.count, tuple(breaks + ([found] if found else [])))


@contextmanager
def _one_snapshot(db: Database) -> Iterator[Session]:
    """A read-only transaction whose every statement sees the same committed state, so that a
    row written between reading a head and reading its chain does not look inserted. SQLite's
    read transaction is one snapshot; PostgreSQL's is one only at REPEATABLE READ."""
    if db.is_sqlite:
        with db.snapshot() as session:
            yield session
        return
    engine = db.engine.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
    with Session(engine) as session, session.begin():
        yield session


class _Counted:
    """Rows streamed through the check, counted as they pass (up to a break, if there is one)."""

    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def verify_case(session: Session, case: Case) -> Break | None:
    """The first break in one case's history chain, or None if it is whole."""
    head = session.get(HistoryHead, case.id)
    rows = session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case.id)
                           .order_by(HistoryEvent.seq, HistoryEvent.id)).all()
    disposed = session.get(Disposal, case.id) is not None
    return _first_break(case.diary_number, "händelse", rows, _Head(head.seq, head.hash) if head else None,
                        _event_link(case.diary_number, disposed))


def _verify_histories(session: Session) -> tuple[list[Break], int, int]:
    """Each case's events beside its head, both read in case order in one pass, as plain rows
    (ORM objects of millions of events would all stay in the session)."""
    cases = session.execute(
        select(Case.id, Case.diary_number, HistoryHead.seq, HistoryHead.hash, Disposal.case_id.label("disposed"))
        .outerjoin(HistoryHead, HistoryHead.case_id == Case.id).outerjoin(Disposal, Disposal.case_id == Case.id)
        .order_by(Case.id).execution_options(yield_per=BATCH))
    by_case = groupby(session.execute(select(HistoryEvent.__table__)
                                      .order_by(HistoryEvent.case_id, HistoryEvent.seq, HistoryEvent.id)
                                      .execution_options(yield_per=BATCH)), key=lambda e: e.case_id)
    breaks, case_count, event_count = [], 0, 0
    next_group = next(by_case, None)
    for case in cases:
        rows = []
        while next_group is not None and next_group[0] < case.id:  # of no case: only with the keys dropped
            next_group = next(by_case, None)
        if next_group is not None and next_group[0] == case.id:
            rows = list(next_group[1])
            next_group = next(by_case, None)
        case_count, event_count = case_count + 1, event_count + len(rows)
        head = _Head(case.seq, case.hash) if case.seq is not None else None
        link = _event_link(case.diary_number, case.disposed is not None)
        found = _first_break(case.diary_number, "händelse", rows, head, link)
        if found:
            breaks.append(found)
    return breaks, case_count, event_count


def _first_break(name: str, noun: str, rows: Iterable, head: _Head | None,
                 link: Callable[[str, object], str | Break]) -> Break | None:
    previous, expected, last = chain.GENESIS, 1, None
    for row in rows:
        if row.seq is None or row.seq < expected:
            return Break(name, row.seq, row.id, "inserted", f"{noun} {row.seq} finns redan i kedjan")
        if row.seq > expected:
            missing = f"{expected}" if row.seq == expected + 1 else f"{expected}–{row.seq - 1}"
            return Break(name, expected, None, "deleted", f"{noun} {missing} saknas")
        if head is None:
            return Break(name, None, None, "deleted", "kedjans sista länk (huvudet) saknas")
        if row.seq > head.seq:
            return Break(name, row.seq, row.id, "inserted",
                         f"{noun} {row.seq} har tillkommit efter kedjans sista länk ({head.seq})")
        expected_hash = link(previous, row)
        if isinstance(expected_hash, Break):
            return expected_hash
        if expected_hash != row.hash:
            return Break(name, row.seq, row.id, "edited", "innehållet stämmer inte med kedjan")
        previous, expected, last = row.hash, expected + 1, row.seq
    if head is not None and head.seq >= expected:
        missing = f"{expected}" if head.seq == expected else f"{expected}–{head.seq}"
        return Break(name, expected, None, "deleted", f"{noun} {missing} saknas i slutet av kedjan")
    if head is not None and last is not None and head.hash != previous:
        return Break(name, last, None, "edited", "kedjans sista länk stämmer inte med den sista raden")
    return None


def _event_link(name: str, disposed: bool) -> Callable[[str, object], str | Break]:
    def link(previous: str, event) -> str | Break:  # a HistoryEvent, or a row of its table
        if chain.is_erased(event.summary, event.before, event.after, event.actor):
            if not disposed:
                return Break(name, event.seq, event.id, "edited",
                             "innehållet är borttaget men ärendet är inte gallrat")
            payload = event.payload_digest
        else:
            payload = chain.payload_digest(event.summary, event.before, event.after, event.actor)
        return chain.event_hash(previous, event.case_id, event.seq, event.at, event.action, event.task, payload)
    return link


def _read_link(previous: str, read) -> str:  # a row of the access log
    return chain.read_hash(previous, read.seq, read.at, read.person_id, read.case_id, read.action)


# -- heads to write down outside the system ---------------------------------------------

@dataclass(frozen=True)
class Heads:
    access_log: tuple[int, str]  # seq, hash
    cases: dict[str, tuple[int, str]]  # diary number -> seq, hash

    def as_json(self) -> str:
        return json.dumps({"access_log": list(self.access_log),
                           "cases": {number: list(head) for number, head in sorted(self.cases.items())}},
                          ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    def digest(self) -> str:
        """One line to write down for all of it."""
        return chain.digest(self.as_json().encode("utf-8"))

    @classmethod
    def from_json(cls, text: str) -> "Heads":
        data = json.loads(text)
        return cls(tuple(data["access_log"]), {number: tuple(head) for number, head in data["cases"].items()})


def heads(db: Database) -> Heads:
    with db.snapshot() as session:
        log = session.get(AccessLogHead, ACCESS_LOG_HEAD)
        cases = {number: (seq, hash_) for number, seq, hash_ in session.execute(
            select(Case.diary_number, HistoryHead.seq, HistoryHead.hash)
            .join(HistoryHead, HistoryHead.case_id == Case.id))}
    return Heads((log.seq, log.hash), cases)


def check_written_heads(db: Database, written: Heads) -> list[Break]:
    """Whether each head written down earlier is still a link of its chain: what was there
    then is unchanged, however the rows after it and the heads in the database were rewritten."""
    breaks = []
    with db.snapshot() as session:
        seq, hash_ = written.access_log
        if seq:
            found = session.scalar(select(AccessLogEntry.hash).where(AccessLogEntry.seq == seq))
            if found != hash_:
                breaks.append(_unlike_written(ACCESS_LOG, seq, found))
        items = sorted(written.cases.items())
        for start in range(0, len(items), 500):
            batch = items[start:start + 500]
            found = {(number, seq): hash_ for number, seq, hash_ in session.execute(
                select(Case.diary_number, HistoryEvent.seq, HistoryEvent.hash)
                .join(Case, Case.id == HistoryEvent.case_id)
                .where(tuple_(Case.diary_number, HistoryEvent.seq).in_([(n, s) for n, (s, _) in batch])))}
            breaks += [_unlike_written(number, seq, found.get((number, seq)))
                       for number, (seq, hash_) in batch if found.get((number, seq)) != hash_]
    return breaks


def _unlike_written(name: str, seq: int, found: str | None) -> Break:
    if found is None:
        return Break(name, seq, None, "deleted", "den nedskrivna länken finns inte längre")
    return Break(name, seq, None, "edited", "kedjan skiljer sig från den nedskrivna länken")
