"""The organisation as pages show it: names of units and people, and who may be chosen in a
form field, read once per request."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g
from sqlalchemy import select

from engine.models import Department, Person, RoleAssignment, Unit
from engine.organisation import Directory
from web.services import services
from workflows.forms import SchemaForm


@dataclass(frozen=True)
class Organisation:
    name: str
    units: dict[str, str]  # id -> name, department by department
    people: dict[str, str]  # id -> name, alphabetical
    titles: dict[str, str]  # id -> title
    role_holders: dict[str, dict[str, str]]  # role -> {person id: name}

    def choices(self, form: SchemaForm) -> dict[str, dict[str, str]]:
        """Option lists for a form's fields that name a unit or a person. A field that gives
        someone a role on the case (form.assigns) offers only holders of that role."""
        found = {"unit": self.units, "concerns_person": self.people, "owner": self.people}
        for field_name, role in form.assigns.items():
            found[field_name] = self.role_holders.get(role, {})
        return found

    def person(self, person_id: str | None) -> str:
        if not person_id:
            return "Systemet"
        return self.people.get(person_id, person_id)

    def unit(self, unit_id: str) -> str:
        return self.units.get(unit_id, unit_id)


def organisation() -> Organisation:
    if "organisation" not in g:
        g.organisation = _load()
    return g.organisation


def _load() -> Organisation:
    with services().db.snapshot() as session:
        units = session.execute(select(Unit.id, Unit.name).join(Department)
                                .order_by(Department.name, Unit.name)).all()
        people = session.execute(select(Person.id, Person.name, Person.title).order_by(Person.name)).all()
        names = {person_id: name for person_id, name, _ in people}
        holders: dict[str, dict[str, str]] = {}
        for person_id, role in session.execute(select(RoleAssignment.person_id, RoleAssignment.role)):
            holders.setdefault(role, {})[person_id] = names[person_id]
        return Organisation(
            name=Directory(session).setting("name", "lexflow"),
            units=dict(units), people=names, titles={p: t for p, _, t in people},
            role_holders={role: dict(sorted(found.items(), key=lambda item: item[1]))
                          for role, found in holders.items()},
        )
