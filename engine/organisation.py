"""The organisation: departments, units, people, their roles, and the delegation order.

It is configured in a YAML file (see demo/organisation.yaml) and loaded into the database,
so every process reads the same organisation.
"""
from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import yaml
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.orm import Session

from engine.calendar import Period
from engine.casetypes import ACTION_OWNERS, ASSIGNEE, ReminderLevel
from engine.errors import InvalidData, NotFound
from engine.models import Delegation, Department, Person, RoleAssignment, Setting, Unit

ROLES = ("medarbetare", "registrator", "enhetschef", "avdelningschef", "utredare",
         "forvaltningschef", "beslutsfattare", "klagomalsdelegation", "mas", "administrator")
DEFAULT_DIARY_PREFIX = "SOCN"
REMINDER_LEVELS = ("before", "due", "overdue")


def lane_role(lane: str | None) -> str | None:
    """The role that works a diagram lane: the lane's name without case or diacritics."""
    if not lane:
        return None
    plain = unicodedata.normalize("NFKD", lane).encode("ascii", "ignore").decode()
    return plain.strip().lower()


# -- the file -------------------------------------------------------------

class _UnitSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True)


class _DepartmentSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True)
    units = fields.List(fields.Nested(_UnitSchema), load_default=list)


class _RoleSchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    unit = fields.String(load_default=None)
    department = fields.String(load_default=None)


class _PersonSchema(Schema):
    id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    name = fields.String(required=True)
    title = fields.String(load_default="")
    email = fields.Email(load_default=None)
    roles = fields.List(fields.Nested(_RoleSchema), load_default=list)


class _DelegateSchema(Schema):
    role = fields.String(load_default=None, validate=validate.OneOf(ROLES))
    person = fields.String(load_default=None)

    @validates_schema
    def _one_of(self, data, **_):
        if (data["role"] is None) == (data["person"] is None):
            raise ValidationError("ange antingen role eller person")


class _ReminderSchema(Schema):
    level = fields.String(required=True, validate=validate.OneOf(REMINDER_LEVELS))
    days = fields.Integer(required=True, strict=True)
    notify = fields.List(fields.String(validate=validate.OneOf((*ROLES, ASSIGNEE, ACTION_OWNERS))), required=True,
                         validate=validate.Length(min=1))


class OrganisationSchema(Schema):
    name = fields.String(required=True)
    diary_prefix = fields.String(load_default=DEFAULT_DIARY_PREFIX,
                                 validate=validate.Regexp(r"^[A-ZÅÄÖ0-9-]{1,32}$"))
    departments = fields.List(fields.Nested(_DepartmentSchema), required=True)
    people = fields.List(fields.Nested(_PersonSchema), required=True)
    delegation = fields.Dict(keys=fields.String(), values=fields.Nested(_DelegateSchema), load_default=dict)
    # {case type: {kind: {days: N} | {working_days: N} | {months: N} | false (switched off)}}
    deadlines = fields.Dict(keys=fields.String(),
                            values=fields.Dict(keys=fields.String(), values=fields.Raw()),
                            load_default=dict)
    # {case type: {kind: [{level: before|due|overdue, days: N, notify: [role | "assignee" | "action_owners", ...]}]}}
    reminders = fields.Dict(keys=fields.String(),
                            values=fields.Dict(keys=fields.String(),
                                               values=fields.List(fields.Nested(_ReminderSchema))),
                            load_default=dict)
    # {case type: {years: N} | false (kept for ever)}: how long a closed case keeps its personal
    # data before disposal (engine/retention.py).
    retention = fields.Dict(keys=fields.String(), values=fields.Raw(), load_default=dict)

    @validates_schema
    def _references(self, data, **_):
        units = {u["id"] for d in data["departments"] for u in d["units"]}
        departments = {d["id"] for d in data["departments"]}
        people = {p["id"] for p in data["people"]}
        errors = {}
        for i, person in enumerate(data["people"]):
            for j, role in enumerate(person["roles"]):
                if role["unit"] and role["unit"] not in units:
                    errors[f"people.{i}.roles.{j}.unit"] = [f"okänd enhet {role['unit']!r}"]
                if role["department"] and role["department"] not in departments:
                    errors[f"people.{i}.roles.{j}.department"] = [f"okänd avdelning {role['department']!r}"]
        for key, delegate in data["delegation"].items():
            if delegate["person"] and delegate["person"] not in people:
                errors[f"delegation.{key}.person"] = [f"okänd person {delegate['person']!r}"]
        for case_type, periods in data["deadlines"].items():
            for kind, period in periods.items():
                if period is False:
                    continue
                try:
                    Period.from_config(period)
                except ValueError as error:
                    errors[f"deadlines.{case_type}.{kind}"] = [str(error)]
        for case_type, kinds in data["reminders"].items():
            for kind, levels in kinds.items():
                if "due" not in {level["level"] for level in levels}:
                    errors[f"reminders.{case_type}.{kind}"] = ["en frist måste ha nivån due (den kör diagrammets timer)"]
        for case_type, rule in data["retention"].items():
            if rule is not False and not (isinstance(rule, dict) and set(rule) == {"years"}
                                          and type(rule["years"]) is int and rule["years"] >= 1):
                errors[f"retention.{case_type}"] = ["ange {years: N} (helt antal år, minst 1) eller false"]
        if errors:
            raise ValidationError(errors)


