"""The Åtgärder pages: the list a person may see (soonest due first, late ones marked, filtered),
an action's page with its cases, history, status, plan and link forms, and the case page's
Åtgärder section beside the follow-up step. Forms are posted with their CSRF token."""
import re
from datetime import timedelta

import pytest

from demo.avvikelse import DeviationDriver
from demo.lex_sarah import SERIOUS_PATH
from tests.web.page_client import PageClient, checked, selected

TO_PROPOSE = SERIOUS_PATH[:5]


@pytest.fixture
def browser(app):
    return PageClient(app)


def case_id(runner, diary_number):
    return runner.show_case(diary_number, "fredrik").id


def planned(cases, *plan):
    """A lex Sarah case proposed with these (description, owner, days until due) actions."""
    case = cases.file()
    cases.walk(case, *TO_PROPOSE[:-1])
    cases.complete(case, "propose", action_plan=[{"description": d, "owner": o, "due_on": cases.day(days)}
                                                  for d, o, days in plan])
    return case


def rows(page: str) -> list[str]:
    """The table rows of the page's action list, as text without tags."""
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_the_list_is_in_the_menu_soonest_due_first_and_marks_the_late(browser, cases, clock):
    case = planned(cases, ("Ny rutin", "erik", 30), ("Utbildning", "anders", 5))
    due = {days: cases.day(days) for days in (5, 30)}
    clock.advance(timedelta(days=6))
    browser.sign_in("erik")
    page = browser.get("/atgarder").text
    assert '<a href="/atgarder" aria-current="page">Åtgärder</a>' in page
    assert rows(page) == [f"Utbildning Anders Ek {due[5]} Försenad – Ej påbörjad {case}",
                          f"Ny rutin Erik Johansson {due[30]} – Ej påbörjad {case}"]
    assert page.count('class="row-late"') == 1


def test_the_list_filters_by_status_owner_and_lateness(browser, cases, clock):
    planned(cases, ("Ny rutin", "erik", 30), ("Utbildning", "anders", 5))
    clock.advance(timedelta(days=6))
    browser.sign_in("erik")
    assert [r.split(" ")[0] for r in rows(browser.get("/atgarder?owner=erik").text)] == ["Ny"]
    assert [r.split(" ")[0] for r in rows(browser.get("/atgarder?overdue=1").text)] == ["Utbildning"]
    page = browser.get("/atgarder?status=done").text
    assert "0 åtgärder" in page and "Inga åtgärder matchar urvalet." in page
    assert selected(page, "status") == "done"


def test_the_action_page_changes_status_and_shows_it_in_the_history(browser, cases, runner):
    case = planned(cases, ("Ny rutin för schemaändringar", "erik", 30))
    browser.sign_in("erik")
    page = browser.get("/atgarder/1").text
    assert "<h1>Ny rutin för schemaändringar</h1>" in page
    assert f'<a href="/arenden/{case_id(runner, case)}">{case}</a>' in page
    assert checked(page, "status") == ["not_started"]
    version = re.search(r'name="expected_version" value="(\d+)"', page).group(1)

    response = browser.submit("/atgarder/1/status", {"status": "in_progress", "expected_version": version})
    assert response.status_code == 302 and response.location == "/atgarder/1"
    page = browser.get("/atgarder/1").text
    assert "Status: pågår." in page and checked(page, "status") == ["in_progress"]
    assert "Åtgärd ”Ny rutin för schemaändringar”: ej påbörjad → pågår" in page
    assert "Åtgärd ”Ny rutin för schemaändringar”: ej påbörjad → pågår" in browser.get(
        f"/arenden/{case_id(runner, case)}").text  # in the case's own history too


def test_a_bad_status_is_shown_on_its_field(browser, cases):
    planned(cases, ("Ny rutin", "erik", 30))
    browser.sign_in("erik")
    response = browser.submit("/atgarder/1/status", {"status": "finished"})
    assert response.status_code == 422
    assert 'href="#status-f-status"' in response.text and "Välj ett av: not_started, in_progress, done." in response.text
    response = browser.submit("/atgarder/1/status", {})
    assert response.status_code == 422 and 'href="#status-f-status"' in response.text


def test_a_status_set_from_a_page_read_before_a_change_is_refused(browser, cases):
    planned(cases, ("Ny rutin", "erik", 30))
    browser.sign_in("erik")
    version = re.search(r'name="expected_version" value="(\d+)"', browser.get("/atgarder/1").text).group(1)
    assert browser.submit("/atgarder/1/status", {"status": "in_progress", "expected_version": version}).status_code == 302
    response = browser.submit("/atgarder/1/status", {"status": "done", "expected_version": version})
    assert response.status_code == 409 and "Någon annan har ändrat åtgärden" in response.text
    assert checked(response.text, "status") == ["in_progress"]


