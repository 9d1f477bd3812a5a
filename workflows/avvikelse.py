"""Avvikelser: deviations reported by staff, assessed by the unit manager, routed to MAS for
health care or escalated to lex Sarah, then acted on and followed up (SOSFS 2011:9).

The flow is bpmn/avvikelse.bpmn. A unit's deviations are discussed monthly at its staff
meeting (APT); the reports give that list.
"""
from __future__ import annotations

from marshmallow import fields, post_load, validate

from engine.casetypes import CaseType
from workflows import lex_sarah
from workflows.forms import (
    Boolean, FormSchema, SchemaForm, choice, in_order, known_person, known_unit, not_before_report,
    not_in_future, scale, text,
)

CATEGORIES = {
    "fall": "Fall",
    "medication": "Läkemedel",
    "care_not_delivered": "Insats ej utförd",
    "treatment": "Bemötande",
    "documentation": "Dokumentation",
    "safety": "Säkerhet och larm",
    "other": "Annat",
}
ROUTES = {
    "local": "Hanteras i verksamheten",
    "mas": "Till MAS (hälso- och sjukvård, lex Maria)",
    "lex_sarah": "Kan vara ett missförhållande (lex Sarah)",
}


class ReportSchema(FormSchema):
    unit = fields.String(required=True, metadata={"label": "Enhet"})
    what_happened = text(metadata={"label": "Vad har hänt?"})
    occurred_on = fields.Date(required=True, metadata={"label": "När hände det?"})
    noticed_on = fields.Date(required=True, metadata={"label": "När upptäcktes det?"})
    received_on = fields.Date(required=True, metadata={"label": "Rapportdatum"})
    affected_individual = text(required=False, max_length=100, metadata={"label": "Berörd enskild (pseudonym)"})
    affected_gender = choice(lex_sarah.GENDERS, load_default=None, metadata={"label": "Den enskildes kön"})
    immediate_actions = text(required=False, metadata={"label": "Åtgärder som redan vidtagits"})
    health_care = Boolean(load_default=False, metadata={"label": "Gäller det hälso- och sjukvård (HSL)?"})
    concerns_person = fields.String(load_default=None, metadata={"label": "Medarbetare som avvikelsen gäller"})


class TriageSchema(FormSchema):
    category = choice(CATEGORIES, required=True, metadata={"label": "Kategori"})
    severity = scale(1, 4, required=True, metadata={"label": "Allvarlighet", "options": lex_sarah.SEVERITY})
    probability = scale(1, 4, required=True, metadata={"label": "Sannolikhet att det upprepas",
                                                       "options": lex_sarah.PROBABILITY})
    route = choice(ROUTES, required=True, metadata={"label": "Hantering"})
    assessment = text(metadata={"label": "Bedömning"})
    triaged_on = fields.Date(required=True, metadata={"label": "Bedömd"})
    risk_level = fields.String(dump_only=True, metadata={"label": "Risknivå", "options": lex_sarah.RISK_LEVELS})

    @post_load
    def _risk(self, data, **_):
        return {**data, "risk_level": lex_sarah.risk_level(data["severity"], data["probability"])}


class MasReviewSchema(FormSchema):
    reviewed_on = fields.Date(required=True, metadata={"label": "Bedömd"})
    assessment = text(metadata={"label": "MAS bedömning"})
    lex_maria = Boolean(required=True, metadata={"label": "Anmäls enligt lex Maria?"})


class ActSchema(FormSchema):
    actions = fields.List(fields.Nested(lex_sarah.PlannedActionSchema), required=True,
                          validate=validate.Length(min=1, error="Ange minst en åtgärd."),
                          metadata={"label": "Åtgärder"})


def _mas_only_for_health_care(data, context):
    if data.get("route") == "mas" and not context.case_data["report"]["health_care"]:
        return {"route": ["Bara avvikelser inom hälso- och sjukvård går till MAS."]}
    return {}


def lex_sarah_report(case_data: dict) -> dict:
    """The lex Sarah report opened from a deviation, reported on the day of the decision."""
    report, decision = case_data["report"], case_data["escalate"]
    return {
        "unit": report["unit"],
        "what_happened": report["what_happened"],
        "occurred_on": report["occurred_on"],
        "noticed_on": report["noticed_on"],
        "received_on": decision["decided_on"],
        "affected_individual": decision["affected_individual"],
        # Deviations reported before the gender was asked have none.
        "affected_gender": report.get("affected_gender"),
        "immediate_actions": report["immediate_actions"],
        "reporter_name": decision["reporter_name"],
        "reporter_role": "medarbetare",
        "concerns_person": report["concerns_person"],
    }


def report_from_lex_sarah(case_data: dict) -> dict:
    """A lex Sarah report found to be no missförhållande, handled on as a deviation: the event
    as reported, received on the day of the decision, with the immediate actions of the report
    and of the unit manager, and the staff member it concerns, who must still never see it."""
    report, protection, decision = case_data["report"], case_data["protect"], case_data["close_no_misconduct"]
    return {
        "unit": report["unit"],
        "what_happened": report["what_happened"],
        "occurred_on": report["occurred_on"],
        "noticed_on": report["noticed_on"],
        "received_on": decision["decided_on"],
        "affected_individual": report["affected_individual"],
        # Lex Sarah reports filed before the gender was asked have none.
        "affected_gender": report.get("affected_gender"),
        "immediate_actions": "\n\n".join(part for part in (report["immediate_actions"], protection["actions_taken"])
                                          if part),
        "concerns_person": report["concerns_person"],
    }


CASE_TYPE = CaseType(
    id="avvikelse",
    name="Avvikelse",
    diagram="avvikelse.bpmn",
    report=SchemaForm("Rapportera en avvikelse", ReportSchema, rules=(
        known_unit("unit"), known_person("concerns_person"), lex_sarah.pseudonymised,
        not_in_future("occurred_on", "noticed_on", "received_on"),
        in_order(ReportSchema, "occurred_on", "noticed_on", "received_on"),
    )),
    tasks={
        "triage": SchemaForm("Bedöm avvikelsen", TriageSchema, rules=(
            not_in_future("triaged_on"), not_before_report("triaged_on"), _mas_only_for_health_care)),
        "mas_review": SchemaForm("Bedöm enligt lex Maria", MasReviewSchema, rules=(not_in_future("reviewed_on"),)),
        "escalate": lex_sarah.ESCALATION_FORM,
        "act": SchemaForm("Åtgärda", ActSchema, plans_actions="actions"),
        # Following up and closing ask what they ask in a lex Sarah case.
        "follow_up": SchemaForm("Följ upp åtgärderna", lex_sarah.FollowUpSchema,
                                rules=(not_in_future("followed_up_on"),)),
        "close": SchemaForm("Avsluta", lex_sarah.CloseSchema, rules=(not_in_future("closed_on"),)),
    },
    deadlines={},
    linked_reports={"lex_sarah": lex_sarah_report},
    statistics={
        "assessed_on": ("triage.triaged_on",),
        "risk_level": ("triage.risk_level",),
        "categories": ("triage.category",),
        "route": ("triage.route",),
        "gender": ("report.affected_gender",),
    },
)
