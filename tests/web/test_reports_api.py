"""The committee's reports from the JSON API (/api/v1/reports/...) and from `lexflow report`:
the same cells as the pages, the period's errors naming the field, and the same rule of who
may see them. The data are the demo cases (demo/*.py, filed on 2026-11-23)."""
from __future__ import annotations

import pytest

from demo import avvikelse, klagomal, lex_sarah
from engine import accounts
from engine.reports import compile_report
from engine.reports.periods import ReportPeriod
from workflows.statistics import COMPILATION

V1 = "/api/v1"


@pytest.fixture
def demo_cases(runner, clock):
    for module in (lex_sarah, avvikelse, klagomal):
        module.file_demo_cases(runner, clock)


@pytest.fixture
def api(app, services, clock):
    """`api(person, url)`: a GET with a token acting as the person."""
    client = app.test_client()

    def get(person, url):
        with services.db.unit_of_work() as session:
            token = accounts.issue_token(session, person, "tests", clock.now())
        return client.get(url, headers={"Authorization": f"Bearer {token}"})
    return get


# -- the API ----------------------------------------------------------------------------------

def test_the_compilation_as_data(api, demo_cases):
    response = api("fredrik", f"{V1}/reports/compilation?period=T3&year=2026&years=2")

    assert response.status_code == 200
    body = response.json
    assert (body["key"], body["title"], body["all_units"]) == ("compilation", "Sammanställning till nämnden", True)
    assert body["periods"] == [{"label": "T3 2025", "from": "2025-09-01", "to": "2025-12-31"},
                               {"label": "T3 2026", "from": "2026-09-01", "to": "2026-12-31"}]
    assert [section["title"] for section in body["sections"]] == ["Synpunkter och klagomål", "Lex Sarah", "Avvikelser"]
    table = body["sections"][0]["tables"][1]
    assert (table["key"], table["title"], table["row_title"]) == (
        "feedback_by_unit_and_submitter", "Synpunkter och klagomål per enhet och synpunktslämnare", "Enhet")
    labels = ["Brukare/klient", "Anhörig", "Personal", "Annan", "Summa"]
    assert [(column["period"], column["label"], column["total"]) for column in table["columns"]] == [
        (period, label, label == "Summa") for period in ("T3 2025", "T3 2026") for label in labels]
    assert [column["key"] for column in table["columns"][:5]] == ["user", "relative", "staff", "other", None]
    assert [(row["key"], row["label"], row["kind"], row["values"]) for row in table["rows"]] == [
        ("daglig-verksamhet", "Daglig verksamhet Ljuset", "row", [0] * 10),
        ("lss-bostad-eken", "LSS-bostad Eken", "row", [0] * 10),
        ("hemtjanst-norr", "Hemtjänst Norr", "row", [0, 0, 0, 0, 0, 0, 1, 0, 0, 1]),
        ("solgarden", "Solgårdens särskilda boende", "row", [0, 0, 0, 0, 0, 1, 1, 0, 0, 2]),
        (None, "Summa", "total", [0, 0, 0, 0, 0, 1, 2, 0, 0, 3]),
    ]


def test_the_api_gives_the_cells_the_engine_computes(api, demo_cases, services, clock):
    report = compile_report(services.db, clock, "erik", COMPILATION, ReportPeriod.of("helar", 2026))
    body = api("erik", f"{V1}/reports/compilation").json

    assert body["units"] == ["Hemtjänst Norr", "Solgårdens särskilda boende"] and not body["all_units"]
    for section in body["sections"]:
        for table in section["tables"]:
            assert [row["values"] for row in table["rows"]] == [row.values for row in report.table(table["key"])
                                                                 .layout().rows]


def test_lead_times_have_no_value_where_no_case_got_there(api, demo_cases):
    body = api("fredrik", f"{V1}/reports/lead_times?year=2026").json

    table = body["sections"][0]["tables"][0]
    assert [(row["label"], row["values"]) for row in table["rows"]] == [
        ("Registrering", [3, 2.0, 2.0, 2]), ("Utredare utsedd", [3, 2.0, 2.0, 2]), ("Beslut", [1, 2.0, 2.0, 2]),
        ("Anmälan till IVO", [0, None, None, None])]


