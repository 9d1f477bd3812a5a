"""Need-to-know: who may work a task and who may read a case, decided on the case and the person."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import ColumnElement, Text, and_, bindparam, cast, exists, false, func, not_, or_, select

from engine import tracking
from engine.models import Case, OpenTask, RoleAssignment, Unit
from engine.organisation import Directory, applies_to, lane_role

# Roles that see every case of the units they hold the role for.
CASE_READING_ROLES = ("enhetschef", "avdelningschef", "registrator", "forvaltningschef", "beslutsfattare")


class Sight(Enum):
    NONE = "none"
    STATUS = "status"  # a reporter sees where their report is, not the investigation
    FULL = "full"


def task_workers(directory: Directory, case: Case, task_name: str, lane: str | None) -> set[str]:
    """Who may work a task of a case: the delegate for a decision, else the person assigned the
    lane's role on the case, else whoever holds that role for the case's unit."""
    delegate = directory.delegation(f"{case.case_type}.{task_name}")
    if delegate is not None:
        people = {delegate.person_id} if delegate.person_id else set(directory.holders(delegate.role, case.unit))
    else:
        role = lane_role(lane)
        if role is None:
            people = set()
        elif role in case.assignees:
            people = {case.assignees[role]}
        else:
            people = set(directory.holders(role, case.unit))
    people.discard(case.concerns_person_id)
    return people


def may_complete(directory: Directory, person_id: str, case: Case, task_name: str, lane: str | None) -> bool:
    return person_id in task_workers(directory, case, task_name, lane)


def sight(directory: Directory, person_id: str, case: Case) -> Sight:
    if person_id == case.concerns_person_id:
        return Sight.NONE
    if person_id in case.assignees.values():
        return Sight.FULL
    if directory.holds_any(person_id, CASE_READING_ROLES, case.unit):
        return Sight.FULL
    if any(d.person_id == person_id or (d.role and directory.holds(person_id, d.role, case.unit))
           for d in _delegations_for(directory, case.case_type)):
        return Sight.FULL
    # Whoever may work a step now needs the case to do it (MAS, the klagomålsdelegation, ...).
    if any(may_complete(directory, person_id, case, task.name, task.lane)
           for task in directory.session.scalars(tracking.READY_TASKS, {"case": case.id})):
        return Sight.FULL
    if person_id == case.reported_by:
        return Sight.STATUS
    return Sight.NONE


def _delegations_for(directory: Directory, case_type: str):
    return [d for decision, d in directory.delegations().items() if decision.partition(".")[0] == case_type]


# -- the same rule in SQL, for listings --------------------------------------------

@dataclass(frozen=True)
class SightClauses:
    """`sight` for one person as conditions on `Case`, so that a listing filters in the database."""

    readable: ColumnElement[bool]  # sight is not NONE
    full: ColumnElement[bool]  # sight is FULL


def sight_clauses(directory: Directory, person_id: str) -> SightClauses:
    """The person's roles and the delegation order are read first (a few rows), so that what
    is asked of each case is plain comparisons, which the database answers from its indexes."""
    units = _units_by_role(directory, person_id)
    grounds = [_in_units(set().union(*(units[role] for role in CASE_READING_ROLES)))]
    for delegation in directory.delegations().values():
        case_type = delegation.decision.partition(".")[0]  # `sight` matches "<case type>.%"
        if delegation.person_id == person_id:
            grounds.append(Case.case_type == case_type)
        elif delegation.role:
            grounds.append(and_(Case.case_type == case_type, _in_units(units[delegation.role])))
    not_concerned = Case.concerns_person_id.is_distinct_from(person_id)
    # The assignees are asked last: the costliest, and needed only when nothing else applies.
    assigned = _assigned(directory, person_id)
    return SightClauses(readable=and_(not_concerned, or_(*grounds, Case.reported_by == person_id, assigned)),
                        full=and_(not_concerned, or_(*grounds, assigned)))


def work_clause(directory: Directory, person_id: str) -> ColumnElement[bool]:
    """`may_complete` for one person as a condition on `OpenTask` joined to its `Case`, so that
    an inbox is found in the database instead of by reading every open case."""
    units = _units_by_role(directory, person_id)
    delegated, grounds = [], []
    for delegation in directory.delegations().values():
        case_type, _, task_name = delegation.decision.partition(".")
        decision = and_(Case.case_type == case_type, OpenTask.name == task_name)
        delegated.append(decision)
        if delegation.person_id:
            if delegation.person_id == person_id:
                grounds.append(decision)
        elif delegation.role:
            grounds.append(and_(decision, _in_units(units[delegation.role])))
    # A lane's role is its name made plain, which SQL cannot do; the lanes in use are few.
    by_lane = []
    for lane in directory.session.scalars(select(OpenTask.lane).distinct()):
        role = lane_role(lane)
        if role is not None:
            assignee = Case.assignees[role].as_string()
            by_lane.append(and_(OpenTask.lane == lane,
                                or_(assignee == person_id, and_(assignee.is_(None), _in_units(units[role])))))
    grounds.append(and_(not_(or_(false(), *delegated)), or_(false(), *by_lane)))
    return and_(Case.concerns_person_id.is_distinct_from(person_id), or_(false(), *grounds))


# Asked by every listing and inbox: built once (engine/db.py).
_UNITS_BY_ROLE = (select(RoleAssignment.role, Unit.id).join(Unit, applies_to(Unit))
                  .where(RoleAssignment.person_id == bindparam("person")))


def _units_by_role(directory: Directory, person_id: str) -> defaultdict[str, set[str]]:
    """Role -> the ids of the units the person holds it for."""
    units = defaultdict(set)
    for role, unit in directory.session.execute(_UNITS_BY_ROLE, {"person": person_id}):
        units[role].add(unit)
    return units


def _in_units(units: set[str]) -> ColumnElement[bool]:
    return Case.unit_id.in_(sorted(units)) if units else false()


def _assigned(directory: Directory, person_id: str) -> ColumnElement[bool]:
    """The person is one of the values of the case's `assignees` object."""
    each = func.json_each if directory.session.get_bind().dialect.name == "sqlite" else func.jsonb_each_text
    values = each(Case.assignees).table_valued("value")
    # Taking the object apart is dear, and a listing asks it of every case the person's roles
    # do not cover; the quoted id missing from its text rules nearly all of them out first.
    mentioned = cast(Case.assignees, Text).contains(json.dumps(person_id, ensure_ascii=False), autoescape=True)
    return and_(mentioned, exists().select_from(values).where(values.c.value == person_id))
