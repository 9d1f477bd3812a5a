"""Lex Sarah: reports of missförhållanden, their investigation, decision and IVO notification.

The flow is bpmn/lex_sarah.bpmn; this module holds what each step asks for (SOSFS 2011:5,
SoL 27 kap., LSS 24 a–f §§) and the default deadlines of the domain (shared/domain.md §4).
"""
from __future__ import annotations

import re

from marshmallow import fields, post_load, validate

from engine.calendar import Period
from engine.casetypes import CaseType, ReminderLevel
from workflows.forms import (
    Boolean, FormSchema, SchemaForm, choice, in_order, known_person, known_unit, not_before_report,
    not_in_future, person_with_role, required_when, scale, text,
)

# Those with a duty to report; users and relatives file complaints instead.
REPORTER_ROLES = {
    "medarbetare": "Medarbetare",
    "uppdragstagare": "Uppdragstagare",
    "praktikant": "Praktikant eller studerande",
    "arbetsmarknadsinsats": "Person i arbetsmarknadspolitiskt program",
}
CATEGORIES = {
    "violence_abuse": "Våld/övergrepp",
    "financial_irregularities": "Ekonomiska oegentligheter",
    "neglect": "Försummelse",
    "treatment": "Brister i bemötande",
    "legal_certainty": "Brister i rättssäkerhet vid handläggning",
    "service_delivery": "Brister i genomförande av insats",
    "other": "Annat",
}
ASSESSMENTS = {
    "no_misconduct": "Inget missförhållande",
    "risk_of_misconduct": "Påtaglig risk för missförhållande",
    "misconduct": "Missförhållande",
    "risk_of_serious_misconduct": "Påtaglig risk för allvarligt missförhållande",
    "serious_misconduct": "Allvarligt missförhållande",
}
RISK_LEVELS = {"låg": "Låg", "medium": "Medium", "kritisk": "Kritisk"}
SEVERITY = {1: "Mindre", 2: "Måttlig", 3: "Betydande", 4: "Hög"}
PROBABILITY = {1: "Mycket liten", 2: "Liten", 3: "Stor", 4: "Mycket stor"}
ENTRY_KINDS = {"fact": "Faktum", "assessment": "Bedömning"}
IVO_CHANNELS = {"e_service": "IVO:s e-tjänst", "post": "Post"}
INFORMED_WHOM = {"individual": "Den enskilde", "representative": "Företrädare"}
# Of the individual a report concerns, for statistics split by gender (shared/domain.md §6).
GENDERS = {"woman": "Kvinna", "man": "Man", "other": "Annat"}

DEADLINES = {
    "registration": Period(1, "working_days"),
    "investigator_assignment": Period(5, "working_days"),
    "investigation": Period(30, "days"),
    "ivo_notification": Period(7, "days"),
    "ivo_supplement": Period(2, "months"),
    "follow_up": Period(6, "months"),
}

# Who is reminded of each deadline (shared/domain.md §4). Every deadline has a "due" level,
# which also runs the diagram's timer.
REMINDERS = {
    "registration": (ReminderLevel("due", 0, ("enhetschef", "registrator")),),
    "investigator_assignment": (ReminderLevel("due", 0, ("avdelningschef",)),
                                ReminderLevel("overdue", 3, ("forvaltningschef",))),
    "investigation": (ReminderLevel("before", -5, ("assignee",)), ReminderLevel("due", 0, ("avdelningschef",))),
    "ivo_notification": (ReminderLevel("due", 0, ("assignee", "avdelningschef")),),
    "ivo_supplement": (ReminderLevel("before", -14, ("assignee",)), ReminderLevel("due", 0, ("avdelningschef",))),
    "follow_up": (ReminderLevel("before", -14, ("assignee", "action_owners")),
                  ReminderLevel("due", 0, ("avdelningschef", "action_owners"))),
}

PERSONAL_IDENTITY_NUMBER = re.compile(r"\b(\d{2})?\d{6}[-+]?\d{4}\b")


def risk_level(severity: int, probability: int) -> str:
    """The default risk rule: kritisk (notify IVO) at score >= 8 or severity 4 (hög)."""
    score = severity * probability
    if score >= 8 or severity == 4:
        return "kritisk"
    return "medium" if score >= 4 else "låg"


# -- forms, in the order of the diagram ----------------------------------------