def test_the_action_page_changes_the_plan_and_names_a_wrong_field(browser, cases, runner):
    case = planned(cases, ("Ny rutin för schemaändringar", "erik", 30))
    browser.sign_in("erik")
    page = browser.get("/atgarder/1").text
    assert "Ändra åtgärden" in page and selected(page, "owner") == "erik"
    version = re.search(r'name="expected_version" value="(\d+)"', page).group(1)
    typed = {"description": "Ny rutin för schemaändringar", "owner": "anders", "due_on": cases.day(45),
             "follow_up_on": "", "expected_version": version}

    response = browser.submit("/atgarder/1/plan", {**typed, "due_on": "snart"})
    assert response.status_code == 422 and 'href="#plan-f-due_on"' in response.text
    assert selected(response.text, "owner") == "anders"  # what was typed is kept
    response = browser.submit("/atgarder/1/plan", typed)
    assert response.status_code == 302 and response.location == "/atgarder/1"
    page = browser.get(f"/arenden/{case_id(runner, case)}").text
    assert f"ansvarig Erik Johansson → Anders Ek, klart senast {cases.day(30)} → {cases.day(45)}" in page


def test_the_owner_alone_is_not_offered_the_plan(browser, cases):
    planned(cases, ("Handledning för utredare", "goran", 30))
    browser.sign_in("goran")
    page = browser.get("/atgarder/1").text
    assert "Ändra status" in page and "Ändra åtgärden" not in page
    response = browser.submit("/atgarder/1/plan", {"description": "x", "owner": "goran", "due_on": cases.day(90)})
    assert response.status_code == 403


def test_linking_to_a_second_case_shows_the_action_on_both_case_pages(browser, cases, runner, clock):
    first = planned(cases, ("Ny rutin för schemaändringar", "erik", 30))
    second = DeviationDriver(runner, clock).file(unit="solgarden", health_care=False)
    browser.sign_in("erik")
    response = browser.submit("/atgarder/1/arenden", {"case": second})
    assert response.status_code == 302
    page = browser.get("/atgarder/1").text
    assert f"Åtgärden gäller nu även {second}." in page
    assert f">{first}</a>" in page and f">{second}</a>" in page
    for case in (first, second):
        section = browser.get(f"/arenden/{case_id(runner, case)}").text
        section = section[section.index('id="actions-title"'):]
        assert 'href="/atgarder/1"' in section and "Ej påbörjad" in section


def test_linking_names_the_problem_on_the_field(browser, cases):
    planned(cases, ("Ny rutin", "erik", 30))
    elsewhere = cases.file(unit="lss-bostad-eken")  # Lena's unit, not Erik's
    browser.sign_in("erik")
    response = browser.submit("/atgarder/1/arenden", {"case": "SOCN/2026:99"})
    assert response.status_code == 422 and "Det finns inget ärende med diarienummer SOCN/2026:99." in response.text
    assert 'value="SOCN/2026:99"' in response.text  # what was typed stays
    response = browser.submit("/atgarder/1/arenden", {"case": elsewhere})
    assert response.status_code == 403
    assert f"Du får inte läsa ärendet {elsewhere}" in response.text and 'href="#link-f-case"' in response.text


def test_someone_who_may_not_see_the_action_is_refused(browser, cases):
    planned(cases, ("Ny rutin", "erik", 30))
    browser.sign_in("lena")
    assert browser.get("/atgarder/1").status_code == 403
    assert "Ny rutin" not in browser.get("/atgarder").text
    assert browser.get("/atgarder/2").status_code == 404
    response = browser.submit("/atgarder/1/status", {"status": "done"}, page="/atgarder")
    assert response.status_code == 403


def test_the_propose_form_offers_the_people_of_the_organisation_as_owners(browser, cases, runner):
    case = cases.file()
    cases.walk(case, *TO_PROPOSE[:-1])
    browser.sign_in("ulla")
    page = browser.get(f"/arenden/{case_id(runner, case)}").text
    owner = re.search(r'<select id="propose-f-action_plan-0-owner" name="action_plan-0-owner".*?</select>', page, re.S)
    assert owner and '<option value="erik">Erik Johansson</option>' in owner.group(0)


def test_following_up_shows_the_case_actions_beside_the_step(browser, cases, runner):
    case = cases.file()
    view = cases.walk(case, *SERIOUS_PATH[:-2])
    assert [task.name for task in view.tasks] == ["follow_up"]
    browser.sign_in("anders")
    page = browser.get(f"/arenden/{case_id(runner, case)}").text
    step, section = page.index('id="uppgift-follow_up"'), page.index('id="actions-title"')
    assert step < section
    assert "Ny rutin för schemaändringar" in page[section:] and "Ej påbörjad" in page[section:]
