"""What the committee (socialnämnden) gets from the data (shared/domain.md §6): the
compilation per period, lead times and deadlines, and the quality report's chapters, with
the labels of its papers. How each table is counted is engine/reports'; what a case counts
as is each case type's `statistics`.
"""
from __future__ import annotations

from engine.reports import ReportDefinition, Section
from engine.reports.actions import ActionTable
from engine.reports.compilations import DEPARTMENT, UNIT, CountTable, Dimension, Figure, FigureTable, MarkTable
from engine.reports.lead_times import DeadlineTable, LeadTimeTable, OverdueTable, Stage
from workflows import avvikelse, klagomal, lex_sarah

NOT_ASSESSED = "Ej bedömd"

FEEDBACK_TYPE = Dimension("feedback_type", "Typ", klagomal.FEEDBACK_TYPES)
SUBMITTER = Dimension("submitter_category", "Synpunktslämnare", klagomal.SUBMITTER_CATEGORIES)
ASSESSMENT = Dimension("assessment", "Bedömning", lex_sarah.ASSESSMENTS, missing=NOT_ASSESSED)
LEX_SARAH_CATEGORY = Dimension("category", "Kategori", lex_sarah.CATEGORIES)
DEVIATION_CATEGORY = Dimension("category", "Kategori", avvikelse.CATEGORIES)
RISK_LEVEL = Dimension("risk_level", "Risknivå", lex_sarah.RISK_LEVELS, missing=NOT_ASSESSED)
ROUTE = Dimension("route", "Hantering", avvikelse.ROUTES, missing=NOT_ASSESSED)
GENDER = Dimension("gender", "Den enskildes kön", lex_sarah.GENDERS, missing="Ej angivet")
CASE_TYPE = Dimension("case_type", "Ärendetyp", {"avvikelse": "Avvikelser", "lex_sarah": "Lex Sarah",
                                                 "klagomal": "Synpunkter och klagomål"})

# -- the tables ---------------------------------------------------------------------

FEEDBACK_BY_UNIT_AND_TYPE = CountTable(
    "feedback_by_unit_and_type", "Synpunkter och klagomål per enhet och typ", ("klagomal",), UNIT, FEEDBACK_TYPE)
FEEDBACK_BY_UNIT_AND_SUBMITTER = CountTable(
    "feedback_by_unit_and_submitter", "Synpunkter och klagomål per enhet och synpunktslämnare", ("klagomal",),
    UNIT, SUBMITTER)
LEX_SARAH_BY_UNIT = CountTable(
    "lex_sarah_by_unit_and_assessment", "Lex Sarah-rapporter per enhet och bedömning", ("lex_sarah",), UNIT,
    ASSESSMENT)
LEX_SARAH_BY_DEPARTMENT = CountTable(
    "lex_sarah_by_department_and_assessment", "Lex Sarah-rapporter per avdelning och bedömning", ("lex_sarah",),
    DEPARTMENT, ASSESSMENT)
LEX_SARAH_BY_CATEGORY = MarkTable(
    "lex_sarah_by_category", "Lex Sarah-rapporter per kategori", "lex_sarah", LEX_SARAH_CATEGORY,
    cases_label="Antal rapporter med kategori",
    note="En rapport med flera kategorier räknas i varje kategori: markeringarna kan vara fler än rapporterna.")
DEVIATIONS_BY_UNIT_AND_RISK = CountTable(
    "deviations_by_unit_and_risk_level", "Avvikelser per enhet och risknivå", ("avvikelse",), UNIT, RISK_LEVEL)
# Split by the gender of the individual concerned, as the report gives it. A complaint names
# no individual, so it has none.
GENDER_NOTE = "Kön på den enskilde som ärendet gäller, som det angavs i rapporten."
LEX_SARAH_BY_UNIT_AND_GENDER = CountTable(
    "lex_sarah_by_unit_and_gender", "Lex Sarah-rapporter per enhet och den enskildes kön", ("lex_sarah",), UNIT,
    GENDER, note=GENDER_NOTE)
DEVIATIONS_BY_UNIT_AND_GENDER = CountTable(
    "deviations_by_unit_and_gender", "Avvikelser per enhet och den enskildes kön", ("avvikelse",), UNIT, GENDER,
    note=GENDER_NOTE)

LEX_SARAH_LEAD_TIMES = LeadTimeTable("lex_sarah_lead_times", "Ledtider för lex Sarah-rapporter", stages=(
    Stage("Registrering", "lex_sarah", "registered_on"),
    Stage("Utredare utsedd", "lex_sarah", "investigator_assigned_on"),
    Stage("Beslut", "lex_sarah", "decided_on"),
    Stage("Anmälan till IVO", "lex_sarah", "ivo_notified_on"),
))
FEEDBACK_LEAD_TIMES = LeadTimeTable("feedback_lead_times", "Svarstid för synpunkter och klagomål", stages=(
    Stage("Svar", "klagomal", "answered_on"),
), row_title="Från mottagande till", note="Dagar från mottagningsdatum, för de synpunkter som har besvarats.")
FEEDBACK_ANSWERED_IN_TIME = DeadlineTable(
    "feedback_answered_in_time", "Synpunkter och klagomål besvarade inom fristen", "klagomal", "answer")
