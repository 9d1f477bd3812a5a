"""Synpunkter och klagomål: feedback and complaints from anyone, answered by the unit concerned.

The flow is bpmn/klagomal.bpmn; this module holds what each step asks for (SOSFS 2011:9
5 kap. 3 §) and the default deadlines of shared/domain.md §4. Anyone may file, without
signing in and anonymously; staff may register a paper form with its real date of arrival.
"""
from __future__ import annotations

from marshmallow import fields, validate

from engine.calendar import Period
from engine.casetypes import CaseType, ReminderLevel
from workflows import lex_sarah
from workflows.fields import PersonalIdentityNumber
from workflows.forms import (
    Boolean, FormSchema, SchemaForm, choice, in_order, known_unit, not_before_report, not_in_future,
    required_when, text,
)

# The labels are those of the committee's compilations (shared/domain.md §3.3, §6).
FEEDBACK_TYPES = {
    "praise": "Beröm",
    "complaint": "Klagomål",
    "suggestion": "Förslag",
    "question": "Fråga",
    "other": "Annan synpunkt",
    "not_stated": "Ej angivit",
}
SUBMITTER_CATEGORIES = {"user": "Brukare/klient", "relative": "Anhörig", "staff": "Personal", "other": "Annan"}
CHANNELS = {
    "web": "Webbformulär",
    "paper": "Pappersblankett eller broschyr",
    "on_behalf": "Personal för någons räkning",
    "phone": "Telefon",
    "ivo": "Via IVO",
}
ANSWER_CHANNELS = {"letter": "Brev", "email": "E-post", "phone": "Telefon", "meeting": "Möte",
                   "none": "Inget svar (anonym eller inget svar önskat)"}
ACKNOWLEDGEMENT_CHANNELS = {"letter": "Brev", "email": "E-post", "phone": "Telefon"}

DEADLINES = {
    "answer": Period(14, "days"),
    # Off unless the organisation asks for it, e.g. {working_days: 5}.
    "acknowledgement": None,
}
REMINDERS = {
    "answer": (ReminderLevel("before", -2, ("assignee",)), ReminderLevel("due", 0, ("enhetschef",)),
               ReminderLevel("overdue", 7, ("forvaltningschef",))),
    "acknowledgement": (ReminderLevel("due", 0, ("assignee",)),),
}


class ReportSchema(FormSchema):
    feedback_type = choice(FEEDBACK_TYPES, load_default="not_stated", metadata={"label": "Typ av synpunkt"})
    submitter_category = choice(SUBMITTER_CATEGORIES, required=True, metadata={"label": "Vem lämnar synpunkten?"})
    unit = fields.String(required=True, metadata={"label": "Vilken verksamhet gäller det?"})
    description = text(metadata={"label": "Vad vill du framföra?"})
    occurred_on = fields.Date(load_default=None, metadata={"label": "När hände det? (om det gäller en händelse)"})
    received_on = fields.Date(required=True, metadata={"label": "Mottagen"})
    channel = choice(CHANNELS, load_default="web", metadata={"label": "Hur kom synpunkten in?"})
    ivo_reference = fields.String(load_default="", validate=validate.Length(max=64),
                                  metadata={"label": "IVO:s diarienummer"})
    reply_wanted = Boolean(load_default=False, metadata={"label": "Önskas svar?"})
    name = text(required=False, max_length=200, metadata={"label": "Namn"})
    email = fields.Email(load_default=None, metadata={"label": "E-post"})
    phone = fields.String(load_default="", validate=validate.Regexp(
        r"^[0-9 +()-]{0,20}$", error="Ange ett telefonnummer med siffror."), metadata={"label": "Telefon"})
    # The submitter's own, if they give it, so that the unit can find the case file it is about.
    personal_identity_number = PersonalIdentityNumber(metadata={"label": "Personnummer (frivilligt)"})


def _contact_when_reply_wanted(data, context):
    if data.get("reply_wanted") and not (data.get("email") or data.get("phone")):
        return {"email": ["Ange e-post eller telefon om du vill ha svar."]}
    return {}


class RegisterSchema(FormSchema):
    registered_on = fields.Date(required=True, metadata={"label": "Registreringsdatum"})
    unit = fields.String(required=True, metadata={"label": "Fördelas till enhet"})


