"""Actions in the browser: Erik finds the action Ulla planned under Åtgärder, late; sets it going
on its page; links it to a deviation at Solgården by diary number (first mistyped); and finds
it, with its status, on both case pages."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from demo.avvikelse import DeviationDriver
from demo.lex_sarah import SERIOUS_PATH


def test_an_action_is_followed_and_linked_to_a_second_case(page, login, cases, runner, clock, screenshot):
    lex_sarah = cases.file()
    cases.walk(lex_sarah, *SERIOUS_PATH[:4])
    cases.complete(lex_sarah, "propose", action_plan=[
        {"description": "Ny rutin för schemaändringar", "owner": "erik", "due_on": cases.day(5)},
        {"description": "Utbildning i rutinen", "owner": "anders", "due_on": cases.day(30)}])
    deviation = DeviationDriver(runner, clock).file(unit="solgarden", health_care=False)
    clock.advance(timedelta(days=6))  # Erik's action is a day late
    login(page, "erik")

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Åtgärder").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Ny rutin för schemaändringar")
    expect(rows.first).to_have_class(re.compile(r"\brow-late\b"))
    expect(rows.first.locator(".badge", has_text="Försenad")).to_be_visible()
    expect(rows.nth(1)).not_to_have_class(re.compile(r"\brow-late\b"))
    screenshot(page, "actions-01-list")

    page.get_by_label("Ansvarig").select_option(label="Erik Johansson")
    page.get_by_role("button", name="Visa").click()
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link", name="Ny rutin för schemaändringar").click()

    expect(page.locator("h1")).to_have_text("Ny rutin för schemaändringar")
    status = page.locator("#status")
    expect(status.get_by_label("Ej påbörjad")).to_be_checked()
    status.get_by_label("Pågår").check()
    with page.expect_navigation():
        status.get_by_role("button", name="Spara status").click()
    expect(page.locator(".alert-success")).to_have_text("Status: pågår.")
    expect(page.locator("dl.facts .badge", has_text="Pågår")).to_be_visible()
    expect(page.get_by_role("cell", name="Åtgärd ”Ny rutin för schemaändringar”: ej påbörjad → pågår")).to_be_visible()

    link = page.locator("#koppla")
    link.get_by_label("Diarienummer").fill("SOCN/2026:99")
    link.get_by_role("button", name="Koppla till ärendet").click()
    expect(link.locator(".error-summary")).to_contain_text("Det finns inget ärende med diarienummer SOCN/2026:99.")
    expect(link.get_by_label("Diarienummer")).to_have_attribute("aria-invalid", "true")
    link.get_by_label("Diarienummer").fill(deviation)
    with page.expect_navigation():
        link.get_by_role("button", name="Koppla till ärendet").click()
    cases_card = page.get_by_role("region", name="Ärenden")
    expect(cases_card.get_by_role("link")).to_have_text([lex_sarah, deviation])
    screenshot(page, "actions-02-action-page")

    cases_card.get_by_role("link", name=deviation).click()
    expect(page.locator("h1")).to_have_text(deviation)
    section = page.get_by_role("region", name="Åtgärder")
    expect(section.locator("tbody tr")).to_have_count(1)
    expect(section).to_contain_text("Ny rutin för schemaändringar")
    expect(section.locator(".badge", has_text="Pågår")).to_be_visible()
    expect(page.get_by_role("cell", name=f"Åtgärd ”Ny rutin för schemaändringar” kopplad till {deviation}")).to_be_visible()
    screenshot(page, "actions-03-deviation-case")

    page.goto(f"/arenden/dnr/{lex_sarah}")
    expect(page.get_by_role("region", name="Åtgärder").locator("tbody tr")).to_have_count(2)
