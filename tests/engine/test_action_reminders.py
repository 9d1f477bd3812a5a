"""An action's owner is reminded on the morning of the day it is due (engine/actions.py), and
the avdelningschef is told on the morning a week later if it is still not done: each once per
due date, again if the date is moved, never for an action that is done; both go into the
history of each case the action serves."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from demo.avvikelse import DeviationDriver
from demo.lex_sarah import SERIOUS_PATH
from engine import actions
from engine.clock import STOCKHOLM
from engine.models import Action, OutboxMessage


def at(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=STOCKHOLM)


def action_messages(services):
    with services.db.unit_of_work() as session:
        return session.execute(select(OutboxMessage.person_id, OutboxMessage.action_id, OutboxMessage.subject,
                                      OutboxMessage.body)
                               .where(OutboxMessage.action_id.is_not(None)).order_by(OutboxMessage.id)).all()


def summaries(runner, case, kind):
    """What the case's history says of each event of this kind (action.reminded, action.escalated)."""
    return [e.summary for e in runner.case_history(case, "fredrik") if e.action == kind]


@pytest.fixture
def planned(cases):
    """A case whose proposal planned two actions: erik's due in 30 days, anders's in 45."""
    case = cases.file()
    cases.walk(case, *SERIOUS_PATH[:4])
    cases.complete(case, "propose", action_plan=[
        {"description": "Ny rutin för schemaändringar", "owner": "erik", "due_on": cases.day(30)},
        {"description": "Utbildning i rutinen", "owner": "anders", "due_on": cases.day(45)}])
    return case


def action_of(services, owner):
    with services.db.unit_of_work() as session:
        return session.scalar(select(Action.id).where(Action.owner_id == owner))


def test_the_owner_is_reminded_on_the_morning_the_action_is_due_and_only_once(planned, cases, services, runner,
                                                                               clock):
    eriks, due, day_after = action_of(services, "erik"), cases.day(30), cases.day(31)
    with services.db.unit_of_work() as session:
        assert actions.next_reminder_at(session, clock.now()) == at(due, 7)
    assert services.sweeper.next_fire_at() <= at(due, 7)

    clock.set(at(due, 6, 59))
    assert services.sweeper.sweep().actions_reminded == []
    clock.set(at(due, 7))
    assert services.sweeper.sweep().actions_reminded == [eriks]
    assert services.sweeper.sweep().actions_reminded == []
    clock.set(at(day_after, 9))
    assert services.sweeper.sweep().actions_reminded == []

    ((person, action_id, subject, body),) = action_messages(services)
    assert (person, action_id, subject) == ("erik", eriks, f"Påminnelse: åtgärd klar senast {due}")
    assert "”Ny rutin för schemaändringar”" in body and f"Den ska vara klar i dag, {due}." in body
    assert summaries(runner, planned, "action.reminded") == [
        f"Påminnelse till Erik Johansson om åtgärd ”Ny rutin för schemaändringar”, klart senast {due}"]
    change = actions.show_action(services.db, clock, "erik", eriks).changes[-1]
    assert (change.kind, change.actor) == ("action.reminded", None)


def test_a_moved_date_is_reminded_again_and_a_done_action_not_at_all(planned, cases, services, clock):
    eriks, anders = action_of(services, "erik"), action_of(services, "anders")
    first, moved, later = cases.day(30), date.fromisoformat(cases.day(40)), cases.day(45)
    clock.set(at(first, 8))
    assert services.sweeper.sweep().actions_reminded == [eriks]
    actions.change_plan(services.db, clock, "fredrik", eriks,
                        actions.Plan("Ny rutin för schemaändringar", "erik", moved, None))
    actions.change_status(services.db, clock, "anders", anders, "done")

    clock.set(at(later, 8))
    assert services.sweeper.sweep().actions_reminded == [eriks]
    assert [(person, action_id) for person, action_id, _, _ in action_messages(services)] == [
        ("erik", eriks), ("erik", eriks)]
    late = action_messages(services)[-1].body
    assert f"Den skulle ha varit klar senast {moved.isoformat()}." in late


def test_owners_missed_while_down_are_reminded_once_by_two_sweeps_at_once(planned, cases, services, clock,
                                                                         two_sweeps_at_once):
    clock.set(at(cases.day(50), 10))  # both actions are late, erik's by more than a week
    sweeps = two_sweeps_at_once()
    reminded = [action for sweep in sweeps for action in sweep.actions_reminded]
    escalated = [action for sweep in sweeps for action in sweep.actions_escalated]

    assert sorted(reminded) == sorted([action_of(services, "erik"), action_of(services, "anders")])
    assert escalated == [action_of(services, "erik")]
    assert sorted((person, subject.partition(":")[0]) for person, _, subject, _ in action_messages(services)) == [
        ("anders", "Försenad åtgärd"), ("anders", "Påminnelse"), ("erik", "Påminnelse")]


