"""Listings over many cases, filtered in the database by what the person may read.

The rule is engine.access.sight, given to SQL by `access.sight_clauses`. Every case a
listing returns counts as a read and is logged in the same transaction; counts (the
overview) show no case and log nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, bindparam, case, exists, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from engine import access, history, paging, tracking
from engine.access import Sight
from engine.clock import Clock
from engine.db import Database
from engine.models import Case, Deadline, OpenTask, Unit
from engine.organisation import Directory
from engine.paging import Page


@dataclass(frozen=True)
class CaseFilter:
    """What to list; None means any. Dates are inclusive."""

    case_type: str | None = None
    status: str | None = None  # "open" or "closed"
    unit: str | None = None
    received_from: date | None = None
    received_to: date | None = None


@dataclass(frozen=True)
class CaseSummary:
    """One row of a listing. With STATUS sight (the reporter) the deadline fields are None."""

    id: int
    diary_number: str
    case_type: str
    unit: str
    unit_name: str
    status: str
    received_on: date
    sight: Sight
    steps: tuple[str, ...]  # titles of the ready tasks, oldest first
    next_due_at: datetime | None  # the soonest open deadline
    overdue: bool | None  # an open deadline has passed


@dataclass(frozen=True)
class CaseDeadline:
    """An open deadline and the case it runs in."""

    case_id: int
    diary_number: str
    kind: str
    label: str
    guarded_task: str
    due_at: datetime
    status: str  # pending or overdue


@dataclass(frozen=True)
class InboxTask:
    """A ready task the person may work, and what the inbox shows of its case."""

    diary_number: str
    case_type: str
    unit: str
    task: OpenTask
    deadline: Deadline | None  # the soonest open deadline that guards the task


@dataclass(frozen=True)
class UnitOverview:
    unit: str
    unit_name: str
    open_cases: int
    overdue_cases: int  # open cases with an open deadline that has passed


def list_cases(db: Database, clock: Clock, person: str, filters: CaseFilter = CaseFilter(),
               page: int = 1, page_size: int = 50) -> Page[CaseSummary]:
    """The cases the person may read that match the filters, newest received first.
    `page` counts from 1; `page_size` is at most paging.MAX_PAGE_SIZE."""
    paging.check(page, page_size)
    with history.reading(db) as session:
        directory = Directory(session)
        directory.person(person)
        sight = access.sight_clauses(directory, person)
        conditions = [sight.readable, *_conditions(session, filters)]
        total, exact = paging.count(session, select(Case.id).where(*conditions), page, page_size)
        # The page's ids first, so that the rest is asked of those cases alone.
        ids = list(session.scalars(select(Case.id).where(*conditions)
                                   .order_by(Case.received_on.desc(), Case.id.desc())
                                   .limit(page_size).offset((page - 1) * page_size)))
        # The status is asked inside min(), so that the deadlines are found by their case's index.
        next_due = (select(func.min(case((Deadline.status.in_(tracking.OPEN_DEADLINES), Deadline.due_at))))
                    .where(Deadline.case_id == Case.id).scalar_subquery())
        rows = {row.id: row for row in session.execute(
            select(Case.id, Case.diary_number, Case.case_type, Case.unit_id, Unit.name.label("unit_name"), Case.status,
                   Case.received_on, sight.full.label("full"), next_due.label("next_due_at"))
            .join(Unit, Unit.id == Case.unit_id).where(Case.id.in_(ids)))}
        steps = _steps(session, ids)
        now = clock.now()
        history.record_reads(session, ids, now, person, "list")
        summaries = [_summary(rows[case_id], steps.get(case_id, ()), now) for case_id in ids]
        return Page(summaries, total, exact, page, page_size)


def list_deadlines(db: Database, clock: Clock, person: str, overdue: bool = False,
                   page: int = 1, page_size: int = 50) -> Page[CaseDeadline]:
    """Open deadlines in the cases the person sees in full, soonest first; with `overdue`,
    only those that have passed. Each case listed is logged as read."""
    paging.check(page, page_size)
    with history.reading(db) as session:
        directory = Directory(session)
        directory.person(person)
        now = clock.now()
        conditions = [Deadline.status.in_(tracking.OPEN_DEADLINES), access.sight_clauses(directory, person).full]
        if overdue:
            conditions.append(Deadline.due_at <= now)
        found = (select(Case.id, Case.diary_number, Deadline.kind, Deadline.label, Deadline.guarded_task,
                        Deadline.due_at, Deadline.status).join(Deadline, Deadline.case_id == Case.id).where(*conditions))
        total, exact = paging.count(session, found.with_only_columns(Deadline.id), page, page_size)
        deadlines = [CaseDeadline(*row) for row in session.execute(
            found.order_by(Deadline.due_at, Deadline.id).limit(page_size).offset((page - 1) * page_size))]
        history.record_reads(session, list(dict.fromkeys(d.case_id for d in deadlines)), now, person, "deadlines")
        return Page(deadlines, total, exact, page, page_size)


def list_tasks(db: Database, clock: Clock, person: str, page: int = 1, page_size: int = 50) -> Page[InboxTask]:
    """The inbox: the ready tasks the person may work, most urgent first. Those with a deadline
    come by its due time, so the overdue come first (the longest overdue first), then the
    soonest due; then the tasks without one, the longest waiting first. Each case listed is
    logged as read."""
    paging.check(page, page_size)
    with history.reading(db) as session:
        directory = Directory(session)
        directory.person(person)
        # The soonest open deadline that guards the task, found by its case's index.
        soonest = (select(Deadline.id).where(Deadline.case_id == OpenTask.case_id,
                                             Deadline.guarded_task == OpenTask.name,
                                             Deadline.status.in_(tracking.OPEN_DEADLINES))
                   .order_by(Deadline.due_at, Deadline.id).limit(1).correlate(OpenTask).scalar_subquery())
        found = (select(Case.diary_number, Case.case_type, Case.unit_id, OpenTask)
                 .join(Case, Case.id == OpenTask.case_id).where(access.work_clause(directory, person)))
        total, exact = paging.count(session, found.with_only_columns(OpenTask.id), page, page_size)
        rows = session.execute(found.add_columns(Deadline).outerjoin(Deadline, Deadline.id == soonest)
                               .order_by(Deadline.due_at.asc().nulls_last(), OpenTask.ready_since, Case.id,
                                         OpenTask.id)
                               .limit(page_size).offset((page - 1) * page_size)).all()
        case_ids = list(dict.fromkeys(row.OpenTask.case_id for row in rows))
        history.record_reads(session, case_ids, clock.now(), person, "tasks")
        return Page([InboxTask(*row) for row in rows], total, exact, page, page_size)


def overview(db: Database, clock: Clock, person: str, case_type: str | None = None,
             unit: str | None = None) -> list[UnitOverview]:
    """Per unit, the open cases the person sees in full and how many of them are overdue,
    by unit name. Units without open cases are left out."""
    with history.reading(db) as session:
        directory = Directory(session)
        directory.person(person)
        overdue = exists().where(Deadline.case_id == Case.id, Deadline.status.in_(tracking.OPEN_DEADLINES),
                                 Deadline.due_at <= clock.now())
        query = (select(Case.unit_id, Unit.name, func.count(Case.id), func.count(Case.id).filter(overdue))
                 .join(Unit, Unit.id == Case.unit_id)
                 .where(access.sight_clauses(directory, person).full,
                        *_conditions(session, CaseFilter(case_type=case_type, status="open", unit=unit)))
                 .group_by(Case.unit_id, Unit.name).order_by(Unit.name))
        return [UnitOverview(unit_id, name, count, overdue_count)
                for unit_id, name, count, overdue_count in session.execute(query)]


def _summary(row, steps: tuple[str, ...], now: datetime) -> CaseSummary:
    if not row.full:
        return CaseSummary(row.id, row.diary_number, row.case_type, row.unit_id, row.unit_name, row.status,
                           row.received_on, Sight.STATUS, steps, None, None)
    return CaseSummary(row.id, row.diary_number, row.case_type, row.unit_id, row.unit_name, row.status,
                       row.received_on, Sight.FULL, steps, row.next_due_at,
                       row.next_due_at is not None and row.next_due_at <= now)


def _conditions(session: Session, filters: CaseFilter) -> list[ColumnElement[bool]]:
    conditions = []
    for column, value in ((Case.case_type, filters.case_type), (Case.status, filters.status),
                          (Case.unit_id, filters.unit)):
        if value is not None:
            conditions.append(_not_by_its_index(session, column) == value)
    if filters.received_from is not None:
        conditions.append(Case.received_on >= filters.received_from)
    if filters.received_to is not None:
        conditions.append(Case.received_on <= filters.received_to)
    return conditions


def _not_by_its_index(session: Session, column):
    """SQLite, which keeps no statistics unless told to ANALYZE, would answer `unit_id = ?` from
    that column's own index and then read each matching case from the table, where a row is
    about a page long; a unary + (SQLite's idiom for this) leaves it the listing index
    (ix_cases_listing), which holds all that a listing asks."""
    if session.get_bind().dialect.name != "sqlite":
        return column
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


# Asked by every listing: built once (engine/db.py).
_STEPS = (select(OpenTask.case_id, OpenTask.title).where(OpenTask.case_id.in_(bindparam("cases", expanding=True)))
          .order_by(OpenTask.ready_since, OpenTask.id))


def _steps(session, case_ids: list[int]) -> dict[int, tuple[str, ...]]:
    steps: dict[int, tuple[str, ...]] = {}
    for case_id, title in session.execute(_STEPS, {"cases": case_ids}):
        steps[case_id] = (*steps.get(case_id, ()), title)
    return steps
