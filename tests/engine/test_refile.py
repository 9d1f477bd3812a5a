"""A lex Sarah report found to be no missförhållande is closed, and may be handled on as a
complaint or a deviation: a new case, linked both ways, carrying the report, filed by the
decision maker, in the report's unit."""
import pytest
from lxml import etree
from sqlalchemy import func, select

from engine.errors import Forbidden, InvalidData
from engine.models import Case
from web import ROOT

UP_TO_PROPOSAL = ("protect", "register", "assign_investigator", "investigate")
WHAT_HAPPENED = "Brukaren fick vänta en timme på sin dusch och blev ledsen."


@pytest.fixture
def no_misconduct(cases):
    """A lex Sarah report at Solgården, investigated and found to be no missförhållande."""
    def make(**report) -> str:
        case = cases.file(unit="solgarden", what_happened=WHAT_HAPPENED, immediate_actions="Duschen gavs direkt.",
                          **report)
        cases.walk(case, *UP_TO_PROPOSAL, protect={"actions_taken": "Samtal med brukaren samma dag."})
        cases.complete(case, "propose", assessment="no_misconduct", categories=[], action_plan=[])
        return case
    return make


def case_row(services, diary_number: str) -> Case:
    with services.db.unit_of_work() as session:
        return session.scalar(select(Case).where(Case.diary_number == diary_number))


def count_cases(services) -> int:
    with services.db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Case))


def test_refiled_as_a_complaint_opens_a_linked_complaint_carrying_the_report(no_misconduct, cases, runner,
                                                                              services):
    lex_sarah = no_misconduct()
    view = cases.complete(lex_sarah, "close_no_misconduct", refile_as="klagomal")

    assert view.status == "closed" and view.tasks == []
    (relation, complaint), = view.links
    assert relation == "refiled_as"
    linked = runner.show_case(complaint, "rita")
    assert linked.case_type == "klagomal" and linked.unit == "solgarden" and linked.status == "open"
    assert linked.links == [("refiled_as (från)", lex_sarah)]
    carried = {"feedback_type": "complaint", "submitter_category": "staff", "unit": "solgarden",
               "description": WHAT_HAPPENED, "occurred_on": cases.day(-3), "received_on": cases.day(),
               "channel": "on_behalf", "reply_wanted": False, "name": "Anna Lindqvist", "email": None}
    assert {key: linked.data["report"][key] for key in carried} == carried
    assert [t.name for t in linked.tasks] == ["register"]
    # Filed by the one who decided, as the history of both cases says.
    assert case_row(services, complaint).reported_by == "fredrik"
    filed = runner.case_history(complaint, "rita")[0]
    assert (filed.action, filed.actor) == ("case.filed", "fredrik")
    linked_event = [e for e in runner.case_history(lex_sarah, "fredrik") if e.action == "case.linked"]
    assert [(e.actor, e.after) for e in linked_event] == [("fredrik", {"relation": "refiled_as", "case": complaint})]


def test_refiled_as_a_deviation_carries_the_report_and_the_person_it_concerns(no_misconduct, cases, runner,
                                                                              services):
    lex_sarah = no_misconduct(concerns_person="omar")
    view = cases.complete(lex_sarah, "close_no_misconduct", refile_as="avvikelse")

    (relation, deviation), = view.links
    assert relation == "refiled_as"
    linked = runner.show_case(deviation, "erik")  # the enhetschef of Solgården
    assert linked.case_type == "avvikelse" and linked.unit == "solgarden"
    assert linked.links == [("refiled_as (från)", lex_sarah)]
    carried = {"unit": "solgarden", "what_happened": WHAT_HAPPENED, "occurred_on": cases.day(-3),
               "noticed_on": cases.day(-2), "received_on": cases.day(), "affected_individual": "Brukare A",
               "immediate_actions": "Duschen gavs direkt.\n\nSamtal med brukaren samma dag.",
               "health_care": False, "concerns_person": "omar"}
    assert {key: linked.data["report"][key] for key in carried} == carried
    assert [t.name for t in linked.tasks] == ["triage"]
    row = case_row(services, deviation)
    assert (row.reported_by, row.concerns_person_id) == ("fredrik", "omar")
    with pytest.raises(Forbidden):
        runner.show_case(deviation, "omar")


