"""Disposal (gallring): a closed case keeps its personal data through the last day of its
retention period and loses it the day after; the statistics stay as they were, the history
chain still verifies, and the disposal is recorded."""
from datetime import datetime

import pytest
import yaml
from sqlalchemy import select, text

from demo.klagomal import ANSWERED_PATH, ComplaintDriver
from demo.lex_sarah import SERIOUS_PATH
from engine import chain, retention
from engine.clock import STOCKHOLM
from engine.models import Action, Case, CaseFacts, Disposal, HistoryEvent, OutboxMessage
from engine.reports import compile_report
from engine.reports.periods import ReportPeriod
from tests.engine.tampering import tamper
from web import ROOT
from workflows.statistics import REPORTS

@pytest.fixture
def closed_case(cases):
    """A lex Sarah case that went to IVO, with an action plan, closed today."""
    case = cases.file(concerns_person="omar", unit="hemtjanst-norr")
    cases.walk(case, *SERIOUS_PATH)
    return case


def organisation_with(tmp_path, retention: dict) -> str:
    """The demo organisation's file with these retention rules."""
    organisation = yaml.safe_load((ROOT / "demo" / "organisation.yaml").read_text(encoding="utf-8"))
    path = tmp_path / "org.yaml"
    path.write_text(yaml.safe_dump({**organisation, "retention": retention}, allow_unicode=True), encoding="utf-8")
    return str(path)


def at(day: str):
    return datetime.fromisoformat(f"{day}T12:00").replace(tzinfo=STOCKHOLM)


def stored(services, diary_number):
    with services.db.snapshot() as session:
        case = session.scalar(select(Case).where(Case.diary_number == diary_number))
        events = session.scalars(select(HistoryEvent).where(HistoryEvent.case_id == case.id)
                                 .order_by(HistoryEvent.seq)).all()
        return case, events


def test_a_case_keeps_its_data_through_the_last_day_and_is_disposed_the_day_after(cli, closed_case, services,
                                                                                  clock):
    clock.set(at("2031-11-23"))  # five years (the default) after it closed: still kept
    kept = cli("retention", "dispose")
    assert kept.exit_code == 0 and "0 ärenden gallrat" in kept.output
    case, _ = stored(services, closed_case)
    assert case.data["report"]["what_happened"]

    clock.set(at("2031-11-24"))
    result = cli("retention", "dispose")
    assert result.exit_code == 0, result.output
    assert (f"{closed_case}" in result.output and "gallrat: avslutat 2026-11-23, bevarat t.o.m. 2031-11-23 "
            "(lex_sarah: 5 år efter avslut)" in result.output)
    case, events = stored(services, closed_case)
    assert (case.data, case.assignees, case.reported_by, case.concerns_person_id) == ({}, {}, None, None)
    assert all(chain.is_erased(e.summary, e.before, e.after, e.actor) for e in events[:-1])
    assert events[-1].action == "case.disposed" and events[-1].after["rule"] == "lex_sarah: 5 år efter avslut"
    assert case.status == "closed" and case.received_on.isoformat() == "2026-11-21"


def test_a_dry_run_lists_and_disposes_nothing(cli, closed_case, services, clock):
    clock.set(at("2031-11-24"))
    result = cli("retention", "dispose", "--dry-run")
    assert result.exit_code == 0 and f"{closed_case}" in result.output and "skulle gallras" in result.output
    case, events = stored(services, closed_case)
    assert case.data["report"] and not any(e.action == "case.disposed" for e in events)


def test_open_cases_are_never_disposed(cli, cases, services, clock):
    case = cases.file()
    clock.set(at("2040-01-01"))
    assert "0 ärenden gallrat" in cli("retention", "dispose").output
    assert stored(services, case)[0].data["report"]


def test_the_organisation_sets_the_period_per_case_type_or_keeps_for_ever(cli, cases, runner, services, clock,
                                                                          tmp_path):
    rules = {"klagomal": {"years": 2}, "lex_sarah": False}
    assert cli("org", "load", organisation_with(tmp_path, rules)).exit_code == 0
    complaints = ComplaintDriver(runner, clock)
    complaint = complaints.file()
    complaints.walk(complaint, *ANSWERED_PATH)
    lex_sarah = cases.file()
    cases.walk(lex_sarah, *SERIOUS_PATH)
    clock.set(at("2028-11-24"))
    result = cli("retention", "dispose")
    assert f"{complaint}" in result.output and "klagomal: 2 år efter avslut" in result.output
    assert lex_sarah not in result.output
    clock.set(at("2099-01-01"))
    assert "0 ärenden gallrat" in cli("retention", "dispose").output
    assert stored(services, complaint)[0].data == {} and stored(services, lex_sarah)[0].data["report"]


