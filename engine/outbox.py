"""Messages to people: queued in the transaction that caused them, delivered by SMTP afterwards.

Delivery retries with backoff and never gives up, so nothing is dropped while the mail server
is down. A message is claimed for a while before it is sent, so two deliverers do not both
send it; if a deliverer dies between sending and recording, the message goes again with the
same Message-ID, which lets the receiving side recognise the duplicate.
"""
from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.db import Database
from engine.models import OutboxMessage, Person

CLAIM = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 25
    sender: str = "lexflow@localhost"
    timeout: float = 10.0


def queue(session: Session, person: Person, subject: str, body: str, now: datetime,
          case_id: int | None = None, reminder_id: int | None = None,
          action_id: int | None = None) -> OutboxMessage:
    message = OutboxMessage(created_at=now, person_id=person.id, email=person.email, case_id=case_id,
                            reminder_id=reminder_id, action_id=action_id, subject=subject, body=body,
                            status="pending" if person.email else "in_app", attempts=0, next_attempt_at=now)
    session.add(message)
    return message


def backoff(attempts: int) -> timedelta:
    """One minute after the first failure, doubling, at most an hour."""
    return min(timedelta(minutes=2 ** (attempts - 1)), MAX_BACKOFF)


@dataclass
class Delivery:
    sent: int = 0
    failed: int = 0


class Outbox:
    def __init__(self, db: Database, smtp: SmtpSettings, clock: Clock):
        self.db, self.smtp, self.clock = db, smtp, clock

    def deliver(self, batch: int = 100) -> Delivery:
        result = Delivery()
        for message_id in self._claim(batch):
            try:
                self._send(message_id)
            except (OSError, smtplib.SMTPException) as error:
                self._failed(message_id, error)
                result.failed += 1
            else:
                result.sent += 1
        return result

    def _claim(self, batch: int) -> list[int]:
        now = self.clock.now()
        with self.db.unit_of_work() as session:
            ids = list(session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.status == "pending",
                                               OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.id).limit(batch)))
            claimed = []
            for message_id in ids:
                taken = session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending",
                           OutboxMessage.next_attempt_at <= now)
                    .values(next_attempt_at=now + CLAIM)).rowcount
                if taken:
                    claimed.append(message_id)
            return claimed

    def _send(self, message_id: int) -> None:
        with self.db.unit_of_work() as session:
            message = session.get(OutboxMessage, message_id)
            email = EmailMessage()
            email["From"] = self.smtp.sender
            email["To"] = message.email
            email["Subject"] = message.subject
            email["Message-ID"] = f"<outbox-{message.id}@lexflow>"
            email.set_content(message.body)
        # No transaction is held while talking to the mail server.
        with smtplib.SMTP(self.smtp.host, self.smtp.port, timeout=self.smtp.timeout) as smtp:
            smtp.send_message(email)
        with self.db.unit_of_work() as session:
            message = session.get(OutboxMessage, message_id)
            message.status, message.sent_at = "sent", self.clock.now()
            message.attempts += 1

    def _failed(self, message_id: int, error: Exception) -> None:
        now = self.clock.now()
        with self.db.unit_of_work() as session:
            message = session.get(OutboxMessage, message_id)
            message.attempts += 1
            message.next_attempt_at = now + backoff(message.attempts)
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
