"""The signed-in pages: who sees what, filing a report, working a case, the overview and
the access log. Forms are posted with their CSRF token, as a browser does."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

import workflows
from demo.lex_sarah import SERIOUS_PATH
from engine import actions, paging, queries
from engine.errors import NotFound
from engine.models import AccessLogEntry
from web.pages import admin as admin_page, cases as cases_page, tasks as tasks_page
from tests.web.page_client import PageClient, checked, field_value, selected


@pytest.fixture
def browser(app):
    return PageClient(app)


def case_id(runner, diary_number):
    return runner.show_case(diary_number, "fredrik").id


def lex_sarah_form(cases, **overrides):
    return {**cases.report(), "concerns_person": "", **overrides}


# -- Rapportera -------------------------------------------------------------------------

def test_rapportera_offers_every_case_type(browser):
    browser.sign_in("anna")
    page = browser.get("/rapportera").text
    for case_type in workflows.CASE_TYPES.values():
        assert f'href="/rapportera/{case_type.id}"' in page and case_type.report.title in page


def test_filing_a_lex_sarah_report_gives_a_receipt_with_the_diary_number(browser, cases, runner):
    browser.sign_in("anna")
    response = browser.submit("/rapportera/lex_sarah", lex_sarah_form(cases))
    assert response.status_code == 302 and response.location == "/rapportera/kvitto"
    assert "SOCN/2026:1" in browser.get("/rapportera/kvitto").text
    view = runner.show_case("SOCN/2026:1", "erik")
    assert view.data["report"]["affected_individual"] == "Brukare A"


def test_the_report_form_starts_with_today_and_my_name(browser, clock):
    browser.sign_in("anna")
    page = browser.get("/rapportera/lex_sarah").text
    assert field_value(page, "received_on") == clock.today().isoformat()
    assert field_value(page, "reporter_name") == "Anna Lindqvist"


def test_a_report_with_errors_keeps_everything_typed_and_names_the_fields(browser, cases, runner):
    browser.sign_in("anna")
    typed = lex_sarah_form(cases, occurred_on="igår", noticed_on=cases.day(-5),
                           what_happened="Brukaren fick fel <medicin> & blev sjuk.", immediate_actions="Läkare ringdes.",
                           unit="solgarden", reporter_role="praktikant")
    response = browser.submit("/rapportera/lex_sarah", typed)
    assert response.status_code == 422
    page = response.text
    assert "Formuläret innehåller" in page
    summary = page[page.index('class="error-summary"'):page.index("</ul>", page.index('class="error-summary"'))]
    assert 'href="#f-occurred_on"' in summary and "När hände det?" in summary
    assert "Ange ett datum som ÅÅÅÅ-MM-DD." in summary
    for name in ("what_happened", "immediate_actions", "affected_individual", "reporter_name", "occurred_on",
                 "noticed_on", "received_on"):
        assert field_value(page, name) == typed[name], name
    assert selected(page, "unit") == "solgarden"
    assert checked(page, "reporter_role") == ["praktikant"]
    with pytest.raises(NotFound):
        runner.show_case("SOCN/2026:1", "erik")


def test_a_date_rule_error_is_shown_next_to_its_field(browser, cases):
    browser.sign_in("anna")
    page = browser.submit("/rapportera/lex_sarah", lex_sarah_form(cases, noticed_on=cases.day(-5))).text
    error = re.search(r'<p class="field-error" id="f-noticed_on-error">(.*?)</p>', page, re.S)
    assert error and "Datumet kan inte vara före" in error.group(1)


def test_an_unknown_case_type_is_not_found(browser):
    browser.sign_in("anna")
    response = browser.get("/rapportera/lex_maria")
    assert response.status_code == 404 and "Sidan finns inte" in response.text


# -- Mina uppgifter ---------------------------------------------------------------------

def test_my_tasks_puts_the_overdue_first_and_says_how_late(browser, cases):
    fresh = cases.file(received_on=cases.day(), noticed_on=cases.day(), occurred_on=cases.day(-1))
    late = cases.file(received_on=cases.day(-9), noticed_on=cases.day(-9), occurred_on=cases.day(-10))
    browser.sign_in("rita")
    page = browser.get("/uppgifter").text
    assert page.index(late) < page.index(fresh)
    late_row = page[page.index("<tr", page.index("<tbody")):page.index(late)]
    assert "Försenad" in late_row and "dagar sen" in late_row
    fresh_row = page[page.index(late):page.index(fresh)]
    assert "I tid" in fresh_row.rsplit("<tr", 1)[1]


def test_my_tasks_shows_my_reminders(browser, cases, clock, services):
    cases.file(received_on=cases.day(-9), noticed_on=cases.day(-9), occurred_on=cases.day(-10))
    services.sweeper.sweep()
    subjects = [m.subject for m in services.runner.messages_for("rita")]
    assert subjects
    browser.sign_in("rita")
    page = browser.get("/uppgifter").text
    assert "Påminnelser" in page and subjects[0] in page


def test_a_reminder_of_an_action_links_to_the_action(browser, cases, clock, services):
    case = cases.file()
    cases.walk(case, *SERIOUS_PATH[:5])  # erik's action is due in 30 days
    clock.advance(timedelta(days=31))
    (action_id,) = services.sweeper.sweep().actions_reminded
    browser.sign_in("erik")
    page = browser.get("/uppgifter").text
    assert f'<a href="/atgarder/{action_id}">Påminnelse: åtgärd klar senast' in page


def test_my_tasks_show_only_the_newest_reminders(browser, cases, services, monkeypatch):
    for days in (9, 8):
        cases.file(received_on=cases.day(-days), noticed_on=cases.day(-days), occurred_on=cases.day(-days - 1))
    services.sweeper.sweep()
    every = services.runner.messages_for("rita")
    assert len(every) == 2
    assert [m.id for m in services.runner.messages_for("rita", newest=1)] == [every[0].id] and every[0].id > every[1].id
    monkeypatch.setattr(tasks_page, "REMINDERS_SHOWN", 1)
    browser.sign_in("rita")
    page = browser.get("/uppgifter").text
    assert every[0].subject in page and every[1].subject not in page


def test_my_tasks_come_in_pages(browser, cases, monkeypatch):
    monkeypatch.setattr(tasks_page, "PAGE_SIZE", 2)
    filed = [cases.file() for _ in range(3)]
    browser.sign_in("erik")
    first, second = browser.get("/uppgifter").text, browser.get("/uppgifter?page=2").text
    assert "Du har 3 uppgifter att göra" in first and "Sida 1 av 2" in first and "Sida 2 av 2" in second
    assert [number in first for number in filed] == [True, True, False]
    assert [number in second for number in filed] == [False, False, True]
    assert browser.get("/uppgifter?page=9").location == "/uppgifter"


def test_someone_without_tasks_is_told_so(browser, cases):
    cases.file()
    browser.sign_in("anna")
    assert "Du har inga uppgifter att göra just nu." in browser.get("/uppgifter").text


# -- Ärende -----------------------------------------------------------------------------

def test_the_unit_manager_sees_the_whole_case_and_the_form_of_his_step(browser, cases, runner):
    diary_number = cases.file()
    browser.sign_in("erik")
    page = browser.get(f"/arenden/{case_id(runner, diary_number)}").text
    assert diary_number in page and "Hemtjänst Norr" in page
    assert "Vad har hänt?" in page and "lämnades utan tillsyn" in page
    assert "Medarbetare" in page  # the reporter's role shown by its label, not its value
    assert '<svg' in page and 'class="bpmn-shape bpmn-userTask current"' in page
    assert "Registreringsfrist" in page and "Historik" in page and "Lex Sarah: rapport inlämnad" in page
    assert "Slutför: Vidta omedelbara åtgärder" in page  # erik's step
    assert "Slutför: Registrera rapporten" not in page  # rita's step


def test_the_reporter_sees_only_the_status(browser, cases, runner):
    diary_number = cases.file()
    browser.sign_in("anna")
    page = browser.get(f"/arenden/{case_id(runner, diary_number)}").text
    assert diary_number in page and "Öppet" in page and "Registrera rapporten" in page
    assert "lämnades utan tillsyn" not in page and "Brukare A" not in page
    assert "<svg" not in page and "Historik" not in page and "Slutför" not in page


def test_the_person_a_report_concerns_never_sees_it(browser, cases, runner):
    # Erik manages the unit, so he would see it, were it not about him.
    diary_number = cases.file(concerns_person="erik")
    browser.sign_in("erik")
    response = browser.get(f"/arenden/{case_id(runner, diary_number)}")
    assert response.status_code == 403 and "Ingen behörighet" in response.text
    assert "lämnades utan tillsyn" not in response.text
    assert diary_number not in browser.get("/uppgifter").text
    assert diary_number not in browser.get("/arenden").text


def test_a_manager_of_another_unit_is_refused(browser, cases, runner):
    diary_number = cases.file()
    browser.sign_in("lena")
    assert browser.get(f"/arenden/{case_id(runner, diary_number)}").status_code == 403


def test_a_case_that_does_not_exist_is_not_found(browser):
    browser.sign_in("erik")
    response = browser.get("/arenden/4711")
    assert response.status_code == 404 and "Sidan finns inte" in response.text
    assert browser.get("/arenden/dnr/SOCN/2026:99").status_code == 404


def test_a_diary_number_link_leads_to_the_case(browser, cases, runner):
    diary_number = cases.file()
    browser.sign_in("erik")
    response = browser.get(f"/arenden/dnr/{diary_number}")
    assert response.location == f"/arenden/{case_id(runner, diary_number)}"


def test_completing_a_step_through_the_page_advances_the_case(browser, cases, runner):
    diary_number = cases.file()
    url = f"/arenden/{case_id(runner, diary_number)}"
    browser.sign_in("erik")
    page = browser.get(url).text
    version = re.search(r'name="expected_version" value="(\d+)"', page).group(1)
    response = browser.submit(f"{url}/uppgifter/protect", {
        "actions_taken": "Extra tillsyn ordnades.", "taken_on": cases.day(), "expected_version": version}, page=url)
    assert response.status_code == 302 and response.location == url
    after = browser.get(url).text
    assert "”Vidta omedelbara åtgärder” är klart." in after
    assert "Extra tillsyn ordnades." in after and "Vidta omedelbara åtgärder slutförd" in after
    assert cases.ready(diary_number) == ["register"]


def test_a_step_with_errors_keeps_what_was_typed(browser, cases, runner):
    diary_number = cases.file()
    url = f"/arenden/{case_id(runner, diary_number)}"
    browser.sign_in("erik")
    response = browser.submit(f"{url}/uppgifter/protect", {"actions_taken": "Extra tillsyn.", "taken_on": "igår"})
    assert response.status_code == 422
    assert field_value(response.text, "actions_taken") == "Extra tillsyn."
    assert 'href="#protect-f-taken_on"' in response.text
    assert cases.ready(diary_number) == ["protect", "register"]


def test_a_step_on_a_case_changed_meanwhile_is_refused_and_keeps_the_text(browser, cases, runner):
    diary_number = cases.file()
    url = f"/arenden/{case_id(runner, diary_number)}"
    browser.sign_in("erik")
    version = re.search(r'name="expected_version" value="(\d+)"', browser.get(url).text).group(1)
    cases.complete(diary_number, "register")  # Rita, at the same time
    response = browser.submit(f"{url}/uppgifter/protect", {
        "actions_taken": "Extra tillsyn.", "taken_on": cases.day(), "expected_version": version}, page=url)
    assert response.status_code == 409
    assert "Någon annan har ändrat ärendet" in response.text
    assert field_value(response.text, "actions_taken") == "Extra tillsyn."
    assert cases.ready(diary_number) == ["protect"]


def test_a_step_that_is_not_mine_is_refused(browser, cases, runner):
    diary_number = cases.file()
    url = f"/arenden/{case_id(runner, diary_number)}"
    browser.sign_in("anna")
    response = browser.submit(f"{url}/uppgifter/protect", {"actions_taken": "X", "taken_on": cases.day()},
                              page="/uppgifter")
    assert response.status_code == 403
    assert cases.ready(diary_number) == ["protect", "register"]


def test_rows_are_added_without_javascript_and_the_investigation_is_saved(browser, cases, runner):
    diary_number = cases.file()
    cases.walk(diary_number, "protect", "register", "assign_investigator")
    url = f"/arenden/{case_id(runner, diary_number)}"
    browser.sign_in("ulla")
    first_row = {"entries-0-date": cases.day(), "entries-0-source": "Intervju med personal", "entries-0-kind": "fact",
                 "entries-0-statement": "Besöket föll bort.", "entries-0-author_name": "Ulla Svensson",
                 "entries-0-author_title": "SAS"}
    response = browser.submit(f"{url}/uppgifter/investigate", {**first_row, "method": "Intervjuer",
                                                               "_add_row": "entries"}, page=url)
    assert response.status_code == 200
    assert field_value(response.text, "entries-0-source") == "Intervju med personal"
    assert field_value(response.text, "entries-1-source") == ""
    assert field_value(response.text, "method") == "Intervjuer"

    second_row = {"entries-1-date": "2026-13-01", "entries-1-source": "Journal", "entries-1-kind": "fact",
                  "entries-1-statement": "Inget antecknat.", "entries-1-author_name": "Ulla Svensson",
                  "entries-1-author_title": "SAS"}
    rest = {"method": "Intervjuer", "individual_interviewed": "true", "consequences": "Utan tillsyn.",
            "causes": "Schemat.", "earlier_similar": "Inga."}
    response = browser.submit(f"{url}/uppgifter/investigate", {**first_row, **second_row, **rest}, page=url)
    assert response.status_code == 422
    assert 'href="#investigate-f-entries-1-date"' in response.text
    assert field_value(response.text, "entries-1-statement") == "Inget antecknat."

    response = browser.submit(f"{url}/uppgifter/investigate",
                              {**first_row, **second_row, "entries-1-date": cases.day(), **rest}, page=url)
    assert response.status_code == 302
    assert [e["source"] for e in runner.show_case(diary_number, "ulla").data["investigate"]["entries"]] == [
        "Intervju med personal", "Journal"]


# -- Ärenden, Översikt ----------------------------------------------------------------------

def test_the_case_list_shows_what_i_may_read(app, browser, cases):
    mine = cases.file()
    other_unit = cases.file(unit="solgarden")
    browser.sign_in("anna")
    page = browser.get("/arenden").text
    assert mine in page and other_unit in page  # anna reported both
    lena = PageClient(app)
    lena.sign_in("lena")
    assert "0 ärenden" in lena.get("/arenden").text


def test_the_case_list_says_more_where_it_stopped_counting(browser, cases, monkeypatch):
    monkeypatch.setattr(cases_page, "PAGE_SIZE", 2)
    monkeypatch.setattr(paging, "COUNT_LIMIT", 3)
    filed = [cases.file() for _ in range(5)]
    browser.sign_in("erik")
    first, second, third = (browser.get(f"/arenden?page={n}").text for n in (1, 2, 3))
    assert "Fler än 3 ärenden" in first and "Sida 1 av minst 2" in first and "?page=2" in first
    assert "Fler än 4 ärenden" in second and "Sida 2 av minst 3" in second and "?page=3" in second
    assert "5 ärenden" in third and "Sida 3 av 3" in third and "Nästa →" not in third
    assert filed[0] in third and not any(number in third for number in filed[1:])


def test_the_case_list_filters_by_status(browser, cases):
    diary_number = cases.file()
    browser.sign_in("erik")
    assert diary_number in browser.get("/arenden?status=open").text
    assert diary_number not in browser.get("/arenden?status=closed").text


def test_the_overview_counts_open_and_overdue_cases_per_unit(browser, cases):
    cases.file()
    cases.file(received_on=cases.day(-9), noticed_on=cases.day(-9), occurred_on=cases.day(-10))
    cases.file(unit="solgarden")
    browser.sign_in("erik")
    page = browser.get("/oversikt").text
    row = page[page.index("<th scope=\"row\">Hemtjänst Norr</th>"):]
    row = row[:row.index("</tr>")]
    assert re.findall(r'<td class="num">(\d+)</td>', row) == ["2", "1"]
    assert "Solgårdens särskilda boende" in page
    filtered = browser.get("/oversikt?unit=solgarden").text
    assert "Hemtjänst Norr</th>" not in filtered and "Solgårdens särskilda boende</th>" in filtered


def test_the_overview_is_for_supervisors_only(browser):
    browser.sign_in("anna")
    assert browser.get("/oversikt").status_code == 403
    assert "Översikt" not in browser.get("/uppgifter").text


# -- Åtkomstlogg ----------------------------------------------------------------------------

def test_a_read_through_the_case_page_is_found_in_the_access_log(app, browser, cases, runner, clock):
    diary_number = cases.file()
    number = case_id(runner, diary_number)  # fredrik reads it
    erik = PageClient(app)
    erik.sign_in("erik")
    clock.advance(timedelta(minutes=5))
    erik.get(f"/arenden/{number}")
    browser.sign_in("admin")
    page = browser.get(f"/admin/atkomstlogg?person=erik&diary_number={diary_number}").text
    assert "1 läsning" in page  # the page reads the case, its history and its steps at once
    assert "Erik Johansson" in page and "Öppnade ärendet" in page
    assert "Fredrik Öberg" not in page.split("<tbody>")[1]
    assert "2026-11-23 10:05" in page
    today = clock.today().isoformat()
    assert "Öppnade ärendet" in browser.get(f"/admin/atkomstlogg?from={today}&to={today}&person=erik").text
    yesterday = (clock.today() - timedelta(days=1)).isoformat()
    assert "Inga läsningar" in browser.get(f"/admin/atkomstlogg?to={yesterday}").text


def test_the_access_log_names_every_kind_of_read_in_swedish(app, browser, cases, runner, services):
    diary_number = cases.file()
    queries.list_deadlines(services.db, services.clock, "erik")  # its registration deadline
    cases.walk(diary_number, *SERIOUS_PATH[:5])  # an action planned, the investigation written
    number = case_id(runner, diary_number)
    (action,) = actions.list_actions(services.db, services.clock, "erik").items
    runner.case_history(diary_number, "erik"), runner.open_tasks("erik", diary_number)  # as the API reads them
    erik = PageClient(app)
    erik.sign_in("erik")
    for path in (f"/arenden/{number}", "/arenden", "/atgarder", f"/atgarder/{action.id}",
                 f"/arenden/{number}/dokument/utredning"):
        assert erik.get(path).status_code == 200, path
    with services.db.snapshot() as session:
        kinds = set(session.scalars(select(AccessLogEntry.action).where(AccessLogEntry.person_id == "erik")))
    assert kinds == {"show", "history", "tasks", "list", "deadlines", "actions", "action", "document utredning"}
    browser.sign_in("admin")
    page = browser.get("/admin/atkomstlogg?person=erik").text
    for kind in kinds:
        assert f"<td>{admin_page.READS[kind]}</td>" in page


def test_the_access_log_names_a_bad_date(browser):
    browser.sign_in("admin")
    response = browser.get("/admin/atkomstlogg?from=igår")
    assert response.status_code == 200 and "Ange ett datum som ÅÅÅÅ-MM-DD." in response.text


def test_the_access_log_is_for_administrators_only(browser):
    browser.sign_in("erik")
    assert browser.get("/admin/atkomstlogg").status_code == 403
    assert "Åtkomstlogg" not in browser.get("/uppgifter").text


# -- never a 500 ----------------------------------------------------------------------------

@pytest.mark.parametrize("url, status", [
    ("/arenden?page=-3", 200), ("/arenden?page=abc&status=<script>", 200), ("/oversikt?unit=nej&case_type=x", 200),
    ("/admin/atkomstlogg?page=0&to=2026-02-30", 403), ("/arenden/abc", 404), ("/rapportera/../admin", 404),
])
def test_bad_addresses_get_a_page_not_a_crash(browser, url, status):
    browser.sign_in("erik")
    response = browser.get(url)
    assert response.status_code == status
    assert "<html lang=\"sv\">" in response.text


def test_bad_posts_get_a_page_not_a_crash(browser, cases, runner):
    diary_number = cases.file()
    url = f"/arenden/{case_id(runner, diary_number)}"
    browser.sign_in("erik")
    assert browser.submit(f"{url}/uppgifter/no_such_step", {}, page=url).status_code == 404
    assert browser.submit("/arenden/4711/uppgifter/protect", {}, page=url).status_code == 404
    response = browser.submit(f"{url}/uppgifter/protect", {"expected_version": "x", "taken_on": cases.day(),
                                                           "actions_taken": "X", "entries-99999-date": "1"}, page=url)
    assert response.status_code == 302
