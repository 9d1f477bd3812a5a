"""How people reach lexflow: the Flask application factory (`flask --app web`)."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        DATABASE_URL=f"sqlite:///{Path(app.instance_path) / 'lexflow.db'}",
        BPMN_DIR=str(ROOT / "bpmn"),
        ORGANISATION_FILE=str(ROOT / "demo" / "organisation.yaml"),
        SMTP_HOST="localhost",
        SMTP_PORT=25,
        MAIL_SENDER="lexflow@localhost",
        SWEEP_INTERVAL_SECONDS=60,
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("LEXFLOW")  # e.g. LEXFLOW_DATABASE_URL
    if config:
        app.config.update(config)

    from web.services import Services
    from web import cli

    app.extensions["lexflow"] = Services(app.config)
    cli.register(app)
    return app
