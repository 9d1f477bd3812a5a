"""Delegationsbeslut for the committee, as the page, its CSV file and print view, the command
line and the API give it: the same decisions, in Swedish, for those who report to the committee."""
import csv
import io
import re
from html import unescape

import pytest
from sqlalchemy import select

from engine import accounts
from engine.models import AccessLogEntry
from tests.engine.test_delegation_decisions import november_decisions
from tests.web.page_client import PageClient

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}
HEADER = ["Datum", "Diarienummer", "Ärendetyp", "Beslut", "Utfall", "Beslutat av", "Titel", "Delegation"]


@pytest.fixture
def decided(services, runner, clock):
    return november_decisions(services, runner, clock)


@pytest.fixture
def expected(decided):
    """The rows for November, cell by cell."""
    fredrik = ["Fredrik Öberg", "Förvaltningschef", "Förvaltningschef"]
    return [
        ["2026-11-01", decided["complaint"], "Synpunkt", "Besluta om lex Sarah-utredning", "Utreds enligt lex Sarah",
         *fredrik],
        ["2026-11-02", decided["serious"], "Lex Sarah", "Besluta om allvarligt missförhållande",
         "Allvarligt missförhållande", "Nils Lund", "Ordförande i klagomålsdelegationen",
         "Nils Lund (namngiven delegat)"],
        ["2026-11-15", decided["eken"], "Avvikelse", "Besluta om lex Sarah-utredning", "Utreds inte enligt lex Sarah",
         *fredrik],
        ["2026-11-30", decided["no_misconduct"], "Lex Sarah", "Avsluta – inget missförhållande",
         "Inget missförhållande, hanteras vidare som avvikelse", *fredrik],
    ]


@pytest.fixture
def signed_in(app):
    def sign_in(person: str) -> PageClient:
        client = PageClient(app)
        client.sign_in(person)
        return client
    return sign_in


