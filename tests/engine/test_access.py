"""Need-to-know: who may read and who may act, and every read is logged."""
import pytest
from sqlalchemy import select

from engine.access import Sight
from engine.errors import Forbidden
from engine.models import AccessLogEntry, Case


def test_the_person_a_report_concerns_never_sees_it(cases, runner):
    case = cases.file(concerns_person="erik")
    with pytest.raises(Forbidden):
        runner.show_case(case, "erik")
    with pytest.raises(Forbidden):
        cases.complete(case, "protect")  # erik is the unit manager, but the report is about him


def test_the_reporter_sees_only_the_status(cases, runner):
    case = cases.file()
    view = runner.show_case(case, "anna")
    assert view.sight is Sight.STATUS
    assert view.data == {} and view.deadlines == []
    assert [t.name for t in view.tasks] == ["protect", "register"]
    with pytest.raises(Forbidden):
        runner.case_history(case, "anna")


def test_managers_of_other_units_cannot_read_the_case(cases, runner):
    case = cases.file()
    with pytest.raises(Forbidden):
        runner.show_case(case, "lena")  # enhetschef of other units
    with pytest.raises(Forbidden):
        runner.show_case(case, "karin")  # avdelningschef of another department
    assert runner.show_case(case, "anders").sight is Sight.FULL  # avdelningschef of the unit's department


def test_only_the_lane_role_may_complete_a_task(cases, runner):
    case = cases.file()
    with pytest.raises(Forbidden):
        runner.complete_task(case, "register", cases.form("register"), "anna")
    runner.complete_task(case, "register", cases.form("register"), "rita")


def test_decisions_follow_the_delegation_order(cases, runner):
    case = cases.file()
    cases.walk(case, "protect", "register", "assign_investigator", "investigate", "propose")
    with pytest.raises(Forbidden):
        runner.complete_task(case, "decide", cases.form("decide"), "anders")
    runner.complete_task(case, "decide", cases.form("decide"), "fredrik")


def test_every_read_is_logged_with_who_and_what(cases, runner, services):
    case = cases.file()
    runner.show_case(case, "erik")
    runner.case_history(case, "anders")
    runner.open_tasks("rita", case)
    with pytest.raises(Forbidden):
        runner.show_case(case, "lena")
    with services.db.unit_of_work() as session:
        log = [(e.person_id, e.action) for e in session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id))]
    assert log == [("erik", "show"), ("anders", "history"), ("rita", "tasks")]


def test_the_inbox_lists_only_tasks_the_person_may_work(cases, inbox):
    first = cases.file()
    second = cases.file(unit="lss-bostad-eken")
    assert inbox("erik") == [(first, "protect")]
    assert inbox("lena") == [(second, "protect")]
    assert sorted(c for c, _ in inbox("rita")) == [first, second]


def test_an_inbox_logs_a_read_of_each_case_it_lists(cases, inbox, services):
    first = cases.file()
    second = cases.file(unit="lss-bostad-eken")
    cases.file(unit="lss-bostad-eken")
    listed = {number for number, _ in inbox("lena")}
    with services.db.unit_of_work() as session:
        log = session.execute(select(Case.diary_number, AccessLogEntry.person_id, AccessLogEntry.action)
                              .join(Case, Case.id == AccessLogEntry.case_id)).all()
    assert second in listed and first not in listed
    assert sorted(log) == sorted((number, "lena", "tasks") for number in listed)
