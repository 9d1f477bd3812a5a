"""Deadlines fire by the controlled clock, once per level, and reminders reach people."""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from demo.lex_sarah import SERIOUS_PATH
from engine import actions
from engine.clock import STOCKHOLM
from engine.models import Deadline, HistoryEvent, OutboxMessage, Reminder
from web import create_app


def at(*args):
    return datetime(*args, tzinfo=STOCKHOLM)


def deadlines(services, kind=None):
    with services.db.unit_of_work() as session:
        query = select(Deadline.kind, Deadline.status).order_by(Deadline.id)
        return session.execute(query if kind is None else query.where(Deadline.kind == kind)).all()


def messages(services):
    with services.db.unit_of_work() as session:
        return session.execute(select(OutboxMessage.person_id, OutboxMessage.subject, OutboxMessage.body)
                               .order_by(OutboxMessage.id)).all()


def follow_up_deadlines(services):
    with services.db.unit_of_work() as session:
        return list(session.scalars(select(Deadline).where(Deadline.kind == "follow_up")))


def history_actions(services, prefix):
    with services.db.unit_of_work() as session:
        return list(session.scalars(select(HistoryEvent.summary).where(HistoryEvent.action.like(f"{prefix}%"))
                                    .order_by(HistoryEvent.id)))


def test_a_deadline_fires_exactly_at_its_due_time(cases, services, clock):
    case = cases.file(received_on="2026-11-23", noticed_on="2026-11-22", occurred_on="2026-11-22")
    # One working day after Monday 23 November: the deadline passes when Tuesday ends.
    clock.set(at(2026, 11, 24, 23, 59, 59))
    assert services.sweeper.sweep().fired == []
    clock.set(at(2026, 11, 25, 0, 0, 0))
    assert len(services.sweeper.sweep().fired) == 1

    assert deadlines(services) == [("registration", "overdue")]
    assert sorted(p for p, _, _ in messages(services)) == ["erik", "rita"]
    subject = messages(services)[0][1]
    assert subject == f"Påminnelse: Registreringsfrist i {case} har gått ut"
    assert history_actions(services, "deadline.escalated") == ["Påminnelse om frist: Registreringsfrist"]


def test_an_escalation_says_which_of_two_deadlines_of_one_kind_fired(cases, services, clock):
    # The investigation's deadline has a timer on the investigation and one on the proposal.
    cases.walk(cases.file(), *SERIOUS_PATH[:3])
    cases.walk(cases.file(), *SERIOUS_PATH[:4])
    with services.db.unit_of_work() as session:
        due = set(session.scalars(select(Deadline.due_at).where(Deadline.kind == "investigation",
                                                                Deadline.status == "pending")))
    assert len(due) == 1
    clock.set(due.pop())
    services.sweeper.sweep()
    assert sorted(history_actions(services, "deadline.escalated")) == [
        "Påminnelse om frist: Utredningsfrist", "Påminnelse om frist: Utredningsfrist (förslag)"]


def test_working_days_skip_christmas(cases, services, clock):
    clock.set(at(2026, 12, 23, 9, 0))
    cases.file(received_on="2026-12-23", noticed_on="2026-12-23", occurred_on="2026-12-23")
    clock.set(at(2026, 12, 28, 23, 59))
    assert services.sweeper.sweep().fired == []
    clock.set(at(2026, 12, 29, 0, 0))
    assert len(services.sweeper.sweep().fired) == 1


def test_a_task_done_in_time_cancels_its_reminders(cases, services, clock):
    case = cases.file(received_on="2026-11-23", noticed_on="2026-11-22", occurred_on="2026-11-22")
    cases.complete(case, "register")
    clock.advance(timedelta(days=10))
    services.sweeper.sweep()
    assert ("registration", "met") in deadlines(services)
    assert not [m for m in messages(services) if "Registreringsfrist" in m[1]]


def test_escalation_goes_to_the_forvaltningschef_when_overdue_by_the_margin(cases, services, clock):
    case = cases.file(received_on="2026-11-23", noticed_on="2026-11-22", occurred_on="2026-11-22")
    cases.walk(case, "protect", "register")
    # Registered Monday 23 Nov: five working days give Monday 30 Nov, so due 1 Dec 00:00.
    clock.set(at(2026, 12, 1, 0, 0))
    services.sweeper.sweep()
    assert [p for p, s, _ in messages(services) if "utredare" in s] == ["anders"]
    clock.set(at(2026, 12, 4, 0, 0))
    services.sweeper.sweep()
    assert [p for p, s, _ in messages(services) if "utredare" in s] == ["anders", "fredrik"]
    body = [b for p, s, b in messages(services) if p == "fredrik"][0]
    assert "eskaleras till dig" in body and "(3 dagar sen)" in body


