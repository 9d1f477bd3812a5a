"""A compiled table, and its layout: the one shape that pages, CSV, PDF, the API and the
command line all show, so that they agree to the cell.

A table has rows and, for each period (years side by side), either one value per row or a
group of columns. Counts get a total per row (Summa) and per column (the Summa row); counts
that overlap (received, of which assessed) and figures such as lead times get none.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from engine.reports.periods import Span

TOTAL = "Summa"
Key = str | None  # None: a case with no value yet (not yet assessed, say)
Value = int | float | None


@dataclass(frozen=True)
class Label:
    key: Key
    label: str


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    row_title: str
    rows: tuple[Label, ...]
    spans: tuple[Span, ...]
    # (span index, row key, column key) -> value; the column key is None without columns.
    values: Mapping[tuple[int, Key, Key], Value]
    columns: tuple[Label, ...] = ()
    totals: bool = True
    empty: Value = 0  # the value of a cell nothing was found for: None where 0 would be a figure
    note: str = ""
    # Lines under a table without columns that are not part of its sum, e.g. how many reports
    # the category marks come from: (label, one value per span).
    extra_rows: tuple[tuple[str, tuple[Value, ...]], ...] = ()
    total_label: str = TOTAL

    def value(self, span: int, row: Key, column: Key = None) -> Value:
        return self.values.get((span, row, column), self.empty)

    def row_total(self, span: int, row: Key) -> int:
        return sum(self.value(span, row, column.key) for column in self.columns)

    def column_total(self, span: int, column: Key = None) -> int:
        return sum(self.value(span, row.key, column) for row in self.rows)

    def total(self, span: int) -> int:
        if not self.columns:
            return self.column_total(span)
        return sum(self.column_total(span, column.key) for column in self.columns)

    def layout(self) -> "Layout":
        if self.columns:
            columns = [LayoutColumn(span.label, column.key, column.label, index == 0)
                       for span in self.spans for index, column in enumerate(self.columns)]
            if self.totals:
                # After each period's columns, their sum.
                step = len(self.columns)
                columns = [column for start in range(0, len(columns), step)
                           for column in (*columns[start:start + step],
                                          LayoutColumn(columns[start].period, None, TOTAL, False, total=True))]
        else:
            columns = [LayoutColumn(span.label, None, span.label, True) for span in self.spans]
        rows = [LayoutRow(row.key, row.label, "row", self._line(row.key)) for row in self.rows]
        if self.totals:
            rows.append(LayoutRow(None, self.total_label, "total", self._total_line()))
        rows += [LayoutRow(None, label, "extra", list(values)) for label, values in self.extra_rows]
        return Layout(self.row_title, columns, rows, grouped=bool(self.columns))

    def _line(self, row: Key) -> list[Value]:
        """A row's values, period by period: its columns and, with totals, their sum."""
        if not self.columns:
            return [self.value(span, row) for span in range(len(self.spans))]
        return [value for span in range(len(self.spans))
                for value in (*(self.value(span, row, column.key) for column in self.columns),
                              *((self.row_total(span, row),) if self.totals else ()))]

    def _total_line(self) -> list[Value]:
        if not self.columns:
            return [self.total(span) for span in range(len(self.spans))]
        return [value for span in range(len(self.spans))
                for value in (*(self.column_total(span, column.key) for column in self.columns), self.total(span))]


@dataclass(frozen=True)
class LayoutColumn:
    period: str
    key: Key
    label: str
    first: bool  # the first of its period's columns
    total: bool = False  # the sum of its period's columns

    @property
    def heading(self) -> str:
        """The column's name on one line, e.g. "T1 2026 Beröm", as CSV needs it."""
        return self.label if self.label == self.period else f"{self.period} {self.label}"


@dataclass(frozen=True)
class LayoutRow:
    key: Key
    label: str
    kind: str  # row | total | extra
    values: list[Value]


@dataclass(frozen=True)
class Layout:
    row_title: str
    columns: list[LayoutColumn]
    rows: list[LayoutRow]
    grouped: bool  # a group of columns per period, under the period's name

    def cells(self, row: LayoutRow) -> list[tuple[Value, LayoutColumn]]:
        return list(zip(row.values, self.columns))

    def groups(self) -> list[tuple[str, int]]:
        """Each period's name and how many columns it spans, left to right."""
        found: list[tuple[str, int]] = []
        for column in self.columns:
            if found and found[-1][0] == column.period:
                found[-1] = (column.period, found[-1][1] + 1)
            else:
                found.append((column.period, 1))
        return found
