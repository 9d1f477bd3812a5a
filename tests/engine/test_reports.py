"""The committee's reports, cell by cell, over a known set of cases filed and worked through the
engine with the demo drivers, across two years and the period boundaries (Stockholm dates:
a case received 2026-04-30 is T1, one received 2026-05-01 is T2).

Units, in the reports' order: DV Daglig verksamhet Ljuset and LE LSS-bostad Eken
(Funktionsstöd); HN Hemtjänst Norr and SG Solgårdens särskilda boende (Äldreomsorg).

Complaints (klagomal):
  K1 2026-04-30 complaint/relative HN, answered 05-04 (in time)
  K2 2026-05-01 praise/user SG, registered and answered 05-20 (late)
  K3 2025-03-10 suggestion/staff HN, never registered (overdue)
  K4 2026-02-02 question/other LE, routed to DV on 02-03, not answered (overdue)
  K5 2026-11-20 not stated/relative SG, registered 11-23 (answer still in time)
  K6 2025-04-30 complaint/other HN, answered 05-02 (in time)
Lex Sarah:
  L1 2026-01-15 HN about a woman, registered 01-16, investigator 01-20, serious (neglect, service
     delivery; 4x2 kritisk), decided 02-10, IVO notified 02-12
  L2 2026-04-30 SG about a man, registered 05-04, investigator 05-08, no missförhållande (1x1 låg), decided 05-15
  L3 2026-05-01 LE registered 05-04, investigator 05-06, missförhållande (violence; 2x2 medium)
  L4 2025-02-01 HN never registered
  L5 2025-04-01 DV about a woman, registered 04-02, investigator 04-03, påtaglig risk (treatment, legal
     certainty, other; 2x3 medium)
  L6 2026-03-01 HN about erik (the unit's enhetschef), never registered
  L7 2026-01-07 SG, opened from deviation A5 (so about a man), never registered
Deviations (avvikelse):
  A1 2026-04-30 HN about a woman, medication 2x2 medium, handled locally, acted on (its action: in progress)
  A2 2026-05-01 HN fall 1x1 låg, locally
  A3 2026-03-15 SG about someone of another gender, medication 3x3 kritisk, to MAS
  A4 2025-01-10 LE not assessed
  A5 2026-01-02 SG about a man, safety 4x1 kritisk, to lex Sarah (L7) on 01-07
The other reports give no gender. The action of L1's plan is done; that of L3's plan not started.
"""
from __future__ import annotations

from datetime import date, datetime, time

import pytest
from alembic import command
from sqlalchemy import func, select

import workflows
from demo.avvikelse import DeviationDriver
from demo.klagomal import ComplaintDriver
from demo.lex_sarah import CaseDriver
from engine import actions
from engine.clock import STOCKHOLM
from engine.db import alembic_config
from engine.errors import Forbidden, InvalidData
from engine.models import AccessLogEntry, ActionCase, Case, CaseFacts, CaseMark
from engine.reports import compile_report, facts
from engine.reports.lead_times import Days
from engine.reports.periods import ReportPeriod
from workflows.statistics import COMPILATION, LEAD_TIMES, QUALITY_REPORT

UNITS = ["Daglig verksamhet Ljuset", "LSS-bostad Eken", "Hemtjänst Norr", "Solgårdens särskilda boende"]
ZERO7, ZERO5, ZERO4 = [0] * 7, [0] * 5, [0] * 4


