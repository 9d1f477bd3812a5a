"""Decisions taken on delegation, listed for the committee from the case history and the
delegation order in force when each was taken: the period in whole Stockholm days, need-to-know, and
every case listed logged."""
from datetime import date, datetime

import pytest
from sqlalchemy import select

from demo.avvikelse import DeviationDriver
from demo.klagomal import ComplaintDriver
from demo.lex_sarah import CaseDriver
from engine import organisation
from engine.clock import STOCKHOLM
from engine.delegation_decisions import Period, list_decisions, read_period
from engine.errors import Forbidden, InvalidData
from engine.models import AccessLogEntry, Delegation
from engine.organisation import Directory
from web import ROOT

NOVEMBER = Period(datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date())
UP_TO_PROPOSAL = ("protect", "register", "assign_investigator", "investigate")
NOT_ESCALATED = {"investigate_as_lex_sarah": False, "affected_individual": "", "reporter_name": ""}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def november_decisions(services, runner, clock) -> dict[str, str]:
    """Decisions on delegation on both sides of November 2026, by diary number: Nils decides
    lex Sarah cases as a named delegate, and Karin is beslutsfattare for funktionsstöd only."""
    org = organisation.read_file(ROOT / "demo" / "organisation.yaml")
    org["delegation"]["lex_sarah.decide"] = {"role": None, "person": "nils"}
    karin = next(person for person in org["people"] if person["id"] == "karin")
    karin["roles"].append({"role": "beslutsfattare", "unit": None, "department": "funktionsstod"})
    clock.set(at(2026, 10, 29, 9, 0))
    with services.db.unit_of_work() as session:
        organisation.load(session, org, clock.now())
    lex_sarah, deviations, complaints = CaseDriver(runner, clock), DeviationDriver(runner, clock), ComplaintDriver(
        runner, clock)

    cases = {"before": deviations.file(), "complaint": complaints.file(), "serious": lex_sarah.file(),
             "no_misconduct": lex_sarah.file(), "eken": deviations.file(unit="lss-bostad-eken"),
             "after": deviations.file()}
    for deviation in ("before", "after"):
        deviations.complete(cases[deviation], "triage", route="lex_sarah")
    runner.complete_task(cases["eken"], "triage", deviations.form("triage", route="lex_sarah"), "lena")
    complaints.walk(cases["complaint"], "register", "answer", answer={"reveals_misconduct": True})
    lex_sarah.walk(cases["serious"], *UP_TO_PROPOSAL, "propose")
    lex_sarah.walk(cases["no_misconduct"], *UP_TO_PROPOSAL)
    lex_sarah.complete(cases["no_misconduct"], "propose", assessment="no_misconduct", categories=[], action_plan=[])

    clock.set(at(2026, 10, 31, 23, 59))  # the day before the period: out
    deviations.complete(cases["before"], "escalate", **NOT_ESCALATED)
    clock.set(at(2026, 11, 1, 0, 0))  # its first moment: in
    complaints.complete(cases["complaint"], "escalate")
    clock.set(at(2026, 11, 2, 9, 0))
    runner.complete_task(cases["serious"], "decide", lex_sarah.form("decide"), "nils")
    clock.set(at(2026, 11, 15, 14, 30))
    deviations.complete(cases["eken"], "escalate", **NOT_ESCALATED)
    clock.set(at(2026, 11, 30, 23, 59))  # its last minute: in
    lex_sarah.complete(cases["no_misconduct"], "close_no_misconduct", refile_as="avvikelse")
    clock.set(at(2026, 12, 1, 0, 0))  # the next day: out
    deviations.complete(cases["after"], "escalate", **NOT_ESCALATED)
    return cases


@pytest.fixture
def decided(services, runner, clock):
    return november_decisions(services, runner, clock)


def reads(services, person: str) -> list[tuple[str, int]]:
    with services.db.unit_of_work() as session:
        return [tuple(row) for row in session.execute(
            select(AccessLogEntry.action, AccessLogEntry.case_id).where(AccessLogEntry.person_id == person)
            .order_by(AccessLogEntry.id))]


def test_the_decisions_of_the_period_are_listed_oldest_first_with_their_delegation(decided, services, clock):
    found = list_decisions(services.db, clock, "fredrik", NOVEMBER)
    assert [(d.diary_number, d.case_type, d.task, d.decided_at) for d in found] == [
        (decided["complaint"], "klagomal", "escalate", at(2026, 11, 1, 0, 0)),
        (decided["serious"], "lex_sarah", "decide", at(2026, 11, 2, 9, 0)),
        (decided["eken"], "avvikelse", "escalate", at(2026, 11, 15, 14, 30)),
        (decided["no_misconduct"], "lex_sarah", "close_no_misconduct", at(2026, 11, 30, 23, 59)),
    ]
    assert [(d.decided_by, d.decider_name, d.decider_title) for d in found] == [
        ("fredrik", "Fredrik Öberg", "Förvaltningschef"),
        ("nils", "Nils Lund", "Ordförande i klagomålsdelegationen"),
        ("fredrik", "Fredrik Öberg", "Förvaltningschef"),
        ("fredrik", "Fredrik Öberg", "Förvaltningschef"),
    ]
    assert [(d.delegated_role, d.delegated_person, d.delegated_person_name) for d in found] == [
        ("forvaltningschef", None, None), (None, "nils", "Nils Lund"),
        ("forvaltningschef", None, None), ("forvaltningschef", None, None),
    ]
    # The decision as it was taken, from the history: what the outcome is read from.
    assert found[1].data["serious"] is True and found[3].data["refile_as"] == "avvikelse"