def test_a_bad_retention_rule_is_refused_naming_it(cli, tmp_path):
    result = cli("org", "load", organisation_with(tmp_path, {"klagomal": {"years": "två"}}))
    assert result.exit_code == 1 and "retention.klagomal" in result.output


def test_statistics_are_the_same_after_disposal(cli, closed_case, cases, services, clock):
    other = cases.file(unit="solgarden")
    cases.walk(other, *SERIOUS_PATH[:5])
    clock.set(at("2031-11-24"))

    def reports():
        return {key: [(table.key, table.values) for table in compile_report(
            services.db, clock, "fredrik", definition, ReportPeriod.year_of(2026)).tables]
            for key, definition in REPORTS.items()}
    before = reports()
    assert sum(count for _, values in before["compilation"] for count in values.values() if count) > 0
    assert "1 ärenden gallrat" in cli("retention", "dispose").output
    assert reports() == before


def test_the_history_still_verifies_after_disposal(cli, closed_case, services, clock):
    _, before = stored(services, closed_case)
    clock.set(at("2031-11-24"))
    cli("retention", "dispose")
    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    _, after = stored(services, closed_case)
    assert [(e.seq, e.payload_digest, e.hash) for e in after[:-1]] == [
        (e.seq, e.payload_digest, e.hash) for e in before]


def test_disposal_is_logged_and_only_the_action_text_of_disposed_cases_goes(closed_case, services, clock):
    clock.set(at("2031-11-24"))
    run = retention.dispose(services.db, clock)
    assert [d.diary_number for d in run.disposed] == [closed_case]
    with services.db.snapshot() as session:
        case = session.scalar(select(Case).where(Case.diary_number == closed_case))
        logged = session.get(Disposal, case.id)
        assert (logged.closed_on.isoformat(), logged.rule) == ("2026-11-23", "lex_sarah: 5 år efter avslut")
        assert logged.disposed_at == clock.now()
        actions = session.scalars(select(Action)).all()
        assert actions and all(action.description == chain.ERASED_SUMMARY for action in actions)
        assert session.get(CaseFacts, case.id).concerns_person_id is None


def test_disposal_erases_the_reminders_that_quote_the_action(closed_case, services, clock):
    clock.set(at("2027-01-10"))  # the action plan's action is over a week late and not done
    swept = services.sweeper.sweep()
    assert swept.actions_reminded and swept.actions_escalated
    with services.db.snapshot() as session:
        reminder, escalation = session.scalars(select(OutboxMessage.body).where(OutboxMessage.action_id.is_not(None)))
    assert "Ny rutin för schemaändringar" in reminder and "Ny rutin för schemaändringar" in escalation

    clock.set(at("2031-11-24"))
    retention.dispose(services.db, clock)
    with services.db.snapshot() as session:
        assert list(session.scalars(select(OutboxMessage.body))) == [chain.ERASED_SUMMARY] * 2


def test_an_erased_action_is_neither_reminded_of_nor_escalated(closed_case, services, clock):
    clock.set(at("2031-11-24"))
    retention.dispose(services.db, clock)
    swept = services.sweeper.sweep()
    assert (swept.actions_reminded, swept.actions_escalated) == ([], [])


def test_the_disposal_log_cannot_be_changed(closed_case, services, clock):
    clock.set(at("2031-11-24"))
    retention.dispose(services.db, clock)
    for statement in ("UPDATE disposals SET rule = 'x'", "DELETE FROM disposals"):
        with pytest.raises(Exception, match="append-only"):
            with services.db.engine.begin() as sql:
                sql.execute(text(statement))


def test_a_case_with_a_broken_history_is_not_disposed(cli, closed_case, services, clock):
    _, events = stored(services, closed_case)
    tamper(services.db, "DELETE FROM history_events WHERE id = :id", id=events[2].id)
    clock.set(at("2031-11-24"))
    result = cli("retention", "dispose")
    assert result.exit_code == 1
    assert f"{closed_case}" in result.output and "gallras inte: historikens kedja är bruten" in result.output
    assert stored(services, closed_case)[0].data["report"]


def test_content_erased_without_a_disposal_is_found(cli, closed_case, services):
    _, events = stored(services, closed_case)
    tamper(services.db, f"UPDATE history_events SET summary = '{chain.ERASED_SUMMARY}', before = NULL, "
                        "after = NULL, actor = NULL WHERE id = :id", id=events[4].id)
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert (f"{closed_case}: händelse {events[4].seq} (id {events[4].id}) ändrad: innehållet är borttaget men "
            "ärendet är inte gallrat") in result.output


def test_a_disposed_case_can_still_be_shown(closed_case, runner, clock):
    clock.set(at("2031-11-24"))
    retention.dispose(runner.db, clock)
    view = runner.show_case(closed_case, "fredrik")
    assert view.data == {} and view.status == "closed"
    assert [e.summary for e in runner.case_history(closed_case, "fredrik")][:2] == [chain.ERASED_SUMMARY] * 2
