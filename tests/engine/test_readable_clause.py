"""The SQL forms of the access rules agree with the rules for every person and a varied set of
cases: access.sight_clauses with access.sight, access.work_clause with access.may_complete."""
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import access, organisation
from engine.access import Sight
from engine.models import Case, OpenTask, Person
from engine.organisation import Directory
from tests.engine.test_queries import closed_case

ROOT = Path(__file__).resolve().parents[2]


def file_varied_cases(cases, runner):
    """Cases in every unit, by different reporters, about different people, at different steps."""
    cases.file()
    cases.file(unit="solgarden", concerns_person="anna")
    cases.file(unit="lss-bostad-eken", reporter_name="Omar Haddad", concerns_person="lena")
    runner.file_case("lex_sarah", cases.report(unit="daglig-verksamhet"), "omar")
    runner.file_case("lex_sarah", cases.report(unit="hemtjanst-norr", concerns_person="erik"), "omar")
    investigated = cases.file(unit="solgarden", concerns_person="omar")
    cases.walk(investigated, "protect", "register")
    cases.complete(investigated, "assign_investigator", investigator="goran")
    assigned_to_ulla = cases.file(concerns_person="goran")
    cases.walk(assigned_to_ulla, "protect", "register", "assign_investigator")
    closed_case(cases, unit="solgarden")


def assert_clause_agrees_with_sight(services):
    with services.db.unit_of_work() as session:
        directory = Directory(session)
        people = list(session.scalars(select(Person.id)))
        all_cases = list(session.scalars(select(Case)))
        compared = 0
        for person in people:
            clauses = access.sight_clauses(directory, person)
            in_sql = {case_id: (readable, full) for case_id, readable, full in session.execute(
                select(Case.id, clauses.readable, clauses.full))}
            for case in all_cases:
                expected = access.sight(directory, person, case)
                readable, full = in_sql[case.id]
                assert (bool(readable), bool(full)) == (expected is not Sight.NONE, expected is Sight.FULL), \
                    (person, case.diary_number, expected)
                compared += 1
    return people, all_cases


def assert_work_clause_agrees_with_may_complete(services):
    with services.db.unit_of_work() as session:
        directory = Directory(session)
        tasks = session.execute(select(Case, OpenTask).join(OpenTask, OpenTask.case_id == Case.id)).all()
        workable = set()
        for person in session.scalars(select(Person.id)):
            in_sql = set(session.scalars(select(OpenTask.id).join(Case, Case.id == OpenTask.case_id)
                                         .where(access.work_clause(directory, person))))
            expected = {task.id for case, task in tasks
                        if access.may_complete(directory, person, case, task.name, task.lane)}
            assert in_sql == expected, person
            workable |= expected
    return tasks, workable


def test_the_clause_agrees_with_sight_for_every_demo_person(cases, runner, services):
    file_varied_cases(cases, runner)
    people, all_cases = assert_clause_agrees_with_sight(services)
    assert len(people) >= 12 and len(all_cases) == 8
    with services.db.unit_of_work() as session:
        sights = {access.sight(Directory(session), person, case) for person in people for case in all_cases}
    assert sights == set(Sight)  # the set of cases exercises every outcome
    tasks, workable = assert_work_clause_agrees_with_may_complete(services)
    assert len(tasks) >= 8 and len(workable) >= 8  # most tasks have someone to work them


@pytest.mark.parametrize("delegation", [
    {"lex_sarah.decide": {"person": "maria"}},  # a named person
    {"lex_sarah.decide": {"role": "avdelningschef"}},  # a role held per department
    {"lex_sarah.decide": {"role": "enhetschef"}, "lex_sarah.close_no_misconduct": {"role": "mas"}},
    {"lex_sarah.decide": {"role": "forvaltningschef"}, "avvikelse.triage": {"role": "mas"}},  # other types' too
    {},
])
def test_the_clause_agrees_with_sight_under_other_delegation_orders(cases, runner, services, delegation):
    file_varied_cases(cases, runner)
    data = organisation.read_file(ROOT / "demo" / "organisation.yaml")
    with services.db.unit_of_work() as session:
        organisation.load(session, {**data, "delegation": {
            decision: {"role": None, "person": None, **delegate} for decision, delegate in delegation.items()}},
            services.clock.now())
    assert_clause_agrees_with_sight(services)
    assert_work_clause_agrees_with_may_complete(services)
