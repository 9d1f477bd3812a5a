"""Diagram versions: what changed between two, and moving open cases onto the current one.

A case runs on the diagram version it was filed on. Deploying a changed diagram
(engine/diagrams.py) gives new cases the new version and leaves open ones where they are,
until they are moved here. A case may move when the path it has taken is still there,
unchanged: every step it has done, and every step it waits on (which may now lead somewhere
new, since the case has not left it yet). SpiffWorkflow's diff utilities align the steps of
the two versions; each case moves in a transaction of its own, so a run that stops half-way
leaves every case either moved or as it was.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.config import DEFAULT_CONFIG
from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.db import Database
from engine.diagrams import Diagram, DiagramStore
from engine.errors import LexflowError, NotFound
from engine.models import Case, DiagramVersion
from engine.scripting import ClockedTimer

if TYPE_CHECKING:
    from engine.runner import CaseRunner

# Steps are compared in their serialized form. Our clocked timers are serialized like
# SpiffWorkflow's own timeDate timers, so that a changed deadline expression is a change.
_REGISTRY = BpmnWorkflowSerializer.configure({**DEFAULT_CONFIG, ClockedTimer: TimerConditionalEventDefinitionConverter})

CHANGE_LABELS = {
    "bpmn_name": "namn", "documentation": "beskrivning", "lane": "roll", "inputs": "flöde in",
    "outputs": "flöde ut", "cond_task_specs": "villkor", "default_task_spec": "standardflöde",
    "event_definition": "tidsfrist", "script": "skript", "typename": "typ av steg",
}
DONE = TaskState.COMPLETED | TaskState.STARTED | TaskState.ERROR
CURRENT = TaskState.READY | TaskState.WAITING
# What may change in a step the case waits on: where it leads.
MAY_CHANGE_IN_CURRENT = {"outputs", "cond_task_specs", "default_task_spec"}


class MigrationRefused(LexflowError):
    """The case's path so far does not fit the new version; the message says why."""


@dataclass(frozen=True)
class VersionSummary:
    id: int
    case_type: str
    deployed_at: datetime
    open_cases: int
    current: bool


@dataclass(frozen=True)
class Step:
    """A step of a diagram as users know it, and what changed in it (Swedish labels)."""

    id: str
    name: str
    changes: tuple[str, ...] = ()


@dataclass(frozen=True)
class VersionDiff:
    case_type: str
    from_version: int
    to_version: int
    added: list[Step]
    removed: list[Step]
    changed: list[Step]


@dataclass(frozen=True)
class Migration:
    """One open case moved from one version to another, or, with `refused`, why it was not."""

    diary_number: str
    from_version: int
    to_version: int
    refused: str | None = None


def versions(db: Database, diagrams: DiagramStore) -> list[VersionSummary]:
    """Every deployed version of every case type's diagram, with how many open cases run on it."""
    with db.snapshot() as session:
        rows = session.execute(
            select(DiagramVersion, func.count(Case.id))
            .outerjoin(Case, and_(Case.diagram_version_id == DiagramVersion.id, Case.status == "open"))
            .group_by(DiagramVersion.id).order_by(DiagramVersion.process_id, DiagramVersion.id)).all()
    return [VersionSummary(version.id, version.process_id, version.deployed_at, open_cases,
                           _is_current(diagrams, version))
            for version, open_cases in rows if version.process_id in diagrams.current]


def compare(db: Database, diagrams: DiagramStore, case_type: str, from_id: int | None = None,
            to_id: int | None = None) -> VersionDiff | None:
    """What changed from one version of a case type's diagram to another: by default from the
    older version most open cases run on to the current one. None if there is no such version."""
    with db.snapshot() as session:
        new = _version(session, case_type, to_id) if to_id else _current(session, diagrams, case_type)
        old = _version(session, case_type, from_id) if from_id else _busiest_other(session, case_type, new)
        if old is None:
            return None
        spec_diff = SpecDiff(_REGISTRY, diagrams.for_version(old).spec, diagrams.for_version(new).spec)
    return VersionDiff(
        case_type, old.id, new.id,
        added=[_step(spec) for spec in spec_diff.added if spec.bpmn_id],
        removed=[_step(spec) for spec in spec_diff.removed if spec.bpmn_id],
        changed=[_step(spec, changes) for spec, changes in spec_diff.changed.items() if spec.bpmn_id])


def migrate(runner: "CaseRunner", case_type: str, dry_run: bool = False) -> list[Migration]:
    """Move every open case of a case type onto its current diagram version, each case in a
    transaction of its own; the cases whose path does not fit stay and say why. A dry run
    moves each case and rolls the move back."""
    with runner.db.snapshot() as session:
        target = _current(session, runner.diagrams, case_type)
        waiting = session.execute(select(Case.id).where(
            Case.case_type == case_type, Case.status == "open", Case.diagram_version_id != target.id)
            .order_by(Case.id)).scalars().all()
    return [migration for case_id in waiting
            if (migration := _migrate_case(runner, case_id, target, dry_run)) is not None]


