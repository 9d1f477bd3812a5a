"""Filing cases and advancing them: each step is one database transaction.

A step reads the case and runs the diagram in SpiffWorkflow on a snapshot, then writes the
new workflow state, the open tasks, the deadlines and the history event together, or
nothing at all.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, case as sql_case, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, joinedload

from engine import access, actions, diagram_versions, history, state, tracking
from engine.access import Sight
from engine.casetypes import CaseType, FormContext, ValidatedForm
from engine.clock import Clock
from engine.db import Database
from engine.diagrams import Diagram, DiagramStore
from engine.diary import next_diary_number
from engine.errors import Conflict, Forbidden, LexflowError, NotFound
from engine.models import Case, CaseLink, Deadline, DiagramVersion, HistoryEvent, OpenTask, OutboxMessage
from engine.organisation import Directory
from engine.reports import facts
from engine.scripting import DiagramScriptEngine

# How often a step is worked out again when other steps keep changing its case meanwhile.
STEP_ATTEMPTS = 3

# The statements that read one case, asked in every read and step of one: built once
# (engine/db.py), with the case as the parameter `case`.
# Its unit comes along with the case: every check of who may read or work it asks for it.
_CASE_BY_ID = select(Case).options(joinedload(Case.unit)).where(Case.id == bindparam("case"))
_CASE_BY_DIARY_NUMBER = select(Case).options(joinedload(Case.unit)).where(Case.diary_number == bindparam("case"))
# Links both ways in one statement: those from this case first, then those to it. The case
# joined is the other end of each link.
_FROM_HERE = CaseLink.source_case_id == bindparam("case")
_LINKS = (select(CaseLink.relation, _FROM_HERE, Case.diary_number)
          .join(Case, Case.id == sql_case((_FROM_HERE, CaseLink.target_case_id), else_=CaseLink.source_case_id))
          .where(or_(_FROM_HERE, CaseLink.target_case_id == bindparam("case")))
          .order_by(_FROM_HERE.desc(), CaseLink.id))


@dataclass(frozen=True)
class ReadyTask:
    id: str
    name: str
    title: str
    lane: str | None
    ready_since: datetime


@dataclass(frozen=True)
class CaseView:
    """A case as one person may see it. With only STATUS sight, `data` and the rest are empty."""

    id: int
    diary_number: str
    case_type: str
    unit: str
    status: str
    received_on: date
    version: int
    sight: Sight
    data: dict
    tasks: list[ReadyTask]
    deadlines: list[Deadline]
    links: list[tuple[str, str]]


@dataclass(frozen=True)
class Filed:
    """A case just filed: its diary number names it to people, its id addresses it in the API."""

    id: int
    diary_number: str


@dataclass(frozen=True)
class CaseRecord:
    """All that the case page shows of a case, read at one moment, as one logged read. Without
    full sight only `view` has content."""

    view: CaseView
    history: list[HistoryEvent]  # oldest first
    workable: list[OpenTask]  # the ready tasks the reader may work, oldest first
    diagram_xml: str  # the version of the diagram the case runs on, which may be older than the file
    passed: frozenset[str]  # the ids of the diagram's elements the case has gone through


class CaseRunner:
    def __init__(self, db: Database, diagrams: DiagramStore, clock: Clock):
        self.db, self.diagrams, self.clock = db, diagrams, clock
        with db.unit_of_work() as session:
            self._version_ids = diagrams.deploy(session, clock)

    # -- steps ---------------------------------------------------------------

    def file_case(self, case_type_id: str, data: dict, actor: str | None,
                  links: tuple[tuple[str, str], ...] = ()) -> Filed:
        """File a report. `actor` None is the public, allowed only for public case types
        (complaints)."""
        # The diary counter is held from when the case is written (next_diary_number) to the
        # commit, so the report is checked and its workflow run before; on a snapshot where the
        # transaction would hold the write lock from its start (Database.locks_at_begin).
        if self.db.locks_at_begin:
            with self.db.snapshot() as session:
                filing = self._prepare_filing(session, case_type_id, data, actor)
            with self.db.unit_of_work() as session:
                case = self._write_filing(session, filing, actor, links)
        else:
            with self.db.unit_of_work() as session:
                case = self._file(session, case_type_id, data, actor, links)
        return Filed(case.id, case.diary_number)

    def _file(self, session: Session, case_type_id: str, data: dict, actor: str | None,
              links: tuple[tuple[str, str], ...]) -> Case:
        return self._write_filing(session, self._prepare_filing(session, case_type_id, data, actor), actor, links)

    def _prepare_filing(self, session: Session, case_type_id: str, data: dict, actor: str | None) -> "_Filing":
        case_type = self._case_type(case_type_id)
        diagram = self.diagrams.current[case_type_id]
        directory = Directory(session)
        if actor is not None:
            directory.person(actor)
        elif not case_type.public:
            raise Forbidden(f"{case_type.name} kan bara lämnas in av inloggade")
        report = case_type.report.validate(data, FormContext(directory, self.clock.today(), {})).data
        effects = _Effects()
        workflow = BpmnWorkflow(diagram.spec, diagram.subprocess_specs,
                                script_engine=self._script_engine(case_type, directory, effects))
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(_flow_data(report, diagram))
        return _Filing(case_type, report, directory.unit(report["unit"]).id, directory.diary_prefix(),
                       self._advance(workflow, diagram, effects))

    def _write_filing(self, session: Session, filing: "_Filing", actor: str | None,
                      links: tuple[tuple[str, str], ...]) -> Case:
        case_type, report, now = filing.case_type, filing.report, self.clock.now()
        case = Case(
            diary_number=next_diary_number(session, filing.diary_prefix, self.clock.today().year),
            case_type=case_type.id, unit_id=filing.unit_id, status="open",
            received_on=date.fromisoformat(report["received_on"]), reported_by=actor,
            concerns_person_id=report.get("concerns_person"),
            diagram_version_id=self._version_ids[case_type.id], state=filing.outcome.state, data={"report": report},
            assignees={}, created_at=now, updated_at=now,
        )
        session.add(case)
        session.flush()
        for relation, other_ref in links:
            session.add(CaseLink(source_case_id=case.id, target_case_id=self._find(session, other_ref).id,
                                 relation=relation, created_at=now))
        history.record(session, case, now, actor, "case.filed",
                       f"{case_type.name}: rapport inlämnad", after=report)
        self._save(session, case, filing.outcome, now, actor)
        return case

    def complete_task(self, case_ref: str, task_name: str, data: dict, actor: str,
                      expected_version: int | None = None) -> CaseView:
        """Complete a ready user task with form data; returns the case as it is afterwards, as
        the actor may now see it."""
        # The step is worked out on a snapshot, and the transaction (on SQLite the write lock)
        # only writes it, if the case is still as it was read; if another step came between,
        # the step is worked out again on what that one left.
        for _ in range(STEP_ATTEMPTS):
            with self.db.snapshot() as session:
                step = self._prepare_completion(session, case_ref, task_name, data, actor, expected_version)
            with self.db.unit_of_work() as session:
                if self._write_completion(session, case_ref, step, actor):
                    break
        else:
            raise Conflict(f"ärendet {case_ref} ändras av andra just nu; försök igen")
        with self.db.snapshot() as session:
            case = self._find(session, case_ref)
            # Who did a step may lose the case with it (MAS, the klagomålsdelegation); they
            # still see where it went.
            sight = access.sight(Directory(session), actor, case)
            return self._view(session, case, Sight.STATUS if sight is Sight.NONE else sight)

    def _prepare_completion(self, session: Session, case_ref: str, task_name: str, data: dict, actor: str,
                            expected_version: int | None) -> "_Completion":
        case = self._find(session, case_ref)
        if expected_version is not None and case.version != expected_version:
            raise Conflict(f"ärendet {case.diary_number} har ändrats sedan du läste det; läs om det")
        case_type = self._case_type(case.case_type)
        diagram = self.diagrams.for_version(case.diagram_version)
        directory = Directory(session)
        workflow, effects = self._restore(case, diagram, directory)
        task = self._ready_task(workflow, case, case_type, task_name)
        if not access.may_complete(directory, actor, case, task_name, task.task_spec.lane):
            raise Forbidden(f"{actor} får inte utföra {task.task_spec.bpmn_name!r} i {case.diary_number}")
        form = case_type.tasks[task_name].validate(data, FormContext(directory, self.clock.today(), case.data))
        task.data.update(_flow_data(form.data, diagram))
        task.run()
        return _Completion(case.version, task_name, task.task_spec.bpmn_name, form,
                           directory.unit(form.unit).id if form.unit else None,
                           self._advance(workflow, diagram, effects))

    def _write_completion(self, session: Session, case_ref: str, step: "_Completion", actor: str) -> bool:
        """Write the step, unless the case has changed since it was worked out (False)."""
        # Locked (PostgreSQL): a step being written meanwhile is waited for and then seen here,
        # so this one is worked out again instead of failing at its UPDATE.
        case = self._find(session, case_ref, lock=True)
        if case.version != step.version:
            return False
        now, task_name, form = self.clock.now(), step.task_name, step.form
        before = case.data.get(task_name)
        case.data = {**case.data, task_name: form.data}
        case.assignees = {**case.assignees, **form.assignments}
        if step.unit_id:
            case.unit_id = step.unit_id
        self._save(session, case, step.outcome, now, actor,
                   event=("task.completed", f"{step.title} slutförd", task_name, before, form.data))
        actions.create_planned(session, case, task_name, form.planned_actions, actor, now)
        return True

    def run_due_timers(self, session: Session, case: Case) -> None:
        """Within the caller's transaction: fire the case's timers that are due by the clock,
        so the diagram's escalation paths run."""
        diagram = self.diagrams.for_version(case.diagram_version)
        workflow, effects = self._restore(case, diagram, Directory(session))
        workflow.refresh_timers()
        self._save(session, case, self._advance(workflow, diagram, effects), self.clock.now(), None)

    def move_to_version(self, session: Session, case: Case, version: DiagramVersion) -> None:
        """Within the caller's transaction: put an open case on another version of its diagram,
        or raise diagram_versions.MigrationRefused saying why the path it has taken does not fit."""
        before = case.diagram_version
        new = self.diagrams.for_version(version)
        workflow, effects = self._restore(case, self.diagrams.for_version(before), Directory(session))
        diagram_versions.move_workflow(workflow, new)
        case.diagram_version = version
        self._save(session, case, self._advance(workflow, new, effects), self.clock.now(), None,
                   event=("diagram.migrated", f"Ärendet flyttat från diagramversion {before.id} till {version.id}",
                          None, {"diagram_version": before.id}, {"diagram_version": version.id}))

    # -- reads (each one logged) ----------------------------------------------

    def show_case(self, case_ref: str, reader: str, purpose: str = "show") -> CaseView:
        """The case as the reader may see it; `purpose` goes to the access log (e.g. a document made)."""
        with history.reading(self.db) as session:
            case, sight = self._read(session, case_ref, reader, purpose)
            return self._view(session, case, sight)

    def case_record(self, case_ref: str, reader: str) -> CaseRecord:
        """The case with its history, the steps the reader may work and its diagram (the case page)."""
        with history.reading(self.db) as session:
            case, sight = self._read(session, case_ref, reader, "show")
            view = self._view(session, case, sight)
            if sight is not Sight.FULL:
                return CaseRecord(view, [], [], "", frozenset())
            workflow, _ = self._restore(case, self.diagrams.for_version(case.diagram_version), Directory(session))
            return CaseRecord(view, history.events(session, case), self._workable(session, case, reader),
                              case.diagram_version.bpmn_xml, state.passed(workflow))

    def case_history(self, case_ref: str, reader: str) -> list[HistoryEvent]:
        with history.reading(self.db) as session:
            case, sight = self._read(session, case_ref, reader, "history")
            if sight is not Sight.FULL:
                raise Forbidden(f"{reader} får inte läsa historiken för {case.diary_number}")
            return history.events(session, case)

    def open_tasks(self, person: str, case_ref: str) -> list[OpenTask]:
        """The ready tasks of one case that the person may work, oldest first; the case is
        logged as read. (Across cases, the inbox: engine.queries.list_tasks.)"""
        with history.reading(self.db) as session:
            case, _ = self._read(session, case_ref, person, "tasks")
            return self._workable(session, case, person)

    def messages_for(self, person: str, newest: int | None = None) -> list[OutboxMessage]:
        """A person's reminders and messages in the app, newest first; all, or the `newest` few."""
        with history.reading(self.db) as session:
            Directory(session).person(person)
            return list(session.scalars(select(OutboxMessage).where(OutboxMessage.person_id == person)
                                        .order_by(OutboxMessage.id.desc()).limit(newest)))

    # -- internals ------------------------------------------------------------

    def _case_type(self, case_type_id: str) -> CaseType:
        try:
            return self.diagrams.case_types[case_type_id]
        except KeyError:
            raise NotFound(f"okänd ärendetyp {case_type_id!r}; finns: {', '.join(self.diagrams.case_types)}") from None

    def _find(self, session: Session, ref: str, lock: bool = False) -> Case:
        by_id = str(ref).isdigit()
        query = _CASE_BY_ID if by_id else _CASE_BY_DIARY_NUMBER
        case = session.scalar(query.with_for_update(of=Case) if lock else query, {"case": int(ref) if by_id else ref})
        if case is None:
            raise NotFound(f"inget ärende {ref}")
        return case

    def _read(self, session: Session, ref: str, reader: str, action: str) -> tuple[Case, Sight]:
        directory = Directory(session)
        directory.person(reader)
        case = self._find(session, ref)
        sight = access.sight(directory, reader, case)
        if sight is Sight.NONE:
            raise Forbidden(f"{reader} får inte läsa ärendet {case.diary_number}")
        history.record_read(session, case, self.clock.now(), reader, action)
        return case, sight

    @staticmethod
    def _workable(session: Session, case: Case, person: str) -> list[OpenTask]:
        return list(session.scalars(select(OpenTask).join(Case, Case.id == OpenTask.case_id)
                                    .where(Case.id == case.id, access.work_clause(Directory(session), person))
                                    .order_by(OpenTask.ready_since, OpenTask.id)))

    def _ready_task(self, workflow, case, case_type, task_name):
        for task in tracking.ready_user_tasks(workflow):
            if task.task_spec.name == task_name:
                return task
        if task_name not in case_type.tasks:
            raise NotFound(f"ärendetypen {case_type.id} har ingen uppgift {task_name!r}")
        raise Conflict(f"uppgiften {task_name!r} är inte aktuell i {case.diary_number} "
                       "(redan utförd eller inte påbörjad)")

    def _restore(self, case: Case, diagram: Diagram, directory: Directory) -> tuple[BpmnWorkflow, "_Effects"]:
        """The case's workflow on the given diagram version's specs, with a script engine
        that collects what the diagram asks for into the returned effects."""
        effects = _Effects()
        engine = self._script_engine(self._case_type(case.case_type), directory, effects)
        return state.restore(case.state, diagram.spec, diagram.subprocess_specs, engine), effects

    def _script_engine(self, case_type: CaseType, directory: Directory, effects: "_Effects"):
        """The functions a diagram may call (engine.diagrams.DIAGRAM_FUNCTIONS)."""
        def period(kind: str):
            return directory.deadline_period(case_type.id, kind, case_type.deadlines[kind])

        def deadline(kind: str, start: str) -> str:
            if period(kind) is None:
                raise LexflowError(f"fristen {kind!r} är avstängd men diagrammet väntar på den")
            return period(kind).due_at(date.fromisoformat(start)).isoformat()

        def deadline_configured(kind: str) -> bool:
            return period(kind) is not None

        def file_case(case_type_id: str, relation: str) -> None:
            effects.linked_cases.append((case_type_id, relation))

        return DiagramScriptEngine({"deadline": deadline, "deadline_configured": deadline_configured,
                                    "escalate": effects.reminders.append, "file_case": file_case}, self.clock)

    @staticmethod
    def _advance(workflow: BpmnWorkflow, diagram: Diagram, effects: "_Effects") -> "_Outcome":
        """Run the workflow as far as it goes without people."""
        try:
            workflow.do_engine_steps()
        except SpiffWorkflowException as error:
            # A database failing under a diagram's function is not the diagram's fault, nor
            # the report's: it goes on as the database error it is (SpiffWorkflow keeps it as
            # the context of its own), so that the caller may try again.
            cause = error.__cause__ or error.__context__
            while cause is not None and not isinstance(cause, SQLAlchemyError):
                cause = cause.__cause__ or cause.__context__
            if cause is not None:
                raise cause from error
            raise LexflowError(f"diagrammet kunde inte köras vidare: {error}") from error
        return _Outcome(diagram, workflow, effects, state.dump(workflow))

    def _save(self, session, case, outcome: "_Outcome", now, actor, event=None):
        workflow, effects = outcome.workflow, outcome.effects
        case.state = outcome.state
        case.updated_at = now
        if workflow.is_completed():
            case.status, case.closed_at = "closed", now
        # Write the case row first: its version check is what makes a concurrent step lose.
        session.flush()
        if event:
            action, summary, task_name, before, after = event
            history.record(session, case, now, actor, action, summary, task=task_name, before=before, after=after)
        fired = tracking.sync(session, case, self._case_type(case.case_type), workflow, outcome.diagram, now, actor)
        facts.record(session, case, self._case_type(case.case_type))
        # A diagram escalates a kind of deadline; one kind may have several timers (the
        # investigation's, on the investigation and on the proposal), so the name said is that
        # of the timer of the kind that fired in this step.
        fired_labels = {row.kind: row.label for row in fired}
        for kind in effects.reminders:
            history.record(session, case, now, None, "deadline.escalated",
                           f"Påminnelse om frist: {fired_labels.get(kind, kind)}", after={"kind": kind})
        for case_type_id, relation in effects.linked_cases:
            self._file_linked(session, case, case_type_id, relation, actor, now)
        if case.status == "closed":
            history.record(session, case, now, actor, "case.closed", "Ärendet avslutat")

    def _file_linked(self, session, case, case_type_id, relation, actor, now) -> None:
        """File the case the diagram asked for, carrying data from this one, linked both ways."""
        build_report = self._case_type(case.case_type).linked_reports[case_type_id]
        linked = self._file(session, case_type_id, build_report(case.data), actor, ())
        session.add(CaseLink(source_case_id=case.id, target_case_id=linked.id, relation=relation, created_at=now))
        history.record(session, case, now, actor, "case.linked",
                       f"Nytt {self._case_type(case_type_id).name}-ärende {linked.diary_number} öppnat",
                       after={"relation": relation, "case": linked.diary_number})

    def _view(self, session: Session, case: Case, sight: Sight) -> CaseView:
        tasks = [ReadyTask(t.id, t.name, t.title, t.lane, t.ready_since)
                 for t in session.scalars(tracking.READY_TASKS, {"case": case.id})]
        if sight is not Sight.FULL:
            return CaseView(case.id, case.diary_number, case.case_type, case.unit_id, case.status,
                            case.received_on, case.version, sight, {}, tasks, [], [])
        deadlines = list(session.scalars(tracking.DEADLINES, {"case": case.id}))
        links = [(relation if from_here else f"{relation} (från)", diary_number)
                 for relation, from_here, diary_number in session.execute(_LINKS, {"case": case.id})]
        return CaseView(case.id, case.diary_number, case.case_type, case.unit_id, case.status, case.received_on,
                        case.version, sight, case.data, tasks, deadlines, links)


@dataclass
class _Effects:
    """What a diagram's scripts asked for during a step, carried out in the same transaction."""

    reminders: list[str] = field(default_factory=list)
    linked_cases: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Outcome:
    """A workflow run as far as it goes, with what its scripts asked for and its state dumped,
    for `_save` to write (a filing or a completion works it out before its transaction)."""

    diagram: Diagram
    workflow: BpmnWorkflow
    effects: _Effects
    state: bytes


@dataclass(frozen=True)
class _Filing:
    """A report checked and its workflow run, ready to be written as a new case."""

    case_type: CaseType
    report: dict
    unit_id: str
    diary_prefix: str
    outcome: _Outcome


@dataclass(frozen=True)
class _Completion:
    """A task done on the case as it was at `version`, ready to be written if it still is."""

    version: int
    task_name: str
    title: str
    form: ValidatedForm
    unit_id: str | None  # where the form routes the case
    outcome: _Outcome


def _flow_data(data: dict, diagram: Diagram) -> dict:
    """Only what the diagram reads goes into the workflow; the rest stays in the case record."""
    return {key: value for key, value in data.items() if key in diagram.variables}

