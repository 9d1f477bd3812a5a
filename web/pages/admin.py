"""Åtkomstlogg: the administrator searches who read which case, and when."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import Blueprint, render_template, request
from sqlalchemy import select

from engine import paging
from engine.clock import STOCKHOLM
from engine.models import AccessLogEntry, Case
from engine.paging import Page
from web.auth import role_required
from web.pages.documents import DOCUMENTS
from web.pages.forms import one_of, requested_page
from web.pages.org import organisation
from web.services import services

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50
# How a case was read (the `action` of engine.history.record_read).
READS = {"show": "Öppnade ärendet", "history": "Läste historiken", "tasks": "Läste ärendets steg",
         "list": "Såg ärendet i en lista", "export": "Fick ärendet i en exporterad fil",
         "deadlines": "Såg ärendet i en lista över frister", "actions": "Såg ärendet i en lista över åtgärder",
         "action": "Öppnade en åtgärd i ärendet",
         **{f"document {kind}": f"Tog fram dokumentet ”{title}”" for kind, (title, _, _) in DOCUMENTS.items()}}


@bp.get("/atkomstlogg")
@role_required("administrator")
def access_log():
    args, errors = request.args, {}
    person = one_of(args.get("person"), organisation().people)
    diary_number = args.get("diary_number", "").strip()
    since, until = _day(args, "from", errors), _day(args, "to", errors)
    conditions = []
    if person:
        conditions.append(AccessLogEntry.person_id == person)
    if diary_number:
        conditions.append(Case.diary_number == diary_number)
    if since:
        conditions.append(AccessLogEntry.at >= datetime.combine(since, time(), STOCKHOLM))
    if until:
        conditions.append(AccessLogEntry.at < datetime.combine(until + timedelta(days=1), time(), STOCKHOLM))
    page = requested_page()
    with services().db.snapshot() as session:
        found = select(AccessLogEntry, Case.diary_number).join(Case, Case.id == AccessLogEntry.case_id).where(
            *conditions)
        total, exact = paging.count(session, found.with_only_columns(AccessLogEntry.id), page, PAGE_SIZE)
        rows = session.execute(found.order_by(AccessLogEntry.at.desc(), AccessLogEntry.id.desc())
                               .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("admin/access_log.html", found=Page(rows, total, exact, page, PAGE_SIZE), errors=errors,
                           reads=READS, search={"person": person or "", "diary_number": diary_number,
                                                "from": args.get("from", ""), "to": args.get("to", "")})


def _day(args, name: str, errors: dict) -> date | None:
    value = args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = "Ange ett datum som ÅÅÅÅ-MM-DD."
        return None