@pytest.fixture
def filed(runner, clock, services):
    """The cases of the module's docstring, each step done on its day; the clock back at
    2026-11-23 10:00 afterwards. Returns diary numbers by name."""
    end = clock.now()
    complaints, sarah, deviations = (ComplaintDriver(runner, clock), CaseDriver(runner, clock),
                                     DeviationDriver(runner, clock))

    def on(day: str):
        clock.set(datetime.combine(date.fromisoformat(day), time(10), STOCKHOLM))

    # Who protects and who commissions the investigation at the units of Funktionsstöd.
    acting = {(task, unit): person for unit in ("lss-bostad-eken", "daglig-verksamhet")
              for task, person in (("protect", "lena"), ("assign_investigator", "karin"))}

    def file(driver, received, steps=(), **report):
        """File on the day received, then do each step on its day."""
        on(received)
        number = driver.file(received_on=received, **report)
        for day, task, overrides in steps:
            on(day)
            actor = acting.get((task, report.get("unit")), driver.actors[task])
            runner.complete_task(number, task, driver.form(task, **overrides), actor)
        return number

    def complaint(received, feedback_type, submitter, unit, steps=()):
        return file(complaints, received, steps, feedback_type=feedback_type, submitter_category=submitter,
                    unit=unit)

    def report(received, unit, concerns=None, gender=None, steps=()):
        return file(sarah, received, steps, noticed_on=received, occurred_on=received, unit=unit,
                    concerns_person=concerns, affected_gender=gender)

    def deviation(received, unit, health_care=True, gender=None, steps=()):
        return file(deviations, received, steps, noticed_on=received, occurred_on=received, unit=unit,
                    health_care=health_care, affected_gender=gender)

    found = {}
    found["K1"] = complaint("2026-04-30", "complaint", "relative", "hemtjanst-norr", steps=[
        ("2026-05-04", "register", {"unit": "hemtjanst-norr"}), ("2026-05-04", "answer", {})])
    found["K2"] = complaint("2026-05-01", "praise", "user", "solgarden", steps=[
        ("2026-05-20", "register", {"unit": "solgarden"}), ("2026-05-20", "answer", {})])
    found["K3"] = complaint("2025-03-10", "suggestion", "staff", "hemtjanst-norr")
    found["K4"] = complaint("2026-02-02", "question", "other", "lss-bostad-eken", steps=[
        ("2026-02-03", "register", {"unit": "daglig-verksamhet"})])
    found["K5"] = complaint("2026-11-20", "not_stated", "relative", "solgarden", steps=[
        ("2026-11-23", "register", {"unit": "solgarden"})])
    found["K6"] = complaint("2025-04-30", "complaint", "other", "hemtjanst-norr", steps=[
        ("2025-05-02", "register", {"unit": "hemtjanst-norr"}), ("2025-05-02", "answer", {})])

    found["L1"] = report("2026-01-15", "hemtjanst-norr", gender="woman", steps=[
        ("2026-01-15", "protect", {}), ("2026-01-16", "register", {}), ("2026-01-20", "assign_investigator", {}),
        ("2026-02-05", "investigate", {}), ("2026-02-05", "propose", {}), ("2026-02-10", "decide", {}),
        ("2026-02-12", "notify_ivo", {})])
    found["L2"] = report("2026-04-30", "solgarden", gender="man", steps=[
        ("2026-04-30", "protect", {}), ("2026-05-04", "register", {}), ("2026-05-08", "assign_investigator", {}),
        ("2026-05-12", "investigate", {}),
        ("2026-05-12", "propose", {"assessment": "no_misconduct", "categories": [], "action_plan": [],
                                   "severity": 1, "probability": 1}),
        ("2026-05-15", "close_no_misconduct", {})])
    found["L3"] = report("2026-05-01", "lss-bostad-eken", steps=[
        ("2026-05-01", "protect", {}), ("2026-05-04", "register", {}), ("2026-05-06", "assign_investigator", {}),
        ("2026-05-10", "investigate", {}),
        ("2026-05-10", "propose", {"assessment": "misconduct", "categories": ["violence_abuse"],
                                   "severity": 2, "probability": 2})])
    found["L4"] = report("2025-02-01", "hemtjanst-norr")
    found["L5"] = report("2025-04-01", "daglig-verksamhet", gender="woman", steps=[
        ("2025-04-01", "protect", {}), ("2025-04-02", "register", {}), ("2025-04-03", "assign_investigator", {}),
        ("2025-04-10", "investigate", {}),
        ("2025-04-10", "propose", {"assessment": "risk_of_misconduct", "severity": 2, "probability": 3,
                                   "categories": ["treatment", "legal_certainty", "other"]})])
    found["L6"] = report("2026-03-01", "hemtjanst-norr", concerns="erik")

    found["A1"] = deviation("2026-04-30", "hemtjanst-norr", gender="woman", steps=[
        ("2026-04-30", "triage", {}), ("2026-04-30", "act", {})])
    found["A2"] = deviation("2026-05-01", "hemtjanst-norr", steps=[
        ("2026-05-02", "triage", {"category": "fall", "severity": 1, "probability": 1})])
    found["A3"] = deviation("2026-03-15", "solgarden", gender="other", steps=[
        ("2026-03-16", "triage", {"severity": 3, "probability": 3, "route": "mas"})])
    found["A4"] = deviation("2025-01-10", "lss-bostad-eken")
    found["A5"] = deviation("2026-01-02", "solgarden", health_care=False, gender="man", steps=[
        ("2026-01-05", "triage", {"category": "safety", "severity": 4, "probability": 1, "route": "lex_sarah"}),
        ("2026-01-07", "escalate", {})])
    found["L7"] = next(other for relation, other in runner.show_case(found["A5"], "fredrik").links)

    clock.set(end)
    with services.db.snapshot() as session:
        action_of = dict(session.execute(select(Case.diary_number, ActionCase.action_id)
                                         .join(ActionCase, ActionCase.case_id == Case.id)).all())
    actions.change_status(services.db, clock, "erik", action_of[found["L1"]], "done")
    actions.change_status(services.db, clock, "erik", action_of[found["A1"]], "in_progress")
    return found


