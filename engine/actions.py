"""Actions (åtgärder): what an action plan asks a person to do, by when, and how far it has got.

An action is a record of its own. It is made from the planned actions of a step when the step
is done (the form names them: `SchemaForm(plans_actions=...)`), in that step's transaction, and
may later be linked to more cases: one new routine can answer a lex Sarah case and the
deviations behind it.

Each change of an action is written into the history of every case it serves. That history is
the case's record, append-only, and where an auditor looks to see that a case's action plan
was carried out; a second log beside it would be one more place to look and to keep in step.
An action's own history is gathered from those cases.

On the morning of the day an action is due, the deadline sweep reminds its owner, unless it
is done: once per due date, so a moved date is reminded of again.

A person sees an action if they may read one of its cases in full, or if they own it. Showing
an action is a read of each of its cases (its text is part of their record), and is logged.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine import access, history, outbox, paging
from engine.access import Sight, SightClauses
from engine.clock import STOCKHOLM, Clock
from engine.db import Database
from engine.errors import Conflict, Forbidden, InvalidData, NotFound
from engine.models import Action, ActionCase, Case, HistoryEvent
from engine.organisation import Directory
from engine.paging import Page

STATUSES = {"not_started": "Ej påbörjad", "in_progress": "Pågår", "done": "Klar"}
# The kinds of event an action writes into its cases' history.
EVENTS = ("action.created", "action.status_changed", "action.replanned", "action.linked", "action.reminded",
          "action.escalated")
UNFINISHED = tuple(status for status in STATUSES if status != "done")
SHORT = 60  # characters of an action's description that name it in a case's history
REMIND_AT = time(7, 0)  # Stockholm time: on the day an action is due, its owner is reminded then
# The avdelningschef owns the follow-up of action plans (domain: roles): an action still not done
# this long after its due date is brought to them, at REMIND_AT.
ESCALATE_AFTER = timedelta(days=7)


@dataclass(frozen=True)
class LinkedCase:
    id: int
    diary_number: str


@dataclass(frozen=True)
class ActionView:
    """An action as one person sees it; `cases` are those of its cases the person may read in full."""

    id: int
    description: str
    owner: str  # person id
    due_on: date
    follow_up_on: date | None
    status: str  # a key of STATUSES
    version: int
    created_at: datetime
    created_by: str
    overdue: bool  # not done, and the day it was due has passed
    cases: tuple[LinkedCase, ...]


@dataclass(frozen=True)
class ActionChange:
    """One change of an action, as written into its cases' history."""

    at: datetime
    actor: str
    kind: str  # one of EVENTS
    summary: str
    before: dict | None
    after: dict | None


@dataclass(frozen=True)
class ActionDetail:
    action: ActionView
    changes: list[ActionChange]  # oldest first


@dataclass(frozen=True)
class Plan:
    """What an action asks, of whom and by when: what may be changed after it was planned."""

    description: str
    owner: str  # person id
    due_on: date
    follow_up_on: date | None


@dataclass(frozen=True)
class ActionFilter:
    """What to list; None (or False) means any."""

    status: str | None = None
    owner: str | None = None
    overdue: bool = False  # only those not done whose day has passed, by the clock
    case: int | None = None  # only those serving this case (which the person may read in full)


# -- made by a step ---------------------------------------------------------------------

def create_planned(session: Session, case: Case, task: str, planned: tuple[dict, ...], actor: str,
                   now: datetime) -> None:
    """Within the step's transaction: an action of the case for each planned one, not started."""
    directory = Directory(session)
    for row in planned:
        owner = directory.person(row["owner"])
        action = Action(description=row["description"], owner_id=owner.id, due_on=date.fromisoformat(row["due_on"]),
                        follow_up_on=date.fromisoformat(row["follow_up_on"]) if row.get("follow_up_on") else None,
                        status="not_started", created_at=now, created_by=actor)
        session.add(action)
        session.flush()
        session.add(ActionCase(action_id=action.id, case_id=case.id, linked_at=now, linked_by=actor))
        _record(session, action, now, actor, "action.created",
                f"Åtgärd planerad: {_named(action)}, ansvarig {owner.name}, klart senast {action.due_on.isoformat()}",
                task=task, after={"description": action.description, "owner": owner.id,
                                  "due_on": action.due_on.isoformat(), "follow_up_on": row.get("follow_up_on"),
                                  "status": action.status})