@pytest.mark.parametrize(("query", "errors"), [
    ("period=T4", {"period": ["Must be one of: T1, T2, T3, delar, helar, range."]}),
    ("year=1999", {"year": ["Must be greater than or equal to 2000 and less than or equal to 2100."]}),
    ("period=range&from=2026-01-01", {"to": ["Ange sista datum (ÅÅÅÅ-MM-DD)."]}),
    ("period=range&from=2025-01-01&to=2026-01-01", {"to": ["En period kan vara högst ett år lång."]}),
    ("year=2001&years=3", {"years": ["Det tidigaste året som kan visas är 2000."]}),
    ("quarter=1", {"quarter": ["Unknown field."]}),
])
def test_a_period_that_cannot_be_is_refused_naming_the_field(api, query, errors):
    response = api("fredrik", f"{V1}/reports/quality_report?{query}")

    assert response.status_code == 422
    assert response.json["errors"] == {"query": errors}


@pytest.mark.parametrize("person", ["anna", "admin"])
def test_who_answers_for_no_unit_is_refused(api, person):
    response = api(person, f"{V1}/reports/compilation")
    assert response.status_code == 403 and "får inte se statistiken" in response.json["message"]


def test_the_reports_are_documented(app):
    document = app.test_client().get("/api/openapi.json").json
    path = document["paths"]["/api/v1/reports/{report}"]

    assert set(path["get"]["responses"]) == {"200", "401", "403", "404", "422"}
    assert {parameter["name"] for parameter in path["parameters"] + path["get"]["parameters"]} == {
        "report", "period", "year", "years", "from", "to"}


# -- the command line -------------------------------------------------------------------------------

def test_the_compilation_on_the_command_line(cli, demo_cases):
    result = cli("report", "compilation", "--as", "fredrik", "--table", "deviations_by_unit_and_risk_level")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Sammanställning till nämnden: Helår 2026",
        "Alla enheter.",
        "",
        "Avvikelser per enhet och risknivå",
        "                             Helår 2026",
        "Enhet                        Låg  Medium  Kritisk  Ej bedömd  Summa",
        "Daglig verksamhet Ljuset       0       0        0          0      0",
        "LSS-bostad Eken                0       0        0          0      0",
        "Hemtjänst Norr                 0       1        0          1      2",
        "Solgårdens särskilda boende    0       0        1          0      1",
        "Summa                          0       1        1          1      3",
    ]


def test_a_table_as_csv_on_the_command_line(cli, demo_cases):
    result = cli("report", "lead-times", "--as", "erik", "--period", "T3", "--years", "2", "--csv",
                 "--table", "feedback_answered_in_time")

    assert result.exit_code == 0, result.output
    assert result.stdout_bytes.decode("utf-8") == ("\ufeffUtfall;T3 2025;T3 2026\r\nKlart inom fristen;0;1\r\nKlart efter fristen;0;0\r\n"
                             "Inte klart, fristen har passerat;0;1\r\nInte klart, inom fristen;0;1\r\nSumma;0;3\r\n"
                             "Andel klara inom fristen, %;;50,0\r\n")


def test_the_quality_report_as_pdf_from_the_command_line(cli, demo_cases, tmp_path):
    result = cli("report", "quality", "--as", "fredrik", "--year", "2026", "--pdf", str(tmp_path / "k.pdf"))

    assert result.exit_code == 0, result.output
    assert (tmp_path / "k.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(("args", "message"), [
    (("--as", "anna"), "fel: anna ansvarar inte för någon enhet och får inte se statistiken"),
    (("--as", "fredrik", "--period", "range", "--from", "2026-02-01", "--to", "2026-01-01"),
     "fel: ogiltiga uppgifter: to: Sista datum kan inte vara före första datum."),
])
def test_errors_are_one_line(cli, args, message):
    result = cli("report", "compilation", *args)
    assert result.exit_code == 1 and result.output.strip() == message


def test_an_unknown_table_is_named(cli):
    result = cli("report", "compilation", "--as", "fredrik", "--table", "x")
    assert result.exit_code == 2 and "--table" in result.output and "feedback_by_unit_and_type" in result.output