def test_not_refiled_closes_the_report_and_opens_nothing(no_misconduct, cases, services):
    lex_sarah = no_misconduct()
    before = count_cases(services)
    view = cases.complete(lex_sarah, "close_no_misconduct", refile_as="none")
    assert view.status == "closed" and view.links == []
    assert view.data["close_no_misconduct"]["refile_as"] == "none"
    assert count_cases(services) == before


def test_a_report_about_a_staff_member_is_not_refiled_as_a_complaint(no_misconduct, cases, runner, services):
    # A complaint has no field for the person concerned, so it could not keep the case from them.
    lex_sarah = no_misconduct(concerns_person="omar")
    before = count_cases(services)
    with pytest.raises(InvalidData) as error:
        cases.complete(lex_sarah, "close_no_misconduct", refile_as="klagomal")
    assert error.value.errors == {"refile_as": ["Rapporten gäller en medarbetare; hantera den vidare som avvikelse."]}
    assert count_cases(services) == before
    assert [t.name for t in runner.show_case(lex_sarah, "fredrik").tasks] == ["close_no_misconduct"]


def test_the_decision_cannot_be_dated_before_the_report(no_misconduct, cases):
    # The new case is received on the day of the decision, which may not precede what it reports.
    lex_sarah = no_misconduct()
    with pytest.raises(InvalidData) as error:
        cases.complete(lex_sarah, "close_no_misconduct", refile_as="avvikelse", decided_on=cases.day(-5))
    assert list(error.value.errors) == ["decided_on"]


def test_the_choice_must_be_made(no_misconduct, runner, cases):
    lex_sarah = no_misconduct()
    form = {key: value for key, value in cases.form("close_no_misconduct").items() if key != "refile_as"}
    with pytest.raises(InvalidData) as error:
        runner.complete_task(lex_sarah, "close_no_misconduct", form, "fredrik")
    assert error.value.errors == {"refile_as": ["Fältet måste fyllas i."]}


# -- the drawing ------------------------------------------------------------------------

BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"
DC = "{http://www.omg.org/spec/DD/20100524/DC}"
REFILING = ("refile_gateway", "closed_no_misconduct", "open_complaint", "refiled_as_complaint", "open_deviation",
            "refiled_as_deviation", "flow_not_refiled", "flow_refile_gateway_to_open_complaint",
            "flow_refile_gateway_to_open_deviation")


def _box(bounds):
    return tuple(float(bounds.get(name)) for name in ("x", "y", "width", "height"))


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_the_labels_of_the_refiling_branch_lie_over_no_shape_and_no_other_label():
    di = etree.parse(str(ROOT / "bpmn" / "lex_sarah.bpmn"))
    shapes = {node.get("bpmnElement"): _box(node.find(f"{DC}Bounds")) for node in di.iter(f"{BPMNDI}BPMNShape")
              if not node.get("bpmnElement").startswith(("lane_", "participant_"))}
    labels = {node.get("bpmnElement"): _box(node.find(f"{BPMNDI}BPMNLabel/{DC}Bounds"))
              for node in di.iter(f"{BPMNDI}BPMNShape", f"{BPMNDI}BPMNEdge")
              if node.find(f"{BPMNDI}BPMNLabel/{DC}Bounds") is not None}
    for element in REFILING:
        if element not in labels:
            continue
        assert not [shape for shape, box in shapes.items() if _overlap(labels[element], box)], element
        assert not [other for other, box in labels.items() if other != element and _overlap(labels[element], box)], \
            element
