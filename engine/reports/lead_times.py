"""Lead times and deadlines: how long cases took from the report to each step, how often a
deadline was kept, and where cases ran late.

Lead times are counted in days from the report date to the date entered at the step (the
register date, the decision date ...), as the forms record them. Whether a deadline was kept
is what the case records (the `deadlines` table: met, late, or still open).
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, replace
from itertools import accumulate
from statistics import fmean

from sqlalchemy import case, func, or_, select

from engine.models import CaseFacts, Deadline
from engine.reports.compilations import UNIT
from engine.reports.source import Source
from engine.reports.tables import Label, Table

STATISTICS = (Label("count", "Antal"), Label("mean", "Medel"), Label("median", "Median"), Label("max", "Längst"))
OUTCOMES = (
    Label("met", "Klart inom fristen"),
    Label("late", "Klart efter fristen"),
    Label("overdue", "Inte klart, fristen har passerat"),
    Label("pending", "Inte klart, inom fristen"),
)
# A deadline may guard several steps of a case (a complaint must be registered and answered
# within the same 14 days). The case's outcome is that of the step still open, if any, else
# the worst of the steps done: kept only if kept at each.
PRECEDENCE = ("overdue", "pending", "late", "met")


@dataclass(frozen=True)
class Stage:
    """From the report date to the date of a step (a date column of case_facts)."""

    label: str
    case_type: str
    column: str


@dataclass(frozen=True)
class LeadTimeTable:
    """Days from the report date to each stage: how many cases reached it, mean, median, longest."""

    key: str
    title: str
    stages: tuple[Stage, ...]
    row_title: str = "Från rapport till"
    note: str = "Dagar från rapportdatum, för de ärenden som har nått steget."

    def compute(self, source: Source) -> Table:
        values = {}
        for stage in self.stages:
            for span, days in _days_reached(source, stage).items():
                values.update({(span, stage.label, "count"): days.count,
                               (span, stage.label, "mean"): round(days.mean, 1),
                               (span, stage.label, "median"): round(days.median, 1),
                               (span, stage.label, "max"): days.longest})
        for span in range(len(source.spans)):
            for stage in self.stages:
                values.setdefault((span, stage.label, "count"), 0)
        return Table(self.key, self.title, self.row_title, tuple(Label(s.label, s.label) for s in self.stages),
                     source.spans, values, columns=STATISTICS, totals=False, empty=None, note=self.note)


@dataclass(frozen=True)
class Days:
    """How many cases took how many days: (days, cases) in order of days."""

    counts: list[tuple[int, int]]

    @property
    def count(self) -> int:
        return sum(cases for _, cases in self.counts)

    @property
    def mean(self) -> float:
        return fmean([days for days, _ in self.counts], weights=[cases for _, cases in self.counts])

    @property
    def median(self) -> float:
        """The middle case's days, or the mean of the two middle ones."""
        reached = list(accumulate(cases for _, cases in self.counts))

        def nth(n: int) -> int:  # the days of the n-th case (from 1) in order of days
            return self.counts[bisect_left(reached, n)][0]

        return (nth((self.count + 1) // 2) + nth((self.count + 2) // 2)) / 2

    @property
    def longest(self) -> int:
        return self.counts[-1][0]


def _days_reached(source: Source, stage: Stage) -> dict[int, Days]:
    """Per period, the cases that reached the stage by their days from the report. The database
    counts the cases per number of days (a few hundred numbers, however many cases), so that it
    groups rather than sorts every case, and the statistics are worked out from those counts."""
    reached = getattr(CaseFacts, stage.column)
    span, days = source.span(), source.days_between(CaseFacts.received_on, reached)
    counts = defaultdict(list)
    for index, taken, cases in source.session.execute(
            select(span, days, func.count()).where(*source.counted(stage.case_type), source.in_a_span(),
                                                   reached.is_not(None))
            .group_by(span, days).order_by(span, days)):
        counts[index].append((taken, cases))
    return {index: Days(taken) for index, taken in counts.items()}


@dataclass(frozen=True)
class DeadlineTable:
    """How a deadline went for the cases received in each period, and the share kept of those
    whose outcome is known (done, or passed)."""

    key: str
    title: str
    case_type: str
    kind: str
    row_title: str = "Utfall"
    share_label: str = "Andel klara inom fristen, %"
    note: str = ""

    def compute(self, source: Source) -> Table:
        rank = case(*((_outcome(source, outcome), index) for index, outcome in enumerate(PRECEDENCE)))
        # Each case's outcome, from its deadlines of the kind in case order (ix_deadlines_kind_case_id);
        # then, each case's facts looked up by their key, the cases counted by period and outcome.
        per_case = (select(Deadline.case_id, func.min(rank).label("outcome")).where(Deadline.kind == self.kind)
                    .group_by(Deadline.case_id).subquery())
        span = source.span()
        counts = {(index, PRECEDENCE[outcome], None): count for index, outcome, count in source.session.execute(
            select(span, per_case.c.outcome, func.count()).join(CaseFacts, CaseFacts.case_id == per_case.c.case_id)
            .where(*source.counted(self.case_type, looked_up=True), source.in_a_span())
            .group_by(span, per_case.c.outcome))}
        table = Table(self.key, self.title, self.row_title, OUTCOMES, source.spans, counts, note=self.note)
        shares = tuple(_share(table, span) for span in range(len(source.spans)))
        return replace(table, extra_rows=((self.share_label, shares),))


def _outcome(source: Source, outcome: str):
    """A deadline row's outcome; an open deadline past its time counts as passed even before
    the scheduler has marked it."""
    passed = Deadline.due_at <= source.now
    return {
        "late": Deadline.status == "late",
        "overdue": or_(Deadline.status == "overdue", (Deadline.status == "pending") & passed),
        "pending": Deadline.status == "pending",
        "met": Deadline.status == "met",
    }[outcome]


def _share(table: Table, span: int) -> float | None:
    known = sum(table.value(span, key) for key in ("met", "late", "overdue"))
    return round(100 * table.value(span, "met") / known, 1) if known else None


@dataclass(frozen=True)
class OverdueTable:
    """Cases per unit and case type with a deadline missed: done after it, or still open after it."""

    key: str
    title: str
    case_types: dict[str, str]  # case type -> its name
    note: str = "Ärenden där någon frist har passerats, klara eller inte."

    def compute(self, source: Source) -> Table:
        missed = or_(_outcome(source, "late"), _outcome(source, "overdue"))
        span = source.span()
        counts = {(index, unit, case_type): count for index, unit, case_type, count in source.session.execute(
            select(span, CaseFacts.unit_id, CaseFacts.case_type, func.count(func.distinct(CaseFacts.case_id)))
            .join(Deadline, Deadline.case_id == CaseFacts.case_id)
            .where(*source.counted(*self.case_types), source.in_a_span(), missed)
            .group_by(span, CaseFacts.unit_id, CaseFacts.case_type))}
        return Table(self.key, self.title, UNIT.title, source.scope.units, source.spans, counts,
                     columns=tuple(Label(key, name) for key, name in self.case_types.items()), note=self.note)
