"""The committee's reports (shared/domain.md §6), counted in the database.

A report is sections of tables, each table a definition that knows how to compute itself
(compilations.CountTable, MarkTable, FigureTable; lead_times.LeadTimeTable, DeadlineTable,
OverdueTable; actions.ActionTable). Which tables the committee gets, with their Swedish
labels, is the case types' business: workflows/statistics.py. Counts come from `case_facts`
(facts.py), kept with every step, so that no report reads a case; none names a person or a
case, and each counts only what the person could read (scope.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from engine.clock import Clock
from engine.db import Database
from engine.reports.periods import ReportPeriod
from engine.reports.scope import scope_of
from engine.reports.source import Source
from engine.reports.tables import Table


class TableDefinition(Protocol):
    key: str
    title: str

    def compute(self, source: Source) -> Table:
        """The table for the source's periods and scope."""


@dataclass(frozen=True)
class Section:
    title: str
    tables: tuple[TableDefinition, ...]
    text: str = ""


@dataclass(frozen=True)
class ReportDefinition:
    key: str
    title: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class CompiledSection:
    title: str
    text: str
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    period: ReportPeriod
    units: tuple[str, ...]  # the names of the units counted
    all_units: bool
    sections: tuple[CompiledSection, ...]

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(table for section in self.sections for table in section.tables)

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


def compile_report(db: Database, clock: Clock, person: str, definition: ReportDefinition,
                   period: ReportPeriod) -> Report:
    """The report for the period, over the units whose cases the person may read; Forbidden if none.
    Statistics show no case, so nothing is logged as read."""
    with db.snapshot() as session:
        scope = scope_of(session, person)
        source = Source(session, period.spans(), scope, clock.now())
        sections = tuple(CompiledSection(section.title, section.text,
                                         tuple(table.compute(source) for table in section.tables))
                         for section in definition.sections)
    return Report(definition.key, definition.title, period, tuple(unit.label for unit in scope.units),
                  scope.all_units, sections)
