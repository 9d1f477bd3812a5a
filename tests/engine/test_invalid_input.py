"""Bad input is refused with the field named, and nothing is written."""
import pytest
from sqlalchemy import func, select

from engine.errors import InvalidData
from engine.models import Case


def test_missing_and_malformed_fields_are_named(cases):
    case = cases.file()
    cases.walk(case, "protect", "register", "assign_investigator", "investigate")
    with pytest.raises(InvalidData) as raised:
        cases.runner.complete_task(case, "propose", {**cases.form("propose"), "severity": 7,
                                                     "assessment": "kanske", "proposal": ""}, "ulla")
    assert set(raised.value.errors) == {"severity", "assessment", "proposal"}
    assert "från 1 till 4" in raised.value.errors["severity"][0]


def test_unknown_fields_are_refused(cases):
    case = cases.file()
    with pytest.raises(InvalidData) as raised:
        cases.complete(case, "register", registerd_on="2026-11-20")
    assert raised.value.errors == {"registerd_on": ["Okänt fält."]}


def test_nested_entries_name_their_position(cases):
    case = cases.file()
    cases.walk(case, "protect", "register", "assign_investigator")
    entry = {**cases.form("investigate")["entries"][0], "kind": "rykte"}
    with pytest.raises(InvalidData) as raised:
        cases.complete(case, "investigate", entries=[entry])
    assert "kind" in raised.value.errors["entries"][0]


def test_rules_that_depend_on_the_case_are_checked(cases):
    case = cases.file()
    with pytest.raises(InvalidData) as raised:
        cases.complete(case, "register", registered_on=cases.day(-30))
    assert "före rapportdatumet" in raised.value.errors["registered_on"][0]
    with pytest.raises(InvalidData) as raised:
        cases.complete(case, "register", registered_on=cases.day(1))
    assert "framtiden" in raised.value.errors["registered_on"][0]


def test_investigator_must_hold_the_investigator_role(cases):
    case = cases.file()
    cases.walk(case, "protect", "register")
    with pytest.raises(InvalidData) as raised:
        cases.complete(case, "assign_investigator", investigator="anna")
    assert list(raised.value.errors) == ["investigator"]


def test_a_refused_report_files_nothing(cases, services):
    with pytest.raises(InvalidData) as raised:
        cases.file(affected_individual="19121212-1212", reporter_role="anhörig", noticed_on=cases.day(-5))
    assert set(raised.value.errors) == {"affected_individual", "reporter_role", "noticed_on"}
    with services.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
    assert cases.file() == "SOCN/2026:1"  # the refused report took no diary number


def test_a_reason_is_required_when_the_individual_was_not_interviewed(cases):
    case = cases.file()
    cases.walk(case, "protect", "register", "assign_investigator")
    with pytest.raises(InvalidData) as raised:
        cases.complete(case, "investigate", individual_interviewed=False)
    assert list(raised.value.errors) == ["not_interviewed_reason"]
