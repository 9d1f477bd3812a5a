"""What the engine needs to know of a case type, and nothing more.

Case types themselves (schemas, rules, default deadlines) live in `workflows/`; the
application hands them to the engine as `CaseType` values.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Callable, Mapping, Protocol

from engine.calendar import Period

if TYPE_CHECKING:
    from engine.organisation import Directory


@dataclass(frozen=True)
class ValidatedForm:
    """Form data that passed validation, ready to store as JSON.

    `assignments` names people given a role on this case by the form (role -> person id),
    e.g. the investigator chosen when a lex Sarah investigation is commissioned.
    """

    data: dict
    assignments: dict[str, str] = field(default_factory=dict)
    # The unit the case is routed to by this form (e.g. a complaint sent to the unit concerned).
    unit: str | None = None
    # Actions the form plans, to be made when the step is done (engine/actions.py): each with
    # description, owner (a person id), due_on and optionally follow_up_on (ISO dates).
    planned_actions: tuple[dict, ...] = ()


@dataclass(frozen=True)
class FormContext:
    """What a form's rules may consult: the organisation, today's date, and what the case
    already holds (`{"report": {...}, "<task>": {...}}`)."""

    directory: "Directory"
    today: date
    case_data: dict


class Form(Protocol):
    title: str

    def validate(self, data: dict, context: FormContext) -> ValidatedForm:
        """Return the cleaned data or raise `engine.errors.InvalidData` naming each bad field."""


# Who a reminder can go to besides the holders of a role (held for the case's unit).
ASSIGNEE = "assignee"  # whoever may do the guarded task
ACTION_OWNERS = "action_owners"  # the owners of the case's actions that are not done


@dataclass(frozen=True)
class ReminderLevel:
    """Who is reminded of a deadline, and when: `days` after the due time (negative: before).

    `notify` names roles, ASSIGNEE or ACTION_OWNERS. Levels are "before" (the assignee), "due"
    (the supervisor; this level also runs the diagram's timer) and "overdue" (escalation)."""

    level: str
    days: int
    notify: tuple[str, ...]


@dataclass(frozen=True)
class CaseType:
    """A kind of case: its diagram, its forms and its default deadlines.

    The report form's cleaned data must hold `unit` (unit id) and `received_on` (ISO date),
    and may hold `concerns_person` (the staff member the report is about).

    A `public` case type may be filed by anyone without signing in (complaints). A deadline
    whose default is None is switched off unless the organisation configures it.
    `linked_reports` build, from this case's data, the report of a case of another type that
    the diagram files (`file_case("lex_sarah", "escalated_to")`).
    `statistics` says what the committee's statistics (engine/reports) count of a case: a
    column of the `case_facts` table -> where its value is in the case's data, as
    "form.field"; of several places, the first one filled in (a decision taken in either of
    two steps). A list value (several categories) is counted once per item.
    """

    id: str
    name: str
    diagram: str
    report: Form
    tasks: Mapping[str, Form]
    deadlines: Mapping[str, Period | None]
    reminders: Mapping[str, tuple[ReminderLevel, ...]] = field(default_factory=dict)
    public: bool = False
    linked_reports: Mapping[str, Callable[[dict], dict]] = field(default_factory=dict)
    statistics: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