def read_file(path: Path) -> dict:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise InvalidData({str(path): [str(error)]}) from error
    try:
        return OrganisationSchema().load(raw or {})
    except ValidationError as error:
        raise InvalidData(error.messages) from error


def load(session: Session, organisation: dict, now: datetime) -> None:
    """Make the database's organisation the one given: people and units are updated in place
    (cases refer to them); roles and settings are replaced; the delegations that change end
    now and the new ones begin now, the earlier order kept (engine.models.Delegation)."""
    session.execute(delete(RoleAssignment))
    for dep in organisation["departments"]:
        session.merge(Department(id=dep["id"], name=dep["name"]))
        for unit in dep["units"]:
            session.merge(Unit(id=unit["id"], name=unit["name"], department_id=dep["id"]))
    session.flush()
    for person in organisation["people"]:
        session.merge(Person(id=person["id"], name=person["name"], title=person["title"],
                             email=person["email"]))
    session.flush()
    for person in organisation["people"]:
        for role in person["roles"]:
            session.add(RoleAssignment(person_id=person["id"], role=role["role"],
                                       unit_id=role["unit"], department_id=role["department"]))
    _change_delegation_order(session, organisation["delegation"], now)
    for key in ("name", "diary_prefix", "deadlines", "reminders", "retention"):
        session.merge(Setting(key=key, value={"value": organisation[key]}))
    for kept in (_SETTINGS, _DELEGATIONS):
        session.info.pop(kept, None)


def _change_delegation_order(session: Session, delegation: dict, now: datetime) -> None:
    in_force = {row.decision: row for row in session.scalars(select(Delegation).where(Delegation.valid_to.is_(None)))}
    for decision, row in list(in_force.items()):
        delegate = delegation.get(decision)
        unchanged = delegate is not None and (delegate["role"], delegate["person"]) == (row.role, row.person_id)
        if unchanged and row.valid_from <= now:
            continue
        if row.valid_from >= now:
            session.delete(row)  # it had not begun: replaced the moment it was made, or the clock was set back
        else:
            row.valid_to = now
        del in_force[decision]
    session.flush()  # the ended rows first: a new one may begin at the same moment
    for decision, delegate in delegation.items():
        if decision not in in_force:
            session.add(Delegation(decision=decision, valid_from=now, role=delegate["role"],
                                   person_id=delegate["person"]))


# -- reading it -----------------------------------------------------------

def applies_to(unit):
    """Where a role assignment applies: to its unit, to the units of its department, or
    (neither given) to every unit. Given the Unit class rather than one unit, it is a
    condition on the units table."""
    return or_(
        RoleAssignment.unit_id == unit.id,
        RoleAssignment.department_id == unit.department_id,
        (RoleAssignment.unit_id.is_(None) & RoleAssignment.department_id.is_(None)),
    )


