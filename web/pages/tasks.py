"""Mina uppgifter: the tasks a person may do now, most urgent first, and their reminders."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for

from engine import queries
from web.auth import current_person, login_required
from web.pages.forms import requested_page
from web.services import services

bp = Blueprint("tasks", __name__)
PAGE_SIZE = 50
REMINDERS_SHOWN = 10


@bp.get("/")
def home():
    return redirect(url_for(".my_tasks"))


@bp.get("/uppgifter")
@login_required
def my_tasks():
    person, svc = current_person(), services()
    page = requested_page()
    found = queries.list_tasks(svc.db, svc.clock, person.id, page, PAGE_SIZE)
    if not found.items and page > 1:
        return redirect(url_for(".my_tasks"))
    return render_template("tasks.html", found=found, now=svc.clock.now(),
                           messages=svc.runner.messages_for(person.id, newest=REMINDERS_SHOWN))
