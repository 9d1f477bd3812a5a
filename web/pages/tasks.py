"""Mina uppgifter: the tasks a person may do now, most urgent first, and their reminders."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Blueprint, redirect, render_template, url_for
from sqlalchemy import select

from engine import tracking
from engine.models import Case, Deadline, OpenTask
from web.auth import current_person, login_required
from web.services import services

bp = Blueprint("tasks", __name__)


@dataclass(frozen=True)
class TaskRow:
    diary_number: str
    task: OpenTask
    case_type: str
    unit: str
    deadline: Deadline | None

    def urgency(self, now: datetime) -> tuple:
        """Overdue first, the latest first; then the soonest due; then tasks without a
        deadline, the longest waiting first."""
        if self.deadline is None:
            return 2, self.task.ready_since
        return (0 if self.deadline.due_at <= now else 1), self.deadline.due_at


@bp.get("/")
def home():
    return redirect(url_for(".my_tasks"))


@bp.get("/uppgifter")
@login_required
def my_tasks():
    person, svc = current_person(), services()
    runner, now = svc.runner, svc.clock.now()
    tasks = runner.open_tasks(person.id)
    kinds, deadlines = _about_cases({task.case_id for _, task in tasks})
    rows = sorted((TaskRow(diary_number, task, *kinds[task.case_id], deadlines.get((task.case_id, task.name)))
                   for diary_number, task in tasks), key=lambda row: row.urgency(now))
    return render_template("tasks.html", rows=rows, now=now, messages=runner.messages_for(person.id)[:10])


def _about_cases(case_ids: set[int]) -> tuple[dict[int, tuple[str, str]], dict[tuple[int, str], Deadline]]:
    """For the cases the person has tasks in (their reading is logged by open_tasks): case type
    and unit, and per task the soonest open deadline that guards it."""
    with services().db.snapshot() as session:
        kinds = {case_id: (case_type, unit) for case_id, case_type, unit in session.execute(
            select(Case.id, Case.case_type, Case.unit_id).where(Case.id.in_(case_ids)))}
        deadlines: dict[tuple[int, str], Deadline] = {}
        for deadline in session.scalars(select(Deadline).where(Deadline.case_id.in_(case_ids),
                                                               Deadline.status.in_(tracking.OPEN_DEADLINES))
                                        .order_by(Deadline.due_at, Deadline.id)):
            deadlines.setdefault((deadline.case_id, deadline.guarded_task), deadline)  # soonest first
        return kinds, deadlines