LEX_SARAH_REGISTERED_IN_TIME = DeadlineTable(
    "lex_sarah_registered_in_time", "Lex Sarah-rapporter registrerade inom fristen", "lex_sarah", "registration")
LEX_SARAH_ASSIGNED_IN_TIME = DeadlineTable(
    "lex_sarah_investigator_assigned_in_time", "Utredare utsedd inom fristen", "lex_sarah",
    "investigator_assignment")
LEX_SARAH_NOTIFIED_IN_TIME = DeadlineTable(
    "lex_sarah_ivo_notified_in_time", "Anmälan till IVO inom fristen", "lex_sarah", "ivo_notification")
OVERDUE_BY_UNIT = OverdueTable("overdue_by_unit", "Ärenden med överskriden frist per enhet", {
    key: CASE_TYPE.options[key] for key in ("lex_sarah", "klagomal", "avvikelse")})

# -- the reports ------------------------------------------------------------------------

COMPILATION = ReportDefinition("compilation", "Sammanställning till nämnden", sections=(
    Section("Synpunkter och klagomål", (FEEDBACK_BY_UNIT_AND_TYPE, FEEDBACK_BY_UNIT_AND_SUBMITTER)),
    Section("Lex Sarah", (LEX_SARAH_BY_UNIT, LEX_SARAH_BY_DEPARTMENT, LEX_SARAH_BY_CATEGORY,
                          LEX_SARAH_BY_UNIT_AND_GENDER)),
    Section("Avvikelser", (DEVIATIONS_BY_UNIT_AND_RISK, DEVIATIONS_BY_UNIT_AND_GENDER)),
))

LEAD_TIMES = ReportDefinition("lead_times", "Ledtider och frister", sections=(
    Section("Lex Sarah", (LEX_SARAH_LEAD_TIMES, LEX_SARAH_REGISTERED_IN_TIME, LEX_SARAH_ASSIGNED_IN_TIME,
                          LEX_SARAH_NOTIFIED_IN_TIME)),
    Section("Synpunkter och klagomål", (FEEDBACK_LEAD_TIMES, FEEDBACK_ANSWERED_IN_TIME)),
    Section("Överskridna frister", (OVERDUE_BY_UNIT,)),
))

QUALITY_REPORT = ReportDefinition("quality_report", "Kvalitetsberättelse", sections=(
    Section("Rapporter enligt lex Sarah och anmälningar till IVO", (
        FigureTable("lex_sarah_figures", "Lex Sarah-rapporter i siffror", figures=(
            Figure("Inkomna rapporter", "lex_sarah"),
            Figure("Bedömda", "lex_sarah", "assessment"),
            Figure("Bedömda som allvarligt missförhållande", "lex_sarah", "assessment", "serious_misconduct"),
            Figure("Beslutade", "lex_sarah", "decided_on"),
            Figure("Anmälda till IVO", "lex_sarah", "ivo_notified_on"),
        )),
        CountTable("lex_sarah_by_assessment", "Lex Sarah-rapporter per bedömning", ("lex_sarah",), ASSESSMENT),
        LEX_SARAH_BY_CATEGORY,
        LEX_SARAH_LEAD_TIMES,
    )),
    Section("Utredda avvikelser", (
        FigureTable("deviation_figures", "Avvikelser i siffror", figures=(
            Figure("Inkomna avvikelser", "avvikelse"),
            Figure("Bedömda", "avvikelse", "risk_level"),
            Figure("Hanterade i verksamheten", "avvikelse", "route", "local"),
            Figure("Till MAS (lex Maria)", "avvikelse", "route", "mas"),
            Figure("Till lex Sarah", "avvikelse", "route", "lex_sarah"),
        )),
        MarkTable("deviations_by_category", "Avvikelser per kategori", "avvikelse", DEVIATION_CATEGORY,
                  cases_label="Antal bedömda avvikelser"),
    )),
    Section("Synpunkter och klagomål", (
        CountTable("feedback_by_type", "Synpunkter och klagomål per typ", ("klagomal",), FEEDBACK_TYPE),
        CountTable("feedback_by_submitter", "Synpunkter och klagomål per synpunktslämnare", ("klagomal",), SUBMITTER),
        FEEDBACK_ANSWERED_IN_TIME,
    )),
    Section("Åtgärder och deras status", (
        ActionTable("actions_by_status", "Åtgärder per status", ("lex_sarah", "avvikelse", "klagomal"),
                    note="Åtgärder i handlingsplanerna för ärendena som kom in under perioden."),
    )),
    Section("Risknivåer", (
        CountTable("risk_levels", "Risknivåer i avvikelser och lex Sarah-rapporter", ("avvikelse", "lex_sarah"),
                   RISK_LEVEL, Dimension("case_type", "Ärendetyp", {key: CASE_TYPE.options[key]
                                                                    for key in ("avvikelse", "lex_sarah")})),
    )),
))

REPORTS = {report.key: report for report in (COMPILATION, LEAD_TIMES, QUALITY_REPORT)}
