"""Real changes to bpmn/lex_sarah.bpmn, as an administrator would make them in a modeller:
a copy of bpmn/ with one step added or removed, drawn (BPMN-DI) so that it still loads."""
from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from lxml import etree
from marshmallow import fields

from engine.diagrams import BPMN, BPMNDI
from web import ROOT
from workflows.forms import FormSchema, SchemaForm, text

DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI}

# The step added after "Informera den enskilde", and its form.
FEEDBACK_STEP = "feedback_to_reporter"
FEEDBACK_TITLE = "Återkoppla till den som rapporterade"


class FeedbackSchema(FormSchema):
    fed_back_on = fields.Date(required=True, metadata={"label": "Återkopplat den"})
    how = text(metadata={"label": "Hur återkopplingen gjordes"})


def with_feedback_form(case_type):
    """The lex Sarah case type as it is deployed together with the added step: with its form."""
    return replace(case_type, tasks={**case_type.tasks, FEEDBACK_STEP: SchemaForm(FEEDBACK_TITLE, FeedbackSchema)})


def copy_of_shipped(folder: Path) -> Path:
    shutil.copytree(ROOT / "bpmn", folder)
    return folder


def add_feedback_step(folder: Path) -> Path:
    """Informera den enskilde -> (new) Återkoppla till den som rapporterade -> Följ upp åtgärdsplanen."""
    path = folder / "lex_sarah.bpmn"
    tree = etree.parse(str(path))
    process, plane = _process(tree), _plane(tree)
    lane = _one(process, "bpmn:laneSet/bpmn:lane[@id='lane_enhetschef']")
    lane.append(_el("bpmn", "flowNodeRef", text=FEEDBACK_STEP))
    task = _el("bpmn", "userTask", id=FEEDBACK_STEP, name=FEEDBACK_TITLE)
    task.append(_el("bpmn", "incoming", text="flow_inform_to_feedback"))
    task.append(_el("bpmn", "outgoing", text="flow_feedback_to_follow_up"))
    process.append(task)
    # The flow out of "inform" now ends at the new step, and a new flow leads on to "follow up".
    old_flow = _one(process, "bpmn:sequenceFlow[@id='flow_inform_to_follow_up']")
    old_flow.set("id", "flow_inform_to_feedback")
    old_flow.set("targetRef", FEEDBACK_STEP)
    _one(process, "bpmn:userTask[@id='inform_individual']/bpmn:outgoing").text = "flow_inform_to_feedback"
    _one(process, "bpmn:userTask[@id='follow_up']/bpmn:incoming").text = "flow_feedback_to_follow_up"
    process.append(_el("bpmn", "sequenceFlow", id="flow_feedback_to_follow_up", sourceRef=FEEDBACK_STEP,
                       targetRef="follow_up"))
    # Drawn in the Enhetschef lane between "inform" (x 2310-2410) and above "follow up" (x 2460-2560).
    plane.append(_shape(FEEDBACK_STEP, 2460, 320, 100, 80))
    plane.remove(_one(plane, "bpmndi:BPMNEdge[@bpmnElement='flow_inform_to_follow_up']"))
    plane.append(_edge("flow_inform_to_feedback", (2410, 360), (2460, 360)))
    plane.append(_edge("flow_feedback_to_follow_up", (2510, 400), (2510, 740)))
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return folder


def remove_protect_step(folder: Path) -> Path:
    """Remove "Vidta omedelbara åtgärder": the report goes from the fork straight to the join."""
    path = folder / "lex_sarah.bpmn"
    tree = etree.parse(str(path))
    process, plane = _process(tree), _plane(tree)
    for element in (_one(process, "bpmn:laneSet/bpmn:lane/bpmn:flowNodeRef[text()='protect']"),
                    _one(process, "bpmn:userTask[@id='protect']"),
                    _one(process, "bpmn:sequenceFlow[@id='flow_protect_to_join']"),
                    _one(plane, "bpmndi:BPMNShape[@bpmnElement='protect']"),
                    _one(plane, "bpmndi:BPMNEdge[@bpmnElement='flow_protect_to_join']"),
                    _one(process, "bpmn:parallelGateway[@id='join_receive']/bpmn:incoming"
                                  "[text()='flow_protect_to_join']")):
        element.getparent().remove(element)
    flow = _one(process, "bpmn:sequenceFlow[@id='flow_fork_to_protect']")
    flow.set("id", "flow_fork_to_join")
    flow.set("targetRef", "join_receive")
    _one(process, "bpmn:parallelGateway[@id='fork_receive']/bpmn:outgoing[text()='flow_fork_to_protect']").text = \
        "flow_fork_to_join"
    _one(process, "bpmn:parallelGateway[@id='join_receive']").insert(
        0, _el("bpmn", "incoming", text="flow_fork_to_join"))
    plane.remove(_one(plane, "bpmndi:BPMNEdge[@bpmnElement='flow_fork_to_protect']"))
    plane.append(_edge("flow_fork_to_join", (223, 360), (600, 360), (600, 755)))
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return folder


def rename_close_step(folder: Path, name: str = "Avsluta med dokumenterat ställningstagande") -> Path:
    """Only the Swedish name of the last step changes."""
    path = folder / "lex_sarah.bpmn"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'name="Avsluta med ställningstagande"', f'name="{name}"'), encoding="utf-8")
    return folder


def _process(tree):
    return _one(tree.getroot(), "bpmn:process[@id='lex_sarah']")


def _plane(tree):
    return _one(tree.getroot(), "bpmndi:BPMNDiagram/bpmndi:BPMNPlane")


def _one(element, path: str):
    found = element.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {len(found)} found"
    return found[0]


def _el(prefix: str, local: str, text: str | None = None, **attributes):
    element = etree.Element(f"{{{NS[prefix]}}}{local}", nsmap={prefix: NS[prefix]}, **attributes)
    element.text = text
    return element


def _shape(element_id: str, x: int, y: int, width: int, height: int):
    shape = _el("bpmndi", "BPMNShape", id=f"{element_id}_di", bpmnElement=element_id)
    shape.append(_el("dc", "Bounds", x=str(x), y=str(y), width=str(width), height=str(height)))
    return shape


def _edge(flow_id: str, *points: tuple[int, int]):
    edge = _el("bpmndi", "BPMNEdge", id=f"{flow_id}_di", bpmnElement=flow_id)
    for x, y in points:
        edge.append(_el("di", "waypoint", x=str(x), y=str(y)))
    return edge
