"""Actions and their status, for the quality report: the actions planned for the cases
received in each period, by how far they have got."""
from __future__ import annotations

from dataclasses import dataclass
from sqlalchemy import func, select

from engine import actions
from engine.models import Action, ActionCase, CaseFacts
from engine.reports.source import Source
from engine.reports.tables import Label, Table


@dataclass(frozen=True)
class ActionTable:
    """Actions serving the cases counted, per status; an action serving several of them counts once."""

    key: str
    title: str
    case_types: tuple[str, ...]
    row_title: str = "Status"
    overdue_label: str = "Varav försenade (inte klara, sista dag passerad)"
    note: str = ""

    def compute(self, source: Source) -> Table:
        # From the actions to their cases (few to many), each action once per period.
        served = (select(source.span().label("span"), Action.id, Action.status,
                         Action.is_late(source.today).label("late"))
                  .select_from(ActionCase).join(CaseFacts, CaseFacts.case_id == ActionCase.case_id)
                  .join(Action, Action.id == ActionCase.action_id)
                  .where(*source.counted(*self.case_types, looked_up=True), source.in_a_span()).distinct().subquery())
        counts, overdue = {}, [0] * len(source.spans)
        for span, status, count, late_count in source.session.execute(
                select(served.c.span, served.c.status, func.count(), func.count().filter(served.c.late))
                .group_by(served.c.span, served.c.status)):
            counts[(span, status, None)] = count
            overdue[span] += late_count
        return Table(self.key, self.title, self.row_title,
                     tuple(Label(key, label) for key, label in actions.STATUSES.items()), source.spans, counts,
                     note=self.note, extra_rows=((self.overdue_label, tuple(overdue)),))
