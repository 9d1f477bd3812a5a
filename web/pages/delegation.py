"""Delegationsbeslut: the decisions taken on delegation in a period, for reporting back to the
committee (socialnämnden): on screen, printed, or as a CSV file that Excel opens.

The rows are engine.delegation_decisions' decisions in Swedish; `committee_rows` and `as_csv`
also serve the command line (`lexflow delegation decisions`).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import wraps
from typing import Iterable

from flask import Blueprint, Response, render_template, request

import workflows
from engine import delegation_decisions
from engine.delegation_decisions import REPORTING_ROLES, Decision, Period
from engine.errors import InvalidData
from web.auth import current_person, role_required
from web.services import services
from workflows.decisions import outcome

bp = Blueprint("delegation", __name__, url_prefix="/delegationsbeslut")
# Who sees Delegationsbeslut in the menu (templates/base.html).
bp.add_app_template_global(REPORTING_ROLES, "delegation_roles")

COLUMNS = ("Datum", "Diarienummer", "Ärendetyp", "Beslut", "Utfall", "Beslutat av", "Titel", "Delegation")
ROLE_NAMES = {
    "medarbetare": "Medarbetare", "registrator": "Registrator", "enhetschef": "Enhetschef",
    "avdelningschef": "Avdelningschef", "utredare": "Utredare", "forvaltningschef": "Förvaltningschef",
    "beslutsfattare": "Beslutsfattare", "klagomalsdelegation": "Klagomålsdelegationen", "mas": "MAS",
    "administrator": "Administratör",
}


@dataclass(frozen=True)
class CommitteeRow:
    """One decision as the committee reads it; `cells` in the order of COLUMNS."""

    case_id: int
    cells: tuple[str, ...]


def committee_rows(decisions: Iterable[Decision]) -> list[CommitteeRow]:
    return [_row(decision) for decision in decisions]


def _row(decision: Decision) -> CommitteeRow:
    case_type = workflows.CASE_TYPES.get(decision.case_type)
    form = case_type.tasks.get(decision.task) if case_type else None
    if decision.delegated_person:
        delegation = f"{decision.delegated_person_name} (namngiven delegat)"
    else:
        delegation = ROLE_NAMES.get(decision.delegated_role, decision.delegated_role)
    return CommitteeRow(decision.case_id, (
        decision.decided_on.isoformat(),
        decision.diary_number,
        case_type.name if case_type else decision.case_type,
        form.title if form else decision.task,
        outcome(decision.case_type, decision.task, decision.data or {}),
        decision.decider_name or decision.decided_by or "Systemet",
        decision.decider_title or "",
        delegation,
    ))


def as_csv(rows: Iterable[CommitteeRow]) -> str:
    """Semicolon-separated with a byte order mark, as Excel in Swedish opens it with å, ä and ö."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(row.cells for row in rows)
    return "\ufeff" + buffer.getvalue()


# -- the pages ------------------------------------------------------------------------

def _for_a_period(view):
    """The view given the period asked for (this month so far when none is); the page with
    the period's errors, next to its fields, when it is not one."""
    @wraps(view)
    def wrapper():
        today = services().clock.today()
        asked = {"from": request.args.get("from", today.replace(day=1).isoformat()).strip(),
                 "to": request.args.get("to", today.isoformat()).strip()}
        try:
            period = delegation_decisions.read_period(asked)
        except InvalidData as error:
            return _page(asked, error.errors), 422
        return view(period)
    return role_required(*REPORTING_ROLES)(wrapper)


@bp.get("")
@_for_a_period
def index(period: Period):
    asked = {"from": period.first_day.isoformat(), "to": period.last_day.isoformat()}
    return _page(asked, rows=committee_rows(_decisions(period, "list")))


@bp.get("/utskrift")
@_for_a_period
def printable(period: Period):
    return render_template("delegation/print.html", period=period, rows=committee_rows(_decisions(period, "list")),
                           columns=COLUMNS, printed_on=services().clock.today().isoformat())


@bp.get("/csv")
@_for_a_period
def download(period: Period):
    body = as_csv(committee_rows(_decisions(period, "export")))
    name = f"delegationsbeslut-{period.first_day.isoformat()}-{period.last_day.isoformat()}.csv"
    return Response(body.encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


def _decisions(period: Period, purpose: str) -> list[Decision]:
    svc = services()
    return delegation_decisions.list_decisions(svc.db, svc.clock, current_person().id, period, purpose)


def _page(asked: dict[str, str], errors: dict | None = None, rows: list[CommitteeRow] = ()):
    return render_template("delegation/index.html", asked=asked, errors=errors or {}, rows=rows)
