"""Översikt: open and overdue cases per unit, for those who supervise units."""
from __future__ import annotations

from flask import Blueprint, render_template, request

import workflows
from engine import queries
from web.auth import SUPERVISING_ROLES, current_person, role_required
from web.pages.forms import one_of
from web.pages.org import organisation
from web.services import services

bp = Blueprint("overview", __name__)


@bp.get("/oversikt")
@role_required(*SUPERVISING_ROLES)
def overview():
    svc = services()
    case_type = one_of(request.args.get("case_type"), workflows.CASE_TYPES)
    unit = one_of(request.args.get("unit"), organisation().units)
    rows = queries.overview(svc.db, svc.clock, current_person().id, case_type, unit)
    return render_template("overview.html", rows=rows, case_type=case_type, unit=unit,
                           open_total=sum(r.open_cases for r in rows),
                           overdue_total=sum(r.overdue_cases for r in rows))
