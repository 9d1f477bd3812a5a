"""The JSON API under /api/v1 for other systems, documented at /api/openapi.json.

Every error is one JSON shape, flask-smorest's own: `{"code", "status", "message", "errors"}`,
where `errors` names each bad field by where it was (`json` for the body, `query`), e.g.
`{"json": {"data": {"unit": ["Okänd enhet."]}}}`.
"""
from __future__ import annotations

from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, request
from flask_smorest import Api
from werkzeug import exceptions as http

from engine.accounts import TooManyAttempts
from engine.errors import Conflict, Forbidden, InvalidData, LexflowError, NotFound
from web import csrf
from web.api import actions, cases, delegation, reports, schemas, tokens

PREFIX = "/api/"
# The first that matches: engine errors and the statuses they are answered with.
ENGINE_ERRORS = ((InvalidData, 422), (NotFound, 404), (Forbidden, 403), (Conflict, 409), (TooManyAttempts, 429),
                 (LexflowError, 422))


class LexflowApi(Api):
    ERROR_SCHEMA = schemas.ErrorSchema
    # Each operation documents the statuses it gives, rather than one catch-all "default".
    DEFAULT_ERROR_RESPONSE_NAME = None

    def handle_http_exception(self, error: http.HTTPException):
        """Errors of API requests in JSON; those of the pages are the pages' own."""
        if not request.path.startswith(PREFIX):
            return error
        body, code, headers = super().handle_http_exception(error)
        body.setdefault("message", _message(body.get("errors")) or error.description)
        # The exception's own headers (e.g. Allow, for 405) but in JSON.
        own = {name: value for name, value in error.get_headers() if name != "Content-Type"}
        return body, code, {**own, **(headers or {})}

    def handle_engine_error(self, error: LexflowError):
        code = next(code for kind, code in ENGINE_ERRORS if isinstance(error, kind))
        answer = http.default_exceptions[code]()
        answer.data = {"message": str(error)}
        if isinstance(error, InvalidData):
            # The engine validates the form in the body's `data`; nothing else it checks is invalid data.
            answer.data["errors"] = {"json": {"data": error.errors}}
        return self.handle_http_exception(answer)


def _message(errors) -> str | None:
    return str(InvalidData(errors)) if errors else None


def init_app(app: Flask) -> None:
    app.config.update(
        API_TITLE="lexflow", API_VERSION="1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api", OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": __doc__},
            "security": [{"bearer": []}],
            "components": {"securitySchemes": {"bearer": tokens.SECURITY_SCHEME}},
        },
    )
    api = LexflowApi(app, spec_kwargs={"marshmallow_plugin": MarshmallowPlugin(
        schema_name_resolver=schemas.component_name)})
    api.ma_plugin.converter.add_attribute_function(_label_as_title)
    for form in dict.fromkeys(schemas.REPORT_FORMS + schemas.TASK_FORMS):
        api.spec.components.schema(schemas.component_name(form), schema=form)
    for blueprint in (cases.blp, actions.blp, delegation.blp, reports.blp):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)


def _label_as_title(self, field, **_) -> dict:
    """The Swedish label a form field shows people, as its title in the document."""
    label = field.metadata.get("label")
    return {"title": label} if label else {}
