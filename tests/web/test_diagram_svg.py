"""A case's diagram drawn as SVG from its BPMN-DI, with done, current, pending and late steps marked."""
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from engine.clock import STOCKHOLM
from web.diagram_svg import render, steps_of_case

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
DIAGRAMS = sorted(BPMN_DIR.glob("*.bpmn"))
NS = {"svg": "http://www.w3.org/2000/svg"}
BPMNDI = "{http://www.omg.org/spec/BPMN/20100524/DI}"


def parse(svg: str):
    return etree.fromstring(svg.encode())


def drawn(svg_root, element_id: str) -> list:
    return svg_root.xpath(f"//svg:g[@data-element='{element_id}' and not(contains(@class, 'flow-label'))]",
                          namespaces=NS)


def classes(svg_root, element_id: str) -> set[str]:
    (group,) = drawn(svg_root, element_id)
    return set(group.get("class").split())


def lex_sarah(done=(), current=(), late=()) -> etree._Element:
    return parse(render((BPMN_DIR / "lex_sarah.bpmn").read_text(), set(done), set(current), set(late)))


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_every_shape_and_flow_of_the_di_is_drawn_once(path):
    xml = path.read_text()
    svg = parse(render(xml, set(), set()))
    di = etree.fromstring(xml.encode())
    drawn_ids = [g.get("data-element") for g in svg.xpath("//svg:g[@data-element]", namespaces=NS)
                 if "bpmn-flow-label" not in g.get("class")]
    expected = [node.get("bpmnElement") for node in di.iter(f"{BPMNDI}BPMNShape", f"{BPMNDI}BPMNEdge")]
    assert sorted(drawn_ids) == sorted(expected)


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda p: p.stem)
def test_the_view_box_holds_every_shape_and_waypoint(path):
    xml = path.read_text()
    x, y, width, height = map(float, parse(render(xml, set(), set())).get("viewBox").split())
    di = etree.fromstring(xml.encode())
    for bounds in di.iter("{http://www.omg.org/spec/DD/20100524/DC}Bounds"):
        left, top = float(bounds.get("x")), float(bounds.get("y"))
        assert x <= left and left + float(bounds.get("width")) <= x + width
        assert y <= top and top + float(bounds.get("height")) <= y + height
    for point in di.iter("{http://www.omg.org/spec/DD/20100524/DI}waypoint"):
        assert x <= float(point.get("x")) <= x + width and y <= float(point.get("y")) <= y + height


def test_steps_are_marked_done_current_pending_and_late():
    svg = lex_sarah(done={"protect", "register"}, current={"assign_investigator"},
                    late={"assign_investigator", "assignment_deadline"})
    assert {"done"} <= classes(svg, "protect") and "current" not in classes(svg, "protect")
    assert {"current", "late"} <= classes(svg, "assign_investigator")
    assert {"pending"} <= classes(svg, "investigate") and "late" not in classes(svg, "investigate")
    assert {"pending", "late"} <= classes(svg, "assignment_deadline")
    # A done task carries a check badge; the current one is drawn with a thick border.
    assert drawn(svg, "protect")[0].xpath("svg:g[@class='bpmn-badge']", namespaces=NS)
    assert not drawn(svg, "investigate")[0].xpath("svg:g[@class='bpmn-badge']", namespaces=NS)
    (frame,) = drawn(svg, "assign_investigator")[0].xpath("svg:rect", namespaces=NS)
    assert float(frame.get("stroke-width")) >= 3 and frame.get("stroke") == "#dc2626"


def test_the_flows_between_passed_elements_are_drawn_taken():
    svg = lex_sarah(done={"report_filed", "fork_receive", "protect", "register", "join_receive"},
                    current={"assign_investigator"})
    for passed in ("report_filed", "fork_receive", "join_receive"):
        assert "done" in classes(svg, passed), passed
    assert {"taken"} <= classes(svg, "flow_join_to_assign") and {"taken"} <= classes(svg, "flow_register_to_join")
    assert "taken" not in classes(svg, "flow_assign_to_investigate")


def test_a_closed_case_is_drawn_done_to_its_end_on_the_branches_it_took(cases, runner):
    case = cases.file()
    cases.walk(case, "protect", "register", "assign_investigator", "investigate")
    cases.complete(case, "propose", assessment="no_misconduct", categories=[], action_plan=[])
    cases.complete(case, "close_no_misconduct", refile_as="klagomal")
    record = runner.case_record(case, "fredrik")
    steps = steps_of_case(record.passed, record.view.tasks)
    svg = parse(render(record.diagram_xml, steps.done, steps.current))

    # What ran after the last user task: a gateway, a script step and the end it reached.
    for passed in ("assessment_gateway", "close_no_misconduct", "refile_gateway", "open_complaint",
                   "refiled_as_complaint"):
        assert "done" in classes(svg, passed), passed
    assert "taken" in classes(svg, "flow_open_complaint_to_refiled_as_complaint")
    for not_taken in ("decide", "open_deviation", "closed_no_misconduct", "refiled_as_deviation"):
        assert "pending" in classes(svg, not_taken), not_taken
    assert "taken" not in classes(svg, "flow_not_refiled") and "taken" not in classes(svg, "flow_misconduct")


def test_hover_text_names_the_step_and_its_state():
    svg = lex_sarah(done={"protect"}, current={"register"})
    assert drawn(svg, "protect")[0].findtext("svg:title", namespaces=NS) == "Vidta omedelbara åtgärder – klart"
    assert drawn(svg, "register")[0].findtext("svg:title", namespaces=NS) == "Registrera rapporten – pågår"
    assert drawn(svg, "investigate")[0].findtext("svg:title", namespaces=NS) == "Utred händelsen – ej påbörjat"


