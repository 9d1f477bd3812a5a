"""The IVO documents of a case: offered on the case page once the case has got that far,
shown as HTML, downloaded as PDF, refused to those who may not read the case, and logged."""
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from demo.lex_sarah import SERIOUS_PATH
from engine.models import AccessLogEntry
from tests.web.page_client import PageClient


@pytest.fixture
def fredrik(app):
    client = PageClient(app)
    client.sign_in("fredrik")
    return client


def case_id(runner, diary_number):
    return runner.show_case(diary_number, "fredrik").id


def test_documents_are_offered_when_the_case_has_got_that_far(fredrik, cases, runner):
    case = cases.file()
    cases.walk(case, *SERIOUS_PATH[:4])  # investigated, not yet assessed
    page = fredrik.get(f"/arenden/{case_id(runner, case)}").text
    assert "/dokument/ivo-anmalan" not in page and "/dokument/utredning" not in page
    cases.walk(case, "propose", "decide")
    page = fredrik.get(f"/arenden/{case_id(runner, case)}").text
    assert "/dokument/ivo-anmalan" in page and "/dokument/utredning" in page


def test_the_notification_reads_on_screen_and_downloads_as_pdf(fredrik, cases, runner, services):
    case = cases.file()
    cases.walk(case, *SERIOUS_PATH[:7])
    number = case_id(runner, case)
    html = fredrik.get(f"/arenden/{number}/dokument/ivo-anmalan")
    assert html.status_code == 200 and "Anmälan om allvarligt missförhållande enligt lex Sarah" in html.text
    assert "3.5.1-12345/2026" in html.text and "Ladda ner som PDF" in html.text

    pdf = fredrik.get(f"/arenden/{number}/dokument/ivo-anmalan.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "3.5.1-12345/2026" in text and "Ladda ner som PDF" not in text

    with services.db.unit_of_work() as session:
        purposes = list(session.scalars(select(AccessLogEntry.action).where(AccessLogEntry.person_id == "fredrik")
                                        .order_by(AccessLogEntry.id)))
    assert purposes[-2:] == ["document ivo-anmalan", "document ivo-anmalan"]


def test_a_document_before_its_step_is_refused_without_error(fredrik, cases, runner):
    case = cases.file()
    response = fredrik.get(f"/arenden/{case_id(runner, case)}/dokument/ivo-anmalan")
    assert response.status_code == 409 and "kan tas fram först" in response.text


def test_documents_are_refused_to_those_who_may_not_read_the_case(app, cases, runner):
    case = cases.file(concerns_person="omar")
    cases.walk(case, *SERIOUS_PATH[:6])
    for person, status in (("omar", 403), ("anna", 403), ("lena", 403)):
        client = PageClient(app)
        client.sign_in(person)
        assert client.get(f"/arenden/{case_id(runner, case)}/dokument/utredning.pdf").status_code == status, person


def test_an_unknown_document_is_not_found(fredrik, cases, runner):
    case = cases.file()
    assert fredrik.get(f"/arenden/{case_id(runner, case)}/dokument/nonsense").status_code == 404
