"""Workflow state without its diagram.

SpiffWorkflow's serializer writes the whole spec into every workflow; the spec is half
the size and identical for every case on a diagram version, so it is stored once in
`diagram_versions` and joined back here.
"""
from __future__ import annotations

import gzip
import json
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.util.task import TaskState


class StateConverter(BpmnWorkflowConverter):
    """Converts a top-level workflow without its specs; restores it onto given specs."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_registry = BpmnWorkflowSerializer.configure()
_converter = StateConverter(BpmnWorkflow, _registry)
_serializer = BpmnWorkflowSerializer(_registry)


def dump(workflow: BpmnWorkflow) -> bytes:
    dct = _converter.to_dict(workflow)
    dct[_serializer.VERSION_KEY] = _serializer.VERSION
    # Task data holds only JSON values (forms are dumped before they reach the workflow).
    text = json.dumps(dct, separators=(",", ":"))
    return gzip.compress(text.encode(), compresslevel=6, mtime=0)


def restore(state: bytes, spec, subprocess_specs, script_engine) -> BpmnWorkflow:
    dct = json.loads(gzip.decompress(state))
    _serializer.migrate(dct)
    workflow = _converter.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
    workflow.script_engine = script_engine
    return workflow


def passed(workflow: BpmnWorkflow) -> frozenset[str]:
    """The ids of the diagram elements the workflow has gone through: steps, scripts, events and
    gateways, on the branches it took. (SpiffWorkflow's own parts of a spec have no BPMN id.)"""
    return frozenset(task.task_spec.bpmn_id for task in workflow.get_tasks(state=TaskState.COMPLETED)
                     if task.task_spec.bpmn_id)
