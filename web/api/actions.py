"""/api/v1/actions: the actions (åtgärder) you may see, one with its history, setting its
status, and linking it to another case.

You see an action if you may read one of its cases in full or if you own it; each read is
logged on its cases, as the engine does for the pages (engine/actions.py).
"""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, pre_dump, validate

from engine import actions
from engine.errors import InvalidData
from web.api import schemas
from web.api.cases import QUERY, errors
from web.api.blueprint import api_blueprint
from web.api.tokens import person
from web.services import services

blp = api_blueprint("api_actions", "Åtgärder: lista, läs med historik, ändra status eller plan, koppla till ett ärende.")

ACTION = f"/actions/<int(max={schemas.MAX_ID}):action_id>"
ACTION_ID = {"in": "path", "name": "action_id", "description": "The action's id.", "example": 1}
STATUSES = list(actions.STATUSES)


def status_field(**kwargs) -> fields.String:
    return fields.String(validate=validate.OneOf(STATUSES, error=f"Välj ett av: {', '.join(STATUSES)}."),
                         metadata={"description": "not_started (ej påbörjad), in_progress (pågår) or done (klar)."},
                         **kwargs)


# -- requests ----------------------------------------------------------------------

class ActionQuerySchema(schemas.PageQuerySchema):
    status = status_field()
    owner = schemas.Text(64, metadata={"description": "The owner's person id."})
    overdue = fields.Boolean(load_default=False,
                             metadata={"description": "Only those not done whose due date has passed."})
    case_id = fields.Integer(validate=validate.Range(min=1, max=schemas.MAX_ID),
                             metadata={"description": "Only those serving this case (which you may read in full)."})


def expected_version_field() -> fields.Integer:
    return fields.Integer(strict=True, load_default=None, validate=validate.Range(min=1, max=schemas.MAX_ID),
                          metadata={"description": "The action's version when you read it; 409 if it has changed "
                                                   "since."})


class StatusChangeSchema(Schema):
    status = status_field(required=True)
    expected_version = expected_version_field()


class PlanChangeSchema(Schema):
    description = schemas.Text(500, required=True)
    owner = schemas.Text(64, required=True, metadata={"description": "The owner's person id."})
    due_on = fields.Date(required=True)
    follow_up_on = fields.Date(load_default=None, allow_none=True)
    expected_version = expected_version_field()


class CaseLinkSchema(Schema):
    case = schemas.Text(64, required=True, metadata={"description": "The diary number of the case, "
                                                                    "e.g. SOCN/2026:3; you must read it in full."})


# -- responses ---------------------------------------------------------------------

class ActionSchema(Schema):
    id = fields.Integer(required=True)
    description = fields.String(required=True)
    owner = fields.String(required=True, metadata={"description": "The owner's person id."})
    due_on = fields.Date(required=True)
    follow_up_on = fields.Date(required=True, allow_none=True)
    status = status_field(required=True)
    version = fields.Integer(required=True)
    created_at = schemas.LocalDateTime(required=True)
    created_by = fields.String(required=True)
    overdue = fields.Boolean(required=True, metadata={"description": "Not done, and its due date has passed."})
    cases = fields.List(fields.Nested(schemas.CaseRefSchema), required=True,
                        metadata={"description": "The cases it serves that you may read in full."})


class ActionPageSchema(schemas.PageSchema):
    items = fields.List(fields.Nested(ActionSchema), required=True)


class ActionChangeSchema(Schema):
    at = schemas.LocalDateTime(required=True)
    actor = fields.String(required=True, allow_none=True, metadata={"description": "None: the system (a reminder)."})
    kind = fields.String(required=True, validate=validate.OneOf(actions.EVENTS))
    summary = fields.String(required=True)
    before = fields.Dict(required=True, allow_none=True)
    after = fields.Dict(required=True, allow_none=True)


class ActionDetailSchema(ActionSchema):
    history = fields.List(fields.Nested(ActionChangeSchema), required=True,
                          metadata={"description": "Every change, oldest first, as written in its cases' history."})

    @pre_dump
    def _flatten(self, detail: actions.ActionDetail, **_):
        return {**vars(detail.action), "history": detail.changes}


# -- operations --------------------------------------------------------------------

@blp.route("/actions", methods=["GET"])
@blp.arguments(ActionQuerySchema, **QUERY)
@blp.response(200, ActionPageSchema)
@errors(422)
def list_actions(query):
    """The actions you may see, the soonest due first; the cases of each one listed are logged as read."""
    page, page_size = query.pop("page"), query.pop("page_size")
    svc = services()
    return actions.list_actions(svc.db, svc.clock, person(), actions.ActionFilter(
        status=query.get("status"), owner=query.get("owner"), overdue=query["overdue"], case=query.get("case_id")),
        page, page_size)


# One route for reading and changing: two rules on one path would answer an id out of range
# with 405 rather than 404.
@blp.route(ACTION, parameters=[ACTION_ID])
class OneAction(MethodView):
    @blp.response(200, ActionDetailSchema)
    @errors(403, 404)
    def get(self, action_id: int):
        """One action with its cases and its history."""
        svc = services()
        return actions.show_action(svc.db, svc.clock, person(), action_id)

    @blp.arguments(StatusChangeSchema)
    @blp.response(200, ActionDetailSchema)
    @errors(400, 403, 404, 409, 422)
    def patch(self, body, action_id: int):
        """Set the action's status; the change is written into the history of each case it serves.
        409 if the action has changed since `expected_version`."""
        svc = services()
        actions.change_status(svc.db, svc.clock, person(), action_id, body["status"], body["expected_version"])
        return actions.show_action(svc.db, svc.clock, person(), action_id)


@blp.route(f"{ACTION}/plan", methods=["PUT"], parameters=[ACTION_ID])
@blp.arguments(PlanChangeSchema)
@blp.response(200, ActionDetailSchema)
@errors(400, 403, 404, 409, 422)
def change_plan(body, action_id: int):
    """Change what the action asks, of whom and by when; written with what it was into the history
    of each case it serves. Only those who read one of its cases in full may. 409 if the action
    has changed since `expected_version`."""
    svc = services()
    plan = actions.Plan(body["description"], body["owner"], body["due_on"], body["follow_up_on"])
    try:
        actions.change_plan(svc.db, svc.clock, person(), action_id, plan, body["expected_version"])
    except InvalidData as error:  # the error is of the body's own fields, not of a form's `data`
        abort(422, message=str(error), errors={"json": error.errors})
    return actions.show_action(svc.db, svc.clock, person(), action_id)


@blp.route(f"{ACTION}/cases", methods=["POST"], parameters=[ACTION_ID])
@blp.arguments(CaseLinkSchema)
@blp.response(200, ActionDetailSchema)
@errors(400, 403, 404, 422)
def link_case(body, action_id: int):
    """Let the action serve one more case, named by its diary number."""
    svc = services()
    try:
        actions.link_case(svc.db, svc.clock, person(), action_id, body["case"])
    except InvalidData as error:  # the error is of the body's own field, not of a form's `data`
        abort(422, message=str(error), errors={"json": error.errors})
    return actions.show_action(svc.db, svc.clock, person(), action_id)
