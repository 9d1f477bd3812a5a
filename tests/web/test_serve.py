"""`lexflow serve`: the web server with the scheduler in the same process (the single-machine default)."""
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from demo.klagomal import ComplaintDriver
from engine.clock import FixedClock
from engine.models import Reminder


@pytest.fixture
def clock():
    # The server runs on the real clock, so this side must agree on what today is.
    return FixedClock(datetime.now(timezone.utc))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def reminder_statuses(services):
    with services.db.unit_of_work() as session:
        return sorted(session.scalars(select(Reminder.status)))


def http_status(url):
    try:
        return urllib.request.urlopen(url, timeout=2).status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def test_serve_answers_http_and_fires_missed_deadlines_at_start(runner, services, clock, database_url):
    # A paper complaint received almost four weeks ago: its reminders were due long before the server started.
    ComplaintDriver(runner, clock).file(channel="paper", received_on=ComplaintDriver(runner, clock).day(-25))
    assert reminder_statuses(services) == ["pending", "pending", "pending"]
    services.db.dispose()

    port = free_port()
    env = {**os.environ, "LEXFLOW_DATABASE_URL": database_url, "LEXFLOW_SMTP_PORT": str(free_port())}
    server = subprocess.Popen([sys.executable, "-m", "web.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_for(lambda: http_status(f"http://127.0.0.1:{port}/login") == 200), "the server did not answer"
        assert wait_for(lambda: reminder_statuses(services) == ["sent", "sent", "sent"]), reminder_statuses(services)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "med schemaläggaren" in output