class ReportSchema(FormSchema):
    unit = fields.String(required=True, metadata={"label": "Enhet"})
    what_happened = text(metadata={"label": "Vad har hänt?"})
    occurred_on = fields.Date(required=True, metadata={"label": "När hände det?"})
    noticed_on = fields.Date(required=True, metadata={"label": "När upptäcktes det?"})
    received_on = fields.Date(required=True, metadata={"label": "Rapportdatum"})
    affected_individual = text(max_length=100, metadata={"label": "Berörd enskild (pseudonym)"})
    affected_gender = choice(GENDERS, load_default=None, metadata={"label": "Den enskildes kön"})
    immediate_actions = text(required=False, metadata={"label": "Åtgärder som redan vidtagits"})
    reporter_name = text(max_length=200, metadata={"label": "Rapportörens namn"})
    reporter_role = choice(REPORTER_ROLES, required=True, metadata={"label": "Rapportörens roll"})
    concerns_person = fields.String(load_default=None, metadata={"label": "Medarbetare som rapporten gäller"})


def pseudonymised(data, context):
    if PERSONAL_IDENTITY_NUMBER.search(data.get("affected_individual", "")):
        return {"affected_individual": ["Ange en pseudonym, inte ett personnummer."]}
    return {}


class ProtectSchema(FormSchema):
    actions_taken = text(metadata={"label": "Omedelbara åtgärder för den enskilde"})
    taken_on = fields.Date(required=True, metadata={"label": "Datum"})
    staff_support = text(required=False, metadata={"label": "Stöd till personal"})


class RegisterSchema(FormSchema):
    registered_on = fields.Date(required=True, metadata={"label": "Registreringsdatum"})


class AssignInvestigatorSchema(FormSchema):
    investigator = fields.String(required=True, metadata={"label": "Utredare"})
    assigned_on = fields.Date(required=True, metadata={"label": "Uppdragsdatum"})


class EntrySchema(FormSchema):
    date = fields.Date(required=True, metadata={"label": "Datum"})
    source = text(max_length=500, metadata={"label": "Källa"})
    kind = choice(ENTRY_KINDS, required=True, metadata={"label": "Faktum eller bedömning"})
    statement = text(metadata={"label": "Uppgift"})
    author_name = text(max_length=200, metadata={"label": "Författare"})
    author_title = text(max_length=200, metadata={"label": "Titel"})


class ActionTakenSchema(FormSchema):
    description = text(metadata={"label": "Åtgärd"})
    taken_on = fields.Date(required=True, metadata={"label": "Datum"})


class InvestigateSchema(FormSchema):
    entries = fields.List(fields.Nested(EntrySchema), required=True,
                          validate=validate.Length(min=1, error="Ange minst en uppgift."),
                          metadata={"label": "Utredningens uppgifter"})
    method = text(metadata={"label": "Metod (källor, intervjuer)"})
    individual_interviewed = Boolean(required=True, metadata={"label": "Har den enskilde intervjuats?"})
    not_interviewed_reason = text(required=False, metadata={"label": "Skäl till att den enskilde inte intervjuats"})
    consequences = text(metadata={"label": "Konsekvenser för den enskilde"})
    causes = text(metadata={"label": "Bakomliggande orsaker"})
    earlier_similar = text(metadata={"label": "Tidigare liknande händelser"})
    actions_taken = fields.List(fields.Nested(ActionTakenSchema), load_default=list,
                                metadata={"label": "Vidtagna åtgärder"})


class PlannedActionSchema(FormSchema):
    """One action of a plan; it becomes an action of its own (engine/actions.py) when the step is done."""

    description = text(max_length=500, metadata={"label": "Åtgärd"})
    # A person of the organisation (their id), so that the action is theirs to do and follow.
    owner = fields.String(required=True, validate=validate.Length(max=64), metadata={"label": "Ansvarig"})
    owner_name = fields.String(dump_only=True, metadata={"label": "Ansvarigs namn"})
    due_on = fields.Date(required=True, metadata={"label": "Klart senast"})
    follow_up_on = fields.Date(load_default=None, metadata={"label": "Följs upp"})


