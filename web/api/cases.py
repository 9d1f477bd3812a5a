"""/api/v1: file and list cases, read one, its tasks and history, complete a task, list deadlines.

Each view hands its validated request to the engine as the token's person; the engine's
errors become JSON errors in web.api.
"""
from __future__ import annotations

from http import HTTPStatus

from flask import url_for
from flask_smorest import abort
from marshmallow import RAISE

from engine import queries
from engine.errors import NotFound
from web.api import schemas
from web.api.blueprint import api_blueprint
from web.api.tokens import person
from web.services import services

blp = api_blueprint("api_cases", "Ärenden: lämna in, lista, läs, utför steg, frister och historik.")

CASE = f"/cases/<int(max={schemas.MAX_ID}):case_id>"
CASE_ID = {"in": "path", "name": "case_id", "description": "The case's id (not its diary number).", "example": 1}
TASK_NAME = {"in": "path", "name": "task_name", "schema": {"type": "string", "enum": schemas.TASK_NAMES},
             "description": "A task that is ready in the case, e.g. register."}
# Query parameters are refused when unknown, as body fields are: a misspelt filter must not
# silently list everything.
QUERY = {"location": "query", "unknown": RAISE}


def errors(*codes: int):
    """Document the error statuses an operation gives, 401 (no valid token) included."""
    def decorate(view):
        for code in sorted({401, *codes}, reverse=True):
            # flask-smorest registers a response per status, named as in http.HTTPStatus.
            view = blp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view
    return decorate


@blp.route("/cases", methods=["POST"])
@blp.arguments(schemas.FileCaseSchema)
@blp.response(201, schemas.CaseRefSchema, headers={"Location": {"schema": {"type": "string"},
                                                                  "description": "The new case's URL."}})
@errors(400, 422)
def file_case(body):
    """File a report: a new case of the type given, as the token's person. Read it at Location."""
    svc = services()
    links = tuple((link["relation"], link["case"]) for link in body["links"])
    try:
        filed = svc.runner.file_case(body["case_type"], body["data"], person(), links)
    except NotFound as error:  # the case type is checked already: it is a linked case that is missing
        abort(422, message=str(error), errors={"json": {"links": [str(error)]}})
    return filed, 201, {"Location": url_for(".show_case", case_id=filed.id)}


@blp.route("/cases", methods=["GET"])
@blp.arguments(schemas.CaseQuerySchema, **QUERY)
@blp.response(200, schemas.CasePageSchema)
@errors(422)
def list_cases(query):
    """The cases you may read, newest received first; each one listed is logged as read."""
    page, page_size = query.pop("page"), query.pop("page_size")
    svc = services()
    return queries.list_cases(svc.db, svc.clock, person(), queries.CaseFilter(**query), page, page_size)


@blp.route(CASE, methods=["GET"], parameters=[CASE_ID])
@blp.response(200, schemas.CaseSchema)
@errors(403, 404)
def show_case(case_id: int):
    """One case, as far as you may see it (the reporter sees its status only)."""
    return services().runner.show_case(str(case_id), person())


@blp.route(f"{CASE}/tasks", methods=["GET"], parameters=[CASE_ID])
@blp.response(200, schemas.TaskSchema(many=True))
@errors(403, 404)
def list_tasks(case_id: int):
    """The case's ready tasks that you may complete."""
    return services().runner.open_tasks(person(), str(case_id))


@blp.route(f"{CASE}/tasks/<task_name>", methods=["POST"], parameters=[CASE_ID, TASK_NAME])
@blp.arguments(schemas.CompleteTaskSchema)
@blp.response(200, schemas.CaseSchema)
@errors(400, 403, 404, 409, 422)
def complete_task(body, case_id: int, task_name: str):
    """Complete a ready task with its form; gives the case as it is afterwards.
    409 when the task is not ready (done already, or not yet) or the case has changed since
    `expected_version`."""
    return services().runner.complete_task(str(case_id), task_name, body["data"], person(),
                                           expected_version=body["expected_version"])


@blp.route(f"{CASE}/history", methods=["GET"], parameters=[CASE_ID])
@blp.response(200, schemas.HistoryEventSchema(many=True))
@errors(403, 404)
def case_history(case_id: int):
    """Every step, decision, deadline and reminder of the case, oldest first (full sight only)."""
    return services().runner.case_history(str(case_id), person())


@blp.route("/deadlines", methods=["GET"])
@blp.arguments(schemas.DeadlineQuerySchema, **QUERY)
@blp.response(200, schemas.DeadlinePageSchema)
@errors(422)
def list_deadlines(query):
    """Open deadlines in the cases you see in full, soonest first."""
    svc = services()
    return queries.list_deadlines(svc.db, svc.clock, person(), **query)
