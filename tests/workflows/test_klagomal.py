"""Complaints: filed by anyone, routed to the unit concerned, answered within 14 days,
optionally acknowledged, appealed to the klagomålsdelegation, escalated to lex Sarah."""
from datetime import datetime

import pytest
from sqlalchemy import select

from demo.klagomal import ANSWERED_PATH, ComplaintDriver
from engine import organisation
from engine.clock import STOCKHOLM
from engine.errors import Forbidden, InvalidData
from engine.models import Deadline, OutboxMessage, Reminder
from web import ROOT


@pytest.fixture
def complaints(runner, clock):
    return ComplaintDriver(runner, clock)


def at(*args):
    return datetime(*args, tzinfo=STOCKHOLM)


def reminders(services, case):
    with services.db.unit_of_work() as session:
        rows = session.execute(select(Reminder.level, Reminder.status, OutboxMessage.person_id)
                               .join(OutboxMessage, OutboxMessage.reminder_id == Reminder.id)
                               .order_by(OutboxMessage.id)).all()
    return [tuple(row) for row in rows]


def test_the_public_files_anonymously_without_signing_in(complaints, runner):
    case = complaints.file(reply_wanted=False, name="", email=None)
    view = runner.show_case(case, "rita")
    assert view.data["report"]["name"] == "" and view.data["report"]["email"] is None
    assert [t.name for t in view.tasks] == ["register"]


def test_only_complaints_may_be_filed_by_the_public(cases, runner):
    with pytest.raises(Forbidden):
        runner.file_case("lex_sarah", cases.report(), None)


def test_a_reply_needs_a_way_to_reach_the_submitter(complaints):
    with pytest.raises(InvalidData) as error:
        complaints.file(reply_wanted=True, email=None, phone="")
    assert error.value.errors == {"email": ["Ange e-post eller telefon om du vill ha svar."]}


def test_a_case_opened_from_an_ivo_contact_records_ivos_case_number(complaints, runner):
    with pytest.raises(InvalidData) as error:
        complaints.file(channel="ivo")
    assert list(error.value.errors) == ["ivo_reference"]
    case = complaints.file(channel="ivo", ivo_reference="3.1.2-4567/2026")
    assert runner.show_case(case, "rita").data["report"]["ivo_reference"] == "3.1.2-4567/2026"


def test_registration_routes_the_complaint_to_the_unit_concerned(complaints, runner, inbox):
    case = complaints.file(unit="hemtjanst-norr")
    complaints.complete(case, "register", unit="lss-bostad-eken")
    view = runner.show_case(case, "lena")  # enhetschef of LSS-bostad Eken
    assert view.unit == "lss-bostad-eken" and [t.name for t in view.tasks] == ["answer"]
    assert [name for _, name in inbox("lena")] == ["answer"]
    assert inbox("erik") == []


def test_the_answered_path_closes_the_case(complaints, runner):
    case = complaints.file()
    view = complaints.walk(case, *ANSWERED_PATH)
    assert view.status == "closed" and view.tasks == []
    assert [d.status for d in view.deadlines] == ["met", "met"]


def test_an_appeal_goes_to_the_klagomalsdelegation(complaints, inbox):
    case = complaints.file()
    complaints.walk(case, "register", "answer")
    view = complaints.complete(case, "close", appealed=True)
    assert [t.name for t in view.tasks] == ["appeal"]
    assert [number for number, _ in inbox("nils")] == [case]
    assert complaints.complete(case, "appeal").status == "closed"


def test_escalation_opens_a_linked_lex_sarah_case_carrying_the_complaint(complaints, runner):
    case = complaints.file(occurred_on=complaints.day(-4))
    complaints.walk(case, "register", "answer", answer={"reveals_misconduct": True})
    view = complaints.complete(case, "escalate")
    (relation, linked), = view.links
    assert relation == "escalated_to"
    lex_sarah = runner.show_case(linked, "fredrik")
    assert lex_sarah.case_type == "lex_sarah"
    assert lex_sarah.links == [("escalated_to (från)", case)]
    report = lex_sarah.data["report"]
    assert report["what_happened"] == complaints.report()["description"]
    assert report["occurred_on"] == complaints.day(-4) and report["affected_individual"] == "Brukare C"
    assert sorted(t.name for t in lex_sarah.tasks) == ["protect", "register"]