def compile_for(services, clock, person, definition, period):
    return compile_report(services.db, clock, person, definition, period)


def rows(report, key) -> dict:
    """A table's layout as {row label: values}, the columns' headings under None."""
    layout = report.table(key).layout()
    return {None: [column.heading for column in layout.columns], **{row.label: row.values for row in layout.rows}}


# -- the compilation ------------------------------------------------------------------------

def test_the_compilation_of_t1_in_two_years_cell_by_cell(services, clock, filed):
    report = compile_for(services, clock, "fredrik", COMPILATION, ReportPeriod.of("T1", 2026, years=2))

    assert report.all_units and report.units == tuple(UNITS)
    assert [span.label for span in report.period.spans()] == ["T1 2025", "T1 2026"]
    types = ["Beröm", "Klagomål", "Förslag", "Fråga", "Annan synpunkt", "Ej angivit", "Summa"]
    assert rows(report, "feedback_by_unit_and_type") == {
        None: [f"{period} {label}" for period in ("T1 2025", "T1 2026") for label in types],
        "Daglig verksamhet Ljuset": [*ZERO7, 0, 0, 0, 1, 0, 0, 1],
        "LSS-bostad Eken": [*ZERO7, *ZERO7],
        "Hemtjänst Norr": [0, 1, 1, 0, 0, 0, 2, 0, 1, 0, 0, 0, 0, 1],
        "Solgårdens särskilda boende": [*ZERO7, *ZERO7],
        "Summa": [0, 1, 1, 0, 0, 0, 2, 0, 1, 0, 1, 0, 0, 2],
    }
    submitters = ["Brukare/klient", "Anhörig", "Personal", "Annan", "Summa"]
    assert rows(report, "feedback_by_unit_and_submitter") == {
        None: [f"{period} {label}" for period in ("T1 2025", "T1 2026") for label in submitters],
        "Daglig verksamhet Ljuset": [*ZERO5, 0, 0, 0, 1, 1],
        "LSS-bostad Eken": [*ZERO5, *ZERO5],
        "Hemtjänst Norr": [0, 0, 1, 1, 2, 0, 1, 0, 0, 1],
        "Solgårdens särskilda boende": [*ZERO5, *ZERO5],
        "Summa": [0, 0, 1, 1, 2, 0, 1, 0, 1, 2],
    }
    assessments = ["Inget missförhållande", "Påtaglig risk för missförhållande", "Missförhållande",
                   "Påtaglig risk för allvarligt missförhållande", "Allvarligt missförhållande", "Ej bedömd",
                   "Summa"]
    assert rows(report, "lex_sarah_by_unit_and_assessment") == {
        None: [f"{period} {label}" for period in ("T1 2025", "T1 2026") for label in assessments],
        "Daglig verksamhet Ljuset": [0, 1, 0, 0, 0, 0, 1, *ZERO7],
        "LSS-bostad Eken": [*ZERO7, *ZERO7],
        "Hemtjänst Norr": [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 2],
        "Solgårdens särskilda boende": [*ZERO7, 1, 0, 0, 0, 0, 1, 2],
        "Summa": [0, 1, 0, 0, 0, 1, 2, 1, 0, 0, 0, 1, 2, 4],
    }
    assert rows(report, "lex_sarah_by_department_and_assessment") == {
        None: [f"{period} {label}" for period in ("T1 2025", "T1 2026") for label in assessments],
        "Funktionsstöd": [0, 1, 0, 0, 0, 0, 1, *ZERO7],
        "Äldreomsorg": [0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 2, 4],
        "Summa": [0, 1, 0, 0, 0, 1, 2, 1, 0, 0, 0, 1, 2, 4],
    }
    assert rows(report, "lex_sarah_by_category") == {
        None: ["T1 2025", "T1 2026"],
        "Våld/övergrepp": [0, 0],
        "Ekonomiska oegentligheter": [0, 0],
        "Försummelse": [0, 1],
        "Brister i bemötande": [1, 0],
        "Brister i rättssäkerhet vid handläggning": [1, 0],
        "Brister i genomförande av insats": [0, 1],
        "Annat": [1, 0],
        "Summa markeringar": [3, 2],
        "Antal rapporter med kategori": [1, 1],
    }
    risk_levels = ["Låg", "Medium", "Kritisk", "Ej bedömd", "Summa"]
    assert rows(report, "deviations_by_unit_and_risk_level") == {
        None: [f"{period} {label}" for period in ("T1 2025", "T1 2026") for label in risk_levels],
        "Daglig verksamhet Ljuset": [*ZERO5, *ZERO5],
        "LSS-bostad Eken": [0, 0, 0, 1, 1, *ZERO5],
        "Hemtjänst Norr": [*ZERO5, 0, 1, 0, 0, 1],
        "Solgårdens särskilda boende": [*ZERO5, 0, 0, 2, 0, 2],
        "Summa": [0, 0, 0, 1, 1, 0, 1, 2, 0, 3],
    }
    # L7 has the gender of the deviation it was opened from (A5).
    genders = ["Kvinna", "Man", "Annat", "Ej angivet", "Summa"]
    assert rows(report, "lex_sarah_by_unit_and_gender") == {
        None: [f"{period} {label}" for period in ("T1 2025", "T1 2026") for label in genders],
        "Daglig verksamhet Ljuset": [1, 0, 0, 0, 1, *ZERO5],
        "LSS-bostad Eken": [*ZERO5, *ZERO5],
        "Hemtjänst Norr": [0, 0, 0, 1, 1, 1, 0, 0, 1, 2],
        "Solgårdens särskilda boende": [*ZERO5, 0, 2, 0, 0, 2],
        "Summa": [1, 0, 0, 1, 2, 1, 2, 0, 1, 4],
    }
    assert rows(report, "deviations_by_unit_and_gender") == {
        None: [f"{period} {label}" for period in ("T1 2025", "T1 2026") for label in genders],
        "Daglig verksamhet Ljuset": [*ZERO5, *ZERO5],
        "LSS-bostad Eken": [0, 0, 0, 1, 1, *ZERO5],
        "Hemtjänst Norr": [*ZERO5, 1, 0, 0, 0, 1],
        "Solgårdens särskilda boende": [*ZERO5, 0, 1, 1, 0, 2],
        "Summa": [0, 0, 0, 1, 1, 1, 1, 1, 0, 3],
    }


