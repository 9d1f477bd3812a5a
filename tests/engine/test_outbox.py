"""Reminders leave by e-mail through a real SMTP conversation with a local server."""
import socket
from datetime import datetime, timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from engine.clock import STOCKHOLM
from engine.models import OutboxMessage


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port(services):
    port = free_port()
    services.config["SMTP_HOST"], services.config["SMTP_PORT"] = "127.0.0.1", port
    return port


def start_server(port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return inbox, controller


def overdue_registration(cases, services, clock):
    cases.file(received_on="2026-11-23", noticed_on="2026-11-22", occurred_on="2026-11-22")
    clock.set(datetime(2026, 11, 26, 8, 0, tzinfo=STOCKHOLM))
    services.sweeper.sweep()


def test_reminders_are_delivered_once_by_smtp(cases, services, clock, smtp_port):
    inbox, controller = start_server(smtp_port)
    try:
        overdue_registration(cases, services, clock)
        assert services.outbox.deliver().sent == 2
        assert services.outbox.deliver().sent == 0
    finally:
        controller.stop()
    recipients = sorted(r for rcpts, _ in inbox.messages for r in rcpts)
    assert recipients == ["erik.johansson@exempel.se", "rita.nilsson@exempel.se"]
    assert "Registreringsfrist" in inbox.messages[0][1]


def test_mail_server_down_then_up_delivers_everything_once(cases, services, clock, smtp_port):
    overdue_registration(cases, services, clock)
    failed = services.outbox.deliver()
    assert (failed.sent, failed.failed) == (0, 2)
    with services.db.unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert {(m.status, m.attempts) for m in rows} == {("pending", 1)}
        assert all(m.last_error for m in rows)

    inbox, controller = start_server(smtp_port)
    try:
        assert services.outbox.deliver().sent == 0  # backing off: the retry is not due yet
        clock.advance(timedelta(minutes=1))
        assert services.outbox.deliver().sent == 2
        clock.advance(timedelta(hours=2))
        assert services.outbox.deliver().sent == 0
    finally:
        controller.stop()
    assert len(inbox.messages) == 2
    with services.db.unit_of_work() as session:
        assert {(m.status, m.attempts) for m in session.scalars(select(OutboxMessage))} == {("sent", 2)}


def test_backoff_doubles_up_to_an_hour():
    from engine.outbox import backoff

    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert backoff(20) == timedelta(hours=1)
