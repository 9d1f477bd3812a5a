"""How values read on the pages: Stockholm times, case statuses and deadline badges."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask

import workflows
from engine.clock import STOCKHOLM
from engine.models import Deadline
from engine.tracking import OPEN_DEADLINES, due_time, last_day, lateness, local_time
from web import report_formats
from web.services import services

CASE_STATUSES = {"open": "Öppet", "closed": "Avslutat"}


@dataclass(frozen=True)
class Badge:
    tone: str  # danger | warning | success | neutral: the badge's colour
    text: str
    detail: str = ""


def deadline_badge(deadline: Deadline, now: datetime | None = None) -> Badge:
    """For an open deadline, how close it is; for one no longer open, whether it was kept."""
    if deadline.status in OPEN_DEADLINES:
        return due_badge(deadline.due_at, now)
    return Badge("success", "Hållen") if deadline.status == "met" else Badge("neutral", "Överskriden")


def due_badge(due_at: datetime, now: datetime | None = None) -> Badge:
    """Försenad (red) once passed, Idag (amber) when due today, I tid (green) before that."""
    now = now or services().clock.now()
    if due_at <= now:
        return Badge("danger", "Försenad", lateness(due_at, now).strip(" ()"))
    if last_day(due_at) == now.astimezone(STOCKHOLM).date():
        return Badge("warning", "Idag")
    return Badge("success", "I tid")


def register(app: Flask) -> None:
    case_type_names = {case_type.id: case_type.name for case_type in workflows.CASE_TYPES.values()}
    app.jinja_env.globals.update(case_type_names=case_type_names, deadline_badge=deadline_badge,
                                 due_badge=due_badge)
    app.add_template_filter(lambda case_type: case_type_names.get(case_type, case_type), "case_type_name")
    app.add_template_filter(lambda status: CASE_STATUSES.get(status, status), "case_status")
    app.add_template_filter(local_time, "local_time")
    app.add_template_filter(due_time, "due_time")
    app.add_template_filter(report_formats.number, "number")