def unfinished_by_owner(session: Session, case: Case) -> dict[str, list[Action]]:
    """Within the caller's transaction: the case's actions not yet done, by owner, the soonest
    due first; for reminders of the action plan's follow-up, which go to their owners."""
    owned = defaultdict(list)
    for action in session.scalars(select(Action).join(ActionCase, ActionCase.action_id == Action.id)
                                  .where(ActionCase.case_id == case.id, Action.status != "done")
                                  .order_by(Action.due_on, Action.id)):
        owned[action.owner_id].append(action)
    return owned


# -- reminders of the day an action is due, and of late ones (run by the deadline sweep) ------

def awaiting_reminder(session: Session, now: datetime) -> list[int]:
    """The actions not done whose owner has not been reminded of their due date, which has
    come (from REMIND_AT that day), the soonest due first. Found by the (status, due_on) index."""
    return _awaiting(session, Action.reminded_for, _reminder_day(now))


def awaiting_escalation(session: Session, now: datetime) -> list[int]:
    """The actions not done that are ESCALATE_AFTER past their due date (from REMIND_AT that
    day) and not yet brought to the avdelningschef for that date, the soonest due first."""
    return _awaiting(session, Action.escalated_for, _reminder_day(now) - ESCALATE_AFTER)


def next_reminder_at(session: Session, now: datetime) -> datetime | None:
    """When the next owner is to be reminded of an action, or the next late one escalated."""
    day, times = _reminder_day(now), []
    for noticed_for, wait in ((Action.reminded_for, timedelta(0)), (Action.escalated_for, ESCALATE_AFTER)):
        due_on = session.scalar(select(func.min(Action.due_on))
                                .where(_unnoticed(noticed_for), Action.due_on > day - wait))
        if due_on is not None:
            times.append(datetime.combine(due_on + wait, REMIND_AT, STOCKHOLM))
    return min(times, default=None)


def remind_owner(session: Session, action_id: int, now: datetime) -> bool:
    """Within the caller's transaction: tell the action's owner that it is due, in a message and
    in the history of its cases. Once per due date: the reminder is claimed by a conditional
    UPDATE that only one transaction can win. False if it is not awaiting one (any more)."""
    if not _claim(session, action_id, Action.reminded_for, _reminder_day(now)):
        return False
    action = session.get(Action, action_id)
    owner = Directory(session).person(action.owner_id)
    due = action.due_on.isoformat()
    when = (f"Den ska vara klar i dag, {due}." if action.due_on == now.astimezone(STOCKHOLM).date()
            else f"Den skulle ha varit klar senast {due}.")
    outbox.queue(session, owner, f"Påminnelse: åtgärd klar senast {due}",
                 f"Hej {owner.name},\n\nDu är ansvarig för åtgärden ”{action.description}”. {when}\n\n"
                 "Logga in i lexflow för att se åtgärden och ändra dess status när den är klar.\n",
                 now, action_id=action.id)
    _record(session, action, now, None, "action.reminded",
            f"Påminnelse till {owner.name} om åtgärd {_named(action)}, klart senast {due}",
            after={"owner": owner.id, "due_on": due})
    return True


def escalate(session: Session, action_id: int, now: datetime) -> bool:
    """Within the caller's transaction: tell the avdelningschef of each of the action's cases'
    units that it is late, in a message and in the history of its cases. Once per due date,
    claimed as a reminder is; nobody is told of a case about themselves. False if it is not
    awaiting escalation (any more)."""
    if not _claim(session, action_id, Action.escalated_for, _reminder_day(now) - ESCALATE_AFTER):
        return False
    action = session.get(Action, action_id)
    directory = Directory(session)
    cases = list(session.scalars(select(Case).join(ActionCase, ActionCase.case_id == Case.id)
                                 .where(ActionCase.action_id == action.id).order_by(Case.id)))
    told_of = defaultdict(list)  # each chief's cases: those of their units, none about them
    for case in cases:
        for chief in directory.holders("avdelningschef", case.unit):
            if chief != case.concerns_person_id:
                told_of[chief].append(case.diary_number)
    owner, due = directory.person(action.owner_id), action.due_on.isoformat()
    chiefs = [directory.person(chief) for chief in sorted(told_of)]
    for chief in chiefs:
        outbox.queue(session, chief, f"Försenad åtgärd: skulle ha varit klar senast {due}",
                     f"Hej {chief.name},\n\nÅtgärden ”{action.description}” i {', '.join(told_of[chief.id])} "
                     f"skulle ha varit klar senast {due} och är inte klar. Ansvarig är {owner.name}.\n\n"
                     "Logga in i lexflow för att se åtgärden och följa upp den.\n",
                     now, action_id=action.id)
    told = ", ".join(chief.name for chief in chiefs) or "ingen avdelningschef att meddela"
    _record(session, action, now, None, "action.escalated",
            f"Försenad åtgärd {_named(action)}, klart senast {due}: meddelat {told}",
            after={"notified": [chief.id for chief in chiefs], "due_on": due})
    return True


