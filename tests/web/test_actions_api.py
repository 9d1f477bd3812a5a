"""/api/v1/actions: list with filters, one with its history, PATCH its status, link it to a case;
errors name the field, access is the token's person's, and reads are logged on the cases."""
from __future__ import annotations

from datetime import timedelta

import pytest

from demo.lex_sarah import SERIOUS_PATH
from tests.web.test_api import V1, api, assert_error, case_id, reads  # noqa: F401, F811 (api: the fixture)

STATUS_ERROR = ["Välj ett av: not_started, in_progress, done."]


@pytest.fixture
def proposed(cases):
    """A lex Sarah case whose proposal plans two actions: Erik's in 30 days, Anders's in 5."""
    case = cases.file()
    cases.walk(case, *SERIOUS_PATH[:4])
    cases.complete(case, "propose", action_plan=[
        {"description": "Ny rutin", "owner": "erik", "due_on": cases.day(30), "follow_up_on": cases.day(60)},
        {"description": "Utbildning", "owner": "anders", "due_on": cases.day(5)}])
    return case


def test_the_list_gives_the_actions_soonest_due_first_with_their_cases(api, proposed, runner, cases, services):
    body = api("erik", "GET", f"{V1}/actions").json
    assert body["total"] == 2 and [a["description"] for a in body["items"]] == ["Utbildning", "Ny rutin"]
    erik = body["items"][1]
    assert {key: erik[key] for key in ("owner", "due_on", "follow_up_on", "status", "overdue", "created_by")} == {
        "owner": "erik", "due_on": cases.day(30), "follow_up_on": cases.day(60), "status": "not_started",
        "overdue": False, "created_by": "ulla"}
    assert erik["cases"] == [{"id": case_id(runner, proposed), "diary_number": proposed}]
    assert ("erik", case_id(runner, proposed), "actions") in reads(services, "erik")


def test_the_list_filters(api, proposed, runner, clock):
    clock.advance(timedelta(days=6))

    def listed(query):
        return [a["description"] for a in api("erik", "GET", f"{V1}/actions?{query}").json["items"]]

    assert listed("overdue=true") == ["Utbildning"]
    assert listed("owner=erik") == ["Ny rutin"]
    assert listed("status=done") == []
    assert listed(f"case_id={case_id(runner, proposed)}") == ["Utbildning", "Ny rutin"]
    assert listed("case_id=999") == []


def test_a_bad_filter_is_refused_naming_it(api, proposed):
    assert_error(api("erik", "GET", f"{V1}/actions?status=finished"), 422, {"query": {"status": STATUS_ERROR}})
    assert list(assert_error(api("erik", "GET", f"{V1}/actions?owners=erik"), 422)["errors"]["query"]) == ["owners"]


def test_one_action_comes_with_its_history(api, proposed):
    body = api("erik", "GET", f"{V1}/actions/2").json
    assert body["description"] == "Utbildning" and body["version"] == 1
    assert [(c["kind"], c["actor"]) for c in body["history"]] == [("action.created", "ulla")]
    assert body["history"][0]["at"] == "2026-11-23T10:00:00+01:00"


def test_patching_the_status_writes_it_into_the_case_history(api, proposed, runner):
    response = api("erik", "PATCH", f"{V1}/actions/1", json={"status": "in_progress", "expected_version": 1})
    assert response.status_code == 200
    assert response.json["status"] == "in_progress" and response.json["version"] == 2
    assert response.json["history"][-1]["summary"] == "Åtgärd ”Ny rutin”: ej påbörjad → pågår"
    history = api("erik", "GET", f"{V1}/cases/{case_id(runner, proposed)}/history").json
    assert [e["summary"] for e in history if e["action"] == "action.status_changed"] == [
        "Åtgärd ”Ny rutin”: ej påbörjad → pågår"]


@pytest.mark.parametrize("body, errors", [
    ({"status": "finished"}, {"status": STATUS_ERROR}),
    ({}, {"status": ["Missing data for required field."]}),
    ({"status": "done", "note": "x"}, {"note": ["Unknown field."]}),
])
def test_a_bad_patch_is_refused_naming_the_field(api, proposed, body, errors):
    assert_error(api("erik", "PATCH", f"{V1}/actions/1", json=body), 422, {"json": errors})
    assert api("erik", "GET", f"{V1}/actions/1").json["status"] == "not_started"


def test_a_patch_from_a_stale_version_conflicts(api, proposed):
    assert api("erik", "PATCH", f"{V1}/actions/1", json={"status": "in_progress", "expected_version": 1}).status_code == 200
    assert_error(api("anders", "PATCH", f"{V1}/actions/1", json={"status": "done", "expected_version": 1}), 409)
    assert api("erik", "GET", f"{V1}/actions/1").json["status"] == "in_progress"


