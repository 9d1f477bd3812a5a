"""Loading, checking and versioning BPMN diagrams.

A diagram is checked when it is loaded, before any case can run on it: it must be valid
BPMN, drawable (BPMN-DI for every element), name a form for every user task, take every
deadline from configuration, and contain only code the restricted script engine allows.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.casetypes import CaseType
from engine.clock import Clock
from engine.errors import DiagramError
from engine.models import DiagramVersion
from engine.scripting import ClockedTimer, check_code, function_calls, names_read

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DRAWN_ELEMENTS = ("task", "userTask", "scriptTask", "serviceTask", "manualTask", "startEvent",
                  "endEvent", "boundaryEvent", "intermediateCatchEvent", "intermediateThrowEvent",
                  "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
                  "subProcess", "callActivity", "lane", "sequenceFlow")
DIAGRAM_FUNCTIONS = {"deadline", "deadline_configured", "escalate", "file_case"}


@dataclass(frozen=True)
class Timer:
    name: str
    label: str
    kind: str
    guarded_task: str


@dataclass(frozen=True)
class Diagram:
    """A parsed, checked diagram, shared by every case on its version."""

    process_id: str
    file_name: str
    content_hash: str
    xml: str
    spec: object
    subprocess_specs: dict
    variables: frozenset[str]
    timers: dict[str, Timer]


def content_hash(xml: bytes) -> str:
    return hashlib.sha256(xml).hexdigest()


def parse(file_name: str, xml: bytes, case_type: CaseType) -> Diagram:
    """Parse and check one diagram for a case type, or raise DiagramError saying why."""
    parser = BpmnParser(validator=BpmnValidator())
    try:
        tree = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))
        parser.add_bpmn_xml(tree, filename=file_name)
        spec = parser.get_spec(case_type.id)
        subprocess_specs = parser.get_subprocess_specs(case_type.id)
    except etree.XMLSyntaxError as error:
        raise DiagramError(file_name, None, f"ogiltig XML: {error}") from error
    except ValidationException as error:
        raise DiagramError(file_name, error.id or error.tag or None, str(error).splitlines()[0]) from error
    except SpiffWorkflowException as error:
        raise DiagramError(file_name, None, str(error)) from error

    _check_drawn(file_name, tree)
    specs = list(spec.task_specs.values())
    for sub in subprocess_specs.values():
        specs.extend(sub.task_specs.values())
    variables: set[str] = set()
    timers: dict[str, Timer] = {}
    for task_spec in specs:
        for source, mode in _code_of(task_spec):
            reason = check_code(source, mode)
            if reason:
                raise DiagramError(file_name, task_spec.name, f"{reason} i {source!r}")
            variables |= names_read(source, mode)
            for call in function_calls(source, mode):
                name = getattr(call.func, "id", None)
                if name not in DIAGRAM_FUNCTIONS:
                    raise DiagramError(file_name, task_spec.name, f"okänd funktion {name!r} i {source!r}")
        if task_spec.__class__.__name__ == "UserTask" and task_spec.name not in case_type.tasks:
            raise DiagramError(file_name, task_spec.name,
                               f"användaruppgiften saknar formulär i ärendetypen {case_type.id}")
        timer = _timer_of(file_name, task_spec, case_type)
        if timer:
            timers[timer.name] = timer
    return Diagram(case_type.id, file_name, content_hash(xml), xml.decode(), spec, subprocess_specs,
                   frozenset(variables - DIAGRAM_FUNCTIONS), timers)


def _code_of(task_spec):
    """Every piece of code a task spec will run: scripts, conditions, timer expressions."""
    script = getattr(task_spec, "script", None)
    if script:
        yield script, "exec"
    for condition, _target in getattr(task_spec, "cond_task_specs", None) or []:
        if condition is not None:
            yield condition.args[0], "eval"
    definition = getattr(task_spec, "event_definition", None)
    if isinstance(definition, TimerEventDefinition):
        yield definition.expression, "eval"


def _timer_of(file_name, task_spec, case_type: CaseType) -> Timer | None:
    definition = getattr(task_spec, "event_definition", None)
    if not isinstance(definition, TimerEventDefinition) or not isinstance(task_spec, CatchingEvent):
        return None
    calls = list(function_calls(definition.expression, "eval"))
    kind = None
    if len(calls) == 1 and getattr(calls[0].func, "id", None) == "deadline" and calls[0].args:
        kind = getattr(calls[0].args[0], "value", None)
    if kind is None or not isinstance(definition, TimeDateEventDefinition):
        raise DiagramError(file_name, task_spec.name,
                           'en tidsfrist ska vara en timeDate med uttrycket deadline("<frist>", <startdatum>) '
                           "så att längden kommer från konfigurationen")
    if kind not in case_type.deadlines:
        raise DiagramError(file_name, task_spec.name, f"okänd frist {kind!r} för {case_type.id}")
    task_spec.event_definition = ClockedTimer(definition.name, definition.expression,
                                              description=definition.description)
    # The parser puts a "<task>.BoundaryEventSplit" before the task a boundary event guards.
    guarded = task_spec.inputs[0].name.removesuffix(".BoundaryEventSplit") if task_spec.inputs else ""
    return Timer(task_spec.name, task_spec.bpmn_name or task_spec.name, kind, guarded)


def _check_drawn(file_name, tree) -> None:
    shapes = {el.get("bpmnElement") for el in tree.iter(f"{{{BPMNDI}}}BPMNShape", f"{{{BPMNDI}}}BPMNEdge")}
    for local in DRAWN_ELEMENTS:
        for element in tree.iter(f"{{{BPMN}}}{local}"):
            if element.get("id") not in shapes:
                raise DiagramError(file_name, element.get("id"), "saknar BPMN-DI (kan inte ritas)")


class DiagramStore:
    """Diagrams in use: the current one per case type, and any older version on demand."""

    def __init__(self, bpmn_dir: Path, case_types: dict[str, CaseType]):
        self.bpmn_dir = bpmn_dir
        self.case_types = case_types
        self._by_hash: dict[str, Diagram] = {}
        self.current: dict[str, Diagram] = {}
        for case_type in case_types.values():
            path = bpmn_dir / case_type.diagram
            if not path.exists():
                raise DiagramError(case_type.diagram, None, f"filen saknas i {bpmn_dir}")
            diagram = parse(path.name, path.read_bytes(), case_type)
            self._by_hash[diagram.content_hash] = diagram
            self.current[case_type.id] = diagram

    def deploy(self, session: Session, clock: Clock) -> dict[str, int]:
        """Store each current diagram once (by content hash); return case type -> version id."""
        ids = {}
        for case_type, diagram in self.current.items():
            version = session.scalar(select(DiagramVersion).where(
                DiagramVersion.content_hash == diagram.content_hash))
            if version is None:
                version = DiagramVersion(process_id=case_type, content_hash=diagram.content_hash,
                                         file_name=diagram.file_name, bpmn_xml=diagram.xml,
                                         deployed_at=clock.now())
                session.add(version)
                session.flush()
            ids[case_type] = version.id
        return ids

    def for_version(self, version: DiagramVersion) -> Diagram:
        diagram = self._by_hash.get(version.content_hash)
        if diagram is None:
            diagram = parse(version.file_name, version.bpmn_xml.encode(), self.case_types[version.process_id])
            self._by_hash[version.content_hash] = diagram
        return diagram
