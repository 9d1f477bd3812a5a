"""The committee's reports as people read them: numbers written the Swedish way, CSV that
Excel opens in Swedish, bar charts drawn as SVG on the server, and the printable document
(WeasyPrint, as the IVO documents). Pages, the API and the command line all start from a
table's layout (engine/reports/tables.py), so that they show the same cells."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask import current_app

from engine.reports import Report
from engine.reports.tables import Layout, Table, Value

# Excel in Swedish reads semicolons and decimal commas; the byte order mark tells it UTF-8.
CSV_DELIMITER = ";"
BOM = "\ufeff"
# Up to three periods: the oldest lightest, the chosen one in the brand colour.
SERIES_COLOURS = ("#9fb9cf", "#5f8db3", "#17476b", "#0f7b6c", "#b7791f", "#7a4fa3", "#b42318", "#4a5568",
                  "#2f855a", "#c05621")


def number(value: Value, grouped: bool = True) -> str:
    """12 345 and 12,5 as Swedish writes them; a dash where there is no value."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", "\u00a0") if grouped else str(value)


# -- CSV -------------------------------------------------------------------------------------

def table_csv(table: Table) -> str:
    out = io.StringIO()
    out.write(BOM)
    _write_table(csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n"), table.layout())
    return out.getvalue()


def report_csv(report: Report) -> str:
    """Every table of the report, each under its title, a blank line between."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([report.title, report.period.label])
    for table in report.tables:
        writer.writerow([])
        writer.writerow([table.title])
        _write_table(writer, table.layout())
    return out.getvalue()


def _write_table(writer, layout: Layout) -> None:
    writer.writerow([layout.row_title, *(column.heading for column in layout.columns)])
    for row in layout.rows:
        writer.writerow([row.label, *("" if value is None else number(value, grouped=False) for value in row.values)])


# -- charts ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    value: str
    colour: str


@dataclass(frozen=True)
class Group:
    label: str
    label_y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart: for each category, a bar per period, labelled with its value."""

    title: str
    unit: str
    legend: tuple[tuple[str, str, int], ...]  # (period, colour, x)
    groups: tuple[Group, ...]
    width: int
    height: int
    left: int


CHART_WIDTH, LEFT, RIGHT_ROOM = 640, 8, 56
BAR, BAR_GAP, LABEL_ROOM, GROUP_GAP, LEGEND_ROOM = 13, 2, 17, 10, 28


def chart_of(table: Table) -> Chart | None:
    """The table as bars: per column (its total) when it has columns and totals, else per row;
    lead times by their median. None when there is nothing to draw."""
    spans = range(len(table.spans))
    if table.columns and table.totals:
        categories = [(column.label, [table.column_total(span, column.key) for span in spans])
                      for column in table.columns]
        unit = "antal"
    elif table.columns:
        median = next((column.key for column in table.columns if column.key == "median"), None)
        if median is None:
            return None
        categories = [(row.label, [table.value(span, row.key, median) for span in spans]) for row in table.rows]
        unit = "median, dagar"
    else:
        categories = [(row.label, [table.value(span, row.key) for span in spans]) for row in table.rows]
        unit = "antal"
    largest = max((value for _, values in categories for value in values if value is not None), default=0)
    if not largest:
        return None
    scale = (CHART_WIDTH - LEFT - RIGHT_ROOM) / largest
    colours = SERIES_COLOURS[max(0, 3 - len(table.spans)):]
    groups, y = [], float(LEGEND_ROOM)
    for label, values in categories:
        label_y, y = y + LABEL_ROOM - 5, y + LABEL_ROOM
        bars = []
        for span, value in zip(spans, values):
            bars.append(Bar(y, (value or 0) * scale, number(value), colours[span % len(colours)]))
            y += BAR + BAR_GAP
        groups.append(Group(label, label_y, tuple(bars)))
        y += GROUP_GAP
    legend, x = [], LEFT
    for index, span in enumerate(table.spans):
        legend.append((span.label, colours[index % len(colours)], x))
        x += 30 + 7 * len(span.label)  # room for the swatch and about 7 px a character
    return Chart(table.title, unit, tuple(legend), tuple(groups), CHART_WIDTH, round(y), LEFT)


# -- the printable document -----------------------------------------------------------------------

def report_html(report: Report, organisation: str, today: str, scope: str) -> str:
    """The document stands alone (no page around it), so it is made without a request too:
    from the command line."""
    return current_app.jinja_env.get_template("statistics/document.html").render(
        report=report, organisation=organisation, today=today, scope=scope, chart_of=chart_of, number=number)


# -- the command line -------------------------------------------------------------------------------

def table_text(table: Table) -> str:
    """The table in aligned columns for a terminal, each period's name above its columns."""
    layout = table.layout()
    lines = [[layout.row_title, *(column.label for column in layout.columns)],
             *([row.label, *(number(value) for value in row.values)] for row in layout.rows)]
    widths = [max(len(line[index]) for line in lines) for index in range(len(lines[0]))]
    text = ["  ".join(cell.ljust(width) if index == 0 else cell.rjust(width)
                      for index, (cell, width) in enumerate(zip(line, widths))).rstrip() for line in lines]
    if layout.grouped:
        periods = widths[0]
        heading = ""
        for column, width in zip(layout.columns, widths[1:]):
            if column.first:
                heading = heading.ljust(periods + 2) + column.period
            periods += 2 + width
        text.insert(0, heading)
    return "\n".join([table.title, *text, *([table.note] if table.note else [])])
