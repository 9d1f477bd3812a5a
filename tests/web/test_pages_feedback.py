"""Lämna synpunkt: the public form, without sign-in, and how it keeps robots out."""
from datetime import timedelta

import pytest

from engine.errors import NotFound
from tests.web.page_client import PageClient, checked, csrf_token, field_value, selected

FEEDBACK = {"feedback_type": "complaint", "submitter_category": "relative", "unit": "solgarden",
            "description": "Min mamma fick vänta en timme på hjälp att gå på toaletten."}


@pytest.fixture
def browser(app):
    return PageClient(app)


def send(browser, clock, data, after=timedelta(seconds=40)):
    """Fill in the form as a person does: show it, take a while, send it."""
    page = browser.get("/synpunkt").text
    clock.advance(after)
    return browser.client.post("/synpunkt", data={
        **data, "csrf_token": csrf_token(page), "started": field_value(page, "started"), "website": ""})


def test_the_form_is_public_and_asks_only_what_the_public_answers(browser):
    response = browser.get("/synpunkt")
    assert response.status_code == 200
    page = response.text
    assert "Lämna en synpunkt eller ett klagomål" in page and "Vilken verksamhet gäller det?" in page
    assert "Solgårdens särskilda boende" in page and "Beröm" in page and "Brukare/klient" in page
    for staff_field in ("received_on", "channel", "ivo_reference"):
        assert f'name="{staff_field}"' not in page
    assert "Logga ut" not in page


def test_anonymous_feedback_is_registered_today_and_gets_no_reply(browser, clock, runner):
    response = send(browser, clock, FEEDBACK)
    assert response.status_code == 302 and response.location == "/synpunkt/tack"
    receipt = browser.get("/synpunkt/tack").text
    assert "Tack! Din synpunkt har registrerats med nummer SOCN/2026:1" in receipt
    assert "du får inget svar" in receipt
    view = runner.show_case("SOCN/2026:1", "rita")
    assert view.case_type == "klagomal" and view.unit == "solgarden"
    assert view.data["report"]["received_on"] == clock.today().isoformat()
    assert view.data["report"]["description"] == FEEDBACK["description"]


def test_a_reply_wanted_needs_a_way_to_reply_and_nothing_typed_is_lost(browser, clock, runner):
    response = send(browser, clock, {**FEEDBACK, "reply_wanted": "true", "name": "Karin"})
    assert response.status_code == 422
    page = response.text
    assert "Ange e-post eller telefon om du vill ha svar." in page and 'href="#f-email"' in page
    assert field_value(page, "description") == FEEDBACK["description"]
    assert field_value(page, "name") == "Karin"
    assert checked(page, "reply_wanted") == ["true"] and checked(page, "submitter_category") == ["relative"]
    with pytest.raises(NotFound):
        runner.show_case("SOCN/2026:1", "rita")


def test_with_contact_details_the_receipt_promises_a_reply(browser, clock):
    send(browser, clock, {**FEEDBACK, "reply_wanted": "true", "email": "karin@example.se"})
    assert "Vi återkommer till dig" in browser.get("/synpunkt/tack").text


def test_a_filled_honeypot_files_nothing(browser, clock, runner):
    page = browser.get("/synpunkt").text
    clock.advance(timedelta(seconds=40))
    response = browser.client.post("/synpunkt", data={
        **FEEDBACK, "csrf_token": csrf_token(page), "started": field_value(page, "started"),
        "website": "http://spam.example"})
    assert response.status_code == 400 and "Formuläret kunde inte skickas" in response.text
    with pytest.raises(NotFound):
        runner.show_case("SOCN/2026:1", "rita")


def test_a_form_sent_faster_than_a_person_types_is_refused_and_can_be_sent_again(browser, clock, runner):
    response = send(browser, clock, FEEDBACK, after=timedelta(seconds=1))
    assert response.status_code == 400 and "skickades för snabbt" in response.text
    assert field_value(response.text, "description") == FEEDBACK["description"]
    with pytest.raises(NotFound):
        runner.show_case("SOCN/2026:1", "rita")
    # The page shown again is a fresh form: sent after a moment, it goes through.
    clock.advance(timedelta(seconds=10))
    again = browser.client.post("/synpunkt", data={
        **FEEDBACK, "csrf_token": csrf_token(response.text), "started": field_value(response.text, "started")})
    assert again.status_code == 302
    assert runner.show_case("SOCN/2026:1", "rita").case_type == "klagomal"


def test_a_form_left_open_for_hours_is_refused(browser, clock):
    response = send(browser, clock, FEEDBACK, after=timedelta(hours=5))
    assert response.status_code == 400 and "öppet för länge" in response.text


def test_a_forged_time_stamp_is_refused(browser, clock):
    page = browser.get("/synpunkt").text
    clock.advance(timedelta(seconds=40))
    response = browser.client.post("/synpunkt", data={
        **FEEDBACK, "csrf_token": csrf_token(page), "started": "MTc2Mzg4ODgwMC4w.forged"})
    assert response.status_code == 400 and "kunde inte kontrolleras" in response.text


def test_the_public_form_needs_its_csrf_token(browser, clock):
    page = browser.get("/synpunkt").text
    clock.advance(timedelta(seconds=40))
    response = browser.client.post("/synpunkt", data={**FEEDBACK, "started": field_value(page, "started")})
    assert response.status_code == 400


def test_staff_register_a_paper_form_with_its_real_date_of_arrival(browser, cases, runner):
    browser.sign_in("rita")
    page = browser.get("/rapportera/klagomal").text
    assert 'name="received_on"' in page and 'name="channel"' in page
    response = browser.submit("/rapportera/klagomal", {**FEEDBACK, "received_on": cases.day(-10), "channel": "paper"})
    assert response.status_code == 302
    view = runner.show_case("SOCN/2026:1", "rita")
    assert view.received_on.isoformat() == cases.day(-10) and view.data["report"]["channel"] == "paper"


def test_the_registrator_routes_the_complaint_on_to_the_unit_it_named_unless_she_chooses_another(
        browser, clock, runner):
    assert send(browser, clock, FEEDBACK).status_code == 302
    browser.sign_in("rita")
    case_id = runner.show_case("SOCN/2026:1", "rita").id
    page = browser.get(f"/arenden/{case_id}").text
    assert selected(page, "unit") == "solgarden"
