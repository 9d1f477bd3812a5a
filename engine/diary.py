"""Diary numbers: `<prefix>/<year>:<serial>`, serials without gaps or duplicates.

The counter row is incremented inside the filing transaction: concurrent filers queue on
the row lock, and a filing that rolls back takes its serial with it.
"""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from engine.db import insert_or
from engine.models import DiaryCounter


def next_diary_number(session: Session, prefix: str, year: int) -> str:
    session.execute(insert_or(session, DiaryCounter).values(prefix=prefix, year=year, last_serial=0)
                    .on_conflict_do_nothing())
    serial = session.execute(
        update(DiaryCounter)
        .where(DiaryCounter.prefix == prefix, DiaryCounter.year == year)
        .values(last_serial=DiaryCounter.last_serial + 1)
        .returning(DiaryCounter.last_serial)
    ).scalar_one()
    return f"{prefix}/{year}:{serial}"
