"""Lämna synpunkt: the public feedback and complaint form. No sign-in, anonymity allowed.

Spam is kept out without any outside service: a honeypot field people never see, and a
signed time stamp in the form that refuses posts quicker than a person can type or
from a page left open for hours.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from itsdangerous import BadSignature, URLSafeSerializer

import workflows
from engine.casetypes import CaseType
from engine.errors import InvalidData
from web.pages.forms import drawn, posted
from web.services import services

bp = Blueprint("feedback", __name__, url_prefix="/synpunkt")

CASE_TYPE = "klagomal"
# What only staff registering a paper form or a phone call fill in: the date of arrival is
# today's, the channel is the web form (the schema's default).
HIDDEN = frozenset({"received_on", "channel", "ivo_reference"})
HONEYPOT = "website"
STARTED = "started"
FASTEST = timedelta(seconds=3)
OLDEST = timedelta(hours=4)


@bp.route("", methods=["GET", "POST"])
def submit():
    case_type = workflows.CASE_TYPES.get(CASE_TYPE) or abort(404)
    if request.method == "GET":
        return _page(case_type, {})
    data, editing_rows = posted(case_type.report, HIDDEN)
    if editing_rows:
        return _page(case_type, data)
    refusal = _refusal()
    if refusal:
        return _page(case_type, data, notice=refusal), 400
    clock = services().clock
    try:
        filed = services().runner.file_case(CASE_TYPE, {**data, "received_on": clock.today().isoformat()}, None)
    except InvalidData as error:
        return _page(case_type, data, error.errors), 422
    session["feedback_receipt"] = {"diary_number": filed.diary_number,
                                   "reply_wanted": data.get("reply_wanted") == "true"}
    return redirect(url_for(".receipt"))


@bp.get("/tack")
def receipt():
    filed = session.get("feedback_receipt")
    if not filed:
        return redirect(url_for(".submit"))
    return render_template("feedback/receipt.html", **filed)


def _page(case_type: CaseType, values: dict, errors: dict | None = None, notice: str | None = None):
    return render_template("feedback/form.html", form=drawn(case_type.report, values, errors, HIDDEN),
                           notice=notice, honeypot=HONEYPOT, started_field=STARTED,
                           started=_stamps().dumps(services().clock.now().timestamp()))


def _refusal() -> str | None:
    """Why this post looks like a robot's, in words a person can act on; None if it does not."""
    if request.form.get(HONEYPOT):
        return "Formuläret kunde inte skickas. Lämna fältet ”Lämna tomt” tomt och skicka igen."
    try:
        started = datetime.fromtimestamp(float(_stamps().loads(request.form.get(STARTED, ""))), timezone.utc)
    except (BadSignature, TypeError, ValueError):
        return "Formuläret kunde inte kontrolleras. Skicka det igen."
    age = services().clock.now() - started
    if age < FASTEST:
        return "Formuläret skickades för snabbt. Kontrollera uppgifterna och skicka igen."
    if age > OLDEST:
        return "Formuläret har varit öppet för länge. Kontrollera uppgifterna och skicka igen."
    return None


def _stamps() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="lexflow.feedback.started")