@pytest.mark.parametrize(("period", "feedback", "lex_sarah", "deviations"), [
    (ReportPeriod.of("T1", 2026), 2, 4, 3),  # 2026-04-30 is in T1
    (ReportPeriod.of("T2", 2026), 1, 1, 1),  # 2026-05-01 is in T2
    (ReportPeriod.of("T3", 2026), 1, 0, 0),
    (ReportPeriod.of("delar", 2026), 3, 5, 4),
    (ReportPeriod.of("helar", 2026), 4, 5, 4),
    (ReportPeriod.of("helar", 2025), 2, 2, 1),
    (ReportPeriod.of("range", start=date(2026, 4, 30), end=date(2026, 5, 1)), 2, 2, 2),
    (ReportPeriod.of("range", start=date(2025, 4, 30), end=date(2025, 5, 1)), 1, 0, 0),
])
def test_cases_count_in_the_period_they_were_received_in(services, clock, filed, period, feedback, lex_sarah,
                                                        deviations):
    report = compile_for(services, clock, "fredrik", COMPILATION, period)

    assert [report.table(key).total(0) for key in ("feedback_by_unit_and_type", "lex_sarah_by_unit_and_assessment",
                                                   "deviations_by_unit_and_risk_level")] == [feedback, lex_sarah,
                                                                                             deviations]


