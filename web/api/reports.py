"""/api/v1/reports: the committee's reports as data: the compilation per period, lead times and
deadlines, and the quality report, each for a period and the same period of earlier years.

Statistics hold no names and no diary numbers; they count the cases of the units whose cases
the token's person may read (engine/reports/scope.py), and show no case, so nothing is logged
as read.
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.errors import InvalidData
from engine.reports import compile_report
from engine.reports.periods import FIRST_YEAR, KINDS, LAST_YEAR, MAX_YEARS, RANGE, ReportPeriod
from web.api.cases import QUERY, errors
from web.api.blueprint import api_blueprint
from web.api.tokens import person
from web.services import services
from workflows.statistics import REPORTS

blp = api_blueprint("api_reports",
                    "Statistik till nämnden: sammanställning, ledtider och frister, kvalitetsberättelse.")

REPORT = {"in": "path", "name": "report", "schema": {"type": "string", "enum": list(REPORTS)},
          "description": "compilation (Sammanställning till nämnden), lead_times (Ledtider och frister) or "
                         "quality_report (Kvalitetsberättelse)."}


# -- requests ----------------------------------------------------------------------

class PeriodQuerySchema(Schema):
    period = fields.String(load_default="helar", validate=validate.OneOf([*KINDS, RANGE]), metadata={
        "description": "T1 (January–April), T2 (May–August), T3 (September–December), delar (January–August), "
                       "helar (the whole year) or range (from and to)."})
    year = fields.Integer(validate=validate.Range(min=FIRST_YEAR, max=LAST_YEAR),
                          metadata={"description": "The year of the period (default: this year); not for range."})
    years = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_YEARS),
                           metadata={"description": "How many years side by side: this one and those before."})
    from_ = fields.Date(data_key="from", metadata={"description": "First day of a range (YYYY-MM-DD)."})
    to = fields.Date(metadata={"description": "Last day of a range (YYYY-MM-DD); at most a year after from."})

    @validates_schema
    def _a_period(self, data, **_):
        kind = data.get("period", "helar")
        year = data.get("year") or (None if kind == RANGE else services().clock.today().year)
        try:
            data["checked"] = ReportPeriod.of(kind, year, data.get("from_"), data.get("to"), data.get("years", 1))
        except InvalidData as error:
            raise ValidationError(error.errors) from error


# -- responses ---------------------------------------------------------------------

class Number(fields.Raw):
    """A count, or a figure such as mean days; null where there is none."""

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, metadata={"type": "number", "nullable": True}, **kwargs)


class PeriodSchema(Schema):
    label = fields.String(required=True, metadata={"description": "e.g. T1 2026"})
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")


class ColumnSchema(Schema):
    period = fields.String(required=True, metadata={"description": "The label of the period the column is in."})
    key = fields.String(required=True, allow_none=True,
                        metadata={"description": "The value counted, e.g. complaint; null for cases without one "
                                                 "(Ej bedömd) or for the sum."})
    label = fields.String(required=True)
    total = fields.Boolean(required=True, metadata={"description": "The sum of the period's columns."})


class RowSchema(Schema):
    key = fields.String(required=True, allow_none=True)
    label = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["row", "total", "extra"]),
                         metadata={"description": "row; total (Summa); extra, a line not in the sum."})
    values = fields.List(Number(), required=True, metadata={"description": "One per column, in order."})


class TableSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    note = fields.String(required=True)
    row_title = fields.String(required=True)
    columns = fields.List(fields.Nested(ColumnSchema), required=True)
    rows = fields.List(fields.Nested(RowSchema), required=True)


class SectionSchema(Schema):
    title = fields.String(required=True)
    text = fields.String(required=True)
    tables = fields.List(fields.Nested(TableSchema), required=True)


class ReportSchema(Schema):
    key = fields.String(required=True)
    title = fields.String(required=True)
    periods = fields.List(fields.Nested(PeriodSchema), required=True, metadata={"description": "Oldest first."})
    units = fields.List(fields.String(), required=True, metadata={"description": "The names of the units counted."})
    all_units = fields.Boolean(required=True)
    sections = fields.List(fields.Nested(SectionSchema), required=True)


def _as_data(report) -> dict:
    return {
        "key": report.key, "title": report.title, "periods": report.period.spans(), "units": report.units,
        "all_units": report.all_units,
        "sections": [{"title": section.title, "text": section.text, "tables": [
            {"key": table.key, "title": table.title, "note": table.note, **vars(table.layout())}
            for table in section.tables]} for section in report.sections],
    }


@blp.route("/reports/<any(" + ", ".join(REPORTS) + "):report>", methods=["GET"], parameters=[REPORT])
@blp.arguments(PeriodQuerySchema, **QUERY)
@blp.response(200, ReportSchema)
@errors(403, 404, 422)
def show_report(query, report: str):
    """A report for a period (by default this year's helår), over the units whose cases you may
    read; 403 if you are responsible for none, 404 for a report there is not."""
    svc = services()
    return _as_data(compile_report(svc.db, svc.clock, person(), REPORTS[report], query["checked"]))
