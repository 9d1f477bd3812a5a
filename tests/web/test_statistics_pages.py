"""Statistik: the committee's reports as pages, CSV and PDF, for those who answer for units.

The demo cases (demo/*.py, filed on 2026-11-23) are the data: complaints at Hemtjänst Norr (a
complaint from a relative) and Solgården (praise from a user, a complaint from a relative);
five lex Sarah reports (four at Hemtjänst Norr, one at Solgården), one of them assessed as serious
with two categories; three deviations.
"""
from __future__ import annotations

import io
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from demo import avvikelse, klagomal, lex_sarah
from tests.web.page_client import PageClient, selected

TYPES = ["Beröm", "Klagomål", "Förslag", "Fråga", "Annan synpunkt", "Ej angivit", "Summa"]


@pytest.fixture
def browser(app):
    return PageClient(app)


@pytest.fixture
def demo_cases(runner, clock):
    for module in (lex_sarah, avvikelse, klagomal):
        module.file_demo_cases(runner, clock)


class TableReader(HTMLParser):
    """The cells of the table in the element with the given id, row by row, as text."""

    def __init__(self, element_id: str):
        super().__init__()
        self.element_id, self.inside, self.rows, self.cell = element_id, False, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == self.element_id:
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = ""
        elif self.inside and tag == "span" and "visually-hidden" in (attrs.get("class") or ""):
            self.cell = None  # not part of the cell as seen

    def handle_endtag(self, tag):
        if self.inside and tag in ("td", "th") and self.rows:
            self.rows[-1].append((self.cell or "").strip())
            self.cell = None
        elif self.inside and tag == "article":
            self.inside = False

    def handle_data(self, data):
        if self.inside and self.cell is not None:
            self.cell += data


def table_on(page: str, key: str) -> list[list[str]]:
    reader = TableReader(key)
    reader.feed(page)
    return reader.rows


# -- who sees it ------------------------------------------------------------------------

@pytest.mark.parametrize("person", ["fredrik", "erik", "anders", "rita"])
def test_those_who_answer_for_units_find_statistik_in_the_menu(browser, person):
    browser.sign_in(person)
    assert '<a href="/statistik/"' in browser.get("/uppgifter").text


@pytest.mark.parametrize("person", ["anna", "ulla", "admin"])
def test_others_neither_find_it_nor_may_open_it(browser, person):
    browser.sign_in(person)
    assert "/statistik/" not in browser.get("/uppgifter").text
    for url in ("/statistik/", "/statistik/sammanstallning.csv", "/statistik/kvalitetsberattelse.pdf"):
        assert browser.get(url).status_code == 403


def test_signing_in_comes_first(browser):
    response = browser.get("/statistik/ledtider?period=T1")
    assert response.status_code == 302 and response.location.startswith("/login")


# -- the compilation ----------------------------------------------------------------------

def test_the_compilation_shows_this_year_beside_last_year_cell_by_cell(browser, demo_cases):
    browser.sign_in("fredrik")
    page = browser.get("/statistik/").text

    assert "Sammanställning till nämnden" in page and "Helår 2025, Helår 2026" in page and "Alla enheter." in page
    assert table_on(page, "feedback_by_unit_and_type") == [
        ["Enhet", "Helår 2025", "Helår 2026"],
        [*TYPES, *TYPES],
        ["Daglig verksamhet Ljuset", *["0"] * 14],
        ["LSS-bostad Eken", *["0"] * 14],
        ["Hemtjänst Norr", *["0"] * 7, "0", "1", "0", "0", "0", "0", "1"],
        ["Solgårdens särskilda boende", *["0"] * 7, "1", "1", "0", "0", "0", "0", "2"],
        ["Summa", *["0"] * 7, "1", "2", "0", "0", "0", "0", "3"],
    ]
    assert table_on(page, "lex_sarah_by_category") == [
        ["Kategori", "Helår 2025", "Helår 2026"],
        ["Våld/övergrepp", "0", "0"], ["Ekonomiska oegentligheter", "0", "0"], ["Försummelse", "0", "1"],
        ["Brister i bemötande", "0", "0"], ["Brister i rättssäkerhet vid handläggning", "0", "0"],
        ["Brister i genomförande av insats", "0", "1"], ["Annat", "0", "0"], ["Summa markeringar", "0", "2"],
        ["Antal rapporter med kategori", "0", "1"],
    ]
    for title in ("Synpunkter och klagomål per enhet och synpunktslämnare", "Lex Sarah-rapporter per avdelning och bedömning",
                  "Avvikelser per enhet och risknivå"):
        assert title in page