def test_a_range_is_shown_beside_the_same_dates_a_year_earlier(services, clock, filed):
    report = compile_for(services, clock, "fredrik", COMPILATION,
                         ReportPeriod.of("range", start=date(2026, 4, 30), end=date(2026, 5, 1), years=2))

    assert [span.label for span in report.period.spans()] == ["2025-04-30–2025-05-01", "2026-04-30–2026-05-01"]
    assert rows(report, "feedback_by_unit_and_type")["Summa"] == [0, 1, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 2]


# -- who counts what ----------------------------------------------------------------------------

def test_a_unit_manager_counts_only_their_units_and_not_a_report_about_themselves(services, clock, filed):
    report = compile_for(services, clock, "erik", COMPILATION, ReportPeriod.of("T1", 2026))

    assert not report.all_units and report.units == ("Hemtjänst Norr", "Solgårdens särskilda boende")
    # L6 is about erik: not counted for him, as he may not see it.
    assert rows(report, "lex_sarah_by_unit_and_assessment") == {
        None: [f"T1 2026 {label}" for label in ("Inget missförhållande", "Påtaglig risk för missförhållande",
                                                "Missförhållande", "Påtaglig risk för allvarligt missförhållande",
                                                "Allvarligt missförhållande", "Ej bedömd", "Summa")],
        "Hemtjänst Norr": [0, 0, 0, 0, 1, 0, 1],
        "Solgårdens särskilda boende": [1, 0, 0, 0, 0, 1, 2],
        "Summa": [1, 0, 0, 0, 1, 1, 3],
    }
    assert rows(report, "lex_sarah_by_department_and_assessment")["Äldreomsorg"] == [1, 0, 0, 0, 1, 1, 3]
    assert list(rows(report, "deviations_by_unit_and_risk_level")) == [None, "Hemtjänst Norr",
                                                                      "Solgårdens särskilda boende", "Summa"]


def test_a_unit_manager_of_other_units_counts_theirs(services, clock, filed):
    report = compile_for(services, clock, "lena", COMPILATION, ReportPeriod.of("T1", 2026))

    assert report.units == ("Daglig verksamhet Ljuset", "LSS-bostad Eken")
    assert rows(report, "feedback_by_unit_and_type")["Summa"] == [0, 0, 0, 1, 0, 0, 1]
    assert list(rows(report, "lex_sarah_by_department_and_assessment")) == [None, "Funktionsstöd", "Summa"]


@pytest.mark.parametrize("person", ["anna", "ulla", "admin", "nils"])
def test_who_answers_for_no_unit_gets_no_statistics(services, clock, filed, person):
    with pytest.raises(Forbidden):
        compile_for(services, clock, person, COMPILATION, ReportPeriod.of("T1", 2026))


def test_statistics_are_no_read_of_a_case(services, clock, filed):
    def reads():
        with services.db.snapshot() as session:
            return session.scalar(select(func.count()).select_from(AccessLogEntry))
    before = reads()

    for definition in (COMPILATION, LEAD_TIMES, QUALITY_REPORT):
        compile_for(services, clock, "fredrik", definition, ReportPeriod.year_of(2026, 2))

    assert reads() == before


# -- lead times and deadlines -----------------------------------------------------------------------

