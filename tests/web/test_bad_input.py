"""Bad input gets a clear answer and leaves nothing behind: bodies too large are refused with
413 (in JSON for the API, a Swedish page for people), HTML and script typed into any free
text come back inert on every page, document and API answer, and malformed personal identity
numbers are refused naming the field."""
import io
import json
import re
from datetime import timedelta

import pytest
from marshmallow import fields, validate
from pypdf import PdfReader
from sqlalchemy import func, select

import workflows
from demo.avvikelse import DeviationDriver
from demo.klagomal import ComplaintDriver
from demo.lex_sarah import SERIOUS_PATH
from engine import accounts
from engine.errors import InvalidData
from engine.models import Case
from tests.web.page_client import PageClient, csrf_token

SCRIPT = "<script>alert(1)</script>"
IMAGE = '<img src=x onerror="alert(2)">'
PAYLOAD = f"{SCRIPT} {IMAGE}"
# How each must look in HTML: as text, escaped.
ESCAPED = ("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=")
MEGABYTE = 1024 * 1024


@pytest.fixture
def browser(app):
    return PageClient(app)


@pytest.fixture
def api(app, services, clock):
    client = app.test_client()
    with services.db.unit_of_work() as session:
        token = accounts.issue_token(session, "fredrik", "tests", clock.now())
    return lambda method, url, **kwargs: client.open(url, method=method,
                                                     headers={"Authorization": f"Bearer {token}"}, **kwargs)


def count_cases(services) -> int:
    with services.db.snapshot() as session:
        return session.scalar(select(func.count()).select_from(Case))


# -- too large ---------------------------------------------------------------------------

def test_an_oversized_api_body_is_refused_with_413_in_json(api, cases, services):
    body = json.dumps({"case_type": "lex_sarah", "data": cases.report(what_happened="x" * (3 * MEGABYTE))})
    response = api("POST", "/api/v1/cases", data=body, content_type="application/json")
    assert response.status_code == 413 and response.mimetype == "application/json"
    assert response.json["code"] == 413
    assert response.json["message"].startswith("Det som skickades är för stort: högst 2 MB")
    assert count_cases(services) == 0


def test_an_oversized_form_is_refused_with_a_swedish_page(browser, cases, services):
    browser.sign_in("anna")
    response = browser.submit("/rapportera/lex_sarah", {**cases.report(), "what_happened": "x" * (3 * MEGABYTE)})
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "För stort för att tas emot" in response.text and "högst 2 MB" in response.text
    assert count_cases(services) == 0


def test_an_upload_is_refused_with_413(browser, services):
    page = browser.get("/synpunkt").text
    response = browser.client.post("/synpunkt", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "description": "Se bifogad fil.",
        "attachment": (io.BytesIO(b"%PDF-" + b"0" * (3 * MEGABYTE)), "bilaga.pdf")})
    assert response.status_code == 413 and "För stort för att tas emot" in response.text
    assert count_cases(services) == 0


def test_an_oversized_field_in_a_multipart_form_is_refused_with_413(browser, services):
    page = browser.get("/synpunkt").text
    response = browser.client.post("/synpunkt", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "description": "å" * (300 * 1024)})
    assert response.status_code == 413 and "högst 256 kB i ett fält" in response.text
    assert count_cases(services) == 0


# -- HTML and script in free text ----------------------------------------------------------

def free_text(form: workflows.forms.SchemaForm) -> list[str]:
    """The fields of a form where people write what they like."""
    return [name for name, field in form.schema._declared_fields.items()
            if type(field) is fields.String and "options" not in field.metadata and not field.dump_only
            and any(isinstance(v, validate.Length) for v in field.validators)]


def injected(form) -> dict:
    return {name: PAYLOAD for name in free_text(form)}


def assert_inert(html: str, where: str):
    assert SCRIPT not in html and "onerror=\"alert" not in html, f"raw markup in {where}"
    for escaped in ESCAPED:
        assert escaped in html, f"{escaped} missing from {where}"


@pytest.fixture
def marked_up_case(cases, runner):
    """A lex Sarah case that went to IVO with the payload in every free-text field of every step."""
    lex_sarah = workflows.CASE_TYPES["lex_sarah"]
    case = cases.file(**injected(lex_sarah.report))
    overrides = {task: injected(lex_sarah.tasks[task]) for task in SERIOUS_PATH}
    entry = cases.form("investigate")["entries"][0]
    overrides["investigate"]["entries"] = [{**entry, "source": PAYLOAD, "statement": PAYLOAD,
                                            "author_name": PAYLOAD, "author_title": PAYLOAD}]
    plan = cases.form("propose")["action_plan"][0]
    overrides["propose"]["action_plan"] = [{**plan, "description": PAYLOAD}]
    cases.walk(case, *SERIOUS_PATH, **overrides)
    return runner.show_case(case, "fredrik")


def test_every_free_text_field_is_marked_up(marked_up_case):
    data = marked_up_case.data
    assert data["report"]["what_happened"] == PAYLOAD and data["report"]["reporter_name"] == PAYLOAD
    assert data["notify_ivo"]["ivo_reference"] == PAYLOAD and data["close"]["position"] == PAYLOAD


