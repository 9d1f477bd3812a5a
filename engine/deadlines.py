"""The deadline sweep: find reminders that are due, by index, and fire each exactly once; and
remind the owners of actions that are due (engine/actions.py), once per due date.

Each reminder fires in its own transaction: the reminder is claimed (moved out of 'pending'
by a conditional UPDATE that only one transaction can win), a 'due' reminder runs the
diagram's timer, messages go into the outbox, and the history records who was reminded.
A reminder whose transaction fails stays pending and is tried again by the next sweep.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.exc import SQLAlchemyError

from engine import access, actions, history, outbox
from engine.clock import Clock
from engine.db import Database
from engine.errors import LexflowError
from engine.casetypes import ACTION_OWNERS, ASSIGNEE
from engine.models import Action, Case, Deadline, Reminder
from engine.organisation import Directory
from engine.runner import CaseRunner
from engine.tracking import due_time, lateness

log = logging.getLogger(__name__)

# A reminder fired this long after its time says that it is late (the system was down).
LATE_AFTER = timedelta(hours=1)
LEVEL_TEXT = {
    "before": "Fristen närmar sig.",
    "due": "Fristen har gått ut.",
    "overdue": "Fristen är överskriden och ärendet eskaleras till dig.",
}
# The end of a reminder's subject: one that catches up on several levels at once sends
# a message for each, and they must not look the same in an inbox.
LEVEL_SUBJECT = {"before": "närmar sig", "due": "har gått ut", "overdue": "är överskriden"}


@dataclass
class Sweep:
    fired: list[int] = field(default_factory=list)  # reminders of deadlines
    retry: list[int] = field(default_factory=list)
    actions_reminded: list[int] = field(default_factory=list)  # actions whose owner was reminded
    actions_escalated: list[int] = field(default_factory=list)  # late actions told to the avdelningschef
    actions_retry: list[int] = field(default_factory=list)

    @property
    def sent(self) -> bool:
        return bool(self.fired or self.actions_reminded or self.actions_escalated)


class DeadlineSweeper:
    def __init__(self, db: Database, runner: CaseRunner, clock: Clock):
        self.db, self.runner, self.clock = db, runner, clock

    @staticmethod
    def due_query(now: datetime):
        return (select(Reminder.id).where(Reminder.status == "pending", Reminder.fire_at <= now)
                .order_by(Reminder.fire_at, Reminder.id))

    def sweep(self) -> Sweep:
        result = Sweep()
        # Only read: on SQLite a snapshot leaves the write lock to the steps being filed meanwhile.
        with self.db.snapshot() as session:
            due = list(session.scalars(self.due_query(self.clock.now())))
        for reminder_id in due:
            try:
                if self.fire(reminder_id):
                    result.fired.append(reminder_id)
            except (SQLAlchemyError, LexflowError) as error:
                # The case changed under us, the database was busy, or the diagram failed:
                # the reminder is still pending and the next sweep tries again.
                log.warning("reminder %s not fired: %s", reminder_id, error)
                result.retry.append(reminder_id)
        self._tell_about_actions(result)
        return result

    def _tell_about_actions(self, result: Sweep) -> None:
        """Remind the owners of actions due and escalate those long late, each action in a
        transaction of its own."""
        now = self.clock.now()
        with self.db.snapshot() as session:
            due = [*((actions.remind_owner, result.actions_reminded, action_id)
                     for action_id in actions.awaiting_reminder(session, now)),
                   *((actions.escalate, result.actions_escalated, action_id)
                     for action_id in actions.awaiting_escalation(session, now))]
        for tell, told, action_id in due:
            try:
                with self.db.unit_of_work() as session:
                    if tell(session, action_id, self.clock.now()):
                        told.append(action_id)
            except (SQLAlchemyError, LexflowError) as error:
                log.warning("action %s: %s failed: %s", action_id, tell.__name__, error)
                result.actions_retry.append(action_id)

    def next_fire_at(self) -> datetime | None:
        """When the next reminder comes due. Ones already due but not fired (they failed) are
        left to the periodic sweep, so a failing reminder cannot make the sweep spin."""
        now = self.clock.now()
        with self.db.snapshot() as session:
            times = [session.scalar(select(func.min(Reminder.fire_at))
                                    .where(Reminder.status == "pending", Reminder.fire_at > now)),
                     actions.next_reminder_at(session, now)]
        return min((at for at in times if at is not None), default=None)

    def fire(self, reminder_id: int) -> bool:
        """Fire one reminder; False if someone else already did."""
        now = self.clock.now()
        with self.db.unit_of_work() as session:
            claimed = session.execute(
                update(Reminder).where(Reminder.id == reminder_id, Reminder.status == "pending")
                .values(status="sent", fired_at=now)).rowcount
            if not claimed:
                return False
            reminder = session.get(Reminder, reminder_id)
            deadline = session.get(Deadline, reminder.deadline_id)
            case = session.get(Case, reminder.case_id)
            if reminder.level == "due" and deadline.status == "pending":
                self.runner.run_due_timers(session, case)
            self._notify(session, case, deadline, reminder, now)
            return True

    def _notify(self, session: Session, case: Case, deadline: Deadline, reminder: Reminder, now: datetime):
        directory = Directory(session)
        diagram = self.runner.diagrams.for_version(case.diagram_version)
        guarded = diagram.spec.task_specs[deadline.guarded_task]
        people: set[str] = set()
        owned = actions.unfinished_by_owner(session, case) if ACTION_OWNERS in reminder.notify else {}
        for name in reminder.notify:
            if name == ASSIGNEE:
                people |= access.task_workers(directory, case, deadline.guarded_task, guarded.lane)
            elif name == ACTION_OWNERS:
                people |= set(owned) - {case.concerns_person_id}
            else:
                people |= set(directory.holders(name, case.unit)) - {case.concerns_person_id}
        late = now - reminder.fire_at >= LATE_AFTER
        late_note = f" Påminnelsen skickas sent{lateness(reminder.fire_at, now)}." if late else ""
        subject = f"Påminnelse: {deadline.label} i {case.diary_number} {LEVEL_SUBJECT[reminder.level]}"
        for person_id in sorted(people):
            person = directory.person(person_id)
            body = (f"Hej {person.name},\n\n"
                    f"Ärende {case.diary_number}: steget \"{guarded.bpmn_name}\" har frist "
                    f"{due_time(deadline.due_at)}{lateness(deadline.due_at, now)}. "
                    f"{LEVEL_TEXT[reminder.level]}{late_note}\n\n"
                    f"{_your_actions(owned.get(person_id, []))}"
                    "Logga in i lexflow för att se ärendet.\n")
            outbox.queue(session, person, subject, body, now, case_id=case.id, reminder_id=reminder.id)
        recipients = ", ".join(sorted(people)) or "ingen (ingen har rollen)"
        history.record(session, case, now, None, f"reminder.{reminder.level}",
                       f"Påminnelse om {deadline.label} till {recipients}{late_note}",
                       task=deadline.guarded_task,
                       after={"kind": deadline.kind, "level": reminder.level, "recipients": sorted(people),
                              "late": late})


def _your_actions(owned: list[Action]) -> str:
    """For an owner of actions in the case: those not done yet, to follow up."""
    if not owned:
        return ""
    lines = "".join(f"- {action.description} (klart senast {action.due_on.isoformat()})\n" for action in owned)
    return f"Dina åtgärder i ärendet som inte är klara:\n{lines}\n"
