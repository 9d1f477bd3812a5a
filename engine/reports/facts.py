"""The statistics tables: what each case counts as, kept in the same transaction as each step.

A case type's `statistics` says where in the case's data each fact is (engine/casetypes.py).
This module keeps the case's row of `case_facts` and its category marks (`case_marks`) equal
to them, so that reports count in the database without reading a case.
"""
from __future__ import annotations

from datetime import date
from typing import Mapping

from sqlalchemy import Date, bindparam, delete, insert
from sqlalchemy.orm import Session

from engine.casetypes import CaseType
from engine.db import insert_or
from engine.errors import LexflowError
from engine.models import Case, CaseFacts, CaseMark

MARKS = "categories"  # the statistic whose values become marks rather than a column
# What a case is counted by, from the case itself; marks repeat them.
COUNTED_BY = ("case_type", "unit_id", "received_on", "concerns_person_id")
COLUMNS = tuple(column.name for column in CaseFacts.__table__.columns
                if column.name not in ("case_id", "category_count", *COUNTED_BY))
DATE_COLUMNS = frozenset(column.name for column in CaseFacts.__table__.columns if isinstance(column.type, Date))

# Run in every step: built once (engine/db.py).
_FORGET_MARKS = delete(CaseMark.__table__).where(CaseMark.case_id == bindparam("case"))


def record(session: Session, case: Case, case_type: CaseType) -> None:
    """Write what the case counts as now; the case row must have its id. Written over rather
    than read and compared: it is a step's cheapest part that way."""
    found = facts(case.data, case_type.statistics)
    categories = sorted(set(found.pop(MARKS, None) or ()))
    counted_by = {name: getattr(case, name) for name in COUNTED_BY}
    row = {**counted_by, **{column: found.get(column) for column in COLUMNS}, "category_count": len(categories)}
    upsert = insert_or(session, CaseFacts.__table__).values(case_id=case.id, **row)
    session.execute(upsert.on_conflict_do_update(index_elements=["case_id"], set_=row))
    session.execute(_FORGET_MARKS, {"case": case.id})
    if categories:
        session.execute(insert(CaseMark.__table__),
                        [{"case_id": case.id, "category": category, **counted_by} for category in categories])


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
