"""Decisions taken on delegation, listed for reporting back to the committee (socialnämnden).

A decision on delegation is a completed task that the delegation order names
(`<case type>.<task>`, engine.models.Delegation). The list is the case history's task
completions joined with the delegation order and the people, in the database; no case is
deserialised. Only the cases the person sees in full are listed, and each one listed is a read
of that case, logged.

The delegation shown is the one in force when the decision was taken: loading a changed
organisation file ends the delegations that change and keeps them (engine.models.Delegation).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Mapping

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased

from engine import access, history
from engine.clock import STOCKHOLM, Clock
from engine.db import Database
from engine.errors import Forbidden, InvalidData
from engine.models import Case, Delegation, HistoryEvent, Person
from engine.organisation import Directory

# Those who report decisions back to the committee: the förvaltningschef, the registrator
# (who is also the nämndsekreterare), the delegates themselves, and the administrator.
REPORTING_ROLES = ("forvaltningschef", "registrator", "beslutsfattare", "administrator")
# Days far outside these would not convert from Stockholm to UTC (year 1, year 9999).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)
_DAY = {"error_messages": {"required": "Fältet måste fyllas i.", "null": "Fältet måste fyllas i.",
                           "invalid": "Ange ett datum som ÅÅÅÅ-MM-DD."},
        "validate": validate.Range(FIRST_DAY, LAST_DAY, error=f"Ange ett datum mellan {FIRST_DAY} och {LAST_DAY}.")}


@dataclass(frozen=True)
class Period:
    """Whole days in Stockholm, both included."""

    first_day: date
    last_day: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(), STOCKHOLM)

    @property
    def end(self) -> datetime:
        """The first moment after the period: midnight after its last day."""
        return datetime.combine(self.last_day + timedelta(days=1), time(), STOCKHOLM)


class PeriodSchema(Schema):
    """A period as asked for, `from` and `to` (YYYY-MM-DD); loads as a Period."""

    first_day = fields.Date(data_key="from", required=True, metadata={"description": "The first day (YYYY-MM-DD)."},
                            **_DAY)
    last_day = fields.Date(data_key="to", required=True,
                           metadata={"description": "The last day (YYYY-MM-DD), included."}, **_DAY)

    @validates_schema
    def _in_order(self, data, **_):
        if "first_day" in data and "last_day" in data and data["last_day"] < data["first_day"]:
            raise ValidationError("Datumet kan inte vara före ”Från och med”.", "to")

    @post_load
    def _period(self, data, **_) -> Period:
        return Period(data["first_day"], data["last_day"])


def read_period(values: Mapping[str, str]) -> Period:
    """The period given as text (`from`, `to`), or InvalidData naming the field that is wrong."""
    try:
        return PeriodSchema().load({key: values.get(key) for key in ("from", "to")})
    except ValidationError as error:
        raise InvalidData(error.messages) from error


@dataclass(frozen=True)
class Decision:
    """One decision taken on delegation: when, in which case, the task and the form it was
    taken with, who took it, and the delegation it was taken on (a role, or a named person)."""

    decided_at: datetime
    case_id: int
    diary_number: str
    case_type: str
    task: str
    data: dict
    decided_by: str | None
    decider_name: str | None
    decider_title: str | None
    delegated_role: str | None
    delegated_person: str | None
    delegated_person_name: str | None

    @property
    def decided_on(self) -> date:
        """The day of the decision in Stockholm."""
        return self.decided_at.astimezone(STOCKHOLM).date()


def may_list(directory: Directory, person: str) -> bool:
    return directory.holds_any(person, REPORTING_ROLES)


def list_decisions(db: Database, clock: Clock, person: str, period: Period, purpose: str = "list") -> list[Decision]:
    """The decisions taken on delegation in the period, in the cases the person sees in full,
    oldest first. `purpose` goes to the access log (e.g. "export" for a file)."""
    with history.reading(db) as session:
        directory = Directory(session)
        directory.person(person)
        if not may_list(directory, person):
            raise Forbidden(f"{person} får inte lista delegationsbeslut")
        decider, delegate = aliased(Person), aliased(Person)
        rows = session.execute(
            select(HistoryEvent.at, Case.id, Case.diary_number, Case.case_type, HistoryEvent.task, HistoryEvent.after,
                   HistoryEvent.actor, decider.name, decider.title, Delegation.role, Delegation.person_id,
                   delegate.name)
            .join(Case, Case.id == HistoryEvent.case_id)
            .join(Delegation, and_(Delegation.decision == Case.case_type + "." + HistoryEvent.task,
                                   Delegation.valid_from <= HistoryEvent.at,
                                   or_(Delegation.valid_to.is_(None), Delegation.valid_to > HistoryEvent.at)))
            .outerjoin(decider, decider.id == HistoryEvent.actor)
            .outerjoin(delegate, delegate.id == Delegation.person_id)
            .where(HistoryEvent.action == "task.completed", HistoryEvent.at >= period.start,
                   HistoryEvent.at < period.end, access.sight_clauses(directory, person).full)
            .order_by(HistoryEvent.at, HistoryEvent.id)).all()
        decisions = [Decision(*row) for row in rows]
        history.record_reads(session, list(dict.fromkeys(d.case_id for d in decisions)), clock.now(), person,
                             purpose)
        return decisions
