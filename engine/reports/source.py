"""What every report query shares: the transaction, the periods as SQL, and which rows the
person's statistics count."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from sqlalchemy import ColumnElement, Integer, and_, case, cast, func, or_
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from engine.clock import STOCKHOLM
from engine.models import CaseFacts
from engine.reports.periods import Span
from engine.reports.scope import Scope


@dataclass
class Source:
    session: Session
    spans: tuple[Span, ...]
    scope: Scope
    now: datetime
    _found: dict = field(default_factory=dict)

    @property
    def today(self) -> date:
        return self.now.astimezone(STOCKHOLM).date()

    def counted(self, *case_types: str, counted=CaseFacts, looked_up: bool = False) -> list[ColumnElement[bool]]:
        """The rows of case_facts (or case_marks) counted: of these case types, received within
        the periods, in the person's scope. `looked_up`: the rows are looked up case by case
        from another table (the actions; a kind of deadline, case by case), so the index must
        not lead the query instead."""
        case_type, received = counted.case_type, counted.received_on
        if looked_up and self.session.get_bind().dialect.name == "sqlite":
            # SQLite keeps no statistics: a unary + (its idiom for this) keeps it from the index.
            case_type, received = (UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)
                                   for column in (case_type, received))
        return [
            case_type.in_(case_types),
            received.between(min(span.start for span in self.spans), max(span.end for span in self.spans)),
            *self.scope.conditions(counted),
        ]

    def per_span(self, condition: ColumnElement[bool] | None = None, counted=CaseFacts) -> list[ColumnElement[int]]:
        """For each period, the count of the rows received in it (that meet the condition):
        aggregates side by side, so that one pass in index order counts every period."""
        received = counted.received_on
        return [func.count().filter(and_(received.between(span.start, span.end),
                                         *(() if condition is None else (condition,))))
                for span in self.spans]

    def span(self) -> ColumnElement[int]:
        """The index of the period a case was received in, for the rows of counted()."""
        received = CaseFacts.received_on
        return case(*((received.between(span.start, span.end), index) for index, span in enumerate(self.spans)))

    def in_a_span(self) -> ColumnElement[bool]:
        received = CaseFacts.received_on
        return or_(*(received.between(span.start, span.end) for span in self.spans))

    def days_between(self, start, end) -> ColumnElement[int]:
        if self.session.get_bind().dialect.name == "sqlite":
            return cast(func.julianday(end) - func.julianday(start), Integer)
        return end - start

    def once(self, key, compute: Callable):
        """A query's result, asked once per report however many tables need it."""
        if key not in self._found:
            self._found[key] = compute()
        return self._found[key]