# -- reads (each one logged) ----------------------------------------------------------------

def list_actions(db: Database, clock: Clock, person: str, filters: ActionFilter = ActionFilter(),
                 page: int = 1, page_size: int = 50) -> Page[ActionView]:
    """The actions the person may see that match the filters, the soonest due first."""
    paging.check(page, page_size)
    if filters.status is not None:
        _check_status(filters.status)
    with history.reading(db) as session:
        clauses = _clauses(session, person)
        conditions = [_visible(clauses, person), *_conditions(filters, clauses, clock.today())]
        total, exact = paging.count(session, select(Action.id).where(*conditions), page, page_size)
        found = list(session.scalars(select(Action).where(*conditions).order_by(Action.due_on, Action.id)
                                     .limit(page_size).offset((page - 1) * page_size)))
        return Page(_views(session, clauses, person, found, clock, "actions"), total, exact, page, page_size)


def show_action(db: Database, clock: Clock, person: str, action_id: int) -> ActionDetail:
    """One action with its history; NotFound if there is none, Forbidden if the person may not see it."""
    with history.reading(db) as session:
        clauses = _clauses(session, person)
        action = _visible_action(session, clauses, person, action_id)
        return ActionDetail(_views(session, clauses, person, [action], clock, "action")[0],
                            _changes(session, action.id))


# -- changes ----------------------------------------------------------------------------

def change_status(db: Database, clock: Clock, person: str, action_id: int, status: str,
                  expected_version: int | None = None) -> None:
    """Set an action's status, written into the history of each case it serves. Conflict if
    the action has changed since `expected_version`; setting the status it has changes nothing."""
    _check_status(status)
    try:
        with db.unit_of_work() as session:
            action = _visible_action(session, _clauses(session, person), person, action_id)
            if expected_version is not None and action.version != expected_version:
                raise Conflict(f"åtgärden {action.id} har ändrats sedan du läste den; läs om den")
            if action.status == status:
                return
            before, action.status = action.status, status
            session.flush()  # the version check: of two concurrent changes, the second loses
            _record(session, action, clock.now(), person, "action.status_changed",
                    f"Åtgärd {_named(action)}: {STATUSES[before].lower()} → {STATUSES[status].lower()}",
                    before={"status": before}, after={"status": status})
    except StaleDataError as error:
        raise Conflict(f"åtgärden {action_id} ändrades av någon annan samtidigt; läs om den") from error


def change_plan(db: Database, clock: Clock, person: str, action_id: int, plan: Plan,
                expected_version: int | None = None) -> None:
    """Change what the action asks, of whom and by when, written with what it was into the
    history of each case it serves. Only those who read one of its cases in full may: its owner
    alone may not move their own date. Conflict if it has changed since `expected_version`."""
    try:
        with db.unit_of_work() as session:
            directory = Directory(session)
            clauses = _clauses(session, person)
            action = _visible_action(session, clauses, person, action_id)
            if session.scalar(select(Action.id).where(Action.id == action.id, _serves_readable_case(clauses))) is None:
                raise Forbidden(f"{person} får inte ändra åtgärd {action_id}: bara den som får läsa dess ärenden")
            if expected_version is not None and action.version != expected_version:
                raise Conflict(f"åtgärden {action.id} har ändrats sedan du läste den; läs om den")
            _check_owner(session, directory, action, plan.owner)
            description = plan.description.strip()
            if not description:
                raise InvalidData({"description": ["Beskriv åtgärden."]})
            before = {"description": action.description, "owner": action.owner_id, "due_on": action.due_on,
                      "follow_up_on": action.follow_up_on}
            after = {"description": description, "owner": plan.owner, "due_on": plan.due_on,
                     "follow_up_on": plan.follow_up_on}
            changed = [key for key in before if before[key] != after[key]]
            if not changed:
                return
            summary = _replanned(directory, before, after, changed)
            named = _named(action)
            action.description, action.owner_id, action.due_on, action.follow_up_on = (
                description, plan.owner, plan.due_on, plan.follow_up_on)
            session.flush()  # the version check: of two concurrent changes, the second loses
            _record(session, action, clock.now(), person, "action.replanned", f"Åtgärd {named} ändrad: {summary}",
                    before={key: _plain(before[key]) for key in changed},
                    after={key: _plain(after[key]) for key in changed})
    except StaleDataError as error:
        raise Conflict(f"åtgärden {action_id} ändrades av någon annan samtidigt; läs om den") from error