def test_each_table_with_something_to_show_has_a_chart_drawn_on_the_server(browser, demo_cases):
    browser.sign_in("fredrik")
    page = browser.get("/statistik/").text

    chart = page[page.index('id="feedback_by_unit_and_type"'):page.index("</svg>", page.index('id="feedback_by_unit_and_type"'))]
    assert '<svg class="stat-chart" role="img"' in chart
    assert "<title id=\"feedback_by_unit_and_type-chart-title\">Synpunkter och klagomål per enhet och typ (antal)</title>" in chart
    # One bar per type and year, the year's total beside it.
    assert chart.count("<rect") == 2 + 6 * 2
    assert "<script" not in page.split("</header>", 1)[1]


def test_a_period_in_earlier_years_is_chosen_in_the_form(browser, demo_cases):
    browser.sign_in("fredrik")
    page = browser.get("/statistik/?period=T3&year=2026&years=3").text

    assert selected(page, "period") == "T3" and selected(page, "years") == "3"
    assert table_on(page, "deviations_by_unit_and_risk_level")[0] == ["Enhet", "T3 2024", "T3 2025", "T3 2026"]
    assert table_on(page, "deviations_by_unit_and_risk_level")[-1] == [
        "Summa", *["0"] * 10, "0", "1", "1", "1", "3"]


def test_a_unit_manager_sees_the_units_they_answer_for(browser, demo_cases):
    browser.sign_in("erik")
    page = browser.get("/statistik/?years=1").text

    assert "Enheterna du ansvarar för: Hemtjänst Norr, Solgårdens särskilda boende." in page
    assert [row[0] for row in table_on(page, "feedback_by_unit_and_type")[2:]] == [
        "Hemtjänst Norr", "Solgårdens särskilda boende", "Summa"]


@pytest.mark.parametrize(("query", "field", "message"), [
    ("year=tjugo", "year", "Ange ett heltal."),
    ("year=1999", "year", "Välj ett år från 2000 till 2100."),
    ("period=range&from=2026-05-01", "to", "Ange sista datum (ÅÅÅÅ-MM-DD)."),
    ("period=range&from=2026-05-01&to=2026-04-01", "to", "Sista datum kan inte vara före första datum."),
    ("period=range&from=1-5-2026&to=2026-06-01", "from", "Ange ett datum som ÅÅÅÅ-MM-DD."),
    ("period=T5", "period", "Välj en av: T1, T2, T3, delar, helar, range."),
])
def test_a_period_that_cannot_be_is_shown_with_its_field_named(browser, query, field, message):
    browser.sign_in("fredrik")
    response = browser.get(f"/statistik/?{query}")

    assert response.status_code == 400
    assert f'<a href="#period-{field}">{message}</a>' in response.text
    assert "stat-card" not in response.text


# -- lead times and the quality report ---------------------------------------------------------------