class _DryRun(Exception):
    """Raised inside a dry run's transaction so that it rolls back."""


def _migrate_case(runner: "CaseRunner", case_id: int, target: DiagramVersion, dry_run: bool) -> Migration | None:
    try:
        with runner.db.unit_of_work() as session:
            case = session.get(Case, case_id)
            if case.status != "open" or case.diagram_version_id == target.id:
                return None  # closed or moved by someone else since the list was made
            diary_number, from_id = case.diary_number, case.diagram_version_id
            runner.move_to_version(session, case, session.get(DiagramVersion, target.id))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except StaleDataError:
        return Migration(diary_number, from_id, target.id, "ärendet ändrades samtidigt; kör flytten igen")
    except LexflowError as error:  # MigrationRefused, or the diagram could not run on
        return Migration(diary_number, from_id, target.id, str(error))
    return Migration(diary_number, from_id, target.id)


def move_workflow(workflow: BpmnWorkflow, new: Diagram) -> None:
    """Put a case's restored workflow on the new version's steps, or raise MigrationRefused."""
    if workflow.subprocesses:
        raise MigrationRefused("ärendet står i en underprocess; sådana ärenden flyttas inte")
    spec_diff = SpecDiff(_REGISTRY, workflow.spec, new.spec)
    reasons = _refusals(workflow, spec_diff)
    if reasons:
        raise MigrationRefused("; ".join(reasons))
    # Points every task at its step in the new version, and predicts anew what follows the
    # steps the case waits on.
    migrate_workflow(WorkflowDiff(workflow, spec_diff), workflow, new.spec)


def _refusals(workflow: BpmnWorkflow, spec_diff: SpecDiff) -> list[str]:
    """Why the path the case has taken does not fit the new version; empty if it does."""
    removed, changed = set(spec_diff.removed), spec_diff.changed
    done = [task.task_spec for task in workflow.get_tasks(state=DONE, skip_subprocesses=True)]
    current = [task.task_spec for task in workflow.get_tasks(state=CURRENT, skip_subprocesses=True)]
    current_changes = {spec: [c for c in changed.get(spec, ()) if c not in MAY_CHANGE_IN_CURRENT] for spec in current}
    reasons = []
    if gone := [spec for spec in done if spec in removed]:
        reasons.append(f"steg som ärendet har gått igenom finns inte i den nya versionen: {_names(gone)}")
    if gone := [spec for spec in current if spec in removed]:
        reasons.append(f"steg som ärendet står på finns inte i den nya versionen: {_names(gone)}")
    if altered := [spec for spec in done if spec in changed]:
        reasons.append(f"steg som ärendet har gått igenom har ändrats: {_names(altered, changed)}")
    if altered := [spec for spec in current if current_changes[spec]]:
        reasons.append(f"steg som ärendet står på har ändrats: {_names(altered, current_changes)}")
    return reasons


def _names(specs, changes: dict | None = None) -> str:
    """The steps' Swedish names, with what changed in each. The helper steps the parser adds
    (around a task with deadlines) are named only when no step of the diagram explains the change."""
    steps = [_step(spec, (changes or {}).get(spec, ())) for spec in ([s for s in specs if s.bpmn_id] or specs)]
    return ", ".join(dict.fromkeys(
        f"{step.name} ({', '.join(step.changes)})" if step.changes else step.name for step in steps))


def _step(spec, changes=()) -> Step:
    return Step(spec.bpmn_id or spec.name, spec.bpmn_name or spec.bpmn_id or spec.name,
                tuple(CHANGE_LABELS.get(change, change) for change in changes))


def _is_current(diagrams: DiagramStore, version: DiagramVersion) -> bool:
    return diagrams.current[version.process_id].content_hash == version.content_hash


def _current(session: Session, diagrams: DiagramStore, case_type: str) -> DiagramVersion:
    if case_type not in diagrams.current:
        raise NotFound(f"okänd ärendetyp {case_type!r}; finns: {', '.join(diagrams.current)}")
    version = session.scalar(select(DiagramVersion).where(
        DiagramVersion.content_hash == diagrams.current[case_type].content_hash))
    if version is None:
        raise NotFound(f"diagrammet för {case_type} är inte driftsatt; kör lexflow init")
    return version


def _version(session: Session, case_type: str, version_id: int) -> DiagramVersion:
    version = session.get(DiagramVersion, version_id)
    if version is None or version.process_id != case_type:
        raise NotFound(f"{case_type} har ingen diagramversion {version_id}")
    return version


def _busiest_other(session: Session, case_type: str, besides: DiagramVersion) -> DiagramVersion | None:
    version_id = session.scalar(
        select(Case.diagram_version_id)
        .where(Case.case_type == case_type, Case.status == "open", Case.diagram_version_id != besides.id)
        .group_by(Case.diagram_version_id).order_by(func.count().desc(), Case.diagram_version_id.desc()).limit(1))
    return session.get(DiagramVersion, version_id) if version_id else None
