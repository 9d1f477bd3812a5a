"""The JSON API under /api/v1: token sign-in, each endpoint with its errors (one JSON shape,
the field named, never a 500), need-to-know, and every read logged."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from engine import accounts
from engine.models import AccessLogEntry, Case, CaseLink

V1 = "/api/v1"


@pytest.fixture
def api(app, services, clock):
    """`api(person, method, url, json=...)`: a request with a token acting as the person."""
    client, tokens = app.test_client(), {}

    def call(person, method, url, **kwargs):
        if person not in tokens:
            with services.db.unit_of_work() as session:
                tokens[person] = accounts.issue_token(session, person, "tests", clock.now())
        return client.open(url, method=method, headers={"Authorization": f"Bearer {tokens[person]}"}, **kwargs)
    return call


def case_id(runner, diary_number: str) -> int:
    return runner.show_case(diary_number, "fredrik").id


def reads(services, person=None):
    with services.db.unit_of_work() as session:
        query = select(AccessLogEntry.person_id, AccessLogEntry.case_id, AccessLogEntry.action)
        if person:
            query = query.where(AccessLogEntry.person_id == person)
        return [tuple(row) for row in session.execute(query.order_by(AccessLogEntry.id))]


def count_cases(services) -> int:
    with services.db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Case))


def assert_error(response, status: int, errors=None):
    """The one error shape: code, status, message, and where given, the fields by location."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.json
    assert body["code"] == status and body["status"] and body["message"]
    if errors is not None:
        assert body["errors"] == errors
    return body


# -- signing in ------------------------------------------------------------------------

@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic ZXJpazpkZW1vMTIzNA==",
                                    "Bearer not-a-token", "Bearer \u00e5\u00e4\u00f6"])
def test_without_a_valid_token_every_request_gets_401(app, header):
    headers = {"Authorization": header} if header is not None else {}
    for method, url in (("GET", f"{V1}/cases"), ("POST", f"{V1}/cases"), ("GET", f"{V1}/cases/1"),
                        ("POST", f"{V1}/cases/1/tasks/register"), ("GET", f"{V1}/deadlines")):
        response = app.test_client().open(url, method=method, headers=headers, json={})
        assert_error(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_token_acts_as_its_person(api, cases):
    filed = cases.file()
    assert [c["diary_number"] for c in api("erik", "GET", f"{V1}/cases").json["items"]] == [filed]
    assert api("lena", "GET", f"{V1}/cases").json["items"] == []


# -- filing --------------------------------------------------------------------------

def test_filing_gives_201_the_diary_number_and_where_the_case_is(api, cases):
    response = api("anna", "POST", f"{V1}/cases", json={"case_type": "lex_sarah", "data": cases.report()})
    assert response.status_code == 201
    assert response.json == {"id": 1, "diary_number": "SOCN/2026:1"}
    assert response.headers["Location"] == f"{V1}/cases/1"
    as_reporter = api("anna", "GET", response.headers["Location"]).json
    assert as_reporter["sight"] == "status" and {t["name"] for t in as_reporter["tasks"]} == {"protect", "register"}
    assert api("erik", "GET", response.headers["Location"]).json["data"]["report"]["reporter_name"] == "Anna Lindqvist"


def test_filing_with_links_links_the_cases(api, cases, services):
    earlier = cases.file()
    response = api("erik", "POST", f"{V1}/cases", json={
        "case_type": "lex_sarah", "data": cases.report(), "links": [{"relation": "related", "case": earlier}]})
    assert response.status_code == 201
    assert api("erik", "GET", response.headers["Location"]).json["links"] == [{"relation": "related", "case": earlier}]


def test_an_invalid_report_names_each_field_and_stores_nothing(api, cases, services):
    data = cases.report(unit="no-such-unit", occurred_on="igår", reporter_role="brukare")
    del data["what_happened"]
    body = assert_error(api("anna", "POST", f"{V1}/cases", json={"case_type": "lex_sarah", "data": data}), 422)
    assert set(body["errors"]["json"]["data"]) == {"unit", "occurred_on", "reporter_role", "what_happened"}
    assert body["errors"]["json"]["data"]["unit"] == ["Okänd enhet."]
    assert count_cases(services) == 0


@pytest.mark.parametrize("body, field", [
    ({"data": {}}, "case_type"), ({"case_type": "okand", "data": {}}, "case_type"),
    ({"case_type": 7, "data": {}}, "case_type"), ({"case_type": "lex_sarah"}, "data"),
    ({"case_type": "lex_sarah", "data": []}, "data"), ({"case_type": "lex_sarah", "data": None}, "data"),
    ({"case_type": "lex_sarah", "data": {}, "extra": 1}, "extra"),
    ({"case_type": "lex_sarah", "data": {}, "links": [{"relation": "x" * 33, "case": "SOCN/2026:1"}]}, "links"),
    ({"case_type": "lex_sarah", "data": {}, "links": [{"relation": "related"}]}, "links"),
    ([], "_schema"), ("lex_sarah", "_schema"),
])
def test_the_request_body_is_checked_field_by_field(api, services, body, field):
    response = assert_error(api("anna", "POST", f"{V1}/cases", json=body), 422)
    assert list(response["errors"]["json"]) == [field]
    assert count_cases(services) == 0


def test_a_link_to_a_case_that_does_not_exist_is_named(api, cases, services):
    response = api("anna", "POST", f"{V1}/cases", json={
        "case_type": "lex_sarah", "data": cases.report(), "links": [{"relation": "related", "case": "SOCN/1999:9"}]})
    assert list(assert_error(response, 422)["errors"]["json"]) == ["links"]
    with services.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(CaseLink)) == 0
    assert count_cases(services) == 0