class ProposeSchema(FormSchema):
    assessment = choice(ASSESSMENTS, required=True, metadata={"label": "Bedömning"})
    categories = fields.List(choice(CATEGORIES), load_default=list, metadata={"label": "Kategorier"})
    severity = scale(1, 4, required=True, metadata={"label": "Allvarlighet", "options": SEVERITY})
    probability = scale(1, 4, required=True, metadata={"label": "Sannolikhet att det upprepas",
                                                       "options": PROBABILITY})
    recurrence_risk = text(metadata={"label": "Risk för upprepning"})
    action_plan = fields.List(fields.Nested(PlannedActionSchema), load_default=list,
                              metadata={"label": "Åtgärdsplan"})
    proposal = text(metadata={"label": "Förslag till beslut"})
    risk_level = fields.String(dump_only=True, metadata={"label": "Risknivå", "options": RISK_LEVELS})

    @post_load
    def _risk(self, data, **_):
        return {**data, "risk_level": risk_level(data["severity"], data["probability"])}


def _misconduct_needs_categories_and_plan(data, context):
    if data.get("assessment") in (None, "no_misconduct"):
        return {}
    errors = {}
    if not data.get("categories"):
        errors["categories"] = ["Ange minst en kategori."]
    if not data.get("action_plan"):
        errors["action_plan"] = ["Ange minst en åtgärd i åtgärdsplanen."]
    return errors


# A report that is no missförhållande may still be handled on: the diagram then files a linked
# complaint or deviation carrying the report (report_from_lex_sarah in workflows/klagomal.py
# and workflows/avvikelse.py).
REFILING = {
    "none": "Nej, ärendet avslutas",
    "klagomal": "Ja, som synpunkt eller klagomål",
    "avvikelse": "Ja, som avvikelse",
}


class CloseNoMisconductSchema(FormSchema):
    reason = text(metadata={"label": "Skäl till att det inte är ett missförhållande"})
    decided_on = fields.Date(required=True, metadata={"label": "Beslutsdatum"})
    refile_as = choice(REFILING, required=True, metadata={"label": "Hantera vidare som ett nytt ärende?"})


def _refiled_without_the_person_concerned(data, context):
    """A complaint cannot name the staff member a report is about, so it could not keep the
    case from them: such a report goes on as a deviation, which can."""
    if data.get("refile_as") == "klagomal" and context.case_data["report"].get("concerns_person"):
        return {"refile_as": ["Rapporten gäller en medarbetare; hantera den vidare som avvikelse."]}
    return {}


class DecideSchema(FormSchema):
    serious = Boolean(required=True, metadata={"label": "Allvarligt missförhållande (anmäls till IVO)?"})
    decided_on = fields.Date(required=True, metadata={"label": "Beslutsdatum"})
    motivation = text(metadata={"label": "Motivering"})


class NotifyIvoSchema(FormSchema):
    notified_on = fields.Date(required=True, metadata={"label": "Skickad"})
    signer = text(max_length=200, metadata={"label": "Undertecknad av"})
    channel = choice(IVO_CHANNELS, required=True, metadata={"label": "Kanal"})
    ivo_reference = fields.String(load_default="", validate=validate.Length(max=64),
                                  metadata={"label": "IVO:s diarienummer"})
    investigation_included = Boolean(required=True, metadata={"label": "Skickades den kompletta utredningen?"})


class SendSupplementSchema(FormSchema):
    sent_on = fields.Date(required=True, metadata={"label": "Skickad"})
    ivo_reference = fields.String(load_default="", validate=validate.Length(max=64),
                                  metadata={"label": "IVO:s diarienummer"})


class InformIndividualSchema(FormSchema):
    informed = Boolean(required=True, metadata={"label": "Har den enskilde informerats?"})
    informed_on = fields.Date(load_default=None, metadata={"label": "Datum"})
    informed_whom = choice(INFORMED_WHOM, load_default=None, metadata={"label": "Vem informerades"})
    comments = text(required=False, metadata={"label": "Den enskildes synpunkter"})
    not_informed_reason = text(required=False, metadata={"label": "Skäl till att inte informera"})


class FollowUpSchema(FormSchema):
    followed_up_on = fields.Date(required=True, metadata={"label": "Uppföljningsdatum"})
    outcome = text(metadata={"label": "Resultat av uppföljningen"})


class CloseSchema(FormSchema):
    position = text(metadata={"label": "Ställningstagande"})
    closed_on = fields.Date(required=True, metadata={"label": "Avslutsdatum"})


# -- opening a lex Sarah case from a complaint or a deviation ---------------------