def link_case(db: Database, clock: Clock, person: str, action_id: int, diary_number: str) -> None:
    """Let the action serve one more case, which the person must be allowed to read in full."""
    with db.unit_of_work() as session:
        directory = Directory(session)
        action = _visible_action(session, _clauses(session, person), person, action_id)
        diary_number = diary_number.strip()
        if not diary_number:
            raise InvalidData({"case": ["Ange ärendets diarienummer."]})
        case = session.scalar(select(Case).where(Case.diary_number == diary_number))
        if case is None:
            raise InvalidData({"case": [f"Det finns inget ärende med diarienummer {diary_number}."]})
        if access.sight(directory, person, case) is not Sight.FULL:
            raise Forbidden(f"du får inte läsa ärendet {case.diary_number} och kan inte koppla åtgärden till det")
        if session.get(ActionCase, (action.id, case.id)) is not None:
            raise InvalidData({"case": [f"Åtgärden är redan kopplad till {case.diary_number}."]})
        if case.concerns_person_id == action.owner_id:
            raise InvalidData({"case": [f"{case.diary_number} gäller åtgärdens ansvarige, som inte får se ärendet."]})
        now = clock.now()
        session.add(ActionCase(action_id=action.id, case_id=case.id, linked_at=now, linked_by=person))
        session.flush()
        _record(session, action, now, person, "action.linked",
                f"Åtgärd {_named(action)} kopplad till {case.diary_number}", after={"case": case.diary_number})


# -- internals ----------------------------------------------------------------------------

def _unnoticed(noticed_for) -> ColumnElement[bool]:
    """Not done, and nobody told yet of its present due date (`noticed_for`: reminded_for or
    escalated_for, the due date they were told of)."""
    return and_(Action.status.in_(UNFINISHED), or_(noticed_for.is_(None), noticed_for != Action.due_on))


def _awaiting(session: Session, noticed_for, last_due: date) -> list[int]:
    return list(session.scalars(select(Action.id).where(_unnoticed(noticed_for), Action.due_on <= last_due)
                                .order_by(Action.due_on, Action.id)))


def _claim(session: Session, action_id: int, noticed_for, last_due: date) -> bool:
    """Mark the action told of its due date by a conditional UPDATE that only one transaction
    can win. The version stays as it is: telling changes nothing that someone editing the plan
    must reread."""
    return bool(session.execute(
        update(Action).where(Action.id == action_id, _unnoticed(noticed_for), Action.due_on <= last_due)
        .values({noticed_for: Action.due_on}).execution_options(synchronize_session=False)).rowcount)


def _reminder_day(now: datetime) -> date:
    """The last due date whose reminder time has come."""
    local = now.astimezone(STOCKHOLM)
    return local.date() if local.time() >= REMIND_AT else local.date() - timedelta(days=1)


def _check_owner(session: Session, directory: Directory, action: Action, owner_id: str) -> None:
    """A new owner is a person of the organisation, and none of the action's cases is about them."""
    if not directory.has_person(owner_id):
        raise InvalidData({"owner": [f"Det finns ingen person {owner_id!r}."]})
    concerned = session.scalar(select(Case.diary_number).join(ActionCase, ActionCase.case_id == Case.id)
                               .where(ActionCase.action_id == action.id, Case.concerns_person_id == owner_id))
    if concerned is not None:
        raise InvalidData({"owner": [f"{concerned} gäller den personen, som inte får se ärendet."]})


def _replanned(directory: Directory, before: dict, after: dict, changed: list[str]) -> str:
    def shown(key, value):
        if key == "owner":
            return directory.person(value).name
        return value.isoformat() if value else "–"
    words = {"owner": "ansvarig", "due_on": "klart senast", "follow_up_on": "följs upp"}
    parts = ["ny beskrivning" if key == "description" else
             f"{words[key]} {shown(key, before[key])} → {shown(key, after[key])}" for key in changed]
    return ", ".join(parts)


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _check_status(status: str) -> None:
    if status not in STATUSES:
        raise InvalidData({"status": [f"Välj ett av: {', '.join(STATUSES)}."]})