def test_an_escalation_refused_opens_nothing(complaints, runner):
    case = complaints.file()
    complaints.walk(case, "register", "answer", answer={"reveals_misconduct": True})
    view = complaints.complete(case, "escalate", investigate_as_lex_sarah=False,
                               affected_individual="", reporter_name="")
    assert view.links == [] and [t.name for t in view.tasks] == ["close"]


def test_the_answer_is_due_14_calendar_days_after_receipt(complaints, services, clock):
    case = complaints.file(received_on="2026-11-23")
    complaints.complete(case, "register")
    with services.db.unit_of_work() as session:
        due = session.scalars(select(Deadline.due_at).where(Deadline.kind == "answer")).all()
    # 14 days from Monday 23 November: the deadline passes when Monday 7 December ends.
    assert {d.astimezone(STOCKHOLM) for d in due} == {at(2026, 12, 8)}

    clock.set(at(2026, 12, 6, 0, 0))  # two days before: the assignee (erik answers for his unit)
    services.sweeper.sweep()
    clock.set(at(2026, 12, 8, 0, 0))  # due: the enhetschef
    services.sweeper.sweep()
    clock.set(at(2026, 12, 15, 0, 0))  # a week late: the förvaltningschef
    services.sweeper.sweep()
    assert reminders(services, case) == [("before", "sent", "erik"), ("due", "sent", "erik"),
                                         ("overdue", "sent", "fredrik")]


def test_a_paper_complaint_received_three_weeks_ago_is_already_late(complaints, runner):
    case = complaints.file(channel="paper", received_on=complaints.day(-21))
    (deadline,) = runner.show_case(case, "rita").deadlines
    assert deadline.status == "overdue"
    assert runner.case_history(case, "rita")[1].summary == \
        "Frist satt: Svarsfrist (registrering), senast 2026-11-16 (6 dagar sen)"


def _configure(services, **sections):
    data = organisation.read_file(ROOT / "demo" / "organisation.yaml")
    data.update(sections)
    with services.db.unit_of_work() as session:
        organisation.load(session, data, services.clock.now())


def test_acknowledgement_is_off_by_default(complaints, runner):
    case = complaints.file()
    assert [t.name for t in complaints.complete(case, "register").tasks] == ["answer"]


def test_a_configured_acknowledgement_is_asked_for_when_a_reply_is_wanted(complaints, services, runner):
    _configure(services, deadlines={"klagomal": {"acknowledgement": {"working_days": 5}}})
    wants_reply, anonymous = complaints.file(), complaints.file(reply_wanted=False, email=None)
    assert sorted(t.name for t in complaints.complete(wants_reply, "register").tasks) == ["acknowledge", "answer"]
    assert [t.name for t in complaints.complete(anonymous, "register").tasks] == ["answer"]
    labels = {d.label: d.due_at.astimezone(STOCKHOLM) for d in runner.show_case(wants_reply, "rita").deadlines}
    # Five working days from Monday 23 November: passes when Monday 30 November ends.
    assert labels["Bekräftelsefrist"] == at(2026, 12, 1)


def test_reminder_levels_come_from_the_organisation_file(complaints, services, clock):
    _configure(services, reminders={"klagomal": {"answer": [
        {"level": "due", "days": 0, "notify": ["registrator"]},
        {"level": "overdue", "days": 1, "notify": ["forvaltningschef", "avdelningschef"]}]}})
    case = complaints.file(received_on="2026-11-23")
    clock.set(at(2026, 12, 9, 0, 0))
    services.sweeper.sweep()
    assert sorted(person for _, _, person in reminders(services, case)) == ["anders", "fredrik", "rita"]
