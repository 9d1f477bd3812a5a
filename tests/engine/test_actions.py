"""Actions (åtgärder) as records of their own: made when a step that plans them is done, in its
transaction; serving several cases; their status changes written into each case's history;
seen only by those who may read one of their cases in full, or own them."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from demo.avvikelse import DeviationDriver
from demo.lex_sarah import SERIOUS_PATH
from engine import actions
from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.models import AccessLogEntry, Action, ActionCase

TO_PROPOSE = SERIOUS_PATH[:5]  # protect .. propose


@pytest.fixture
def act(services):
    """`act(function, person, *args)`: call an engine.actions function as a person."""
    return lambda function, person, *args, **kwargs: function(services.db, services.clock, person, *args, **kwargs)


@pytest.fixture
def deviations(runner, clock):
    return DeviationDriver(runner, clock)


def only_action(act, person="erik", **filters):
    found = act(actions.list_actions, person, actions.ActionFilter(**filters)).items
    assert len(found) == 1, found
    return found[0]


def action_events(runner, case, reader="fredrik"):
    return [(e.action, e.summary) for e in runner.case_history(case, reader) if e.action.startswith("action.")]


def test_proposing_makes_each_planned_action_not_started_and_owned(cases, act, runner):
    case = cases.file()
    cases.walk(case, *TO_PROPOSE)
    action = only_action(act)
    assert (action.description, action.owner, action.due_on, action.follow_up_on, action.status) == (
        "Ny rutin för schemaändringar", "erik", date.fromisoformat(cases.day(30)), None, "not_started")
    assert [c.diary_number for c in action.cases] == [case] and action.created_by == "ulla"
    assert action_events(runner, case) == [("action.created", "Åtgärd planerad: ”Ny rutin för schemaändringar”, "
                                            f"ansvarig Erik Johansson, klart senast {cases.day(30)}")]


def test_a_deviation_acted_on_makes_its_actions(deviations, act):
    case = deviations.file()
    deviations.walk(case, "triage")
    assert act(actions.list_actions, "erik").total == 0
    deviations.complete(case, "act", actions=[
        {"description": "Dubbelkontroll av dosetter", "owner": "erik", "due_on": deviations.day(14),
         "follow_up_on": deviations.day(60)},
        {"description": "Utbildning i läkemedelshantering", "owner": "anna", "due_on": deviations.day(30)}])
    found = act(actions.list_actions, "erik", actions.ActionFilter(case=case_id(deviations.runner, case))).items
    assert [(a.description, a.owner, a.follow_up_on) for a in found] == [
        ("Dubbelkontroll av dosetter", "erik", date.fromisoformat(deviations.day(60))),
        ("Utbildning i läkemedelshantering", "anna", None)]  # soonest due first


def test_a_step_that_fails_after_making_its_actions_leaves_nothing(cases, services, runner):
    case = cases.file()
    cases.walk(case, *TO_PROPOSE[:-1])

    def fail_on_link(connection, cursor, statement, *_):
        if statement.startswith("INSERT INTO action_cases"):
            raise RuntimeError("the database went away")

    event.listen(services.db.engine, "before_cursor_execute", fail_on_link)
    try:
        with pytest.raises(RuntimeError):
            cases.complete(case, "propose")
    finally:
        event.remove(services.db.engine, "before_cursor_execute", fail_on_link)
    with services.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Action)) == 0
    assert cases.ready(case) == ["propose"]  # the step itself was not done either
    cases.complete(case, "propose")
    assert cases.ready(case) == ["decide"]


@pytest.mark.parametrize("owner, message", [("Erik Johansson", "Okänd person."),
                                            ("omar", "Den som rapporten gäller kan inte vara ansvarig.")])
def test_an_owner_is_a_person_of_the_organisation_and_not_the_one_reported(cases, owner, message):
    case = cases.file(concerns_person="omar")
    cases.walk(case, *TO_PROPOSE[:-1])
    plan = [{"description": "Ny rutin", "owner": owner, "due_on": cases.day(30)}]
    with pytest.raises(InvalidData) as error:
        cases.complete(case, "propose", action_plan=plan)
    assert error.value.errors == {"action_plan": {0: {"owner": [message]}}}


def test_one_action_serves_two_cases_and_is_seen_from_both(cases, deviations, act, runner):
    lex_sarah = cases.file()
    cases.walk(lex_sarah, *TO_PROPOSE)
    deviation = deviations.file(unit="solgarden", health_care=False)
    action = only_action(act)

    act(actions.link_case, "erik", action.id, f"  {deviation} ")
    for case in (lex_sarah, deviation):
        served = only_action(act, case=case_id(runner, case))
        assert served.id == action.id
        assert [c.diary_number for c in served.cases] == [lex_sarah, deviation]
        assert ("action.linked", f"Åtgärd ”Ny rutin för schemaändringar” kopplad till {deviation}") in \
            action_events(runner, case)


def test_a_status_change_is_written_into_the_history_of_each_case_once(cases, deviations, act, runner, clock):
    lex_sarah = cases.file()
    cases.walk(lex_sarah, *TO_PROPOSE)
    deviation = deviations.file()
    action = only_action(act)
    act(actions.link_case, "erik", action.id, deviation)
    clock.advance(timedelta(days=1))
    act(actions.change_status, "erik", action.id, "in_progress")
    act(actions.change_status, "erik", action.id, "in_progress")  # the status it has: no change
    act(actions.change_status, "anders", action.id, "done")

    summary = "Åtgärd ”Ny rutin för schemaändringar”: "
    for case in (lex_sarah, deviation):
        assert [s for kind, s in action_events(runner, case) if kind == "action.status_changed"] == [
            summary + "ej påbörjad → pågår", summary + "pågår → klar"]
    changes = act(actions.show_action, "erik", action.id).changes
    assert [(c.kind, c.actor) for c in changes] == [
        ("action.created", "ulla"), ("action.linked", "erik"), ("action.status_changed", "erik"),
        ("action.status_changed", "anders")]
    assert (changes[2].before, changes[2].after) == ({"status": "not_started"},
                                                     {"action_id": action.id, "status": "in_progress"})
    assert changes[2].at == clock.now()


def test_a_bad_status_is_refused_naming_the_field(cases, act):
    case = cases.file()
    cases.walk(case, *TO_PROPOSE)
    action = only_action(act)
    with pytest.raises(InvalidData) as error:
        act(actions.change_status, "erik", action.id, "finished")
    assert error.value.errors == {"status": ["Välj ett av: not_started, in_progress, done."]}
    with pytest.raises(InvalidData) as error:
        act(actions.list_actions, "erik", actions.ActionFilter(status="finished"))
    assert list(error.value.errors) == ["status"]
    assert only_action(act).status == "not_started"


def test_a_change_from_a_stale_version_conflicts(cases, act):
    case = cases.file()
    cases.walk(case, *TO_PROPOSE)
    read = only_action(act)
    act(actions.change_status, "erik", read.id, "in_progress", expected_version=read.version)
    with pytest.raises(Conflict):
        act(actions.change_status, "anders", read.id, "done", expected_version=read.version)
    assert only_action(act).status == "in_progress"


def test_who_sees_an_action(cases, act, runner):
    case = cases.file()
    cases.walk(case, *TO_PROPOSE[:-1])
    cases.complete(case, "propose", action_plan=[
        {"description": "Ny rutin", "owner": "erik", "due_on": cases.day(30)},
        {"description": "Handledning för utredare", "owner": "goran", "due_on": cases.day(40)}])
    planned = {a.owner: a for a in act(actions.list_actions, "erik").items}
    # Lena manages other units; Anna reported the case and sees only where it is.
    for person in ("lena", "anna"):
        assert act(actions.list_actions, person).total == 0
        with pytest.raises(Forbidden):
            act(actions.show_action, person, planned["erik"].id)
        with pytest.raises(Forbidden):
            act(actions.change_status, person, planned["erik"].id, "done")
    with pytest.raises(NotFound):
        act(actions.show_action, "erik", 999)
    # Göran may not read the case, but he owns an action: he sees it, without the case.
    own = only_action(act, "goran")
    assert own.id == planned["goran"].id and own.cases == ()
    with pytest.raises(Forbidden):
        act(actions.show_action, "goran", planned["erik"].id)
    assert act(actions.list_actions, "goran", actions.ActionFilter(case=case_id(runner, case))).total == 0


def test_showing_an_action_is_a_read_of_each_of_its_cases(cases, deviations, act, runner, services):
    first = cases.file()
    cases.walk(first, *TO_PROPOSE)
    second = deviations.file()
    action = only_action(act)
    act(actions.link_case, "erik", action.id, second)
    act(actions.show_action, "anders", action.id)
    with services.db.unit_of_work() as session:
        logged = session.execute(select(AccessLogEntry.case_id, AccessLogEntry.action)
                                 .where(AccessLogEntry.person_id == "anders")).all()
    assert sorted(logged) == sorted([(case_id(runner, first), "action"), (case_id(runner, second), "action")])


def test_overdue_follows_the_clock_and_ends_when_done(cases, act, clock):
    case = cases.file()
    cases.walk(case, *TO_PROPOSE)  # due in 30 days
    action = only_action(act)
    assert not action.overdue and act(actions.list_actions, "erik", actions.ActionFilter(overdue=True)).total == 0
    clock.advance(timedelta(days=30))  # the day it is due: not late yet
    assert act(actions.list_actions, "erik", actions.ActionFilter(overdue=True)).total == 0
    clock.advance(timedelta(days=1))
    assert only_action(act, overdue=True).overdue
    act(actions.change_status, "erik", action.id, "done")
    assert act(actions.list_actions, "erik", actions.ActionFilter(overdue=True)).total == 0
    assert not only_action(act).overdue


def test_filters_by_status_and_owner(cases, act):
    case = cases.file()
    cases.walk(case, *TO_PROPOSE[:-1])
    cases.complete(case, "propose", action_plan=[
        {"description": "Ny rutin", "owner": "erik", "due_on": cases.day(30)},
        {"description": "Uppföljning av rutinen", "owner": "anders", "due_on": cases.day(20)}])
    act(actions.change_status, "erik", only_action(act, owner="erik").id, "in_progress")
    assert only_action(act, status="in_progress").owner == "erik"
    assert only_action(act, status="not_started", owner="anders").description == "Uppföljning av rutinen"
    assert act(actions.list_actions, "erik", actions.ActionFilter(status="done")).total == 0


@pytest.mark.parametrize("target, error, message", [
    ("SOCN/2026:99", InvalidData, "Det finns inget ärende med diarienummer SOCN/2026:99."),
    ("", InvalidData, "Ange ärendets diarienummer."),
])
def test_linking_names_what_is_wrong_with_the_case(cases, act, target, error, message):
    case = cases.file()
    cases.walk(case, *TO_PROPOSE)
    with pytest.raises(error) as raised:
        act(actions.link_case, "erik", only_action(act).id, target)
    assert raised.value.errors == {"case": [message]}


def test_linking_needs_full_sight_of_the_case_and_links_once(cases, act, services):
    case = cases.file()
    cases.walk(case, *TO_PROPOSE)
    elsewhere = cases.file(unit="lss-bostad-eken")  # Lena's unit, not Erik's
    action = only_action(act)
    with pytest.raises(Forbidden):
        act(actions.link_case, "erik", action.id, elsewhere)
    with pytest.raises(InvalidData) as raised:
        act(actions.link_case, "erik", action.id, case)
    assert raised.value.errors == {"case": [f"Åtgärden är redan kopplad till {case}."]}
    with services.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(ActionCase)) == 1


def test_an_action_is_not_linked_to_a_case_about_its_owner(cases, act):
    case = cases.file()
    cases.walk(case, *TO_PROPOSE[:-1])
    cases.complete(case, "propose", action_plan=[{"description": "Handledning", "owner": "omar",
                                                  "due_on": cases.day(30)}])
    about_omar = cases.file(concerns_person="omar")
    with pytest.raises(InvalidData) as raised:
        act(actions.link_case, "erik", only_action(act).id, about_omar)
    assert raised.value.errors == {"case": [f"{about_omar} gäller åtgärdens ansvarige, som inte får se ärendet."]}


def case_id(runner, diary_number: str) -> int:
    return runner.show_case(diary_number, "fredrik").id


# -- changing the plan --------------------------------------------------------------------

def test_a_changed_plan_is_written_with_what_it_was_into_each_case(cases, deviations, act, runner, services):
    case = cases.file()
    cases.walk(case, *TO_PROPOSE)
    action = only_action(act)
    other = deviations.file()
    act(actions.link_case, "erik", action.id, other)
    plan = actions.Plan("Ny rutin för schemaändringar", "anders", date.fromisoformat(cases.day(45)),
                        date.fromisoformat(cases.day(90)))
    act(actions.change_plan, "erik", action.id, plan, expected_version=action.version)
    act(actions.change_plan, "erik", action.id, plan)  # the plan it has: no change

    changed = only_action(act, "anders")
    assert (changed.owner, changed.due_on, changed.follow_up_on, changed.version) == (
        "anders", plan.due_on, plan.follow_up_on, action.version + 1)
    summary = (f"Åtgärd ”Ny rutin för schemaändringar” ändrad: ansvarig Erik Johansson → Anders Ek, "
               f"klart senast {cases.day(30)} → {cases.day(45)}, följs upp – → {cases.day(90)}")
    for diary_number in (case, other):
        events = [(e.summary, e.before, e.after) for e in runner.case_history(diary_number, "fredrik")
                  if e.action == "action.replanned"]
        assert events == [(summary, {"owner": "erik", "due_on": cases.day(30), "follow_up_on": None},
                           {"action_id": action.id, "owner": "anders", "due_on": cases.day(45),
                            "follow_up_on": cases.day(90)})]
    assert [c.kind for c in act(actions.show_action, "anders", action.id).changes][-1] == "action.replanned"


def test_only_those_who_read_its_case_in_full_may_change_a_plan(cases, act):
    case = cases.file()
    cases.walk(case, *TO_PROPOSE[:-1])
    cases.complete(case, "propose", action_plan=[
        {"description": "Handledning för utredare", "owner": "goran", "due_on": cases.day(40)}])
    own = only_action(act, "goran")
    later = actions.Plan(own.description, "goran", own.due_on + timedelta(days=30), None)
    for person in ("goran", "lena"):  # the owner, who may not read the case; a manager of other units
        with pytest.raises(Forbidden):
            act(actions.change_plan, person, own.id, later)
    act(actions.change_status, "goran", own.id, "in_progress")  # the owner still reports progress
    assert only_action(act, "goran").due_on == own.due_on


@pytest.mark.parametrize("change, field", [
    ({"owner": "nobody"}, "owner"),
    ({"owner": "goran"}, "owner"),  # the report is about Göran: he may not see the case
    ({"description": "  "}, "description"),
])
def test_a_bad_plan_is_refused_naming_the_field(cases, act, change, field):
    case = cases.file(concerns_person="goran")
    cases.walk(case, *TO_PROPOSE)
    action = only_action(act)
    plan = {"description": action.description, "owner": "erik", "due_on": action.due_on, "follow_up_on": None}
    with pytest.raises(InvalidData) as refused:
        act(actions.change_plan, "erik", action.id, actions.Plan(**{**plan, **change}))
    assert list(refused.value.errors) == [field]
    assert only_action(act).version == action.version


def test_a_plan_changed_from_a_stale_version_conflicts(cases, act):
    case = cases.file()
    cases.walk(case, *TO_PROPOSE)
    read = only_action(act)
    act(actions.change_status, "anders", read.id, "in_progress")
    with pytest.raises(Conflict):
        act(actions.change_plan, "erik", read.id, actions.Plan(read.description, "anders", read.due_on, None),
            expected_version=read.version)
    assert only_action(act).owner == "erik"