def test_a_decision_keeps_the_delegation_it_was_taken_on_when_the_order_changes(decided, services, clock):
    org = organisation.read_file(ROOT / "demo" / "organisation.yaml")
    org["delegation"]["klagomal.escalate"] = {"role": None, "person": "nils"}
    clock.set(at(2026, 12, 2, 8, 0))
    with services.db.unit_of_work() as session:
        organisation.load(session, org, clock.now())  # nils no longer decides lex Sarah cases, but complaints
    complaint = ComplaintDriver(services.runner, clock)
    case = complaint.file()
    complaint.walk(case, "register", "answer", answer={"reveals_misconduct": True})
    services.runner.complete_task(case, "escalate", complaint.form("escalate"), "nils")

    found = list_decisions(services.db, clock, "fredrik", Period(date(2026, 11, 1), date(2026, 12, 31)))
    delegations = {(d.diary_number, d.task): (d.delegated_role, d.delegated_person) for d in found}
    assert delegations[(decided["serious"], "decide")] == (None, "nils")  # as it was on 2 November
    assert delegations[(decided["complaint"], "escalate")] == ("forvaltningschef", None)
    assert delegations[(case, "escalate")] == (None, "nils")
    with services.db.unit_of_work() as session:
        in_force = Directory(session).delegations()
        assert (in_force["lex_sarah.decide"].role, in_force["klagomal.escalate"].person_id) == ("forvaltningschef",
                                                                                               "nils")
        ended = session.scalars(select(Delegation).where(Delegation.valid_to.is_not(None))).all()
        assert sorted((d.decision, d.valid_to) for d in ended) == [("klagomal.escalate", clock.now()),
                                                                   ("lex_sarah.decide", clock.now())]


def test_a_period_of_one_day_holds_that_days_decisions(decided, services, clock):
    found = list_decisions(services.db, clock, "fredrik", Period(at(2026, 11, 30).date(), at(2026, 11, 30).date()))
    assert [d.diary_number for d in found] == [decided["no_misconduct"]]


def test_each_case_listed_is_logged_as_read_by_the_person(decided, services, clock, runner):
    clock.set(at(2026, 12, 2, 8, 0))
    found = list_decisions(services.db, clock, "fredrik", NOVEMBER, purpose="export")
    assert reads(services, "fredrik") == [("export", d.case_id) for d in found]


def test_only_the_cases_one_sees_in_full_are_listed(decided, services, clock):
    # Karin is beslutsfattare for funktionsstöd alone: only the deviation at LSS-bostad Eken.
    assert [d.diary_number for d in list_decisions(services.db, clock, "karin", NOVEMBER)] == [decided["eken"]]
    # The administrator may open the list, but reads no cases: none listed, none logged.
    assert list_decisions(services.db, clock, "admin", NOVEMBER) == []
    assert reads(services, "admin") == []


@pytest.mark.parametrize("person", ["anna", "erik", "ulla"])
def test_those_who_do_not_report_to_the_committee_may_not_list(decided, services, clock, person):
    with pytest.raises(Forbidden):
        list_decisions(services.db, clock, person, NOVEMBER)
    assert reads(services, person) == []


@pytest.mark.parametrize("values, errors", [
    ({"from": "2026-11-01", "to": "2026-10-31"}, {"to": ["Datumet kan inte vara före ”Från och med”."]}),
    ({"from": "1 november", "to": "2026-11-30"}, {"from": ["Ange ett datum som ÅÅÅÅ-MM-DD."]}),
    ({"from": "2026-11-01"}, {"to": ["Fältet måste fyllas i."]}),
    ({"from": "0001-01-01", "to": "9999-12-31"}, {"from": ["Ange ett datum mellan 1900-01-01 och 2999-12-31."],
                                                  "to": ["Ange ett datum mellan 1900-01-01 och 2999-12-31."]}),
])
def test_a_period_that_is_not_one_names_the_field(values, errors):
    with pytest.raises(InvalidData) as error:
        read_period(values)
    assert error.value.errors == errors


def test_a_period_is_read_from_text():
    assert read_period({"from": "2026-11-01", "to": "2026-11-30"}) == NOVEMBER
