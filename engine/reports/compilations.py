"""Compilations: how many cases were received in each period, counted by unit, department or
any fact of the case (its type, who submitted it, its assessment, its risk level ...), with
every value shown, zeros too, and totals per row and column.

The database counts: one grouped query per case type gives the counts per unit and fact for
every period at once, and each table adds up the groups it needs (a few hundred numbers,
never a case). It groups by the leading columns of the covering index, in their order, so
that the database counts in one pass over the index without sorting.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Mapping

from sqlalchemy import Select, select

from engine.models import CaseFacts, CaseMark
from engine.reports.source import Source
from engine.reports.tables import Key, Label, Table

UNIT_COLUMN, DEPARTMENT_COLUMN, CASE_TYPE_COLUMN = "unit_id", "department", "case_type"
# The facts a case is counted by; the grouped query groups by all of them (a case type leaves
# the others empty), in the order of ix_case_facts_counts.
FACT_COLUMNS = ("feedback_type", "submitter_category", "assessment", "risk_level", "route", "gender")
GROUPS = ("unit_id", "concerns_person_id", *FACT_COLUMNS, "category_count")


@dataclass(frozen=True)
class Dimension:
    """What a table's rows or columns are: a fact of the case (a column of case_facts) and the
    labels of its values, in order. Units and departments are the organisation's, those the
    person's statistics cover. `missing` labels the cases without a value yet (not yet
    assessed, say), so that the totals still count every case received."""

    column: str
    title: str
    options: Mapping[str, str] = field(default_factory=dict)
    missing: str | None = None

    def labels(self, source: Source, found: set[Key]) -> tuple[Label, ...]:
        if self.column == UNIT_COLUMN:
            labels = source.scope.units
        elif self.column == DEPARTMENT_COLUMN:
            labels = source.scope.departments
        else:
            labels = tuple(Label(key, label) for key, label in self.options.items())
        known = {label.key for label in labels}
        # A value no longer offered still counts, under its own name, so that the totals hold.
        unknown = tuple(Label(key, str(key)) for key in sorted(k for k in found - known if k is not None))
        if self.missing:
            return labels + unknown + (Label(None, self.missing),)
        return labels + unknown + ((Label(None, "Uppgift saknas"),) if None in found else ())


UNIT = Dimension(UNIT_COLUMN, "Enhet")
DEPARTMENT = Dimension(DEPARTMENT_COLUMN, "Avdelning")


@dataclass(frozen=True)
class CountTable:
    """Cases received per period by `rows` and, if given, by `columns`."""

    key: str
    title: str
    case_types: tuple[str, ...]
    rows: Dimension
    columns: Dimension | None = None
    note: str = ""

    def compute(self, source: Source) -> Table:
        counts: Counter = Counter()
        for case_type in self.case_types:
            for facts, per_span in grouped(source, case_type):
                column = facts[self.columns.column] if self.columns else None
                for span, count in enumerate(per_span):
                    counts[(span, facts[self.rows.column], column)] += count
        rows_found = {row for _, row, _ in counts}
        columns_found = {column for _, _, column in counts}
        return Table(self.key, self.title, self.rows.title, self.rows.labels(source, rows_found), source.spans,
                     counts, columns=self.columns.labels(source, columns_found) if self.columns else (),
                     note=self.note)


@dataclass(frozen=True)
class Figure:
    """How many cases of a type were received (no column), have a fact (its column filled in, or
    equal to `value`), or reached a step (its date column filled in)."""

    label: str
    case_type: str
    column: str | None = None
    value: str | None = None

    @property
    def of_a_step(self) -> bool:
        return self.column is not None and self.column not in FACT_COLUMNS

    def counts(self, facts: dict) -> bool:
        """Whether a group of grouped() has the fact counted."""
        if self.column is None:
            return True
        return facts[self.column] is not None and self.value in (None, facts[self.column])


@dataclass(frozen=True)
class FigureTable:
    """Key figures per period. They overlap (received, of which assessed ...), so no sum. Facts
    are counted from the grouped counts; the steps reached in one query per case type."""

    key: str
    title: str
    figures: tuple[Figure, ...]
    row_title: str = "Antal ärenden"
    note: str = ""

    def compute(self, source: Source) -> Table:
        counts: Counter = Counter()
        for figure in self.figures:
            if figure.of_a_step:
                continue
            for facts, per_span in grouped(source, figure.case_type):
                if figure.counts(facts):
                    for span, count in enumerate(per_span):
                        counts[(span, figure.label, None)] += count
        for case_type in dict.fromkeys(figure.case_type for figure in self.figures if figure.of_a_step):
            steps = [figure for figure in self.figures if figure.of_a_step and figure.case_type == case_type]
            found = source.session.execute(
                select(*(count for figure in steps
                         for count in source.per_span(getattr(CaseFacts, figure.column).is_not(None))))
                .where(*source.counted(case_type))).one()
            spans = len(source.spans)
            counts.update({(span, figure.label, None): found[index * spans + span]
                           for index, figure in enumerate(steps) for span in range(spans)})
        return Table(self.key, self.title, self.row_title, tuple(Label(f.label, f.label) for f in self.figures),
                     source.spans, counts, totals=False, note=self.note)


@dataclass(frozen=True)
class MarkTable:
    """The categories cases are marked with, per period. A case with several categories counts
    in each, so the marks add up to more than the cases; the table says how many cases too."""

    key: str
    title: str
    case_type: str
    categories: Dimension
    cases_label: str = "Antal ärenden med kategori"
    note: str = ""

    def compute(self, source: Source) -> Table:
        marks = {(span, category, None): count for category, *per_span in source.session.execute(
            select(CaseMark.category, *source.per_span(counted=CaseMark))
            .where(*source.counted(self.case_type, counted=CaseMark)).group_by(CaseMark.category))
            for span, count in enumerate(per_span)}
        cases = [0] * len(source.spans)
        for facts, per_span in grouped(source, self.case_type):
            if facts["category_count"]:
                cases = [total + count for total, count in zip(cases, per_span)]
        categories = self.categories.labels(source, {category for _, category, _ in marks})
        return Table(self.key, self.title, self.categories.title, categories, source.spans, marks,
                     note=self.note, total_label="Summa markeringar", extra_rows=((self.cases_label, tuple(cases)),))


def grouped_query(source: Source, case_type: str) -> Select:
    columns = [getattr(CaseFacts, name) for name in GROUPS]
    return select(*columns, *source.per_span()).where(*source.counted(case_type)).group_by(*columns)


def grouped(source: Source, case_type: str) -> list[tuple[dict, tuple[int, ...]]]:
    """Cases of a type per unit and fact, counted for each period: (facts by name, counts)."""
    def query():
        found = []
        for row in source.session.execute(grouped_query(source, case_type)):
            facts = dict(zip(GROUPS, row))
            facts.update({DEPARTMENT_COLUMN: source.scope.department_of[facts[UNIT_COLUMN]],
                          CASE_TYPE_COLUMN: case_type})
            found.append((facts, tuple(row[len(GROUPS):])))
        return found
    return source.once(("grouped", case_type), query)
