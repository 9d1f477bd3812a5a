"""The IVO documents of a lex Sarah case: read on screen, or downloaded as PDF to send."""
from __future__ import annotations

from flask import Blueprint, Response, abort, url_for

from engine.access import Sight
from engine.organisation import Directory
from web import documents as rendering
from web.auth import current_person, login_required
from web.services import services
from workflows import ivo_documents

bp = Blueprint("documents", __name__, url_prefix="/arenden")

# kind in the URL -> (title, builder, the step the document needs)
DOCUMENTS = {
    "ivo-anmalan": ("Anmälan till IVO", ivo_documents.notification, "decide"),
    "utredning": ("Utredning", ivo_documents.investigation_report, "propose"),
}


def available(view) -> list[tuple[str, str]]:
    """The documents a case can give now: (kind, title)."""
    if view.case_type != "lex_sarah":
        return []
    return [(kind, title) for kind, (title, _, step) in DOCUMENTS.items() if step in view.data]


@bp.get("/<int:case_id>/dokument/<kind>")
@login_required
def show(case_id: int, kind: str):
    return _html(case_id, kind, for_pdf=False)


@bp.get("/<int:case_id>/dokument/<kind>.pdf")
@login_required
def pdf(case_id: int, kind: str):
    html = _html(case_id, kind, for_pdf=True)
    return Response(rendering.render_pdf(html), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{kind}-{case_id}.pdf"'})


def _html(case_id: int, kind: str, for_pdf: bool) -> str:
    if kind not in DOCUMENTS:
        abort(404)
    title, build, _ = DOCUMENTS[kind]
    svc = services()
    # Making a document is a read of the case, logged with what was made.
    view = svc.runner.show_case(str(case_id), current_person().id, purpose=f"document {kind}")
    if view.sight is not Sight.FULL:
        abort(403)
    if kind not in dict(available(view)):
        abort(409, description=f"{title} kan tas fram först när ärendet har kommit så långt")
    with svc.db.snapshot() as session:
        directory = Directory(session)
        provider = rendering.provider_for(directory, view.unit)
        organisation = directory.setting("name", "")
    document = build(view.diary_number, view.data, provider)
    return rendering.render_html(
        document, organisation, svc.clock.today().isoformat(),
        pdf_url=None if for_pdf else url_for(".pdf", case_id=case_id, kind=kind),
        back_url=None if for_pdf else url_for("cases.show", case_id=case_id))
