"""The periods the committee's reports cover: a tertial (T1 January–April, T2 May–August,
T3 September–December), the interim report (delår, January–August), the whole year (helår),
or any range of dates; with the same period of earlier years beside it.

Cases are counted by the date they were received (the report date), a Stockholm date: a case
received 2026-04-30 falls in T1, one received 2026-05-01 in T2.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from engine.errors import InvalidData

# kind -> (first month, last month, name)
KINDS = {
    "T1": (1, 4, "T1"),
    "T2": (5, 8, "T2"),
    "T3": (9, 12, "T3"),
    "delar": (1, 8, "Delår"),
    "helar": (1, 12, "Helår"),
}
RANGE = "range"
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_YEARS = 10


@dataclass(frozen=True)
class Span:
    """One column of years side by side: the dates it covers, both included."""

    label: str
    start: date
    end: date


@dataclass(frozen=True)
class ReportPeriod:
    """What to compile: a kind of period in a year, or a range of dates, and how many years to
    show side by side (this one and those before it)."""

    kind: str
    year: int | None = None
    start: date | None = None
    end: date | None = None
    years: int = 1

    @classmethod
    def of(cls, kind: str, year: int | None = None, start: date | None = None, end: date | None = None,
           years: int = 1) -> "ReportPeriod":
        """A checked period; InvalidData names each field that is wrong."""
        errors = {}
        if kind not in (*KINDS, RANGE):
            errors["period"] = [f"Välj en av: {', '.join((*KINDS, RANGE))}."]
        elif kind == RANGE:
            if start is None:
                errors["from"] = ["Ange första datum (ÅÅÅÅ-MM-DD)."]
            if end is None:
                errors["to"] = ["Ange sista datum (ÅÅÅÅ-MM-DD)."]
            if start and end and end < start:
                errors["to"] = ["Sista datum kan inte vara före första datum."]
            # Longer ranges would overlap the same range a year earlier.
            elif start and end and end >= start + relativedelta(years=1):
                errors["to"] = ["En period kan vara högst ett år lång."]
            for name, day in (("from", start), ("to", end)):
                if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
                    errors.setdefault(name, [f"Välj ett datum från år {FIRST_YEAR} till {LAST_YEAR}."])
        elif year is None:
            errors["year"] = ["Ange år."]
        elif not FIRST_YEAR <= year <= LAST_YEAR:
            errors["year"] = [f"Välj ett år från {FIRST_YEAR} till {LAST_YEAR}."]
        # The earliest year shown, when what it is shown from is right.
        first_year = None if errors else year if kind in KINDS else start.year if start else None
        if not 1 <= years <= MAX_YEARS:
            errors["years"] = [f"Välj från 1 till {MAX_YEARS} år."]
        elif first_year is not None and first_year - years + 1 < FIRST_YEAR:
            errors["years"] = [f"Det tidigaste året som kan visas är {FIRST_YEAR}."]
        if errors:
            raise InvalidData(errors)
        if kind == RANGE:
            return cls(kind, start=start, end=end, years=years)
        return cls(kind, year=year, years=years)

    @classmethod
    def year_of(cls, year: int, years: int = 1) -> "ReportPeriod":
        return cls.of("helar", year=year, years=years)

    def spans(self) -> tuple[Span, ...]:
        """The period in each year shown, oldest first."""
        return tuple(self._span(back) for back in range(self.years - 1, -1, -1))

    @property
    def label(self) -> str:
        return self.spans()[-1].label

    def _span(self, years_back: int) -> Span:
        if self.kind == RANGE:
            start = self.start - relativedelta(years=years_back)
            end = self.end - relativedelta(years=years_back)
            return Span(f"{start.isoformat()}–{end.isoformat()}", start, end)
        first, last, name = KINDS[self.kind]
        year = self.year - years_back
        return Span(f"{name} {year}", date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]))
