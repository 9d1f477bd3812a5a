"""Diary numbers: `<prefix>/<year>:<serial>`, serials without gaps or duplicates.

The counter row is incremented inside the filing transaction: concurrent filers queue on
the row lock, and a filing that rolls back takes its serial with it.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from engine.db import insert_or
from engine.models import DiaryCounter


def next_diary_number(session: Session, prefix: str, year: int) -> str:
    # One statement: the year's first filing makes the row, each later one counts it up.
    serial = session.execute(
        insert_or(session, DiaryCounter).values(prefix=prefix, year=year, last_serial=1)
        .on_conflict_do_update(index_elements=["prefix", "year"],
                               set_={"last_serial": DiaryCounter.last_serial + 1})
        .returning(DiaryCounter.last_serial)
    ).scalar_one()
    return f"{prefix}/{year}:{serial}"