def test_a_restarted_scheduler_does_not_fire_again(cases, services, clock, app):
    cases.file(received_on="2026-11-23", noticed_on="2026-11-22", occurred_on="2026-11-22")
    clock.set(at(2026, 11, 26, 8, 0))
    assert len(services.sweeper.sweep().fired) == 1
    sent = messages(services)

    restarted = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "CLOCK": clock}).extensions["lexflow"]
    assert restarted.sweeper.sweep().fired == []
    assert messages(restarted) == sent
    restarted.db.dispose()


def test_two_schedulers_at_once_fire_each_reminder_once(cases, services, clock, two_sweeps_at_once):
    for _ in range(6):
        cases.file(received_on="2026-11-23", noticed_on="2026-11-22", occurred_on="2026-11-22")
    clock.set(at(2026, 11, 26, 8, 0))
    fired = [reminder for sweep in two_sweeps_at_once() for reminder in sweep.fired]

    assert sorted(fired) == sorted(set(fired)) and len(fired) == 6
    assert len(messages(services)) == 12  # erik and rita, once per case
    with services.db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(Reminder).where(Reminder.status == "pending")) == 0


def test_deadlines_missed_while_down_fire_once_on_start_and_say_they_are_late(cases, services, clock):
    case = cases.file(received_on="2026-11-23", noticed_on="2026-11-22", occurred_on="2026-11-22")
    cases.walk(case, "protect", "register")
    clock.set(at(2026, 12, 10, 9, 0))  # down for two weeks
    assert len(services.sweeper.sweep().fired) == 2  # registration was met; assignment: due and overdue
    assert services.sweeper.sweep().fired == []
    late = history_actions(services, "reminder.")
    assert len(late) == 2 and all("skickas sent" in summary for summary in late)
    # Sent at once, the two levels' messages still tell themselves apart.
    endings = {subject.rsplit(f"{case} ", 1)[1] for _, subject, _ in messages(services)}
    assert endings == {"har gått ut", "är överskriden"}


def test_a_reminder_to_someone_without_e_mail_stays_in_the_app(cases, services, clock):
    from engine.models import Person

    with services.db.unit_of_work() as session:
        session.get(Person, "rita").email = None
    cases.file(received_on="2026-11-23", noticed_on="2026-11-22", occurred_on="2026-11-22")
    clock.set(at(2026, 11, 26, 8, 0))
    services.sweeper.sweep()
    with services.db.unit_of_work() as session:
        statuses = dict(session.execute(select(OutboxMessage.person_id, OutboxMessage.status)).all())
    assert statuses == {"erik": "pending", "rita": "in_app"}


def test_the_next_sweep_is_planned_for_the_next_reminder_not_for_one_already_due(cases, services, clock):
    cases.file(received_on="2026-11-23", noticed_on="2026-11-22", occurred_on="2026-11-22")
    assert services.sweeper.next_fire_at() == at(2026, 11, 25, 0, 0)
    clock.set(at(2026, 11, 25, 0, 0, 1))
    # Due but not fired (say its firing failed): left to the periodic sweep, so no busy loop.
    assert services.sweeper.next_fire_at() is None


def test_the_follow_up_of_an_action_plan_reminds_the_owners_of_actions_not_done(cases, services, clock):
    case = cases.file()
    cases.walk(case, *SERIOUS_PATH[:4])
    erik_s_due = cases.day(30)
    cases.complete(case, "propose", action_plan=[
        {"description": "Ny rutin för schemaändringar", "owner": "erik", "due_on": erik_s_due},
        {"description": "Introduktion för nyanställda", "owner": "anders", "due_on": cases.day(60)},
        {"description": "Utbildning i rutinen", "owner": "anders", "due_on": cases.day(45)}])
    cases.walk(case, "decide", "notify_ivo", "inform_individual")  # follow_up is ready, six months ahead
    (due_at,) = [d.due_at for d in follow_up_deadlines(services)]

    clock.set(due_at - timedelta(days=14))
    services.sweeper.sweep()
    before = {person: body for person, subject, body in messages(services) if "Uppföljningsfrist" in subject}
    assert set(before) == {"anders", "erik"}  # the assignee (avdelningschef) and the owners
    assert f"- Ny rutin för schemaändringar (klart senast {erik_s_due})" in before["erik"]
    assert "Introduktion" not in before["erik"]
    assert before["anders"].index("Utbildning i rutinen") < before["anders"].index("Introduktion för nyanställda")

    erik_s = next(a for a in actions.list_actions(services.db, services.clock, "erik").items if a.owner == "erik")
    actions.change_status(services.db, services.clock, "erik", erik_s.id, "done")
    clock.set(due_at)
    sent_before = len(messages(services))
    services.sweeper.sweep()
    due = [person for person, subject, _ in messages(services)[sent_before:] if "Uppföljningsfrist" in subject]
    assert due == ["anders"]  # the avdelningschef and the one owner with actions not done, once
