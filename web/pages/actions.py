"""Åtgärder: the actions a person may see, the soonest due first, and one action with its
cases and history, where its status is set, its plan changed and it is linked to another case."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from engine import actions
from engine.errors import Conflict, Forbidden, InvalidData
from web.auth import current_person, login_required
from web.pages.forms import drawn, one_of, posted, requested_page
from web.pages.org import organisation
from web.services import services
from workflows.forms import FormSchema, SchemaForm, choice, text
from workflows.lex_sarah import PlannedActionSchema

bp = Blueprint("actions", __name__, url_prefix="/atgarder")

PAGE_SIZE = 25


class StatusSchema(FormSchema):
    status = choice(actions.STATUSES, required=True, metadata={"label": "Status"})


class LinkSchema(FormSchema):
    case = text(max_length=64, metadata={"label": "Diarienummer"})


# What is checked is the engine's; these only draw the forms and read them back (the plan's
# fields are typed by the same schema as when the action was planned).
STATUS_FORM = SchemaForm("Ändra status", StatusSchema)
PLAN_FORM = SchemaForm("Ändra åtgärden", PlannedActionSchema)
LINK_FORM = SchemaForm("Koppla till ännu ett ärende", LinkSchema)


@bp.app_template_filter("action_status")
def action_status(status: str) -> str:
    return actions.STATUSES.get(status, status)


@bp.get("")
@login_required
def index():
    svc = services()
    filters = actions.ActionFilter(status=one_of(request.args.get("status"), actions.STATUSES),
                                   owner=one_of(request.args.get("owner"), organisation().people),
                                   overdue=request.args.get("overdue") == "1")
    page = requested_page()
    found = actions.list_actions(svc.db, svc.clock, current_person().id, filters, page, PAGE_SIZE)
    if not found.items and page > 1:
        return redirect(url_for(".index", **{**request.args, "page": 1}))
    return render_template("actions/index.html", found=found, chosen=filters, statuses=actions.STATUSES)


@bp.get("/<int:action_id>")
@login_required
def show(action_id: int):
    return _page(action_id)


@bp.post("/<int:action_id>/status")
@login_required
def change_status(action_id: int):
    data, _ = posted(STATUS_FORM)
    svc = services()
    try:
        actions.change_status(svc.db, svc.clock, current_person().id, action_id, data.get("status", ""),
                              expected_version=request.form.get("expected_version", type=int))
    except InvalidData as error:
        return _page(action_id, status=(data, error.errors)), 422
    except Conflict:
        notice = "Någon annan har ändrat åtgärden medan du hade sidan öppen. Här är den som den ser ut nu."
        return _page(action_id, notice=notice), 409
    flash(f"Status: {action_status(data['status']).lower()}.", "success")
    return redirect(url_for(".show", action_id=action_id))


@bp.post("/<int:action_id>/plan")
@login_required
def change_plan(action_id: int):
    data, _ = posted(PLAN_FORM)
    svc = services()
    try:
        actions.change_plan(svc.db, svc.clock, current_person().id, action_id, _read_plan(data),
                            expected_version=request.form.get("expected_version", type=int))
    except InvalidData as error:
        return _page(action_id, plan=(data, error.errors)), 422
    except Conflict:
        notice = "Någon annan har ändrat åtgärden medan du hade sidan öppen. Här är den som den ser ut nu."
        return _page(action_id, notice=notice), 409
    flash("Åtgärden är ändrad.", "success")
    return redirect(url_for(".show", action_id=action_id))


def _read_plan(data: dict) -> actions.Plan:
    """The plan as typed, or InvalidData naming each field that is wrong."""
    try:
        loaded = PlannedActionSchema().load(data)
    except ValidationError as error:
        raise InvalidData(error.messages) from error
    return actions.Plan(loaded["description"], loaded["owner"], loaded["due_on"], loaded["follow_up_on"])


@bp.post("/<int:action_id>/arenden")
@login_required
def link(action_id: int):
    data, _ = posted(LINK_FORM)
    svc = services()
    try:
        actions.link_case(svc.db, svc.clock, current_person().id, action_id, data.get("case", ""))
    except InvalidData as error:
        return _page(action_id, link=(data, error.errors)), 422
    except Forbidden as error:
        message = str(error)
        return _page(action_id, link=(data, {"case": [message[:1].upper() + message[1:] + "."]})), 403
    flash(f"Åtgärden gäller nu även {data['case']}.", "success")
    return redirect(url_for(".show", action_id=action_id))


def _page(action_id: int, status: tuple[dict, dict] | None = None, plan: tuple[dict, dict] | None = None,
          link: tuple[dict, dict] | None = None, notice: str | None = None):
    """The action's page; `status`, `plan` and `link` are a form shown again with what was typed
    and its errors. The plan's form is there for those who read one of its cases in full."""
    svc = services()
    detail = actions.show_action(svc.db, svc.clock, current_person().id, action_id)
    action = detail.action
    status_typed, status_errors = status or ({"status": action.status}, None)
    plan_typed, plan_errors = plan or ({"description": action.description, "owner": action.owner,
                                        "due_on": action.due_on.isoformat(),
                                        "follow_up_on": action.follow_up_on.isoformat() if action.follow_up_on
                                        else ""}, None)
    link_typed, link_errors = link or ({}, None)
    return render_template("actions/show.html", action=action, changes=detail.changes, notice=notice,
                           status_form=drawn(STATUS_FORM, status_typed, status_errors),
                           plan_form=drawn(PLAN_FORM, plan_typed, plan_errors) if action.cases else None,
                           link_form=drawn(LINK_FORM, link_typed, link_errors))