def table_rows(html: str) -> list[list[str]]:
    """Each row's cells as text; the parts of a cell (a name and its title) joined by a space."""
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return [[" ".join(unescape(re.sub(r"<[^>]+>", " ", cell)).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                                               row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def reads(services, person: str) -> list[str]:
    with services.db.unit_of_work() as session:
        return list(session.scalars(select(AccessLogEntry.action).where(AccessLogEntry.person_id == person)))


# -- the page --------------------------------------------------------------------------

def test_the_page_lists_the_periods_decisions_in_swedish(signed_in, expected):
    page = signed_in("fredrik").get("/delegationsbeslut", query_string=NOVEMBER)
    assert page.status_code == 200
    # On screen the decider's title is under their name.
    assert table_rows(page.text) == [[*row[:5], f"{row[5]} {row[6]}", row[7]] for row in expected]
    assert "4 beslut från och med 2026-11-01 till och med 2026-11-30" in page.text
    assert 'href="/delegationsbeslut/csv?from=2026-11-01&amp;to=2026-11-30"' in page.text


def test_without_a_period_the_page_shows_this_month_so_far(signed_in, decided):
    page = signed_in("rita").get("/delegationsbeslut").text  # the clock stands at 1 December, 00:00
    assert 'name="from" type="date" value="2026-12-01"' in page and 'name="to" type="date" value="2026-12-01"' in page
    assert [row[1] for row in table_rows(page)] == [decided["after"]]  # decided at 00:00 on 1 December


def test_a_wrong_period_is_named_next_to_its_field_and_kept(signed_in, decided):
    page = signed_in("fredrik").get("/delegationsbeslut", query_string={"from": "2026-11-30", "to": "2026-11-01"})
    assert page.status_code == 422
    error = re.search(r'<p class="field-error" id="period-to-error"><span>(.*?)</span></p>', page.text)
    assert error and error.group(1) == "Datumet kan inte vara före ”Från och med”."
    assert 'value="2026-11-30"' in page.text and 'value="2026-11-01"' in page.text
    assert "<tbody>" not in page.text


def test_the_csv_file_opens_in_excel_with_every_cell(signed_in, expected, services):
    response = signed_in("fredrik").get("/delegationsbeslut/csv", query_string=NOVEMBER)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="delegationsbeslut-2026-11-01-2026-11-30.csv"'
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8, å ä ö
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [HEADER, *expected]
    assert reads(services, "fredrik") == ["export"] * 4


def test_the_print_view_is_the_list_without_the_site_around_it(signed_in, expected):
    page = signed_in("fredrik").get("/delegationsbeslut/utskrift", query_string=NOVEMBER).text
    assert "Anmälan av delegationsbeslut till socialnämnden" in page
    assert "från och med 2026-11-01 till och med 2026-11-30" in page
    assert "Utskriven 2026-12-01 av Fredrik Öberg, Förvaltningschef." in page
    assert table_rows(page) == expected
    assert "site-nav" not in page and "@media print" in page


def test_the_menu_offers_the_page_to_those_who_report_to_the_committee(signed_in):
    assert 'href="/delegationsbeslut"' in signed_in("fredrik").get("/uppgifter").text
    assert 'href="/delegationsbeslut"' in signed_in("admin").get("/uppgifter").text
    assert 'href="/delegationsbeslut"' not in signed_in("anna").get("/uppgifter").text


@pytest.mark.parametrize("url", ["/delegationsbeslut", "/delegationsbeslut/csv", "/delegationsbeslut/utskrift"])
def test_a_medarbetare_is_refused(signed_in, decided, services, url):
    response = signed_in("anna").get(url, query_string=NOVEMBER)
    assert response.status_code == 403
    assert reads(services, "anna") == []


def test_the_administrator_sees_no_case_on_the_page(signed_in, decided, services):
    page = signed_in("admin").get("/delegationsbeslut", query_string=NOVEMBER)
    assert page.status_code == 200 and "Inga delegationsbeslut under perioden." in page.text
    assert reads(services, "admin") == []


# -- the command line ---------------------------------------------------------------

def test_the_command_lists_the_decisions(app, expected):
    result = app.test_cli_runner().invoke(args=["delegation", "decisions", "--from", "2026-11-01", "--to", "2026-11-30",
                                                "--as", "fredrik"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 4
    assert lines[1] == (f"2026-11-02  {expected[1][1]:<14} Lex Sarah  Besluta om allvarligt missförhållande: "
                        "Allvarligt missförhållande  – Nils Lund, Ordförande i klagomålsdelegationen "
                        "(delegation: Nils Lund (namngiven delegat))")


def test_the_command_writes_the_same_csv_as_the_page(app, signed_in, decided):
    result = app.test_cli_runner().invoke(args=["delegation", "decisions", "--from", "2026-11-01", "--to", "2026-11-30",
                                                "--as", "rita", "--csv"])
    assert result.exit_code == 0, result.output
    page = signed_in("rita").get("/delegationsbeslut/csv", query_string=NOVEMBER)
    assert result.stdout_bytes == page.data


@pytest.mark.parametrize("args, message", [
    (["--from", "2026-11-30", "--to", "2026-11-01", "--as", "fredrik"],
     "fel: ogiltiga uppgifter: to: Datumet kan inte vara före ”Från och med”."),
    (["--from", "2026-11-01", "--to", "2026-11-30", "--as", "anna"], "fel: anna får inte lista delegationsbeslut"),
])
def test_the_command_names_what_is_wrong(app, args, message):
    result = app.test_cli_runner().invoke(args=["delegation", "decisions", *args])
    assert result.exit_code == 1
    assert result.output.strip() == message


# -- the API ----------------------------------------------------------------------------

@pytest.fixture
def api(app, services, clock):
    client = app.test_client()

    def call(person, **query):
        with services.db.unit_of_work() as session:
            token = accounts.issue_token(session, person, "tests", clock.now())
        return client.get("/api/v1/delegation-decisions", query_string=query,
                          headers={"Authorization": f"Bearer {token}"})
    return call


def test_the_api_gives_each_decision_with_its_delegation(api, decided, expected):
    response = api("fredrik", **NOVEMBER)
    assert response.status_code == 200, response.text
    items = response.json["items"]
    assert [item["diary_number"] for item in items] == [row[1] for row in expected]
    assert items[1] == {
        "decided_at": "2026-11-02T09:00:00+01:00", "decided_on": "2026-11-02", "case_id": items[1]["case_id"],
        "diary_number": decided["serious"], "case_type": "lex_sarah", "task": "decide",
        "decision": "Besluta om allvarligt missförhållande", "outcome": "Allvarligt missförhållande",
        "decided_by": "nils", "decided_by_name": "Nils Lund",
        "decided_by_title": "Ordförande i klagomålsdelegationen",
        "delegated_role": None, "delegated_person": "nils", "delegation": "Nils Lund (namngiven delegat)",
    }
    assert (items[3]["decided_at"], items[3]["delegated_role"]) == ("2026-11-30T23:59:00+01:00", "forvaltningschef")


def test_the_api_refuses_a_medarbetare(api, decided):
    response = api("anna", **NOVEMBER)
    assert response.status_code == 403 and response.json["message"] == "anna får inte lista delegationsbeslut"


@pytest.mark.parametrize("query, errors", [
    ({"from": "2026-11-30", "to": "2026-11-01"},
     {"query": {"to": ["Datumet kan inte vara före ”Från och med”."]}}),
    ({"from": "2026-11-01"}, {"query": {"to": ["Fältet måste fyllas i."]}}),
    ({**NOVEMBER, "unit": "solgarden"}, {"query": {"unit": ["Unknown field."]}}),
])
def test_the_api_names_the_wrong_query_field(api, decided, query, errors):
    response = api("fredrik", **query)
    assert response.status_code == 422
    assert response.json["errors"] == errors
