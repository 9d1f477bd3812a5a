"""Need-to-know: who may work a task and who may read a case, decided on the case and the person."""
from __future__ import annotations

from enum import Enum

from sqlalchemy import select

from engine.models import Case, Delegation
from engine.organisation import Directory, lane_role

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
    if any(directory.holds(person_id, role, case.unit) for role in CASE_READING_ROLES):
        return Sight.FULL
    if any(d.person_id == person_id or (d.role and directory.holds(person_id, d.role, case.unit))
           for d in _delegations_for(directory, case.case_type)):
        return Sight.FULL
    if person_id == case.reported_by:
        return Sight.STATUS
    return Sight.NONE


def _delegations_for(directory: Directory, case_type: str):
    return directory.session.scalars(select(Delegation).where(Delegation.decision.like(f"{case_type}.%")))
