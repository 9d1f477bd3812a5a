"""Rapportera: staff file a report of any case type, on the form drawn from its report schema."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

import workflows
from engine.casetypes import CaseType
from engine.errors import InvalidData
from web.auth import current_person, login_required
from web.pages.forms import drawn, posted
from web.services import services

bp = Blueprint("reports", __name__, url_prefix="/rapportera")


@bp.get("")
@login_required
def choose():
    return render_template("reports/choose.html", case_types=list(workflows.CASE_TYPES.values()))


@bp.route("/<case_type_id>", methods=["GET", "POST"])
@login_required
def new(case_type_id: str):
    case_type = workflows.CASE_TYPES.get(case_type_id) or abort(404)
    if request.method == "GET":
        defaults = {"received_on": services().clock.today(), "reporter_name": current_person().name}
        return _page(case_type, defaults)
    data, editing_rows = posted(case_type.report)
    if editing_rows:
        return _page(case_type, data)
    try:
        filed = services().runner.file_case(case_type.id, data, current_person().id)
    except InvalidData as error:
        return _page(case_type, data, error.errors), 422
    session["report_receipt"] = {"diary_number": filed.diary_number, "case_type": case_type.id}
    return redirect(url_for(".receipt"))


@bp.get("/kvitto")
@login_required
def receipt():
    filed = session.get("report_receipt")
    if not filed:
        return redirect(url_for(".choose"))
    return render_template("reports/receipt.html", **filed)


def _page(case_type: CaseType, values: dict, errors: dict | None = None):
    return render_template("reports/form.html", case_type=case_type,
                           form=drawn(case_type.report, values, errors))