def test_the_drawing_is_an_accessible_image_naming_the_current_step():
    svg = lex_sarah(current={"register"})
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == "Processdiagram Lex Sarah. Pågår: Registrera rapporten"
    assert svg.findtext("svg:title", namespaces=NS) == svg.get("aria-label")


def test_long_names_are_wrapped_inside_their_task():
    svg = lex_sarah()
    lines = drawn(svg, "send_supplement")[0].xpath("svg:text/svg:tspan/text()", namespaces=NS)
    assert len(lines) >= 2 and " ".join(lines) == "Skicka komplett utredning till IVO"


def test_a_default_flow_carries_the_default_mark_and_its_condition_name():
    svg = lex_sarah()
    (line,) = drawn(svg, "flow_misconduct")[0].xpath("svg:polyline", namespaces=NS)
    assert line.get("marker-start") == "url(#bpmn-default)" and line.get("marker-end") == "url(#bpmn-arrow)"
    (label,) = svg.xpath("//svg:g[@data-element='flow_serious' and contains(@class, 'flow-label')]", namespaces=NS)
    assert label.xpath("string(.)") == "Ja"


HOSTILE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs" targetNamespace="https://lexflow.se/bpmn">
  <bpmn:process id="p" name="&lt;b&gt;Test&lt;/b&gt;" isExecutable="true">
    <bpmn:startEvent id="start" name="Start &amp; kör"><bpmn:messageEventDefinition /></bpmn:startEvent>
    <bpmn:serviceTask id="evil" name="&lt;script&gt;alert('x')&lt;/script&gt; &quot;&amp;&quot;" />
    <bpmn:inclusiveGateway id="choice" />
    <bpmn:endEvent id="end" />
    <bpmn:dataStoreReference id="store" name="Arkiv" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="evil" />
    <bpmn:sequenceFlow id="f2" name="&lt;img src=x onerror=alert(1)&gt;" sourceRef="evil" targetRef="choice" />
    <bpmn:sequenceFlow id="f3" sourceRef="choice" targetRef="end" />
    <bpmn:textAnnotation id="note"><bpmn:text>Notera &lt;b&gt;detta&lt;/b&gt;</bpmn:text></bpmn:textAnnotation>
    <bpmn:association id="a1" sourceRef="evil" targetRef="note" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="pl" bpmnElement="p">
    <bpmndi:BPMNShape id="s1" bpmnElement="start"><dc:Bounds x="0" y="20" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s2" bpmnElement="evil"><dc:Bounds x="80" y="0" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s3" bpmnElement="choice"><dc:Bounds x="220" y="15" width="50" height="50" />
    </bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s4" bpmnElement="end"><dc:Bounds x="310" y="22" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s5" bpmnElement="store"><dc:Bounds x="80" y="150" width="50" height="50" />
    </bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="s6" bpmnElement="note"><dc:Bounds x="220" y="150" width="120" height="40" />
    </bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="e1" bpmnElement="f1"><di:waypoint x="36" y="38" /><di:waypoint x="80" y="38" />
    </bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="e2" bpmnElement="f2"><di:waypoint x="180" y="40" /><di:waypoint x="220" y="40" />
    </bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="e3" bpmnElement="f3"><di:waypoint x="270" y="40" /><di:waypoint x="310" y="40" />
    </bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="e4" bpmnElement="a1"><di:waypoint x="150" y="80" /><di:waypoint x="220" y="160" />
    </bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>"""


def test_names_from_the_diagram_are_escaped():
    svg = render(HOSTILE, {"start"}, {"evil"})
    assert "<script" not in svg and "<img" not in svg and "<b>" not in svg
    root = parse(svg)
    texts = " ".join(root.xpath("//svg:text//text()", namespaces=NS))
    assert "<script>alert('x')</script>" in texts and "<img src=x onerror=alert(1)>" in texts
    assert root.get("aria-label") == "Processdiagram <b>Test</b>. Pågår: <script>alert('x')</script> \"&\""


def test_element_kinds_without_a_drawing_of_their_own_are_still_drawn():
    root = parse(render(HOSTILE, set(), set()))
    for element_id in ("start", "evil", "choice", "end", "store", "note", "f1", "f2", "f3", "a1"):
        assert len(drawn(root, element_id)) == 1, element_id
    assert "bpmn-inclusiveGateway" in classes(root, "choice")
    assert "Arkiv" in drawn(root, "store")[0].xpath("string(svg:text)", namespaces=NS)


def test_a_diagram_without_di_is_refused():
    xml = HOSTILE[:HOSTILE.index("<bpmndi:BPMNDiagram")] + "</bpmn:definitions>"
    with pytest.raises(ValueError, match="BPMN-DI"):
        render(xml, set(), set())


def test_steps_of_a_case_come_from_its_workflow_open_tasks_and_deadlines(cases, runner, services, clock):
    case = cases.file(received_on="2026-11-23", noticed_on="2026-11-22", occurred_on="2026-11-22")
    cases.walk(case, "protect", "register")
    # Five working days after 23 November; the assignment is still open on 1 December.
    clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=STOCKHOLM))
    record = runner.case_record(case, "anders")

    steps = steps_of_case(record.passed, record.view.tasks, record.view.deadlines, clock.now())
    assert steps.done == {"report_filed", "fork_receive", "protect", "register", "join_receive"}
    assert steps.current == {"assign_investigator"}
    assert steps.late == {"assign_investigator", "assignment_deadline"}

    services.sweeper.sweep()  # the timer fires: the deadline is now recorded as overdue
    view = runner.show_case(case, "anders")
    assert steps_of_case([], view.tasks, view.deadlines).late == {"assign_investigator", "assignment_deadline"}
