"""What must hold after any load or fault: every case whole, diary numbers without gaps,
every reminder fired once and its mail delivered once."""
from __future__ import annotations

import email
from collections import Counter, defaultdict
from datetime import datetime, timezone

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from engine import state, tracking
from engine.clock import FixedClock
from engine.models import Case, Deadline, HistoryEvent, OpenTask, OutboxMessage, Reminder
from engine.outbox import CLAIM, Outbox, SmtpSettings


def assert_cases_whole(services) -> dict[str, int]:
    """Each case's state restores onto its diagram, its open tasks and pending deadlines are
    exactly those of the state, and it was filed once. Returns diary number -> case id."""
    cases = {}
    with services.db.unit_of_work() as session:
        for case in session.scalars(select(Case)):
            diagram = services.diagrams.for_version(case.diagram_version)
            workflow = state.restore(case.state, diagram.spec, diagram.subprocess_specs, None)
            ready = {str(task.id): task.task_spec.name for task in tracking.ready_user_tasks(workflow)}
            mirrored = dict(session.execute(select(OpenTask.id, OpenTask.name)
                                            .where(OpenTask.case_id == case.id)).all())
            assert mirrored == ready, f"{case.diary_number}: open tasks {mirrored} but the state has {ready}"
            waiting = {str(task.id) for task in workflow.get_tasks(state=TaskState.WAITING)
                       if task.task_spec.name in diagram.timers}
            pending = set(session.scalars(select(Deadline.timer_id).where(Deadline.case_id == case.id,
                                                                          Deadline.status == "pending")))
            assert pending == waiting, f"{case.diary_number}: pending deadlines {pending}, timers {waiting}"
            assert (case.status == "closed") == workflow.is_completed(), case.diary_number
            filed = session.scalar(select(func.count()).select_from(HistoryEvent)
                                   .where(HistoryEvent.case_id == case.id, HistoryEvent.action == "case.filed"))
            assert filed == 1, f"{case.diary_number} filed {filed} times"
            cases[case.diary_number] = case.id
    return cases


def assert_diary_numbers_gapless(diary_numbers) -> None:
    """Per prefix and year the serials are 1, 2, 3, … with none skipped or used twice."""
    serials = defaultdict(list)
    for number in diary_numbers:
        series, _, serial = number.rpartition(":")
        serials[series].append(int(serial))
    for series, numbers in serials.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"{series}: {sorted(numbers)}"


def mailed_ids(inbox) -> Counter:
    """How often each Message-ID reached the mail server."""
    return Counter(email.message_from_string(content)["Message-ID"] for _, content in inbox.messages)


def due_reminders_pending(services) -> int:
    with services.db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Reminder).where(
            Reminder.status == "pending", Reminder.fire_at <= datetime.now(timezone.utc)))


def pending_mail(services, claimed: bool = False) -> set[int]:
    """Mail not sent yet; with `claimed`, only what a deliverer has taken and not finished
    (or what failed and waits to be tried again)."""
    query = select(OutboxMessage.id).where(OutboxMessage.status == "pending")
    if claimed:
        query = query.where(OutboxMessage.next_attempt_at > datetime.now(timezone.utc))
    with services.db.unit_of_work() as session:
        return set(session.scalars(query))


def undelivered(services) -> int:
    """Reminders due but not fired, and mail queued but not sent."""
    return due_reminders_pending(services) + len(pending_mail(services))


def deliver_claimed(services, smtp_port: int) -> int:
    """Deliver the mail that a deliverer which died (or lost the database) had claimed, as
    happens once the claim has run out: with a clock that far on. Returns how many went."""
    later = FixedClock(datetime.now(timezone.utc) + CLAIM)
    return Outbox(services.db, SmtpSettings("127.0.0.1", smtp_port), later).deliver().sent


def assert_reminders_delivered_once(services, inbox, resent: bool = False) -> int:
    """Every reminder that is due has fired once (one history event, one message per person)
    and each of its e-mails reached the mail server once. Returns how many fired.

    With `resent`, a message may have reached it more than once under the same Message-ID
    (which the receiving side recognises): the database went down after the mail server
    took the message but before its sending was recorded."""
    now = datetime.now(timezone.utc)
    with services.db.unit_of_work() as session:
        due = session.execute(select(Reminder.case_id, Reminder.level, Reminder.status)
                              .where(Reminder.fire_at <= now)).all()
        assert {reminder.status for reminder in due} <= {"sent", "cancelled"}, Counter(r.status for r in due)
        fired = Counter((r.case_id, f"reminder.{r.level}") for r in due if r.status == "sent")
        told = Counter(session.execute(select(HistoryEvent.case_id, HistoryEvent.action)
                                       .where(HistoryEvent.action.like("reminder.%"))).all())
        assert told == fired
        messages = session.execute(select(OutboxMessage.id, OutboxMessage.reminder_id, OutboxMessage.person_id,
                                          OutboxMessage.email, OutboxMessage.status)).all()
    assert len({(m.reminder_id, m.person_id) for m in messages}) == len(messages), "a person was told twice"
    assert {m.status for m in messages if m.email} <= {"sent"}
    mailed, expected = mailed_ids(inbox), Counter(f"<outbox-{m.id}@lexflow>" for m in messages if m.email)
    assert (mailed.keys() == expected.keys()) if resent else (mailed == expected)
    return sum(fired.values())