def test_malformed_json_is_a_400(api):
    response = api("anna", "POST", f"{V1}/cases", data="{not json", content_type="application/json")
    assert_error(response, 400, {"json": ["Invalid JSON body."]})


@pytest.mark.parametrize("overrides", [
    {"unit": 10**30}, {"severity": 10**30}, {"occurred_on": 20261120}, {"received_on": None},
    {"unit": None}, {"what_happened": ["a", "b"]}, {"what_happened": {"nested": True}},
    {"unit": "hemtjänst-\u00f6\u2603"}, {"unit": "hemtjanst-norr\x00"}, {"what_happened": "text\x00"},
    {"concerns_person": "\x00"}, {"affected_individual": "x" * 100_000}, {"": 1}, {"\x00": "x"},
])
def test_odd_values_in_a_report_get_422_naming_the_field(api, cases, services, overrides):
    response = api("anna", "POST", f"{V1}/cases", json={"case_type": "lex_sarah", "data": cases.report(**overrides)})
    fields = assert_error(response, 422)["errors"]["json"]["data"]
    assert set(fields) == set(overrides)
    assert count_cases(services) == 0


@pytest.mark.parametrize("url", [f"{V1}/cases/99999999999999999999999", f"{V1}/cases/-1", f"{V1}/cases/abc",
                                 f"{V1}/cases/2147483648/tasks", f"{V1}/cases/0/history"])
def test_odd_case_ids_are_not_found(api, url):
    assert_error(api("erik", "GET", url), 404)


@pytest.mark.parametrize("query, field", [
    ("status=bogus", "status"), ("case_type=x", "case_type"), ("received_from=23/11/2026", "received_from"),
    ("received_to=2026-13-01", "received_to"), ("page=0", "page"), ("page=99999999999999999999", "page"),
    ("page_size=101", "page_size"), ("page_size=-1", "page_size"), ("unit=%00", "unit"), ("page=1.5", "page"),
    ("stauts=open", "stauts"),
])
def test_bad_list_filters_get_422_naming_the_parameter(api, query, field):
    assert list(assert_error(api("erik", "GET", f"{V1}/cases?{query}"), 422)["errors"]["query"]) == [field]


# -- reading -------------------------------------------------------------------------

def test_reading_a_case_follows_need_to_know_and_is_logged(api, cases, runner, services):
    filed = cases.file(concerns_person="omar")
    number = case_id(runner, filed)
    full = api("erik", "GET", f"{V1}/cases/{number}").json
    assert full["sight"] == "full" and full["data"]["report"]["unit"] == "hemtjanst-norr"
    assert [d["kind"] for d in full["deadlines"]] == ["registration"]
    status = api("anna", "GET", f"{V1}/cases/{number}").json
    assert status["sight"] == "status" and set(status) == {"id", "diary_number", "case_type", "unit", "status",
                                                           "received_on", "version", "sight", "tasks"}
    assert_error(api("lena", "GET", f"{V1}/cases/{number}"), 403)
    assert_error(api("omar", "GET", f"{V1}/cases/{number}"), 403)  # the report is about him
    assert_error(api("erik", "GET", f"{V1}/cases/{number + 1}"), 404)
    assert [r for r in reads(services) if r[0] != "fredrik"] == [("erik", number, "show"), ("anna", number, "show")]