def test_lead_times_and_deadlines_cell_by_cell(services, clock, filed):
    report = compile_for(services, clock, "fredrik", LEAD_TIMES, ReportPeriod.of("helar", 2026, years=2))

    figures = ["Antal", "Medel", "Median", "Längst"]
    assert rows(report, "lex_sarah_lead_times") == {
        None: [f"Helår {year} {label}" for year in (2025, 2026) for label in figures],
        "Registrering": [1, 1.0, 1.0, 1, 3, 2.7, 3.0, 4],
        "Utredare utsedd": [1, 2.0, 2.0, 2, 3, 6.0, 5.0, 8],
        "Beslut": [0, None, None, None, 2, 20.5, 20.5, 26],
        "Anmälan till IVO": [0, None, None, None, 1, 28.0, 28.0, 28],
    }
    outcomes = ["Klart inom fristen", "Klart efter fristen", "Inte klart, fristen har passerat",
                "Inte klart, inom fristen", "Summa", "Andel klara inom fristen, %"]
    assert rows(report, "lex_sarah_registered_in_time") == {
        None: ["Helår 2025", "Helår 2026"], **dict(zip(outcomes, ([1, 3], [0, 0], [1, 2], [0, 0], [2, 5],
                                                                  [50.0, 60.0])))}
    assert rows(report, "lex_sarah_investigator_assigned_in_time") == {
        None: ["Helår 2025", "Helår 2026"], **dict(zip(outcomes, ([1, 3], [0, 0], [0, 0], [0, 0], [1, 3],
                                                                  [100.0, 100.0])))}
    assert rows(report, "lex_sarah_ivo_notified_in_time") == {
        None: ["Helår 2025", "Helår 2026"], **dict(zip(outcomes, ([0, 1], [0, 0], [0, 0], [0, 0], [0, 1],
                                                                  [None, 100.0])))}
    assert rows(report, "feedback_lead_times") == {
        None: [f"Helår {year} {label}" for year in (2025, 2026) for label in figures],
        "Svar": [1, 2.0, 2.0, 2, 2, 11.5, 11.5, 19],
    }
    # K2 was answered late, K4 is passed unanswered, K5 is still within its 14 days.
    assert rows(report, "feedback_answered_in_time") == {
        None: ["Helår 2025", "Helår 2026"], **dict(zip(outcomes, ([1, 1], [0, 1], [1, 1], [0, 1], [2, 4],
                                                                  [50.0, 33.3])))}
    overdue = ["Lex Sarah", "Synpunkter och klagomål", "Avvikelser", "Summa"]
    assert rows(report, "overdue_by_unit") == {
        None: [f"Helår {year} {label}" for year in (2025, 2026) for label in overdue],
        "Daglig verksamhet Ljuset": [*ZERO4, 0, 1, 0, 1],
        "LSS-bostad Eken": [*ZERO4, *ZERO4],
        "Hemtjänst Norr": [1, 1, 0, 2, 1, 0, 0, 1],
        "Solgårdens särskilda boende": [*ZERO4, 1, 1, 0, 2],
        "Summa": [1, 1, 0, 2, 2, 2, 0, 4],
    }


def test_lead_time_statistics_from_the_cases_counted_per_number_of_days():
    # Six cases took 2, 2, 2, 5, 9 and 30 days: the middle two are the third and the fourth.
    six = Days([(2, 3), (5, 1), (9, 1), (30, 1)])
    assert (six.count, six.mean, six.median, six.longest) == (6, pytest.approx(50 / 6), 3.5, 30)
    # Five cases took 2, 2, 2, 5 and 9 days: the middle one is the third.
    five = Days([(2, 3), (5, 1), (9, 1)])
    assert (five.count, five.mean, five.median, five.longest) == (5, 4.0, 2.0, 9)


# -- the quality report ------------------------------------------------------------------------------