def test_markup_in_free_text_is_shown_as_text_on_the_case_page_and_lists(browser, marked_up_case):
    browser.sign_in("fredrik")
    page = browser.get(f"/arenden/{marked_up_case.id}").text
    assert_inert(page, "the case page")
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 10
    for listing in ("/arenden", "/uppgifter", "/oversikt", "/atgarder"):
        response = browser.get(listing)
        assert response.status_code == 200 and SCRIPT not in response.text, listing
    assert_inert(browser.get("/atgarder").text, "the list of actions")


def test_markup_in_free_text_is_shown_as_text_in_the_documents(browser, marked_up_case):
    browser.sign_in("fredrik")
    for kind in ("ivo-anmalan", "utredning"):
        assert_inert(browser.get(f"/arenden/{marked_up_case.id}/dokument/{kind}").text, kind)
        pdf = browser.get(f"/arenden/{marked_up_case.id}/dokument/{kind}.pdf")
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages).split())
        assert SCRIPT in text and 'onerror="alert(2)"' in text, f"{kind}.pdf shows the markup as text"


def test_markup_in_free_text_comes_back_unchanged_as_json_data(api, marked_up_case):
    response = api("GET", f"/api/v1/cases/{marked_up_case.id}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.json["data"]["report"]["what_happened"] == PAYLOAD
    assert response.json["data"]["investigate"]["entries"][0]["statement"] == PAYLOAD


@pytest.mark.parametrize("driver", [DeviationDriver, ComplaintDriver])
def test_markup_in_other_reports_is_shown_as_text(browser, runner, clock, driver):
    cases = driver(runner, clock)
    report = {**cases.report(), **injected(workflows.CASE_TYPES[cases.case_type].report)}
    case = runner.show_case(cases.file(**report), "fredrik")
    browser.sign_in("fredrik")
    assert_inert(browser.get(f"/arenden/{case.id}").text, f"the {cases.case_type} page")


def test_markup_typed_into_the_report_form_is_shown_as_text(app, browser, cases, runner):
    browser.sign_in("anna")
    response = browser.submit("/rapportera/lex_sarah", {**cases.report(), "concerns_person": "",
                                                         "what_happened": PAYLOAD})
    assert response.status_code == 302
    manager = PageClient(app)
    manager.sign_in("erik")
    assert_inert(manager.get(f"/arenden/{runner.show_case('SOCN/2026:1', 'erik').id}").text, "the filed report")


# -- personal identity numbers ----------------------------------------------------------------

@pytest.fixture
def complaints(runner, clock):
    return ComplaintDriver(runner, clock)


@pytest.mark.parametrize("given, kept", [
    ("19811218-9876", "19811218-9876"),
    ("198112189876", "19811218-9876"),
    ("811218-9876", "19811218-9876"),
    ("8112189876", "19811218-9876"),
    ("811218+9876", "18811218-9876"),  # a hundred years or older
    ("701063-2391", "19701063-2391"),  # samordningsnummer: the day plus 60
    ("", ""),
])
def test_a_valid_personal_identity_number_is_kept_in_one_form(complaints, runner, given, kept):
    case = complaints.file(personal_identity_number=given)
    assert runner.show_case(case, "fredrik").data["report"]["personal_identity_number"] == kept


@pytest.mark.parametrize("given", [
    "811218-9875",  # check digit
    "19811218-9875",
    "811318-9876",  # no 13th month
    "810230-9876",  # no 30 February
    "701093-2391",  # a samordningsnummer's day beyond 31 + 60
    "81121-89876",
    "811218-987",
    "ett nummer",
])
def test_a_malformed_personal_identity_number_is_refused_naming_the_field(complaints, services, given):
    with pytest.raises(InvalidData) as raised:
        complaints.file(personal_identity_number=given)
    assert list(raised.value.errors) == ["personal_identity_number"]
    assert "Ange ett giltigt personnummer" in raised.value.errors["personal_identity_number"][0]
    assert count_cases(services) == 0


def test_the_api_names_a_malformed_personal_identity_number(api, complaints):
    response = api("POST", "/api/v1/cases", json={"case_type": "klagomal",
                                                  "data": complaints.report(personal_identity_number="811218-9875")})
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]["data"]) == ["personal_identity_number"]


def test_the_public_form_names_a_malformed_personal_identity_number(browser, complaints, clock, services):
    page = browser.get("/synpunkt").text
    started = re.search(r'name="started" value="([^"]+)"', page).group(1)
    clock.advance(timedelta(seconds=40))
    form = {key: value for key, value in complaints.report(personal_identity_number="811218-9875").items()
            if key not in ("received_on", "email")}
    response = browser.client.post("/synpunkt", data={
        **form, "reply_wanted": "false", "csrf_token": csrf_token(page), "started": started})
    assert response.status_code == 422 and "Ange ett giltigt personnummer" in response.text
    assert count_cases(services) == 0


def test_a_lex_sarah_report_still_takes_a_pseudonym_not_a_personal_identity_number(cases):
    with pytest.raises(InvalidData) as raised:
        cases.file(affected_individual="811218-9876")
    assert raised.value.errors == {"affected_individual": ["Ange en pseudonym, inte ett personnummer."]}
