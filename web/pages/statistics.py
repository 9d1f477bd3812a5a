"""Statistik: the committee's reports as pages, CSV and a printable PDF.

The compilation per period (Sammanställning till nämnden), lead times and deadlines (Ledtider
och frister) and the quality report of a year (Kvalitetsberättelse), counted in the database
(engine/reports) over the units whose cases the person may read. Each is shown for a period
and the same period of earlier years beside it.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, render_template, request
from werkzeug.datastructures import MultiDict

from engine.access import CASE_READING_ROLES
from engine.errors import InvalidData
from engine.reports import Report, ReportDefinition, compile_report
from engine.reports.periods import MAX_YEARS, RANGE, ReportPeriod
from web import report_formats
from web.auth import current_person, login_required
from web.documents import render_pdf
from web.pages.org import organisation
from web.services import services
from workflows.statistics import COMPILATION, LEAD_TIMES, QUALITY_REPORT

bp = Blueprint("statistics", __name__, url_prefix="/statistik")

# The address of each report -> the report, and whether its period is chosen (else: a year).
PAGES: dict[str, tuple[ReportDefinition, bool]] = {
    "sammanstallning": (COMPILATION, True),
    "ledtider": (LEAD_TIMES, True),
    "kvalitetsberattelse": (QUALITY_REPORT, False),
}
SLUG = f"<any({', '.join(PAGES)}):slug>"
PERIOD_NAMES = {"T1": "T1 (januari–april)", "T2": "T2 (maj–augusti)", "T3": "T3 (september–december)",
                "delar": "Delår (januari–augusti)", "helar": "Helår", RANGE: "Egna datum"}
DEFAULT_YEARS = 2  # the chosen year and the one before


@bp.app_context_processor
def _navigation() -> dict:
    person = current_person()
    return {"sees_statistics": person is not None and person.holds_any(*CASE_READING_ROLES)}


@bp.errorhandler(InvalidData)
def _invalid_period(error: InvalidData):
    """A download asked for a period that cannot be: say which parameter is wrong."""
    return _error_page(400, "Perioden kunde inte användas", " ".join(
        f"{name}: {' '.join(messages)}" for name, messages in error.errors.items()))


@bp.get("/", defaults={"slug": "sammanstallning"})
@bp.get(f"/{SLUG}")
@login_required
def show(slug: str):
    period, values, errors = _period(slug, request.args)
    report = _report(slug, period) if period else None
    return render_template("statistics/report.html", slug=slug, pages=PAGES, report=report, values=values,
                           errors=errors, choose_period=PAGES[slug][1], period_names=PERIOD_NAMES,
                           max_years=MAX_YEARS, scope=_scope(report), number=report_formats.number,
                           chart_of=report_formats.chart_of, query=_query(values)), 400 if errors else 200


@bp.get(f"/{SLUG}.csv")
@login_required
def report_csv(slug: str):
    report = _valid_report(slug)
    return _download(report_formats.report_csv(report), "text/csv", _file_name(slug, report, "csv"))


@bp.get(f"/{SLUG}/<table_key>.csv")
@login_required
def table_csv(slug: str, table_key: str):
    report = _valid_report(slug)
    table = next((table for table in report.tables if table.key == table_key), None)
    if table is None:
        return _error_page(404, "Tabellen finns inte", f"Rapporten har ingen tabell {table_key!r}.")
    return _download(report_formats.table_csv(table), "text/csv",
                     _file_name(f"{slug}-{table_key}", report, "csv"))


@bp.get(f"/{SLUG}.pdf")
@login_required
def pdf(slug: str):
    report = _valid_report(slug)
    html = report_formats.report_html(report, organisation().name, services().clock.today().isoformat(),
                                      _scope(report))
    return _download(render_pdf(html), "application/pdf", _file_name(slug, report, "pdf"), inline=True)


# -- the period asked for ------------------------------------------------------------------

def _period(slug: str, args: MultiDict) -> tuple[ReportPeriod | None, dict, dict]:
    """The period in the address (by default this year's helår beside last year's), the form's
    values, and the errors by field."""
    today = services().clock.today()
    values = {"period": args.get("period") or "helar", "year": args.get("year") or str(today.year),
              "years": args.get("years") or str(DEFAULT_YEARS), "from": args.get("from") or "",
              "to": args.get("to") or ""}
    if not PAGES[slug][1]:
        values.update(period="helar", years=str(DEFAULT_YEARS), **{"from": "", "to": ""})
    errors: dict[str, list[str]] = {}
    year, years = _whole(values, "year", errors), _whole(values, "years", errors)
    start, end = None, None
    if values["period"] == RANGE:
        start, end = _day(values, "from", errors), _day(values, "to", errors)
    if errors:
        return None, values, errors
    try:
        return ReportPeriod.of(values["period"], year, start, end, years), values, {}
    except InvalidData as error:
        return None, values, error.errors


def _whole(values: dict, name: str, errors: dict) -> int | None:
    try:
        return int(values[name])
    except ValueError:
        errors[name] = ["Ange ett heltal."]
        return None


def _day(values: dict, name: str, errors: dict) -> date | None:
    if not values[name]:
        return None
    try:
        return date.fromisoformat(values[name])
    except ValueError:
        errors[name] = ["Ange ett datum som ÅÅÅÅ-MM-DD."]
        return None


def _query(values: dict) -> dict:
    """The period as address parameters, for the download links."""
    return {key: value for key, value in values.items() if value}


# -- the report ---------------------------------------------------------------------------------

def _report(slug: str, period: ReportPeriod) -> Report:
    svc = services()
    return compile_report(svc.db, svc.clock, current_person().id, PAGES[slug][0], period)


def _valid_report(slug: str) -> Report:
    period, _, errors = _period(slug, request.args)
    if errors:
        raise InvalidData(errors)
    return _report(slug, period)


def _scope(report: Report | None) -> str:
    if report is None:
        return ""
    if report.all_units:
        return "Alla enheter."
    return f"Enheterna du ansvarar för: {', '.join(report.units)}."


def _file_name(name: str, report: Report, extension: str) -> str:
    period = report.period
    when = f"{period.start}--{period.end}" if period.kind == RANGE else f"{period.kind}-{period.year}"
    return f"{name}-{when}.{extension}"


def _download(body, mimetype: str, file_name: str, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'{disposition}; filename="{file_name}"'})


def _error_page(code: int, title: str, message: str):
    return render_template("error.html", code=code, title=title, message=message), code
