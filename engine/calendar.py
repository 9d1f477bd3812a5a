"""Swedish calendar arithmetic for statutory deadlines.

Working days exclude weekends, public holidays and the de facto holidays
(midsommarafton, julafton, nyårsafton) as the `holidays` package defines them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

from engine.clock import STOCKHOLM

UNITS = ("days", "working_days", "months")


@lru_cache(maxsize=64)
def _swedish_holidays(year: int) -> holidays.HolidayBase:
    return holidays.Sweden(years=year, categories=("public", "de_facto"), language="sv")


def holiday_name(day: date) -> str | None:
    return _swedish_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


def add_working_days(start: date, count: int) -> date:
    day = start
    while count > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


@dataclass(frozen=True)
class Period:
    """A configurable deadline length: so many calendar days, working days or months."""

    amount: int
    unit: str

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"unknown period unit {self.unit!r}; use one of {', '.join(UNITS)}")
        if self.amount < 0:
            raise ValueError("a period cannot be negative")

    @classmethod
    def from_config(cls, value: dict) -> "Period":
        """Read `{working_days: 5}`, `{days: 14}` or `{months: 2}`."""
        if not isinstance(value, dict) or len(value) != 1:
            raise ValueError(f"a period is one of {', '.join(UNITS)} with a number, got {value!r}")
        ((unit, amount),) = value.items()
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise ValueError(f"the number of {unit} must be a whole number, got {amount!r}")
        return cls(amount, unit)

    def last_day(self, start: date) -> date:
        """The last day on which the deadline is still met."""
        if self.unit == "days":
            return start + timedelta(days=self.amount)
        if self.unit == "months":
            return start + relativedelta(months=self.amount)
        return add_working_days(start, self.amount)

    def due_at(self, start: date) -> datetime:
        """The deadline passes when the last day ends, Stockholm time."""
        return datetime.combine(self.last_day(start) + timedelta(days=1), time(0), STOCKHOLM)

    def describe(self) -> str:
        label = {"days": "dagar", "working_days": "arbetsdagar", "months": "månader"}[self.unit]
        return f"{self.amount} {label}"