def test_a_list_shows_only_what_the_person_may_read_and_logs_each_case(api, cases, runner, services):
    north = cases.file()
    about_erik = cases.file(concerns_person="erik")
    eken = cases.file(unit="lss-bostad-eken")
    ids = {n: case_id(runner, n) for n in (north, about_erik, eken)}
    listed = api("erik", "GET", f"{V1}/cases").json
    assert [c["diary_number"] for c in listed["items"]] == [north] and listed["total"] == 1
    assert reads(services, "erik") == [("erik", ids[north], "list")]
    mine = api("anna", "GET", f"{V1}/cases").json["items"]
    assert {c["diary_number"] for c in mine} == {north, about_erik, eken}  # anna reported all three
    assert all(c["sight"] == "status" and "next_due_at" not in c and "overdue" not in c for c in mine)
    assert api("omar", "GET", f"{V1}/cases").json == {"items": [], "total": 0, "total_exact": True, "page": 1, "page_size": 50}


def test_lists_filter_and_page(api, cases, days_ago):
    old = cases.file(received_on=days_ago(20), noticed_on=days_ago(20), occurred_on=days_ago(21))
    recent = cases.file()
    solgarden = cases.file(unit="solgarden")

    def listed(query):
        return [c["diary_number"] for c in api("anders", "GET", f"{V1}/cases?{query}").json["items"]]

    assert listed("unit=hemtjanst-norr") == [recent, old]
    assert listed(f"received_to={days_ago(10)}") == [old]
    assert listed(f"received_from={days_ago(10)}&unit=solgarden") == [solgarden]
    assert listed("case_type=lex_sarah&status=open&page_size=2&page=2") == [old]
    assert listed("status=closed") == []
    assert listed("case_type=klagomal") == []


def test_a_cases_tasks_are_those_the_person_may_complete(api, cases, runner, services):
    number = case_id(runner, cases.file())
    assert [t["name"] for t in api("erik", "GET", f"{V1}/cases/{number}/tasks").json] == ["protect"]
    assert [t["name"] for t in api("rita", "GET", f"{V1}/cases/{number}/tasks").json] == ["register"]
    assert api("anna", "GET", f"{V1}/cases/{number}/tasks").json == []
    assert_error(api("lena", "GET", f"{V1}/cases/{number}/tasks"), 403)
    assert ("rita", number, "tasks") in reads(services)


def test_the_history_is_for_full_sight_and_is_logged(api, cases, runner, services):
    filed = cases.file()
    cases.complete(filed, "protect")
    number = case_id(runner, filed)
    events = api("anders", "GET", f"{V1}/cases/{number}/history").json
    assert [e["action"] for e in events][:2] == ["case.filed", "deadline.set"]
    assert events[-1]["action"] == "task.completed" and events[-1]["task"] == "protect"
    assert events[0]["at"] == "2026-11-23T10:00:00+01:00"
    assert_error(api("anna", "GET", f"{V1}/cases/{number}/history"), 403)
    assert ("anders", number, "history") in reads(services)


def test_deadlines_can_be_limited_to_the_overdue(api, cases, runner, days_ago):
    late = cases.file(received_on=days_ago(35), noticed_on=days_ago(36), occurred_on=days_ago(36))
    cases.file()
    listed = api("erik", "GET", f"{V1}/deadlines").json
    assert listed["total"] == 2 and listed["items"][0]["diary_number"] == late
    overdue = api("erik", "GET", f"{V1}/deadlines?overdue=true").json["items"]
    assert [(d["diary_number"], d["kind"], d["case_id"]) for d in overdue] == [
        (late, "registration", case_id(runner, late))]
    assert api("anna", "GET", f"{V1}/deadlines").json["items"] == []
    assert list(assert_error(api("erik", "GET", f"{V1}/deadlines?overdue=kanske"), 422)["errors"]["query"]) == [
        "overdue"]


