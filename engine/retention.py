"""Disposal (gallring): a closed case keeps its personal data for a retention period, counted
from the day it closed; after that its personal data is removed and the case remains as the
anonymous facts the committee's statistics count.

The period is the organisation's (`retention: {<case type>: {years: N} | false}`, false keeping
the case for ever, as a document management plan may say of lex Sarah cases). Where it says
nothing the default is DEFAULT_YEARS: five years after the last entry is what the domain gives
for lex Sarah records (shared/domain.md §3.1, step 11), and a shorter default could destroy
records an organisation must keep.

What goes: the case's form data (the report, names, free text, everything entered), who
reported it, whom it concerns and who was assigned, each history event's summary, before,
after and actor, and the text of the messages sent about the case or its erased actions. The
history keeps, per event, when it happened, what kind of step it was and the digest of what
it said, so the hash chain still verifies (engine/chain.py). What stays:
the case's number, type, unit, status and dates, its deadlines, links and actions' status, and
its row in the statistics (case_facts, case_marks) but for whom it concerned. The access log
stays whole: it says which staff member opened which case number and when, nothing about the
individual, and it is the record of who saw the case before it was disposed of.

Each disposal is one transaction: the case enters the disposal log (which the database keeps
append-only, and without which it refuses to erase history content), its data is erased, and
a "case.disposed" event with the rule ends its history. A case whose history chain is broken
is not disposed of: that would erase the evidence.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from sqlalchemy import exists, null, or_, select, update
from sqlalchemy.orm import Session

from engine import audit, chain, history
from engine.clock import STOCKHOLM, Clock
from engine.db import Database
from engine.models import Action, ActionCase, Case, CaseFacts, CaseMark, Disposal, HistoryEvent, OutboxMessage
from engine.organisation import Directory

DEFAULT_YEARS = 5


@dataclass(frozen=True)
class Rule:
    case_type: str
    years: int | None  # None: kept for ever

    def kept_until(self, closed_on: date) -> date | None:
        """The last day the case keeps its personal data."""
        return None if self.years is None else closed_on + relativedelta(years=self.years)

    def __str__(self) -> str:
        if self.years is None:
            return f"{self.case_type}: bevaras"
        return f"{self.case_type}: {self.years} år efter avslut"


@dataclass(frozen=True)
class Disposed:
    diary_number: str
    case_type: str
    closed_on: date
    kept_until: date
    rule: str


@dataclass(frozen=True)
class DisposalRun:
    disposed: tuple[Disposed, ...]  # or, in a dry run, those that would be
    refused: tuple[tuple[str, str], ...]  # diary number, why


def rule_for(directory: Directory, case_type: str) -> Rule:
    configured = (directory.setting("retention", {}) or {}).get(case_type, {"years": DEFAULT_YEARS})
    return Rule(case_type, None if configured is False else configured["years"])


def closed_on(case: Case) -> date:
    return case.closed_at.astimezone(STOCKHOLM).date()


def dispose(db: Database, clock: Clock, dry_run: bool = False) -> DisposalRun:
    """Dispose of every closed case past its retention period, each in a transaction of its own."""
    with db.snapshot() as session:
        due = _due(session, clock.today())
    disposed, refused = [], []
    for case_id in due:
        with (db.snapshot() if dry_run else db.unit_of_work()) as session:
            case = session.get(Case, case_id, with_for_update=not dry_run)  # no step or export meanwhile
            if session.get(Disposal, case_id) is not None:  # by another run meanwhile
                continue
            rule = rule_for(Directory(session), case.case_type)
            broken = audit.verify_case(session, case)
            if broken:
                refused.append((case.diary_number, f"historikens kedja är bruten: {broken}"))
                continue
            if not dry_run:
                _dispose(session, case, rule, clock.now())
            disposed.append(Disposed(case.diary_number, case.case_type, closed_on(case),
                                     rule.kept_until(closed_on(case)), str(rule)))
    return DisposalRun(tuple(disposed), tuple(refused))


def _due(session: Session, today: date) -> list[int]:
    """Closed cases not yet disposed of whose last day of retention has passed."""
    directory = Directory(session)
    ids = []
    for case_type in session.scalars(select(Case.case_type).distinct()):
        rule = rule_for(directory, case_type)
        if rule.years is None:
            continue
        # Closed before this day (Stockholm time), the case's retention ended before today.
        first_kept = datetime.combine(today - relativedelta(years=rule.years), time(0), STOCKHOLM)
        ids += session.scalars(select(Case.id).where(
            Case.case_type == case_type, Case.status == "closed", Case.closed_at < first_kept,
            ~exists().where(Disposal.case_id == Case.id)).order_by(Case.id))
    return sorted(ids)


def _dispose(session: Session, case: Case, rule: Rule, now: datetime) -> None:
    ended = closed_on(case)
    session.add(Disposal(case_id=case.id, disposed_at=now, closed_on=ended, rule=str(rule)))
    session.flush()  # the database erases history content only of a case in the disposal log
    session.execute(update(HistoryEvent).where(HistoryEvent.case_id == case.id).values(
        summary=chain.ERASED_SUMMARY, before=null(), after=null(), actor=None))
    case.data, case.assignees, case.reported_by, case.concerns_person_id = {}, {}, None, None
    for counted in (CaseFacts, CaseMark):
        session.execute(update(counted).where(counted.case_id == case.id).values(concerns_person_id=None))
    # An action's text goes with the last of the cases it serves, and so do the messages that
    # quote it or the case; an erased action is not reminded of, nor escalated, any more.
    of_this_case = select(ActionCase.action_id).where(ActionCase.case_id == case.id)
    of_cases_kept = select(ActionCase.action_id).where(ActionCase.case_id != case.id,
                                                       ~exists().where(Disposal.case_id == ActionCase.case_id))
    erased_actions = select(Action.id).where(Action.id.in_(of_this_case), Action.id.not_in(of_cases_kept))
    session.execute(update(OutboxMessage).where(or_(OutboxMessage.case_id == case.id,
                                                    OutboxMessage.action_id.in_(erased_actions)))
                    .values(body=chain.ERASED_SUMMARY))
    session.execute(update(Action).where(Action.id.in_(erased_actions))
                    .values(description=chain.ERASED_SUMMARY, reminded_for=Action.due_on, escalated_for=Action.due_on,
                            version=Action.version + 1))
    history.record(session, case, now, None, "case.disposed",
                   f"Personuppgifterna gallrade enligt regeln ”{rule}” (avslutat {ended.isoformat()})",
                   after={"rule": str(rule), "years": rule.years, "closed_on": ended.isoformat(),
                          "kept_until": rule.kept_until(ended).isoformat()})
