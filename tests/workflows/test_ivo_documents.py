"""The IVO notification and the investigation report are built from the case, section by section."""
import io

import pytest
from pypdf import PdfReader

from demo.lex_sarah import SERIOUS_PATH
from engine.organisation import Directory
from web.documents import provider_for, render_html, render_pdf
from workflows.ivo_documents import MissingStep, investigation_report, notification


def provider(services):
    with services.db.unit_of_work() as session:
        return provider_for(Directory(session), "hemtjanst-norr")


def sections(document):
    return {section.heading: section for section in document.sections}


def test_the_notification_is_prefilled_from_the_case(cases, runner, services):
    case = cases.file(affected_gender="man")
    view = cases.walk(case, *SERIOUS_PATH[:7])
    document = notification(case, view.data, provider(services))
    parts = sections(document)

    assert list(parts) == ["Vårdgivare och verksamhet", "Kontaktperson", "Händelsen", "Den enskilde", "Kategori",
                           "Åtgärder", "Bedömning", "Utredningen", "Sändning"]
    assert ("Verksamhet där missförhållandet inträffade", "Hemtjänst Norr") in parts["Vårdgivare och verksamhet"].facts
    assert ("Namn", "Anders Ek") in parts["Kontaktperson"].facts
    assert parts["Den enskilde"].facts == [("Berörd enskild (pseudonymiserad)", "Brukare A"), ("Kön", "Man")]
    assert parts["Kategori"].text == ["Försummelse, Brister i genomförande av insats"]
    assert ("Bedömning", "Allvarligt missförhållande") in parts["Bedömning"].facts
    assert ("Risknivå", "kritisk") in parts["Bedömning"].facts
    plan = parts["Åtgärder"].sections[2].table
    assert plan[1] == [("Ny rutin för schemaändringar", "Erik Johansson", cases.day(30))]
    assert ("Kanal", "IVO:s e-tjänst") in parts["Sändning"].facts
    assert ("IVO:s diarienummer", "3.5.1-12345/2026") in parts["Sändning"].facts


def test_before_sending_the_notification_says_how_to_send_it(cases, services):
    case = cases.file()
    view = cases.walk(case, *SERIOUS_PATH[:6])
    parts = sections(notification(case, view.data, provider(services)))
    assert parts["Sändning"].facts == [] and "IVO:s e-tjänst" in parts["Sändning"].text[0]
    assert ("Kön", "Ej angivet") in parts["Den enskilde"].facts  # the report gave none


def test_the_investigation_report_has_the_prescribed_sections(cases, services):
    case = cases.file()
    view = cases.walk(case, *SERIOUS_PATH[:5])
    document = investigation_report(case, view.data, provider(services))
    parts = sections(document)
    assert list(parts) == ["Bakgrund", "Metod", "Resultat", "Åtgärdsplan", "Bedömning"]
    assert [s.heading for s in parts["Resultat"].sections] == [
        "Händelseförlopp", "Bakomliggande orsaker", "Tidigare utredning"]
    header, rows = parts["Metod"].table
    assert header == ("Datum", "Källa", "Typ", "Uppgift", "Författare")
    assert rows == [(cases.day(), "Intervju med personal", "Faktum", "Besöket föll bort vid schemaändring.",
                     "Ulla Svensson, SAS")]
    assert parts["Resultat"].sections[1].text == ["Schemaändringen kommunicerades inte."]


def test_a_document_needs_its_steps_done(cases, services):
    case = cases.file()
    view = cases.walk(case, *SERIOUS_PATH[:3])
    with pytest.raises(MissingStep):
        investigation_report(case, view.data, provider(services))


def test_the_pdf_holds_the_same_text_as_the_page(app, cases, services):
    case = cases.file(what_happened="Brukaren <b>lämnades</b> utan tillsyn & utan mat.")
    view = cases.walk(case, *SERIOUS_PATH[:7])
    with app.test_request_context():
        html = render_html(notification(case, view.data, provider(services)), "Exempelkommunen", cases.day())
    assert "Brukaren &lt;b&gt;lämnades&lt;/b&gt; utan tillsyn &amp; utan mat." in html
    pdf = render_pdf(html)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Anmälan om allvarligt missförhållande enligt lex Sarah" in text
    assert "Brukaren <b>lämnades</b> utan tillsyn & utan mat." in text
    assert f"Diarienummer {case}" in text
