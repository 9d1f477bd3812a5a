"""Deviations: assessed by the unit manager with a risk level, handled locally, routed to MAS
for health care, or escalated to lex Sarah by the förvaltningschef."""
import pytest

from demo.avvikelse import LOCAL_PATH, DeviationDriver
from engine.errors import InvalidData


@pytest.fixture
def deviations(runner, clock):
    return DeviationDriver(runner, clock)


def test_a_local_deviation_is_acted_on_followed_up_and_closed(deviations, runner):
    case = deviations.file()
    view = deviations.walk(case, *LOCAL_PATH)
    assert view.status == "closed"
    assert view.data["triage"]["risk_level"] == "medium"  # 2 × 2


def test_triage_computes_the_risk_level(deviations):
    case = deviations.file()
    assert deviations.complete(case, "triage", severity=4, probability=1).data["triage"]["risk_level"] == "kritisk"


def test_health_care_deviations_go_to_mas(deviations, inbox):
    case = deviations.file(health_care=True)
    view = deviations.complete(case, "triage", route="mas")
    assert [t.name for t in view.tasks] == ["mas_review"]
    assert [number for number, _ in inbox("maria")] == [case]
    assert [t.name for t in deviations.complete(case, "mas_review").tasks] == ["act"]


def test_only_health_care_deviations_may_go_to_mas(deviations):
    case = deviations.file(health_care=False)
    with pytest.raises(InvalidData) as error:
        deviations.complete(case, "triage", route="mas")
    assert list(error.value.errors) == ["route"]


def test_escalation_hands_the_deviation_over_to_a_linked_lex_sarah_case(deviations, runner):
    case = deviations.file(concerns_person="omar")
    deviations.complete(case, "triage", route="lex_sarah")
    view = deviations.complete(case, "escalate")
    assert view.status == "closed"  # it is investigated as lex Sarah from now on
    (relation, linked), = view.links
    lex_sarah = runner.show_case(linked, "fredrik")
    assert lex_sarah.case_type == "lex_sarah" and lex_sarah.links == [("escalated_to (från)", case)]
    assert lex_sarah.data["report"]["concerns_person"] == "omar"
    assert lex_sarah.data["report"]["what_happened"] == deviations.report()["what_happened"]


def test_an_escalation_refused_is_handled_in_the_unit(deviations):
    case = deviations.file()
    deviations.complete(case, "triage", route="lex_sarah")
    view = deviations.complete(case, "escalate", investigate_as_lex_sarah=False,
                               affected_individual="", reporter_name="")
    assert view.links == [] and [t.name for t in view.tasks] == ["act"]


def test_an_escalation_needs_a_pseudonym_not_a_personal_identity_number(deviations):
    case = deviations.file()
    deviations.complete(case, "triage", route="lex_sarah")
    with pytest.raises(InvalidData) as error:
        deviations.complete(case, "escalate", affected_individual="19121212-1212")
    assert list(error.value.errors) == ["affected_individual"]