class AcknowledgeSchema(FormSchema):
    acknowledged_on = fields.Date(required=True, metadata={"label": "Bekräftelse skickad"})
    channel = choice(ACKNOWLEDGEMENT_CHANNELS, required=True, metadata={"label": "Kanal"})


class AnswerSchema(FormSchema):
    answered_on = fields.Date(required=True, metadata={"label": "Besvarad"})
    answer = text(metadata={"label": "Svar till synpunktslämnaren"})
    channel = choice(ANSWER_CHANNELS, required=True, metadata={"label": "Hur svaret lämnades"})
    measures = text(required=False, metadata={"label": "Åtgärder i verksamheten"})
    reveals_misconduct = Boolean(required=True, metadata={
        "label": "Kan det röra sig om ett missförhållande (lex Sarah)?"})


class CloseSchema(FormSchema):
    closed_on = fields.Date(required=True, metadata={"label": "Avslutsdatum"})
    summary = text(metadata={"label": "Sammanfattning"})
    appealed = Boolean(required=True, metadata={
        "label": "Har synpunktslämnaren begärt att klagomålsdelegationen prövar ärendet?"})


class AppealSchema(FormSchema):
    heard_on = fields.Date(required=True, metadata={"label": "Prövat"})
    conclusion = text(metadata={"label": "Klagomålsdelegationens bedömning"})


def lex_sarah_report(case_data: dict) -> dict:
    """The lex Sarah report opened from a complaint: what the complaint says, reported on the
    day of the decision by the person the decision names."""
    report, answer, decision = case_data["report"], case_data["answer"], case_data["escalate"]
    return {
        "unit": case_data.get("register", report)["unit"],
        "what_happened": report["description"],
        "occurred_on": report["occurred_on"] or report["received_on"],
        "noticed_on": report["received_on"],
        "received_on": decision["decided_on"],
        "affected_individual": decision["affected_individual"],
        "immediate_actions": answer["measures"],
        "reporter_name": decision["reporter_name"],
        "reporter_role": "medarbetare",
    }


def report_from_lex_sarah(case_data: dict) -> dict:
    """A lex Sarah report found to be no missförhållande, handled on as a complaint: what the
    staff member reported, received on the day of the decision, by the unit it concerns. The
    reporter raised it for the individual, so it came in through staff on their behalf; the
    reporter's name is kept, and no reply is asked for (the reporter follows the lex Sarah case)."""
    report, decision = case_data["report"], case_data["close_no_misconduct"]
    return {
        "feedback_type": "complaint",
        "submitter_category": "staff",
        "unit": report["unit"],
        "description": report["what_happened"],
        "occurred_on": report["occurred_on"],
        "received_on": decision["decided_on"],
        "channel": "on_behalf",
        "reply_wanted": False,
        "name": report["reporter_name"],
    }


CASE_TYPE = CaseType(
    id="klagomal",
    name="Synpunkt",
    diagram="klagomal.bpmn",
    report=SchemaForm("Lämna en synpunkt eller ett klagomål", ReportSchema, rules=(
        known_unit("unit"), not_in_future("occurred_on", "received_on"), in_order(ReportSchema, "occurred_on", "received_on"),
        _contact_when_reply_wanted,
        required_when("ivo_reference", lambda d: d["channel"] == "ivo", "Ange IVO:s diarienummer."),
    )),
    tasks={
        "register": SchemaForm("Registrera och fördela", RegisterSchema, routes="unit", rules=(
            known_unit("unit"), not_in_future("registered_on"), not_before_report("registered_on"))),
        "acknowledge": SchemaForm("Skicka mottagningsbekräftelse", AcknowledgeSchema,
                                  rules=(not_in_future("acknowledged_on"),)),
        "answer": SchemaForm("Besvara synpunkten", AnswerSchema,
                             rules=(not_in_future("answered_on"), not_before_report("answered_on"))),
        "escalate": lex_sarah.ESCALATION_FORM,
        "close": SchemaForm("Avsluta", CloseSchema, rules=(not_in_future("closed_on"),)),
        "appeal": SchemaForm("Pröva klagomålet", AppealSchema, rules=(not_in_future("heard_on"),)),
    },
    deadlines=DEADLINES,
    reminders=REMINDERS,
    public=True,
    linked_reports={"lex_sarah": lex_sarah_report},
    statistics={
        "feedback_type": ("report.feedback_type",),
        "submitter_category": ("report.submitter_category",),
        "registered_on": ("register.registered_on",),
        "answered_on": ("answer.answered_on",),
    },
)
