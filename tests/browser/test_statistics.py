"""Statistik in a real browser: the förvaltningschef opens the compilation from the menu,
chooses T3 beside last year, reads a table and its chart, downloads a table as CSV and the
printable PDF, and opens the quality report. The data are the demo cases (demo/*.py)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from demo import avvikelse, klagomal, lex_sarah


@pytest.fixture
def demo_cases(runner, clock):
    for module in (lex_sarah, avvikelse, klagomal):
        module.file_demo_cases(runner, clock)


def test_the_compilation_with_charts_a_csv_and_a_pdf(page, login, demo_cases, screenshot):
    login(page, "fredrik")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Statistik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sammanställning till nämnden")

    page.get_by_label("Period", exact=True).select_option("T3")
    page.get_by_label("År", exact=True).fill("2026")
    page.get_by_label("Antal år bredvid varandra").select_option("2")
    page.get_by_role("button", name="Visa").click()

    card = page.locator("article#feedback_by_unit_and_type")
    expect(card.get_by_role("heading")).to_have_text("Synpunkter och klagomål per enhet och typ")
    expect(card.locator("thead th.period")).to_have_text(["T3 2025", "T3 2026"])
    total = card.locator("tr.row-total")
    expect(total.locator("td")).to_have_text(["0"] * 7 + ["1", "2", "0", "0", "0", "0", "3"])
    chart = card.get_by_role("img", name="Synpunkter och klagomål per enhet och typ (antal)")
    expect(chart).to_be_visible()
    assert chart.bounding_box()["height"] > 100
    screenshot(page, "statistik-sammanstallning")

    with page.expect_download() as download:
        card.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "sammanstallning-feedback_by_unit_and_type-T3-2026.csv"
    assert "Summa;0;0;0;0;0;0;0;1;2;0;0;0;0;3" in open(download.value.path(), encoding="utf-8-sig").read()

    pdf = page.request.get(page.get_by_role("link", name="Utskrift (PDF)").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")


def test_the_quality_report_of_a_year(page, login, demo_cases, screenshot):
    login(page, "fredrik")
    page.goto("/statistik/")
    page.get_by_role("navigation", name="Rapporter").get_by_role("link", name="Kvalitetsberättelse").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kvalitetsberättelse")
    expect(page.get_by_role("heading", level=2)).to_have_text([
        "Rapporter enligt lex Sarah och anmälningar till IVO", "Utredda avvikelser", "Synpunkter och klagomål",
        "Åtgärder och deras status", "Risknivåer"])
    figures = page.locator("article#lex_sarah_figures tbody tr")
    expect(figures.first.locator("th")).to_have_text("Inkomna rapporter")
    expect(figures.first.locator("td")).to_have_text(["0", "5"])
    screenshot(page, "statistik-kvalitetsberattelse")


def test_a_unit_manager_sees_their_units_only(page, login, demo_cases):
    login(page, "lena")
    page.goto("/statistik/ledtider")

    expect(page.get_by_text("Enheterna du ansvarar för: Daglig verksamhet Ljuset, LSS-bostad Eken.")).to_be_visible()
    expect(page.locator("article#overdue_by_unit tbody th")).to_have_text(
        ["Daglig verksamhet Ljuset", "LSS-bostad Eken", "Summa"])