def test_the_quality_report_of_2026_beside_2025_cell_by_cell(services, clock, filed):
    report = compile_for(services, clock, "fredrik", QUALITY_REPORT, ReportPeriod.year_of(2026, 2))

    assert [section.title for section in report.sections] == [
        "Rapporter enligt lex Sarah och anmälningar till IVO", "Utredda avvikelser", "Synpunkter och klagomål",
        "Åtgärder och deras status", "Risknivåer"]
    years = ["Helår 2025", "Helår 2026"]
    assert rows(report, "lex_sarah_figures") == {
        None: years, "Inkomna rapporter": [2, 5], "Bedömda": [1, 3],
        "Bedömda som allvarligt missförhållande": [0, 1], "Beslutade": [0, 2], "Anmälda till IVO": [0, 1]}
    assert rows(report, "lex_sarah_by_assessment") == {
        None: years, "Inget missförhållande": [0, 1], "Påtaglig risk för missförhållande": [1, 0],
        "Missförhållande": [0, 1], "Påtaglig risk för allvarligt missförhållande": [0, 0],
        "Allvarligt missförhållande": [0, 1], "Ej bedömd": [1, 2], "Summa": [2, 5]}
    assert rows(report, "lex_sarah_by_category") == {
        None: years, "Våld/övergrepp": [0, 1], "Ekonomiska oegentligheter": [0, 0], "Försummelse": [0, 1],
        "Brister i bemötande": [1, 0], "Brister i rättssäkerhet vid handläggning": [1, 0],
        "Brister i genomförande av insats": [0, 1], "Annat": [1, 0], "Summa markeringar": [3, 3],
        "Antal rapporter med kategori": [1, 2]}
    assert rows(report, "lex_sarah_lead_times")["Beslut"] == [0, None, None, None, 2, 20.5, 20.5, 26]
    assert rows(report, "deviation_figures") == {
        None: years, "Inkomna avvikelser": [1, 4], "Bedömda": [0, 4], "Hanterade i verksamheten": [0, 2],
        "Till MAS (lex Maria)": [0, 1], "Till lex Sarah": [0, 1]}
    assert rows(report, "deviations_by_category") == {
        None: years, "Fall": [0, 1], "Läkemedel": [0, 2], "Insats ej utförd": [0, 0], "Bemötande": [0, 0],
        "Dokumentation": [0, 0], "Säkerhet och larm": [0, 1], "Annat": [0, 0], "Summa markeringar": [0, 4],
        "Antal bedömda avvikelser": [0, 4]}
    assert rows(report, "feedback_by_type") == {
        None: years, "Beröm": [0, 1], "Klagomål": [1, 1], "Förslag": [1, 0], "Fråga": [0, 1],
        "Annan synpunkt": [0, 0], "Ej angivit": [0, 1], "Summa": [2, 4]}
    assert rows(report, "feedback_by_submitter") == {
        None: years, "Brukare/klient": [0, 1], "Anhörig": [0, 2], "Personal": [1, 0], "Annan": [1, 1],
        "Summa": [2, 4]}
    assert rows(report, "feedback_answered_in_time")["Andel klara inom fristen, %"] == [50.0, 33.3]
    # L1's action is done, A1's in progress and late (due 2026-05-14), L3's not started (due
    # 2026-06-09); L5's not started (due 2025-05-10).
    assert rows(report, "actions_by_status") == {
        None: years, "Ej påbörjad": [1, 1], "Pågår": [0, 1], "Klar": [0, 1], "Summa": [1, 3],
        "Varav försenade (inte klara, sista dag passerad)": [1, 2]}
    assert rows(report, "risk_levels") == {
        None: [f"{year} {label}" for year in years for label in ("Avvikelser", "Lex Sarah", "Summa")],
        "Låg": [0, 0, 0, 1, 1, 2], "Medium": [0, 1, 1, 1, 1, 2], "Kritisk": [0, 0, 0, 2, 1, 3],
        "Ej bedömd": [1, 1, 2, 0, 2, 2], "Summa": [1, 2, 3, 4, 5, 9]}


# -- what a case counts as ----------------------------------------------------------------------------

