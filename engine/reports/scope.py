"""Whose cases a person's statistics count.

The statistics hold no names and no diary numbers, but small counts of a small unit can still
say much, so they count only what the person could read anyway: the cases of the units where
they hold a role that reads every case of the unit (engine.access.CASE_READING_ROLES: the
enhetschef their units, the avdelningschef their department, the förvaltningschef, the
beslutsfattare and the registrator, who prepares the committee's papers, all of them), and
never a report about the person themselves, which they may not see at all.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from engine.access import CASE_READING_ROLES
from engine.errors import Forbidden
from engine.models import CaseFacts, Department, RoleAssignment, Unit
from engine.organisation import Directory, applies_to
from engine.reports.tables import Label


# Å, Ä and Ö come after Z, in that order, whatever the database's collation.
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}"})


def swedish(name: str) -> str:
    """A sort key in Swedish alphabetical order."""
    return name.lower().translate(_SWEDISH_ORDER)


@dataclass(frozen=True)
class Scope:
    person_id: str
    units: tuple[Label, ...]  # department by department
    departments: tuple[Label, ...]
    department_of: dict[str, str]  # unit id -> department id
    all_units: bool

    def conditions(self, counted=CaseFacts) -> list[ColumnElement[bool]]:
        """Which rows of case_facts (or case_marks) the person's statistics count."""
        conditions = [counted.concerns_person_id.is_distinct_from(self.person_id)]
        if not self.all_units:
            conditions.append(counted.unit_id.in_([unit.key for unit in self.units]))
        return conditions


def scope_of(session: Session, person_id: str) -> Scope:
    """The person's scope; Forbidden when they hold no role that reads a unit's cases."""
    Directory(session).person(person_id)
    rows = sorted(session.execute(
        select(Unit.id, Unit.name, Department.id, Department.name).join(Department)
        .join(RoleAssignment, applies_to(Unit))
        .where(RoleAssignment.person_id == person_id, RoleAssignment.role.in_(CASE_READING_ROLES))
        .distinct()).all(), key=lambda row: (swedish(row[3]), swedish(row[1])))
    if not rows:
        raise Forbidden(f"{person_id} ansvarar inte för någon enhet och får inte se statistiken")
    every_unit = session.scalar(select(func.count()).select_from(Unit))
    return Scope(
        person_id=person_id,
        units=tuple(Label(unit_id, name) for unit_id, name, _, _ in rows),
        departments=tuple(dict.fromkeys(Label(department_id, name) for _, _, department_id, name in rows)),
        department_of={unit_id: department_id for unit_id, _, department_id, _ in rows},
        all_units=len(rows) == every_unit,
    )
