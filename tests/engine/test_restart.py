"""A case survives its process: a new process loads it from the database and carries on."""
import json
import os
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from engine.clock import FixedClock


@pytest.fixture
def clock():
    # The other process runs on the real clock, so this side must agree on what today is.
    return FixedClock(datetime.now(timezone.utc))


def lexflow(database_url, *args):
    env = {**os.environ, "LEXFLOW_DATABASE_URL": database_url}
    return subprocess.run([sys.executable, "-m", "web.cli", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_a_new_process_continues_a_case_where_the_last_one_stopped(cases, services, database_url, tmp_path):
    case = cases.file()
    cases.walk(case, "protect", "register", "assign_investigator")
    services.db.dispose()

    form = tmp_path / "investigate.json"
    form.write_text(json.dumps(cases.form("investigate")), encoding="utf-8")
    completed = lexflow(database_url, "task", "complete", case, "investigate", "--as", "ulla", "--data", str(form))
    assert completed.returncode == 0, completed.stderr
    assert "Nästa steg: propose" in completed.stdout

    shown = lexflow(database_url, "case", "show", case, "--as", "ulla", "--json")
    assert shown.returncode == 0, shown.stderr
    view = json.loads(shown.stdout)
    assert [t["name"] for t in view["tasks"]] == ["propose"]
    assert view["data"]["investigate"]["causes"] == "Schemaändringen kommunicerades inte."

    # And back in this process, the case goes on from the other process's state.
    view = cases.walk(case, "propose", "decide")
    assert [t.name for t in view.tasks] == ["notify_ivo"]
