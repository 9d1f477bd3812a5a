"""The production server: gunicorn runs the app factory against a database set up with
`lexflow init`, and answers an authenticated API request over loopback."""
from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from pathlib import Path

from bench.web import gunicorn
from engine.clock import Clock

ROOT = Path(__file__).resolve().parents[2]


def lexflow(database_url: str, *args: str) -> str:
    return subprocess.run([Path(sys.executable).parent / "lexflow", *args], cwd=ROOT, check=True,
                          env={**os.environ, "LEXFLOW_DATABASE_URL": database_url},
                          capture_output=True, text=True, timeout=120).stdout.strip()


def request(port: int, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=json.dumps(body) if body is not None else None,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_gunicorn_serves_the_api(database_url, tmp_path):
    lexflow(database_url, "init")
    token = lexflow(database_url, "token", "create", "--as", "erik", "--name", "gunicorn-test")
    today = Clock().today().isoformat()
    report = {"unit": "hemtjanst-norr", "what_happened": "Brukaren fick inte sitt kvällsbesök.",
              "occurred_on": today, "noticed_on": today, "received_on": today, "affected_individual": "Brukare A",
              "reporter_name": "Erik Johansson", "reporter_role": "medarbetare"}
    # The command of the README; gunicorn() stops it at the end and checks that it exited cleanly.
    with gunicorn(database_url, tmp_path / "gunicorn.log", "-w", "2") as server:
        port = server.port
        status, filed = request(port, "POST", "/api/v1/cases", token, {"case_type": "lex_sarah", "data": report})
        assert status == 201, filed
        status, listed = request(port, "GET", "/api/v1/cases", token)
        assert status == 200 and [case["diary_number"] for case in listed["items"]] == [filed["diary_number"]]
        assert request(port, "GET", "/api/v1/cases", "wrong-token")[0] == 401
    # gunicorn.conf.py, read from the folder it starts in: each worker that booted froze its
    # loaded application out of the garbage collector's full passes.
    log = (tmp_path / "gunicorn.log").read_text()
    booted = log.count("Booting worker")
    assert booted >= 1 and log.count("objects of the loaded application kept out of garbage collection") == booted
