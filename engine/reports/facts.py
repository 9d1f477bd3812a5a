"""The statistics tables: what each case counts as, kept in the same transaction as each step.

A case type's `statistics` says where in the case's data each fact is (engine/casetypes.py).
This module keeps the case's row of `case_facts` and its category marks (`case_marks`) equal
to them, so that reports count in the database without reading a case.
"""
from __future__ import annotations

from datetime import date
from typing import Mapping

from sqlalchemy import Date, delete, insert, select
from sqlalchemy.orm import Session

from engine.casetypes import CaseType
from engine.errors import LexflowError
from engine.models import Case, CaseFacts, CaseMark

MARKS = "categories"  # the statistic whose values become marks rather than a column
# What a case is counted by, from the case itself; marks repeat them.
COUNTED_BY = ("case_type", "unit_id", "received_on", "concerns_person_id")
COLUMNS = tuple(column.name for column in CaseFacts.__table__.columns
                if column.name not in ("case_id", "category_count", *COUNTED_BY))
DATE_COLUMNS = frozenset(column.name for column in CaseFacts.__table__.columns if isinstance(column.type, Date))


def record(session: Session, case: Case, case_type: CaseType) -> None:
    """Write what the case counts as now; the case row must have its id."""
    found = facts(case.data, case_type.statistics)
    categories = sorted(set(found.pop(MARKS, None) or ()))
    counted_by = {name: getattr(case, name) for name in COUNTED_BY}
    row = session.get(CaseFacts, case.id)
    if row is None:
        row = CaseFacts(case_id=case.id)
        session.add(row)
    for name, value in {**counted_by, **{column: found.get(column) for column in COLUMNS},
                        "category_count": len(categories)}.items():
        setattr(row, name, value)
    marks = [{"case_id": case.id, "category": category, **counted_by} for category in categories]
    stored = session.execute(select(CaseMark.category, *(getattr(CaseMark, name) for name in COUNTED_BY))
                             .where(CaseMark.case_id == case.id).order_by(CaseMark.category)).all()
    if [tuple(row) for row in stored] != [(mark["category"], *counted_by.values()) for mark in marks]:
        session.execute(delete(CaseMark).where(CaseMark.case_id == case.id))
        if marks:
            session.execute(insert(CaseMark), marks)


def facts(data: dict, statistics: Mapping[str, tuple[str, ...]]) -> dict:
    """Each statistic's value in the case's data: from the first of its places that is filled in."""
    found = {}
    for name, places in statistics.items():
        if name != MARKS and name not in COLUMNS:
            raise LexflowError(f"okänd statistik {name!r}; finns: {', '.join((*COLUMNS, MARKS))}")
        value = next((value for value in (_at(data, place) for place in places) if value not in (None, "", [])),
                     None)
        if name == MARKS and isinstance(value, str):
            value = [value]
        elif name in DATE_COLUMNS and value is not None:
            value = date.fromisoformat(value)
        found[name] = value
    return found


def _at(data: dict, place: str):
    form, _, field = place.partition(".")
    return (data.get(form) or {}).get(field)
