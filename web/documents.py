"""Documents for IVO as HTML to read on screen and as PDF to print or attach (WeasyPrint).

One template serves both, so what is read is what is sent."""
from __future__ import annotations

from flask import current_app
from weasyprint import HTML

from engine.organisation import Directory
from workflows.ivo_documents import Document, Provider


def provider_for(directory: Directory, unit_id: str) -> Provider:
    """The organisation, the unit and, as contact person, the unit's avdelningschef."""
    unit = directory.unit(unit_id)
    heads = directory.holders("avdelningschef", unit)
    contact = directory.person(heads[0]) if heads else None
    return Provider(
        organisation=directory.setting("name", ""), department=unit.department.name, unit=unit.name,
        contact_name=contact.name if contact else "", contact_title=contact.title if contact else "",
        contact_email=(contact.email or "") if contact else "",
    )


def render_html(document: Document, organisation: str, today: str, pdf_url: str | None = None,
                back_url: str | None = None) -> str:
    # A document stands alone, without the pages' layout or who is signed in, so that it is
    # also rendered where there is no request: for an export on the command line.
    return current_app.jinja_env.get_template("documents/document.html").render(
        document=document, organisation=organisation, today=today, pdf_url=pdf_url, back_url=back_url)


def render_pdf(html: str) -> bytes:
    return HTML(string=html).write_pdf()