def test_someone_without_sight_gets_403_and_never_the_action(api, proposed):
    plan = {"description": "x", "owner": "lena", "due_on": "2027-01-01"}
    for method, url, body in (("GET", f"{V1}/actions/1", None), ("PATCH", f"{V1}/actions/1", {"status": "done"}),
                              ("PUT", f"{V1}/actions/1/plan", plan), ("POST", f"{V1}/actions/1/cases", {"case": proposed})):
        response = api("lena", method, url, json=body)
        assert_error(response, 403)
        assert "Ny rutin" not in response.get_data(as_text=True)
    assert api("lena", "GET", f"{V1}/actions").json == {"items": [], "total": 0, "total_exact": True, "page": 1, "page_size": 50}
    assert_error(api("erik", "GET", f"{V1}/actions/99"), 404)
    assert api("erik", "GET", f"{V1}/actions/1").json["status"] == "not_started"


def test_putting_a_plan_writes_the_change_into_the_case_history(api, proposed, runner, cases):
    plan = {"description": "Ny rutin", "owner": "anders", "due_on": cases.day(45), "follow_up_on": None,
            "expected_version": 1}
    response = api("erik", "PUT", f"{V1}/actions/1/plan", json=plan)
    assert response.status_code == 200
    assert (response.json["owner"], response.json["due_on"], response.json["follow_up_on"]) == (
        "anders", cases.day(45), None)
    history = api("erik", "GET", f"{V1}/cases/{case_id(runner, proposed)}/history").json
    assert [e["after"] for e in history if e["action"] == "action.replanned"] == [
        {"action_id": 1, "owner": "anders", "due_on": cases.day(45), "follow_up_on": None}]
    assert_error(api("erik", "PUT", f"{V1}/actions/1/plan", json=plan), 409)  # version 1 is gone


@pytest.mark.parametrize("change, errors", [
    ({"owner": "nobody"}, {"owner": ["Det finns ingen person 'nobody'."]}),
    ({"due_on": "snart"}, {"due_on": ["Not a valid date."]}),
    ({"description": None}, {"description": ["Field may not be null."]}),
])
def test_a_bad_plan_is_refused_naming_the_field(api, proposed, cases, change, errors):
    plan = {"description": "Ny rutin", "owner": "erik", "due_on": cases.day(45), **change}
    assert_error(api("erik", "PUT", f"{V1}/actions/1/plan", json=plan), 422, {"json": errors})
    assert api("erik", "GET", f"{V1}/actions/1").json["version"] == 1


def test_linking_a_second_case(api, proposed, cases, runner):
    second = cases.file(unit="solgarden")
    elsewhere = cases.file(unit="lss-bostad-eken")
    response = api("erik", "POST", f"{V1}/actions/1/cases", json={"case": second})
    assert response.status_code == 200
    assert [c["diary_number"] for c in response.json["cases"]] == [proposed, second]
    assert [a["id"] for a in api("erik", "GET", f"{V1}/actions?case_id={case_id(runner, second)}").json["items"]] == [1]
    assert_error(api("erik", "POST", f"{V1}/actions/1/cases", json={"case": second}), 422,
                 {"json": {"case": [f"Åtgärden är redan kopplad till {second}."]}})
    assert_error(api("erik", "POST", f"{V1}/actions/1/cases", json={"case": "SOCN/2026:99"}), 422,
                 {"json": {"case": ["Det finns inget ärende med diarienummer SOCN/2026:99."]}})
    assert_error(api("erik", "POST", f"{V1}/actions/1/cases", json={"case": elsewhere}), 403)


def test_the_document_describes_the_action_operations(app):
    paths = app.test_client().get("/api/openapi.json").json["paths"]
    assert {"get", "patch"} <= set(paths[f"{V1}/actions/{{action_id}}"])
    assert set(paths[f"{V1}/actions/{{action_id}}/plan"]["put"]["responses"]) == {"200", "400", "401", "403", "404",
                                                                                "409", "422"}
    assert set(paths[f"{V1}/actions/{{action_id}}"]["patch"]["responses"]) == {"200", "400", "401", "403", "404", "409",
                                                                               "422"}
    assert paths[f"{V1}/actions"]["get"]["parameters"]


def test_a_reminder_is_in_the_history_as_the_systems_and_the_document_allows_it(api, proposed, services, clock, app):
    clock.advance(timedelta(days=5))  # Anders's action is due today, and the morning has passed
    assert services.sweeper.sweep().actions_reminded == [2]
    history = api("anders", "GET", f"{V1}/actions/2").json["history"]
    assert [(c["kind"], c["actor"]) for c in history] == [("action.created", "ulla"), ("action.reminded", None)]
    document = app.test_client().get("/api/openapi.json").json
    assert document["components"]["schemas"]["ActionChange"]["properties"]["actor"]["nullable"] is True
