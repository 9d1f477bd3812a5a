"""How people reach lexflow: the Flask application factory (`flask --app web`)."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask, current_app, render_template, request
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import RequestEntityTooLarge

ROOT = Path(__file__).resolve().parent.parent
# Every form post must carry the session's CSRF token; the JSON API, which signs in with
# tokens rather than cookies, exempts its blueprints (`csrf.exempt`).
csrf = CSRFProtect()


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
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # A CSRF token lives as long as the session: an investigator may spend hours on a form.
        WTF_CSRF_TIME_LIMIT=None,
        # Nothing is uploaded: the largest body is an investigation's form, a few hundred kB at
        # most; a field (multipart) is at most 20,000 characters. Larger is refused with 413.
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=256 * 1024,
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("LEXFLOW")  # e.g. LEXFLOW_DATABASE_URL
    if config:
        app.config.update(config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))

    from web import api, cli, pages
    from web.services import Services

    app.extensions["lexflow"] = Services(app.config)
    cli.register(app)
    csrf.init_app(app)
    pages.init_app(app)
    api.init_app(app)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    return app


def _too_large(error: RequestEntityTooLarge):
    """Too large a body, said in Swedish: in JSON for the API, as a page for people."""
    limits = (f"högst {current_app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB, och högst "
              f"{current_app.config['MAX_FORM_MEMORY_SIZE'] // 1024} kB i ett fält")
    message = f"Det som skickades är för stort: {limits} tas emot. Inget har sparats."
    if request.path.startswith("/api/"):
        return {"code": 413, "status": error.name, "message": message}, 413
    return render_template("error.html", code=413, title="För stort för att tas emot", message=message), 413


def _instance_secret(instance: Path) -> str:
    """A random key kept in the instance folder, so sessions survive a restart and every
    process of one installation signs cookies alike."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
