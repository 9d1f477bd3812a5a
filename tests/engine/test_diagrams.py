"""A diagram that cannot run is refused at load, naming the file, the element and the reason."""
import pytest

from engine.diagrams import DiagramStore
from engine.errors import DiagramError
from web import ROOT
from workflows import CASE_TYPES

GOOD = (ROOT / "bpmn" / "lex_sarah.bpmn").read_text(encoding="utf-8")


def load(tmp_path, xml):
    (tmp_path / "lex_sarah.bpmn").write_text(xml, encoding="utf-8")
    return DiagramStore(tmp_path, {"lex_sarah": CASE_TYPES["lex_sarah"]})


@pytest.mark.parametrize("case_type", sorted(CASE_TYPES))
def test_every_shipped_diagram_loads_with_its_forms(case_type):
    diagram = DiagramStore(ROOT / "bpmn", {case_type: CASE_TYPES[case_type]}).current[case_type]
    assert set(CASE_TYPES[case_type].tasks) == {
        name for name, spec in diagram.spec.task_specs.items() if spec.__class__.__name__ == "UserTask"}


def test_the_shipped_diagram_loads(tmp_path):
    diagram = load(tmp_path, GOOD).current["lex_sarah"]
    assert {"received_on", "assessment", "serious"} <= diagram.variables
    assert diagram.timers["registration_deadline"].guarded_task == "register"


def test_malformed_xml_is_refused(tmp_path):
    with pytest.raises(DiagramError, match=r"lex_sarah.bpmn: ogiltig XML"):
        load(tmp_path, GOOD[: len(GOOD) // 2])


def test_a_dangling_sequence_flow_is_refused_with_its_element(tmp_path):
    xml = GOOD.replace('targetRef="assign_investigator"', 'targetRef="nowhere"', 1)
    with pytest.raises(DiagramError) as raised:
        load(tmp_path, xml)
    assert raised.value.file == "lex_sarah.bpmn"
    assert "nowhere" in str(raised.value)


def test_an_import_in_a_script_is_refused(tmp_path):
    xml = GOOD.replace('escalate("registration")', 'import os; os.system("true")')
    with pytest.raises(DiagramError) as raised:
        load(tmp_path, xml)
    assert raised.value.element == "registration_overdue"
    assert "Import" in raised.value.reason


def test_dunder_access_in_a_condition_is_refused(tmp_path):
    xml = GOOD.replace('serious == True', 'serious.__class__ == True')
    with pytest.raises(DiagramError, match="__class__"):
        load(tmp_path, xml)


def test_a_literal_timer_duration_is_refused(tmp_path):
    xml = GOOD.replace('deadline("registration", received_on)', '"2026-12-01T00:00:00+01:00"')
    with pytest.raises(DiagramError) as raised:
        load(tmp_path, xml)
    assert raised.value.element == "registration_deadline"
    assert "konfigurationen" in raised.value.reason


def test_an_unknown_deadline_is_refused(tmp_path):
    xml = GOOD.replace('deadline("registration"', 'deadline("registrering"')
    with pytest.raises(DiagramError, match="okänd frist 'registrering'"):
        load(tmp_path, xml)


def test_a_user_task_without_a_form_is_refused(tmp_path):
    xml = GOOD.replace('id="follow_up"', 'id="follow_up_later"').replace(
        '"follow_up"', '"follow_up_later"').replace('>follow_up<', '>follow_up_later<')
    with pytest.raises(DiagramError) as raised:
        load(tmp_path, xml)
    assert raised.value.element == "follow_up_later"
    assert "formulär" in raised.value.reason


def test_an_element_without_drawing_is_refused(tmp_path):
    xml = GOOD.replace('bpmnElement="protect"', 'bpmnElement="not_drawn"')
    with pytest.raises(DiagramError) as raised:
        load(tmp_path, xml)
    assert raised.value.element == "protect"
    assert "BPMN-DI" in raised.value.reason