def test_a_late_action_goes_to_the_avdelningschef_a_week_after_its_due_date_once(planned, cases, services, runner,
                                                                                  clock):
    eriks, due, week_late = action_of(services, "erik"), cases.day(30), cases.day(37)
    clock.set(at(due, 8))
    assert services.sweeper.sweep().actions_escalated == []
    with services.db.unit_of_work() as session:
        assert actions.next_reminder_at(session, clock.now()) == at(week_late, 7)
    assert services.sweeper.next_fire_at() <= at(week_late, 7)

    clock.set(at(week_late, 6, 59))
    assert services.sweeper.sweep().actions_escalated == []
    clock.set(at(week_late, 7))
    assert services.sweeper.sweep().actions_escalated == [eriks]
    assert services.sweeper.sweep().actions_escalated == []

    (person, action_id, subject, body) = action_messages(services)[-1]
    assert (person, action_id, subject) == ("anders", eriks, f"Försenad åtgärd: skulle ha varit klar senast {due}")
    assert f"Åtgärden ”Ny rutin för schemaändringar” i {planned} skulle ha varit klar senast {due}" in body
    assert "Ansvarig är Erik Johansson." in body
    assert summaries(runner, planned, "action.escalated") == [
        f"Försenad åtgärd ”Ny rutin för schemaändringar”, klart senast {due}: meddelat Anders Ek"]
    change = actions.show_action(services.db, clock, "anders", eriks).changes[-1]
    assert (change.kind, change.actor) == ("action.escalated", None)


def test_a_moved_date_is_escalated_anew_and_a_done_action_not_at_all(planned, cases, services, clock):
    eriks, anders = action_of(services, "erik"), action_of(services, "anders")
    week_late, moved, not_a_week_after, long_after = (cases.day(n) for n in (37, 40, 46, 60))
    clock.set(at(week_late, 8))
    assert services.sweeper.sweep().actions_escalated == [eriks]
    actions.change_plan(services.db, clock, "fredrik", eriks,
                        actions.Plan("Ny rutin för schemaändringar", "erik", date.fromisoformat(moved), None))
    actions.change_status(services.db, clock, "anders", anders, "done")

    clock.set(at(not_a_week_after, 8))
    assert services.sweeper.sweep().actions_escalated == []
    clock.set(at(long_after, 8))
    assert services.sweeper.sweep().actions_escalated == [eriks]
    assert services.sweeper.sweep().actions_escalated == []


def test_an_avdelningschef_a_case_is_about_is_not_told(services, runner, clock):
    deviations = DeviationDriver(runner, clock)
    case, due = deviations.file(concerns_person="anders"), deviations.day(30)
    deviations.walk(case, "triage")
    deviations.complete(case, "act", actions=[{"description": "Ny rutin för schemaändringar", "owner": "erik",
                                               "due_on": due}])
    clock.set(at(deviations.day(40), 8))
    assert services.sweeper.sweep().actions_escalated == [action_of(services, "erik")]
    assert [person for person, *_ in action_messages(services)] == ["erik"]  # the owner's reminder only
    assert summaries(runner, case, "action.escalated") == [
        f"Försenad åtgärd ”Ny rutin för schemaändringar”, klart senast {due}: "
        "meddelat ingen avdelningschef att meddela"]


def test_an_avdelningschef_is_told_only_of_the_cases_not_about_them(cases, services, runner, clock):
    deviations = DeviationDriver(runner, clock)
    about_anders, due, late = deviations.file(concerns_person="anders"), deviations.day(30), deviations.day(40)
    deviations.walk(about_anders, "triage")
    deviations.complete(about_anders, "act", actions=[{"description": "Ny rutin för schemaändringar",
                                                       "owner": "erik", "due_on": due}])
    other = cases.file()  # Hemtjänst norr too, about nobody
    eriks = action_of(services, "erik")
    actions.link_case(services.db, clock, "erik", eriks, other)
    clock.set(at(late, 8))
    assert services.sweeper.sweep().actions_escalated == [eriks]
    (person, _, _, body) = action_messages(services)[-1]
    assert person == "anders" and f"i {other} skulle ha varit klar" in body and about_anders not in body