# -- completing tasks ----------------------------------------------------------------

def test_completing_a_task_gives_the_case_afterwards(api, cases, runner):
    number = case_id(runner, cases.file())
    response = api("erik", "POST", f"{V1}/cases/{number}/tasks/protect", json={"data": cases.form("protect")})
    assert response.status_code == 200
    assert response.json["data"]["protect"]["actions_taken"] == cases.form("protect")["actions_taken"]
    assert [t["name"] for t in response.json["tasks"]] == ["register"]


def test_completing_a_task_checks_who_what_and_when(api, cases, runner):
    number = case_id(runner, cases.file())
    version = api("erik", "GET", f"{V1}/cases/{number}").json["version"]
    url = f"{V1}/cases/{number}/tasks"
    assert_error(api("anna", "POST", f"{url}/protect", json={"data": cases.form("protect")}), 403)
    assert_error(api("erik", "POST", f"{url}/decide", json={"data": cases.form("decide")}), 409)  # not yet
    assert_error(api("erik", "POST", f"{url}/triage", json={"data": {}}), 404)  # not a lex Sarah task
    assert_error(api("erik", "POST", f"{V1}/cases/{number + 1}/tasks/protect", json={"data": {}}), 404)
    body = assert_error(api("erik", "POST", f"{url}/protect", json={"data": {"taken_on": "2099-01-01"}}), 422)
    assert set(body["errors"]["json"]["data"]) == {"actions_taken", "taken_on"}
    assert api("erik", "GET", f"{V1}/cases/{number}").json["version"] == version  # nothing was changed
    api("rita", "POST", f"{url}/register", json={"data": cases.form("register")})
    stale = api("erik", "POST", f"{url}/protect", json={"data": cases.form("protect"), "expected_version": version})
    assert_error(stale, 409)
    fresh = api("erik", "POST", f"{url}/protect", json={"data": cases.form("protect"),
                                                       "expected_version": version + 1})
    assert fresh.status_code == 200


@pytest.mark.parametrize("body, field", [
    ({}, "data"), ({"data": "x"}, "data"), ({"data": {}, "expected_version": "1"}, "expected_version"),
    ({"data": {}, "expected_version": 2**63}, "expected_version"), ({"data": {}, "expected_version": 1.5},
                                                                     "expected_version"),
    ({"data": {}, "other": True}, "other"),
])
def test_the_task_body_is_checked_field_by_field(api, cases, runner, body, field):
    number = case_id(runner, cases.file())
    response = api("erik", "POST", f"{V1}/cases/{number}/tasks/protect", json=body)
    assert list(assert_error(response, 422)["errors"]["json"]) == [field]


# -- the document and the rest of the application -------------------------------------

def test_the_openapi_document_describes_the_api_and_each_form(app, api):
    document = app.test_client().get("/api/openapi.json").json
    assert document["openapi"].startswith("3.0")
    assert set(document["paths"]) == {f"{V1}/cases", f"{V1}/cases/{{case_id}}", f"{V1}/cases/{{case_id}}/tasks",
                                      f"{V1}/cases/{{case_id}}/tasks/{{task_name}}",
                                      f"{V1}/cases/{{case_id}}/history", f"{V1}/deadlines", f"{V1}/actions",
                                      f"{V1}/actions/{{action_id}}", f"{V1}/actions/{{action_id}}/cases",
                                      f"{V1}/actions/{{action_id}}/plan",
                                      f"{V1}/delegation-decisions", f"{V1}/reports/{{report}}"}
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert document["security"] == [{"bearer": []}]
    schemas = document["components"]["schemas"]
    report_refs = [ref["$ref"].rpartition("/")[2] for ref in schemas["FileCase"]["properties"]["data"]["anyOf"]]
    assert "LexSarahReport" in report_refs and all(name in schemas for name in report_refs)
    assert schemas["LexSarahRegister"]["properties"]["registered_on"]["format"] == "date"
    assert schemas["LexSarahReport"]["properties"]["unit"]["title"] == "Enhet"
    complete = document["paths"][f"{V1}/cases/{{case_id}}/tasks/{{task_name}}"]["post"]["responses"]
    assert set(complete) == {"200", "400", "401", "403", "404", "409", "422"}


def test_pages_keep_their_own_error_pages(app):
    response = app.test_client().get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"
