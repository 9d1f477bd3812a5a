"""The engine parts an application uses, built once per process and only when first needed."""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

from flask import current_app

import workflows
from engine.clock import Clock
from engine.db import Database
from engine.diagrams import DiagramStore
from engine.deadlines import DeadlineSweeper
from engine.outbox import Outbox, SmtpSettings
from engine.runner import CaseRunner


class Services:
    def __init__(self, config, clock: Clock | None = None):
        self.config = config
        self.clock = config.get("CLOCK") or clock or Clock()

    @cached_property
    def db(self) -> Database:
        return Database(self.config["DATABASE_URL"])

    @cached_property
    def diagrams(self) -> DiagramStore:
        return DiagramStore(Path(self.config["BPMN_DIR"]), workflows.CASE_TYPES)

    @cached_property
    def runner(self) -> CaseRunner:
        return CaseRunner(self.db, self.diagrams, self.clock)

    @cached_property
    def sweeper(self) -> DeadlineSweeper:
        return DeadlineSweeper(self.db, self.runner, self.clock)

    @cached_property
    def outbox(self) -> Outbox:
        smtp = SmtpSettings(host=self.config["SMTP_HOST"], port=int(self.config["SMTP_PORT"]),
                            sender=self.config["MAIL_SENDER"])
        return Outbox(self.db, smtp, self.clock)


def services() -> Services:
    return current_app.extensions["lexflow"]
