"""/api/v1/delegation-decisions: the decisions taken on delegation in a period, for reporting
back to the committee, as engine.delegation_decisions lists them (the cases the token's person
sees in full; each one listed is logged as read)."""
from __future__ import annotations

from marshmallow import Schema, fields

from engine import delegation_decisions
from engine.delegation_decisions import Decision, PeriodSchema
from web.api.cases import QUERY, errors
from web.api.blueprint import api_blueprint
from web.api.schemas import LocalDateTime
from web.api.tokens import person
from web.pages.delegation import committee_rows
from web.services import services

blp = api_blueprint("api_delegation",
                    "Delegationsbeslut: beslut fattade med stöd av delegation, för anmälan till nämnden.")


class DelegatedDecisionSchema(Schema):
    decided_at = LocalDateTime(required=True, metadata={"description": "When the decision was recorded."})
    decided_on = fields.Date(required=True, metadata={"description": "Its day in Stockholm."})
    case_id = fields.Integer(required=True)
    diary_number = fields.String(required=True)
    case_type = fields.String(required=True)
    task = fields.String(required=True, metadata={"description": "The task the decision was taken in."})
    decision = fields.String(required=True, metadata={"description": "The task's title, in Swedish."})
    outcome = fields.String(required=True, metadata={"description": "What was decided, in Swedish; may be empty."})
    decided_by = fields.String(required=True, allow_none=True, metadata={"description": "Person id."})
    decided_by_name = fields.String(required=True)
    decided_by_title = fields.String(required=True)
    delegated_role = fields.String(required=True, allow_none=True,
                                   metadata={"description": "The role the delegation order names, if a role."})
    delegated_person = fields.String(required=True, allow_none=True,
                                     metadata={"description": "The person it names (a named delegate), if one."})
    delegation = fields.String(required=True, metadata={"description": "The delegation, in Swedish."})


class DelegatedDecisionListSchema(Schema):
    items = fields.List(fields.Nested(DelegatedDecisionSchema), required=True)


@blp.route("/delegation-decisions", methods=["GET"])
@blp.arguments(PeriodSchema, **QUERY)
@blp.response(200, DelegatedDecisionListSchema)
@errors(403, 422)
def list_decisions(period):
    """Decisions taken on delegation from `from` to `to` (both included, Stockholm time), oldest
    first, in the cases you see in full. For the förvaltningschef, registrator, beslutsfattare
    and administrator; 403 for others."""
    svc = services()
    decisions = delegation_decisions.list_decisions(svc.db, svc.clock, person(), period)
    return {"items": [_item(decision, row.cells) for decision, row in zip(decisions, committee_rows(decisions))]}


def _item(decision: Decision, cells: tuple[str, ...]) -> dict:
    _, _, _, title, outcome, decider, decider_title, delegation = cells
    return {"decided_at": decision.decided_at, "decided_on": decision.decided_on, "case_id": decision.case_id,
            "diary_number": decision.diary_number, "case_type": decision.case_type, "task": decision.task,
            "decision": title, "outcome": outcome, "decided_by": decision.decided_by, "decided_by_name": decider,
            "decided_by_title": decider_title, "delegated_role": decision.delegated_role,
            "delegated_person": decision.delegated_person, "delegation": delegation}
