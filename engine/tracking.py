"""Mirror a workflow's open tasks and pending timers into indexed tables.

Inboxes and deadline sweeps query these tables; they never deserialize a case to find work.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from engine import history
from engine.casetypes import CaseType, ReminderLevel
from engine.clock import STOCKHOLM
from engine.diagrams import Diagram
from engine.models import Case, Deadline, OpenTask, Reminder
from engine.organisation import Directory

OPEN_DEADLINES = ("pending", "overdue")
# A deadline whose case type names no reminders still fires its timer when due.
DEFAULT_REMINDERS = (ReminderLevel("due", 0, ("assignee",)),)
# A case's mirrored rows, read in every step and every read of a case: built once
# (engine/db.py), with the case as the parameter `case`.
READY_TASKS = select(OpenTask).where(OpenTask.case_id == bindparam("case")).order_by(OpenTask.ready_since)
DEADLINES = select(Deadline).where(Deadline.case_id == bindparam("case")).order_by(Deadline.id)


def sync(session: Session, case: Case, case_type: CaseType, workflow: BpmnWorkflow, diagram: Diagram,
         now: datetime, actor: str | None) -> list[Deadline]:
    """Returns the deadlines whose timers fired in this step."""
    _sync_tasks(session, case, workflow, now)
    return _sync_deadlines(session, case, case_type, workflow, diagram, now, actor)


def ready_user_tasks(workflow: BpmnWorkflow):
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def _sync_tasks(session, case, workflow, now):
    ready = {str(task.id): task for task in ready_user_tasks(workflow)}
    existing = {row.id: row for row in session.scalars(READY_TASKS, {"case": case.id})}
    for task_id, row in existing.items():
        if task_id not in ready:
            session.delete(row)
    for task_id, task in ready.items():
        if task_id not in existing:
            spec = task.task_spec
            session.add(OpenTask(id=task_id, case_id=case.id, name=spec.name,
                                 title=spec.bpmn_name or spec.name, lane=spec.lane, ready_since=now))


DEADLINE_SUMMARIES = {"overdue": "Frist passerad", "met": "Frist hållen", "late": "Frist överskriden"}


def _sync_deadlines(session, case, case_type, workflow, diagram, now, actor):
    """pending -> overdue when the timer has fired; -> met or late when the guarded task is done.
    Returns those that went overdue."""
    timers = {str(task.id): task for task in workflow.get_tasks(state=TaskState.WAITING | TaskState.COMPLETED)
              if task.task_spec.name in diagram.timers}
    rows = {row.timer_id: row for row in session.scalars(DEADLINES, {"case": case.id})}
    for timer_id, task in timers.items():
        if timer_id not in rows:
            rows[timer_id] = _open_deadline(session, case, case_type, task, diagram.timers[task.task_spec.name],
                                            now, actor)
    fired = []
    for timer_id, row in rows.items():
        if row.status not in OPEN_DEADLINES:
            continue
        task = timers.get(timer_id)
        if task is None or _guarded_task_done(task, row.guarded_task):
            status = "met" if row.status == "pending" and now < row.due_at else "late"
            row.resolved_at = now
            session.execute(update(Reminder).where(Reminder.deadline_id == row.id, Reminder.status == "pending")
                            .values(status="cancelled"))
        elif task.has_state(TaskState.COMPLETED) and row.status == "pending":
            status = "overdue"
            fired.append(row)
        else:
            continue
        row.status = status
        history.record(session, case, now, actor, f"deadline.{status}",
                       f"{DEADLINE_SUMMARIES[status]}: {row.label}{lateness(row.due_at, now)}",
                       task=row.guarded_task, after={"kind": row.kind, "due_at": row.due_at.isoformat()})
    return fired


def _guarded_task_done(timer_task, guarded: str) -> bool:
    # A boundary timer and the task it guards are children of the same split task.
    for sibling in timer_task.parent.children:
        if sibling.task_spec.name == guarded:
            return not sibling.has_state(TaskState.READY | TaskState.STARTED | TaskState.WAITING)
    return True


def _open_deadline(session, case, case_type, task, timer, now, actor) -> Deadline:
    due_at = task.task_spec.event_definition.get_datetime(task._get_internal_data("event_value"))
    row = Deadline(case_id=case.id, kind=timer.kind, timer_id=str(task.id), timer_name=timer.name,
                   guarded_task=timer.guarded_task, label=timer.label, due_at=due_at, status="pending",
                   created_at=now)
    session.add(row)
    session.flush()
    levels = Directory(session).reminder_levels(case_type.id, timer.kind,
                                                case_type.reminders.get(timer.kind) or DEFAULT_REMINDERS)
    for level in levels:
        session.add(Reminder(deadline_id=row.id, case_id=case.id, level=level.level,
                             fire_at=due_at + timedelta(days=level.days), notify=list(level.notify),
                             status="pending"))
    history.record(session, case, now, actor, "deadline.set",
                   f"Frist satt: {timer.label}, senast {due_time(due_at)}{lateness(due_at, now)}",
                   task=timer.guarded_task, after={"kind": timer.kind, "due_at": due_at.isoformat()})
    return row


def lateness(due_at: datetime, now: datetime) -> str:
    """' (3 dagar sen)' when a deadline has passed, else nothing."""
    if now < due_at:
        return ""
    days = (now - due_at).days
    if days == 0:
        return " (passerad idag)"
    return f" ({days} {'dag' if days == 1 else 'dagar'} sen)"


def local_time(moment: datetime) -> str:
    """ISO date and time in Stockholm, as users read it."""
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")


def last_day(due_at: datetime) -> date:
    """The last day a deadline can be kept on: a deadline counted in days ends at midnight,
    which is the end of the day before, not a day of its own."""
    local = due_at.astimezone(STOCKHOLM)
    return local.date() - timedelta(days=1) if local.time() == time(0) else local.date()


def due_time(due_at: datetime) -> str:
    """A deadline as users read it: its last day when it ends at midnight, else date and time."""
    local = due_at.astimezone(STOCKHOLM)
    return last_day(due_at).isoformat() if local.time() == time(0) else local_time(due_at)