# session.info keys: what the unit of work has read of the settings and the delegation order
_SETTINGS = "lexflow_settings"
_DELEGATIONS = "lexflow_delegations"
_UNSET = object()
# Asked in every read and step of a case: built once (engine/db.py); the parameters are
# `roles`, `person`, and a unit as `unit` and `department`.
_DELEGATION_ORDER = select(Delegation).where(Delegation.valid_to.is_(None))
_FOR_UNIT = applies_to(SimpleNamespace(id=bindparam("unit"), department_id=bindparam("department")))
_HOLDERS = select(RoleAssignment.person_id).where(RoleAssignment.role.in_(bindparam("roles", expanding=True)))
_HOLDERS_FOR_UNIT = _HOLDERS.where(_FOR_UNIT)
_HOLDS = _HOLDERS.where(RoleAssignment.person_id == bindparam("person")).limit(1)
_HOLDS_FOR_UNIT = _HOLDS.where(_FOR_UNIT)


def _unit_parameters(unit: Unit | None) -> dict:
    return {} if unit is None else {"unit": unit.id, "department": unit.department_id}


class Directory:
    """Questions about the organisation, answered from the database within one unit of work."""

    def __init__(self, session: Session):
        self.session = session

    def setting(self, key: str, default=None):
        # Kept for the unit of work: a diagram's timers ask for the deadline settings at every
        # engine step, and the session lets go of rows nothing holds on to.
        settings = self.session.info.setdefault(_SETTINGS, {})
        if key not in settings:
            row = self.session.get(Setting, key)
            settings[key] = row.value["value"] if row else _UNSET
        return default if settings[key] is _UNSET else settings[key]

    def diary_prefix(self) -> str:
        return self.setting("diary_prefix", DEFAULT_DIARY_PREFIX)

    def deadline_period(self, case_type: str, kind: str, default: Period | None) -> Period | None:
        """The configured length of a deadline; None when it is switched off."""
        configured = (self.setting("deadlines", {}) or {}).get(case_type, {}).get(kind)
        if configured is None:
            return default
        return None if configured is False else Period.from_config(configured)

    def reminder_levels(self, case_type: str, kind: str,
                        default: tuple[ReminderLevel, ...]) -> tuple[ReminderLevel, ...]:
        configured = (self.setting("reminders", {}) or {}).get(case_type, {}).get(kind)
        if configured is None:
            return default
        return tuple(ReminderLevel(level["level"], level["days"], tuple(level["notify"])) for level in configured)

    def person(self, person_id: str) -> Person:
        person = self.session.get(Person, person_id)
        if person is None:
            raise NotFound(f"okänd person {person_id!r}")
        return person

    def unit(self, unit_id: str) -> Unit:
        unit = self.session.get(Unit, unit_id)
        if unit is None:
            raise NotFound(f"okänd enhet {unit_id!r}")
        return unit

    def has_person(self, person_id: str) -> bool:
        return self.session.get(Person, person_id) is not None

    def has_unit(self, unit_id: str) -> bool:
        return self.session.get(Unit, unit_id) is not None

    def holds(self, person_id: str, role: str, unit: Unit | None = None) -> bool:
        """Does the person hold the role for this unit (directly, through its department,
        or organisation-wide)? Without a unit: for any unit at all."""
        return self.holds_any(person_id, (role,), unit)

    def holds_any(self, person_id: str, roles: tuple[str, ...], unit: Unit | None = None) -> bool:
        """`holds` for any of the roles, in one question."""
        query = _HOLDS if unit is None else _HOLDS_FOR_UNIT
        return self.session.scalar(query, {"person": person_id, "roles": roles, **_unit_parameters(unit)}) is not None

    def holders(self, role: str, unit: Unit) -> list[str]:
        """Everyone who holds the role for this unit, by person id."""
        return sorted(set(self.session.scalars(_HOLDERS_FOR_UNIT, {"roles": (role,), **_unit_parameters(unit)})))

    def roles_of(self, person_id: str) -> list[RoleAssignment]:
        return list(self.session.scalars(select(RoleAssignment).where(RoleAssignment.person_id == person_id)))

    def delegation(self, decision: str) -> Delegation | None:
        return self.delegations().get(decision)

    def delegations(self) -> dict[str, Delegation]:
        """The delegation order, decision -> delegate: a few rows, read once a unit of work,
        as access asks of it for every task of a case."""
        if _DELEGATIONS not in self.session.info:
            self.session.info[_DELEGATIONS] = {row.decision: row for row in self.session.scalars(_DELEGATION_ORDER)}
        return self.session.info[_DELEGATIONS]