def _clauses(session: Session, person: str) -> SightClauses:
    directory = Directory(session)
    directory.person(person)
    return access.sight_clauses(directory, person)


def _serves_readable_case(clauses: SightClauses, *conditions) -> ColumnElement[bool]:
    """The action serves a case the person may read in full (and that meets the conditions)."""
    return exists(select(ActionCase.case_id).join(Case, Case.id == ActionCase.case_id)
                  .where(ActionCase.action_id == Action.id, clauses.full, *conditions))


def _visible(clauses: SightClauses, person: str) -> ColumnElement[bool]:
    return or_(Action.owner_id == person, _serves_readable_case(clauses))


def _conditions(filters: ActionFilter, clauses: SightClauses, today: date) -> list[ColumnElement[bool]]:
    conditions = []
    if filters.status is not None:
        conditions.append(Action.status == filters.status)
    if filters.owner is not None:
        conditions.append(Action.owner_id == filters.owner)
    if filters.overdue:
        conditions.append(Action.is_late(today))
    if filters.case is not None:
        conditions.append(_serves_readable_case(clauses, ActionCase.case_id == filters.case))
    return conditions


def _visible_action(session: Session, clauses: SightClauses, person: str, action_id: int) -> Action:
    action = session.scalar(select(Action).where(Action.id == action_id, _visible(clauses, person)))
    if action is not None:
        return action
    if session.get(Action, action_id) is None:
        raise NotFound(f"ingen åtgärd {action_id}")
    raise Forbidden(f"{person} får inte se åtgärd {action_id}")


def _views(session: Session, clauses: SightClauses, person: str, actions: list[Action], clock: Clock,
           purpose: str) -> list[ActionView]:
    """The actions with the cases the person may read; every case of every action shown is logged as read."""
    rows = session.execute(select(ActionCase.action_id, Case.id, Case.diary_number, clauses.full.label("full"))
                           .join(Case, Case.id == ActionCase.case_id)
                           .where(ActionCase.action_id.in_([action.id for action in actions]))
                           .order_by(Case.id)).all()
    history.record_reads(session, sorted({row.id for row in rows}), clock.now(), person, purpose)
    readable = defaultdict(list)
    for row in rows:
        if row.full:
            readable[row.action_id].append(LinkedCase(row.id, row.diary_number))
    today = clock.today()
    return [ActionView(a.id, a.description, a.owner_id, a.due_on, a.follow_up_on, a.status, a.version, a.created_at,
                       a.created_by, a.is_late(today), tuple(readable[a.id]))
            for a in actions]


def _changes(session: Session, action_id: int) -> list[ActionChange]:
    served = select(ActionCase.case_id).where(ActionCase.action_id == action_id)
    events = session.scalars(select(HistoryEvent)
                             .where(HistoryEvent.case_id.in_(served), HistoryEvent.action.in_(EVENTS),
                                    HistoryEvent.after["action_id"].as_integer() == action_id)
                             .order_by(HistoryEvent.at, HistoryEvent.id))
    changes: dict[tuple, ActionChange] = {}
    for event in events:
        # A change is written into each case the action served then; it is one change.
        changes.setdefault((event.at, event.action, event.summary), ActionChange(
            event.at, event.actor, event.action, event.summary, event.before, event.after))
    return list(changes.values())


def _record(session: Session, action: Action, now: datetime, actor: str, kind: str, summary: str,
            task: str | None = None, before: dict | None = None, after: dict | None = None) -> None:
    """Write a change into the history of each case the action serves. The cases are locked
    first, as a step locks its case, so two writers never take the same place in a history."""
    cases = list(session.scalars(select(Case).join(ActionCase, ActionCase.case_id == Case.id)
                                 .where(ActionCase.action_id == action.id).order_by(Case.id)
                                 .with_for_update(of=Case)))
    for case in cases:
        history.record(session, case, now, actor, kind, summary, task=task, before=before,
                       after={"action_id": action.id, **(after or {})})


def _named(action: Action) -> str:
    text = " ".join(action.description.split())
    return f"”{text if len(text) <= SHORT else text[:SHORT - 1] + '…'}”"
