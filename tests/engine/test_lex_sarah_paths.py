"""The lex Sarah diagram run through the persisted engine, one path per test."""
from sqlalchemy import func, select

from engine.models import Case, Deadline, OpenTask

UP_TO_PROPOSAL = ("protect", "register", "assign_investigator", "investigate")


def test_filing_opens_protection_and_registration_in_parallel(cases):
    case = cases.file()
    assert case == "SOCN/2026:1"
    assert cases.ready(case) == ["protect", "register"]


def test_serious_path_ends_with_the_ivo_notification_recorded(cases, runner):
    case = cases.file()
    cases.walk(case, *UP_TO_PROPOSAL, "propose", "decide")
    assert cases.ready(case) == ["notify_ivo"]
    cases.walk(case, "notify_ivo", "inform_individual", "follow_up", "close")

    view = runner.show_case(case, "fredrik")
    assert view.status == "closed"
    assert view.data["notify_ivo"]["ivo_reference"] == "3.5.1-12345/2026"
    assert view.data["notify_ivo"]["channel"] == "e_service"
    assert view.data["propose"]["risk_level"] == "kritisk"
    actions = [(e.action, e.task) for e in runner.case_history(case, "fredrik")]
    assert ("task.completed", "notify_ivo") in actions
    assert actions[-1] == ("case.closed", None)


def test_serious_without_complete_investigation_requires_the_supplement(cases):
    case = cases.file()
    cases.walk(case, *UP_TO_PROPOSAL, "propose", "decide")
    cases.complete(case, "notify_ivo", investigation_included=False)
    assert cases.ready(case) == ["send_supplement"]
    view = cases.walk(case, "send_supplement")
    assert [t.name for t in view.tasks] == ["inform_individual"]


def test_non_serious_path_skips_ivo(cases, runner):
    case = cases.file()
    cases.walk(case, *UP_TO_PROPOSAL)
    cases.complete(case, "propose", assessment="misconduct", severity=2, probability=2)
    view = cases.complete(case, "decide", serious=False)
    assert [t.name for t in view.tasks] == ["inform_individual"]
    view = cases.walk(case, "inform_individual", "follow_up", "close")
    assert view.status == "closed"
    completed = {e.task for e in runner.case_history(case, "fredrik") if e.action == "task.completed"}
    assert "notify_ivo" not in completed and "decide" in completed


def test_not_a_misconduct_is_closed_with_a_documented_reason(cases, runner):
    case = cases.file()
    cases.walk(case, *UP_TO_PROPOSAL)
    view = cases.complete(case, "propose", assessment="no_misconduct", categories=[], action_plan=[])
    assert [t.name for t in view.tasks] == ["close_no_misconduct"]
    view = cases.complete(case, "close_no_misconduct")
    assert view.status == "closed"
    assert view.data["close_no_misconduct"]["reason"] == "Händelsen var ett planerat uppehåll."
    assert "decide" not in view.data


def test_closed_case_leaves_no_open_tasks_or_pending_deadlines(cases, services):
    case = cases.file()
    cases.walk(case, *UP_TO_PROPOSAL)
    cases.complete(case, "propose", assessment="no_misconduct", categories=[], action_plan=[])
    cases.complete(case, "close_no_misconduct")
    with services.db.unit_of_work() as session:
        case_id = session.scalar(select(Case.id).where(Case.diary_number == case))
        assert session.scalar(select(func.count()).select_from(OpenTask).where(OpenTask.case_id == case_id)) == 0
        statuses = set(session.scalars(select(Deadline.status).where(Deadline.case_id == case_id)))
        assert statuses == {"met"}


def test_investigator_assignment_limits_the_investigation_to_that_person(cases, runner):
    import pytest
    from engine.errors import Forbidden

    case = cases.file()
    cases.walk(case, "protect", "register", "assign_investigator")
    with pytest.raises(Forbidden):
        runner.complete_task(case, "investigate", cases.form("investigate"), "goran")
    cases.complete(case, "investigate")


def test_a_link_between_cases_is_seen_from_both_ends(cases, runner):
    first = cases.file()
    second = runner.file_case("lex_sarah", cases.report(), "anna", links=(("related", first),)).diary_number
    assert runner.show_case(second, "erik").links == [("related", first)]
    assert runner.show_case(first, "erik").links == [("related (från)", second)]
