"""Lämna synpunkt in Chromium: a citizen complains anonymously without signing in, and a robot
that fills the hidden honeypot field is turned away with a page, not a crash."""
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from engine.errors import NotFound

COMPLAINT = "Min mamma fick vänta en timme på hjälp att gå på toaletten i förrgår kväll."


def fill_complaint(page: Page) -> None:
    page.goto("/synpunkt")
    page.locator("#f-feedback_type").select_option(label="Klagomål")
    page.locator("#f-submitter_category").get_by_label("Anhörig").check()
    page.locator("#f-unit").select_option(label="Solgårdens särskilda boende")
    page.locator("#f-description").fill(COMPLAINT)
    page.locator("#f-occurred_on").fill("2026-11-21")


def test_a_citizen_complains_anonymously_without_signing_in(page, clock, runner, screenshot):
    fill_complaint(page)
    expect(page.get_by_role("link", name="Logga in")).to_be_visible()
    expect(page.locator("#f-received_on")).to_have_count(0)  # staff only: the date is today's
    expect(page.locator("#f-reply_wanted")).not_to_be_checked()
    screenshot(page, "feedback-01-form")
    clock.advance(timedelta(seconds=45))  # the time a person takes to write it
    page.get_by_role("button", name="Skicka synpunkt").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Tack! Din synpunkt har registrerats med nummer SOCN/2026:1")
    expect(page.locator("main")).to_contain_text("du får inget svar")
    screenshot(page, "feedback-02-receipt")
    view = runner.show_case("SOCN/2026:1", "rita")
    assert (view.case_type, view.unit, view.received_on.isoformat()) == ("klagomal", "solgarden", "2026-11-23")
    report = view.data["report"]
    assert (report["description"], report["name"], report["email"], report["phone"]) == (COMPLAINT, "", None, "")
    assert (report["feedback_type"], report["submitter_category"], report["channel"]) == (
        "complaint", "relative", "web")


def test_a_robot_that_fills_the_hidden_field_is_refused_with_a_page(page, clock, runner, screenshot):
    fill_complaint(page)
    expect(page.locator("#f-website")).not_to_be_in_viewport()  # no person sees it
    page.locator("#f-website").evaluate("field => { field.value = 'http://spam.example'; }")
    clock.advance(timedelta(seconds=45))
    with page.expect_response("**/synpunkt") as answer:
        page.get_by_role("button", name="Skicka synpunkt").click()

    assert answer.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Formuläret kunde inte skickas")
    expect(page.locator("#f-description")).to_have_value(COMPLAINT)  # a person caught by mistake loses nothing
    expect(page.locator("#f-website")).to_have_value("")
    screenshot(page, "feedback-03-honeypot-refused")
    with pytest.raises(NotFound):
        runner.show_case("SOCN/2026:1", "rita")


def test_a_form_sent_at_once_is_refused_and_goes_through_when_sent_again(page, clock, runner):
    fill_complaint(page)
    page.get_by_role("button", name="Skicka synpunkt").click()  # the clock has not moved: too fast

    expect(page.get_by_role("alert")).to_contain_text("skickades för snabbt")
    expect(page.locator("#f-description")).to_have_value(COMPLAINT)
    clock.advance(timedelta(seconds=10))
    page.get_by_role("button", name="Skicka synpunkt").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("SOCN/2026:1")
    assert runner.show_case("SOCN/2026:1", "rita").data["report"]["description"] == COMPLAINT
