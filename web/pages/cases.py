"""Ärenden: the cases a person may read, one case with its diagram, data, history and
deadlines, and the forms of the steps the person may do in it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select

import workflows
from engine import actions, paging, queries
from engine.access import Sight
from engine.errors import Conflict, InvalidData
from engine.models import Case
from web import diagram_svg, form_render
from web.auth import current_person, login_required
from web.pages import documents
from web.pages.forms import drawn, one_of, posted, requested_page, starting_values
from web.pages.org import organisation
from web.services import services

bp = Blueprint("cases", __name__, url_prefix="/arenden")

PAGE_SIZE = 25
RELATIONS = {"escalated_to": "Eskalerat till", "escalated_to (från)": "Eskalerat från",
             "refiled_as": "Hanteras vidare i", "refiled_as (från)": "Hanteras vidare från",
             "related": "Relaterat ärende", "related (från)": "Relaterat ärende"}


@bp.get("")
@login_required
def index():
    svc, org = services(), organisation()
    filters = queries.CaseFilter(
        case_type=one_of(request.args.get("case_type"), workflows.CASE_TYPES),
        status=one_of(request.args.get("status"), ("open", "closed")),
        unit=one_of(request.args.get("unit"), org.units))
    page = requested_page()
    found = queries.list_cases(svc.db, svc.clock, current_person().id, filters, page, PAGE_SIZE)
    if not found.items and page > 1:
        return redirect(url_for(".index", **{**request.args, "page": 1}))
    return render_template("cases/index.html", found=found, chosen=filters, now=svc.clock.now())


@bp.get("/<int:case_id>")
@login_required
def show(case_id: int):
    return _page(case_id)


@bp.get("/dnr/<path:diary_number>")
@login_required
def by_diary_number(diary_number: str):
    """Links that name a case by its diary number."""
    with services().db.snapshot() as session:
        case_id = session.scalar(select(Case.id).where(Case.diary_number == diary_number))
    return redirect(url_for(".show", case_id=case_id)) if case_id else abort(404)


@bp.post("/<int:case_id>/uppgifter/<task_name>")
@login_required
def complete(case_id: int, task_name: str):
    case_type = workflows.CASE_TYPES.get(_case_type_of(case_id))
    form = case_type.tasks.get(task_name) if case_type else None
    if form is None:
        abort(404)
    data, editing_rows = posted(form)
    if editing_rows:
        return _page(case_id, typed=(task_name, data, None))
    try:
        view = services().runner.complete_task(str(case_id), task_name, data, current_person().id,
                                               expected_version=request.form.get("expected_version", type=int))
    except InvalidData as error:
        return _page(case_id, typed=(task_name, data, error.errors)), 422
    except Conflict:
        notice = ("Någon annan har ändrat ärendet medan du hade sidan öppen. Här är ärendet som det ser ut nu; "
                  "det du skrev finns kvar i formuläret om steget fortfarande är ditt.")
        return _page(case_id, typed=(task_name, data, None), notice=notice), 409
    if view.sight is not Sight.FULL:
        flash(f"”{form.title}” är klart. Ärendet {view.diary_number} har gått vidare, och du har inte längre "
              "tillgång till det.", "success")
        return redirect(url_for("tasks.my_tasks"))
    flash(f"”{form.title}” är klart.", "success")
    return redirect(url_for(".show", case_id=case_id))


def _page(case_id: int, typed: tuple[str, dict, dict | None] | None = None, notice: str | None = None):
    """The case page. `typed` is a task form shown again with what the person typed and its errors."""
    svc, person, org = services(), current_person(), organisation()
    record = svc.runner.case_record(str(case_id), person.id)
    view, history = record.view, record.history
    if view.sight is not Sight.FULL:
        return render_template("cases/status.html", view=view)
    case_type = workflows.CASE_TYPES[view.case_type]
    steps = diagram_svg.steps_of_case(record.passed, view.tasks, view.deadlines, svc.clock.now())
    diagram = Markup(diagram_svg.render(record.diagram_xml, steps.done, steps.current, steps.late))
    sections = []
    for name, values in view.data.items():
        form = case_type.report if name == "report" else case_type.tasks.get(name)
        if form is not None:
            sections.append((form.title, form_render.describe(form.schema, values, org.choices(form))))
    workable = {task.id for task in record.workable}
    task_forms = []
    for task in (task for task in view.tasks if task.id in workable):
        form = case_type.tasks[task.name]
        if typed and typed[0] == task.name:
            task_forms.append((task, drawn(form, typed[1], typed[2])))
        else:
            task_forms.append((task, drawn(form, starting_values(form, svc.clock.today(), view.unit))))
    case_actions = actions.list_actions(svc.db, svc.clock, person.id, actions.ActionFilter(case=view.id),
                                        page_size=paging.MAX_PAGE_SIZE).items
    return render_template("cases/show.html", view=view, case_type=case_type, history=history, diagram=diagram,
                           sections=sections, task_forms=task_forms, notice=notice, actions=case_actions,
                           documents=documents.available(view),
                           links=[(RELATIONS.get(relation, relation), other) for relation, other in view.links])


def _case_type_of(case_id: int) -> str | None:
    with services().db.snapshot() as session:
        return session.scalar(select(Case.case_type).where(Case.id == case_id))