def test_lead_times_show_the_share_answered_in_time(browser, demo_cases):
    browser.sign_in("fredrik")
    page = browser.get("/statistik/ledtider?years=1").text

    assert table_on(page, "feedback_answered_in_time") == [
        ["Utfall", "Helår 2026"], ["Klart inom fristen", "1"], ["Klart efter fristen", "0"],
        ["Inte klart, fristen har passerat", "1"], ["Inte klart, inom fristen", "1"], ["Summa", "3"],
        ["Andel klara inom fristen, %", "50,0"]]
    assert table_on(page, "lex_sarah_lead_times")[2] == ["Registrering", "3", "2,0", "2,0", "2"]


def test_the_quality_report_is_for_a_year_and_the_one_before(browser, demo_cases):
    browser.sign_in("fredrik")
    page = browser.get("/statistik/kvalitetsberattelse?year=2026&period=T1&years=5").text

    assert 'name="period"' not in page and 'name="years"' not in page
    for title in ("Rapporter enligt lex Sarah och anmälningar till IVO", "Utredda avvikelser", "Synpunkter och klagomål",
                  "Åtgärder och deras status", "Risknivåer"):
        assert f">{title}</h2>" in page
    assert table_on(page, "lex_sarah_figures") == [
        ["Antal ärenden", "Helår 2025", "Helår 2026"], ["Inkomna rapporter", "0", "5"], ["Bedömda", "0", "2"],
        ["Bedömda som allvarligt missförhållande", "0", "1"], ["Beslutade", "0", "1"], ["Anmälda till IVO", "0", "0"]]


# -- CSV and PDF ---------------------------------------------------------------------------------------

def test_a_table_downloads_as_csv_for_excel(browser, demo_cases):
    browser.sign_in("fredrik")
    response = browser.get("/statistik/sammanstallning/feedback_by_unit_and_submitter.csv?period=helar&year=2026&years=1")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="sammanstallning-feedback_by_unit_and_submitter-helar-2026.csv"')
    assert response.data.decode("utf-8") == (
        "\ufeffEnhet;Helår 2026 Brukare/klient;Helår 2026 Anhörig;Helår 2026 Personal;Helår 2026 Annan;"
        "Helår 2026 Summa\r\n"
        "Daglig verksamhet Ljuset;0;0;0;0;0\r\n"
        "LSS-bostad Eken;0;0;0;0;0\r\n"
        "Hemtjänst Norr;0;1;0;0;1\r\n"
        "Solgårdens särskilda boende;1;1;0;0;2\r\n"
        "Summa;1;2;0;0;3\r\n")


def test_the_whole_report_downloads_as_one_csv(browser, demo_cases):
    browser.sign_in("fredrik")
    text = browser.get("/statistik/ledtider.csv?years=1").data.decode("utf-8")

    assert text.startswith("\ufeffLedtider och frister;Helår 2026\r\n")
    assert "\r\nLedtider för lex Sarah-rapporter\r\nFrån rapport till;Helår 2026 Antal;Helår 2026 Medel;" in text
    assert "\r\nAndel klara inom fristen, %;50,0\r\n" in text
    assert "\r\nAnmälan till IVO;0;;;\r\n" in text  # no lead time where no case got there


def test_an_unknown_table_is_not_found(browser):
    browser.sign_in("fredrik")
    assert browser.get("/statistik/sammanstallning/finns_inte.csv").status_code == 404


def test_a_download_with_a_wrong_period_names_it(browser):
    browser.sign_in("fredrik")
    response = browser.get("/statistik/sammanstallning.csv?years=99")
    assert response.status_code == 400 and "years: Välj från 1 till 10 år." in response.text


def test_the_printable_document_is_a_pdf_with_the_tables(browser, demo_cases):
    browser.sign_in("fredrik")
    response = browser.get("/statistik/kvalitetsberattelse.pdf?year=2026")

    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="kvalitetsberattelse-helar-2026.pdf"'
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    for expected in ("Exempelkommunens socialförvaltning", "Kvalitetsberättelse", "Helår 2025, Helår 2026",
                     "Åtgärder per status", "Risknivåer i avvikelser och lex Sarah-rapporter", "Anmälda till IVO"):
        assert expected in text