def test_the_facts_follow_each_step_of_a_case(services, clock, cases):
    number = cases.file(unit="solgarden")
    cases.walk(number, "protect", "register", "assign_investigator", "investigate", "propose")

    with services.db.snapshot() as session:
        case_id = session.scalar(select(Case.id).where(Case.diary_number == number))
        facts = session.get(CaseFacts, case_id)
        marks = session.scalars(select(CaseMark.category).where(CaseMark.case_id == case_id)
                                .order_by(CaseMark.category)).all()
    assert (facts.case_type, facts.unit_id, facts.assessment, facts.risk_level, facts.category_count) == (
        "lex_sarah", "solgarden", "serious_misconduct", "kritisk", 2)
    assert (facts.registered_on, facts.investigator_assigned_on, facts.decided_on) == (
        clock.today(), clock.today(), None)
    assert marks == ["neglect", "service_delivery"]


def test_a_routed_complaint_counts_under_the_unit_it_was_routed_to(services, clock, filed):
    report = compile_for(services, clock, "fredrik", COMPILATION, ReportPeriod.of("T1", 2026))

    assert rows(report, "feedback_by_unit_and_type")["LSS-bostad Eken"] == ZERO7
    assert rows(report, "feedback_by_unit_and_type")["Daglig verksamhet Ljuset"] == [0, 0, 0, 1, 0, 0, 1]


# -- periods ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("arguments", "field"), [
    ({"kind": "T4", "year": 2026}, "period"),
    ({"kind": "T1"}, "year"),
    ({"kind": "T1", "year": 1999}, "year"),
    ({"kind": "T1", "year": 2026, "years": 0}, "years"),
    ({"kind": "T1", "year": 2001, "years": 3}, "years"),
    ({"kind": "range", "end": date(2026, 1, 1)}, "from"),
    ({"kind": "range", "start": date(2026, 2, 1), "end": date(2026, 1, 1)}, "to"),
    ({"kind": "range", "start": date(2025, 1, 1), "end": date(2026, 1, 1)}, "to"),
])
def test_a_period_that_cannot_be_names_its_field(arguments, field):
    with pytest.raises(InvalidData) as raised:
        ReportPeriod.of(**arguments)
    assert list(raised.value.errors) == [field]


def test_the_periods_of_a_year():
    assert [(span.label, span.start, span.end) for span in ReportPeriod.of("T2", 2024, years=2).spans()] == [
        ("T2 2023", date(2023, 5, 1), date(2023, 8, 31)), ("T2 2024", date(2024, 5, 1), date(2024, 8, 31))]
    assert [(span.start, span.end) for span in ReportPeriod.of("T1", 2024).spans()] == [
        (date(2024, 1, 1), date(2024, 4, 30))]
    assert [(span.start, span.end) for span in ReportPeriod.of("T3", 2026).spans()] == [
        (date(2026, 9, 1), date(2026, 12, 31))]
    assert [(span.label, span.end) for span in ReportPeriod.of("delar", 2026).spans()] == [
        ("Delår 2026", date(2026, 8, 31))]
    # A range from a leap day is shown beside the last day of February a year earlier.
    assert [(span.start, span.end) for span in ReportPeriod.of(
        "range", start=date(2024, 2, 29), end=date(2024, 3, 31), years=2).spans()] == [
        (date(2023, 2, 28), date(2023, 3, 31)), (date(2024, 2, 29), date(2024, 3, 31))]


@pytest.mark.parametrize("case_type", workflows.CASE_TYPES.values(), ids=lambda case_type: case_type.id)
def test_what_a_case_type_counts_is_a_field_of_its_forms(case_type):
    for name, places in case_type.statistics.items():
        assert name in (*facts.COLUMNS, facts.MARKS)
        for place in places:
            form, _, field = place.partition(".")
            schema = case_type.report.schema if form == "report" else case_type.tasks[form].schema
            assert field in schema().fields, place


def test_the_migration_fills_in_the_facts_of_the_cases_already_there(services, filed):
    def stored():
        with services.db.snapshot() as session:
            return (session.execute(select(CaseFacts.__table__).order_by(CaseFacts.case_id)).all(),
                    session.execute(select(CaseMark.__table__).order_by(CaseMark.case_id, CaseMark.category)).all())
    written_step_by_step = stored()

    with services.db.engine.begin() as connection:
        config = alembic_config(services.db.url)
        config.attributes["connection"] = connection
        command.downgrade(config, "0006")
        command.upgrade(config, "head")

    assert stored() == written_step_by_step and len(written_step_by_step[0]) == 18
