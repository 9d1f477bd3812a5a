"""A unit manager sees what is late: Erik (enhetschef of Hemtjänst Norr and Solgården) finds an
overdue complaint answer first in Mina uppgifter, and on Översikt the overdue cases of his units,
filtered by case type and unit, and not those of units he does not manage."""
import re

import pytest
from playwright.sync_api import Page, expect

from demo.klagomal import ComplaintDriver


@pytest.fixture
def late_cases(cases, runner, clock):
    """An on-time and a five-week-old unregistered lex Sarah report at Hemtjänst Norr; a paper
    complaint about Solgården received 20 days ago and still unanswered; a late report elsewhere."""
    on_time = cases.file()
    unregistered = cases.file(received_on=cases.day(-35), occurred_on=cases.day(-36), noticed_on=cases.day(-36))
    complaints = ComplaintDriver(runner, clock)
    unanswered = complaints.file(channel="paper", received_on=complaints.day(-20), unit="solgarden")
    complaints.complete(unanswered, "register", unit="solgarden")
    cases.file(unit="lss-bostad-eken", received_on=cases.day(-35), occurred_on=cases.day(-36),
               noticed_on=cases.day(-36))
    return on_time, unregistered, unanswered


def test_an_overdue_complaint_comes_first_in_my_tasks_marked_late(page, login, late_cases, screenshot):
    on_time, _, unanswered = late_cases
    login(page, "erik")
    page.goto("/uppgifter")

    rows = page.locator("tbody tr")
    first = rows.first
    expect(first).to_contain_text(unanswered)
    expect(first).to_contain_text("Besvara synpunkten")
    expect(first).to_have_class(re.compile(r"\brow-late\b"))
    expect(first.locator(".badge")).to_have_text("Försenad")
    expect(first).to_contain_text(re.compile(r"\d+ dagar sen"))
    # His protective step in the fresh case has no deadline of its own and is not marked late.
    fresh = rows.filter(has_text=on_time)
    expect(fresh).to_contain_text("Ingen frist")
    expect(fresh).not_to_have_class(re.compile(r"\brow-late\b"))
    screenshot(page, "supervisor-01-my-tasks")


def test_the_overview_counts_overdue_cases_of_my_units_and_filters(page, login, late_cases, screenshot):
    login(page, "erik")
    page.get_by_role("link", name="Översikt").click()

    expect(stat(page, "försenade")).to_have_text("2")
    expect(stat(page, "öppna ärenden")).to_have_text("3")
    expect(counts(unit_row(page, "Hemtjänst Norr"))).to_have_text(["2", "1"])
    expect(counts(unit_row(page, "Solgårdens särskilda boende"))).to_have_text(["1", "1"])
    expect(unit_row(page, "Hemtjänst Norr").locator(".badge")).to_have_text("Försenade ärenden")
    expect(unit_row(page, "LSS-bostad Eken")).to_have_count(0)  # Lena's unit
    screenshot(page, "supervisor-02-overview")

    page.get_by_label("Ärendetyp").select_option(label="Synpunkt")
    page.get_by_role("button", name="Visa").click()
    expect(page).to_have_url(re.compile(r"case_type=klagomal"))
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(counts(unit_row(page, "Solgårdens särskilda boende"))).to_have_text(["1", "1"])
    expect(stat(page, "försenade")).to_have_text("1")
    screenshot(page, "supervisor-03-overview-complaints")

    page.get_by_label("Ärendetyp").select_option(label="Alla")
    page.get_by_label("Enhet").select_option(label="Hemtjänst Norr")
    page.get_by_role("button", name="Visa").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(counts(unit_row(page, "Hemtjänst Norr"))).to_have_text(["2", "1"])


def test_from_the_overview_to_the_late_case(page, login, late_cases, screenshot):
    _, unregistered, _ = late_cases
    login(page, "erik")
    page.goto("/oversikt")
    unit_row(page, "Hemtjänst Norr").get_by_role("link", name="Visa ärenden").click()

    expect(page.get_by_label("Enhet")).to_have_value("hemtjanst-norr")
    late = page.locator("tbody tr", has_text=unregistered)
    expect(late).to_have_class(re.compile(r"\brow-late\b"))
    expect(late.locator(".badge", has_text="Försenad")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(2)
    screenshot(page, "supervisor-04-cases")
    late.get_by_role("link", name=unregistered).click()

    registration = page.locator(".deadlines li", has_text="Registreringsfrist")
    expect(registration.locator(".badge")).to_have_text("Försenad")
    expect(page.locator(".diagram .late")).not_to_have_count(0)  # the late step is marked in the diagram
    screenshot(page, "supervisor-05-late-case")


def unit_row(page: Page, unit: str):
    return page.locator("tbody tr", has=page.locator("th", has_text=re.compile(f"^{re.escape(unit)}$")))


def counts(row):
    return row.locator("td.num")


def stat(page: Page, label: str):
    return page.locator(".stat", has=page.locator(".stat-label", has_text=re.compile(f"^{label}$"))).locator(
        ".stat-value")