class EscalationSchema(FormSchema):
    investigate_as_lex_sarah = Boolean(required=True, metadata={"label": "Ska det utredas enligt lex Sarah?"})
    decided_on = fields.Date(required=True, metadata={"label": "Beslutsdatum"})
    motivation = text(metadata={"label": "Motivering"})
    affected_individual = text(required=False, max_length=100, metadata={
        "label": "Berörd enskild (pseudonym) i lex Sarah-rapporten"})
    reporter_name = text(required=False, max_length=200, metadata={"label": "Rapportör i lex Sarah-rapporten"})


def _escalating(data):
    return data["investigate_as_lex_sarah"]


# The decision (by the delegation order; default förvaltningschef) to investigate another
# case as lex Sarah; the diagram then files the linked report (`file_case("lex_sarah", ...)`).
ESCALATION_FORM = SchemaForm("Besluta om lex Sarah-utredning", EscalationSchema, rules=(
    not_in_future("decided_on"),
    required_when("affected_individual", _escalating, "Ange en pseudonym för den enskilde."),
    required_when("reporter_name", _escalating, "Ange vem som rapporterar."),
    pseudonymised))


def _informed(data):
    return data["informed"]


CASE_TYPE = CaseType(
    id="lex_sarah",
    name="Lex Sarah",
    diagram="lex_sarah.bpmn",
    report=SchemaForm("Rapport om missförhållande", ReportSchema, rules=(
        known_unit("unit"), known_person("concerns_person"), pseudonymised,
        not_in_future("occurred_on", "noticed_on", "received_on"),
        in_order(ReportSchema, "occurred_on", "noticed_on", "received_on"),
    )),
    tasks={
        "protect": SchemaForm("Vidta omedelbara åtgärder", ProtectSchema,
                              rules=(not_in_future("taken_on"),)),
        "register": SchemaForm("Registrera rapporten", RegisterSchema,
                               rules=(not_in_future("registered_on"), not_before_report("registered_on"))),
        "assign_investigator": SchemaForm(
            "Utse utredare", AssignInvestigatorSchema, assigns={"investigator": "utredare"},
            rules=(person_with_role("investigator", "utredare"), not_in_future("assigned_on"),
                   not_before_report("assigned_on"))),
        "investigate": SchemaForm("Utred händelsen", InvestigateSchema, rules=(
            required_when("not_interviewed_reason", lambda d: not d["individual_interviewed"],
                          "Ange varför den enskilde inte intervjuats."),)),
        "propose": SchemaForm("Bedöm och föreslå beslut", ProposeSchema,
                              rules=(_misconduct_needs_categories_and_plan,), plans_actions="action_plan"),
        "close_no_misconduct": SchemaForm("Avsluta – inget missförhållande", CloseNoMisconductSchema, rules=(
            not_in_future("decided_on"), not_before_report("decided_on"), _refiled_without_the_person_concerned)),
        "decide": SchemaForm("Besluta om allvarligt missförhållande", DecideSchema,
                             rules=(not_in_future("decided_on"), not_before_report("decided_on"))),
        "notify_ivo": SchemaForm("Anmäl till IVO", NotifyIvoSchema,
                                 rules=(not_in_future("notified_on"), not_before_report("notified_on"))),
        "send_supplement": SchemaForm("Skicka komplett utredning till IVO", SendSupplementSchema,
                                      rules=(not_in_future("sent_on"),)),
        "inform_individual": SchemaForm("Informera den enskilde", InformIndividualSchema, rules=(
            required_when("informed_on", _informed, "Ange när den enskilde informerades."),
            required_when("informed_whom", _informed, "Ange vem som informerades."),
            required_when("not_informed_reason", lambda d: not d["informed"], "Ange skälet."),
            not_in_future("informed_on"))),
        "follow_up": SchemaForm("Följ upp åtgärdsplanen", FollowUpSchema,
                                rules=(not_in_future("followed_up_on"),)),
        "close": SchemaForm("Avsluta med ställningstagande", CloseSchema, rules=(not_in_future("closed_on"),)),
    },
    deadlines=DEADLINES,
    reminders=REMINDERS,
    statistics={
        "registered_on": ("register.registered_on",),
        "investigator_assigned_on": ("assign_investigator.assigned_on",),
        "assessment": ("propose.assessment",),
        "risk_level": ("propose.risk_level",),
        "gender": ("report.affected_gender",),
        "categories": ("propose.categories",),
        # A report that is no missförhållande is decided when it is closed.
        "decided_on": ("decide.decided_on", "close_no_misconduct.decided_on"),
        "ivo_notified_on": ("notify_ivo.notified_on",),
    },
)
