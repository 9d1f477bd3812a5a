"""What the API takes and gives, as marshmallow schemas; the OpenAPI document is generated from them.

The `data` of a report or a task is the case type's own form (workflows/), validated by the
engine when the case is filed or the task completed; here it is only documented, each form
as a named component.
"""
from __future__ import annotations

from apispec.ext.marshmallow import resolver
from apispec.ext.marshmallow.common import resolve_schema_cls
from marshmallow import Schema, ValidationError, fields, pre_dump, validate

import workflows
from engine.access import Sight
from engine.clock import STOCKHOLM
from engine.paging import COUNT_LIMIT, MAX_PAGE_SIZE

# Ids are 32-bit in PostgreSQL; larger numbers name no case.
MAX_ID = 2**31 - 1
MAX_PAGE = 1_000_000
STATUSES = ("open", "closed")
DEADLINE_STATUSES = ("pending", "overdue", "met", "late")


def component_name(schema) -> str:
    """The OpenAPI name of a schema: without "Schema", and for the case types' forms with their
    module's name first (LexSarahReport, KlagomalEscalation), as case types reuse class names."""
    schema_class = resolve_schema_cls(schema)
    name = resolver(schema_class)
    module = schema_class.__module__
    if module.startswith("workflows."):
        return "".join(part.capitalize() for part in module.rpartition(".")[2].split("_")) + name
    return name


def _form_schemas(forms) -> list[type[Schema]]:
    return list(dict.fromkeys(form.schema for form in forms))  # a schema may serve several forms


REPORT_FORMS = _form_schemas(case_type.report for case_type in workflows.CASE_TYPES.values())
TASK_FORMS = _form_schemas(form for case_type in workflows.CASE_TYPES.values() for form in case_type.tasks.values())
TASK_NAMES = sorted({name for case_type in workflows.CASE_TYPES.values() for name in case_type.tasks})


def _without_nul(value):
    """Error messages where a text holds a NUL character, which no database takes."""
    if isinstance(value, str):
        return ["Texten får inte innehålla NUL-tecken."] if "\x00" in value else None
    if isinstance(value, (dict, list)):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        errors = {key: found for key, item in items if (found := _without_nul(item)) is not None}
        return errors or None
    return None


def no_nul(value) -> None:
    errors = _without_nul(value)
    if errors:
        raise ValidationError(errors)


class Text(fields.String):
    """A short text that is looked up in the database: not empty, and no NUL characters."""

    def __init__(self, max_length: int, **kwargs):
        super().__init__(validate=[validate.Length(min=1, max=max_length), no_nul], **kwargs)


class FormData(fields.Dict):
    """A form's fields. Which form is given by the case type or the task; the engine checks it."""

    def __init__(self, forms: list[type[Schema]], **kwargs):
        refs = [{"$ref": f"#/components/schemas/{component_name(form)}"} for form in forms]
        super().__init__(keys=fields.String(), metadata={"anyOf": refs, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        no_nul(value)  # here rather than as a validator, so that the errors name the form's fields
        return value


class LocalDateTime(fields.DateTime):
    """A moment in Stockholm time with its UTC offset, as people there read it."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.astimezone(STOCKHOLM).isoformat(timespec="seconds")


# -- requests ----------------------------------------------------------------------

class LinkSchema(Schema):
    relation = Text(32, required=True,
                    metadata={"description": "How the cases relate, e.g. related or escalated_to."})
    case = Text(64, required=True,
                metadata={"description": "The other case's diary number, e.g. SOCN/2026:3."})


class FileCaseSchema(Schema):
    case_type = fields.String(required=True, validate=validate.OneOf(list(workflows.CASE_TYPES)))
    data = FormData(REPORT_FORMS, required=True,
                    metadata={"description": "The report form of the case type (components *Report)."})
    links = fields.List(fields.Nested(LinkSchema), load_default=list, validate=validate.Length(max=20))


class CompleteTaskSchema(Schema):
    data = FormData(TASK_FORMS, required=True,
                    metadata={"description": "The form of the task named in the path."})
    expected_version = fields.Integer(
        strict=True, load_default=None, validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": "The case's version when you read it; 409 if it has changed since."})


class PageQuerySchema(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE_SIZE))


class CaseQuerySchema(PageQuerySchema):
    case_type = fields.String(validate=validate.OneOf(list(workflows.CASE_TYPES)))
    status = fields.String(validate=validate.OneOf(STATUSES))
    unit = Text(64, metadata={"description": "Unit id."})
    received_from = fields.Date(metadata={"description": "Received on or after (YYYY-MM-DD)."})
    received_to = fields.Date(metadata={"description": "Received on or before (YYYY-MM-DD)."})


class DeadlineQuerySchema(PageQuerySchema):
    overdue = fields.Boolean(load_default=False, metadata={"description": "Only those that have passed."})


# -- responses ---------------------------------------------------------------------

class ErrorSchema(Schema):
    code = fields.Integer(required=True)
    status = fields.String(required=True)
    message = fields.String(required=True)
    errors = fields.Dict(metadata={"description": "Messages per field, by where the field was: "
                                                  "json (the body) or query."})


class CaseRefSchema(Schema):
    """A case by its id (for the URLs) and its diary number."""

    id = fields.Integer(required=True)
    diary_number = fields.String(required=True)


class TaskSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    title = fields.String(required=True)
    lane = fields.String(required=True, allow_none=True)
    ready_since = LocalDateTime(required=True)


class DeadlineSchema(Schema):
    kind = fields.String(required=True)
    label = fields.String(required=True)
    guarded_task = fields.String(required=True)
    due_at = LocalDateTime(required=True)
    status = fields.String(required=True, validate=validate.OneOf(DEADLINE_STATUSES))


class CaseStatusSchema(Schema):
    """What anyone who may read a case sees of it, its reporter too."""

    id = fields.Integer(required=True)
    diary_number = fields.String(required=True)
    case_type = fields.String(required=True)
    unit = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    received_on = fields.Date(required=True)
    sight = fields.Enum(Sight, by_value=True, required=True)


class CaseSchema(CaseStatusSchema):
    """A case as the reader may see it: the reporter (sight status) gets no deadlines, links or data."""

    version = fields.Integer(required=True)
    tasks = fields.List(fields.Nested(TaskSchema), required=True)
    deadlines = fields.List(fields.Nested(DeadlineSchema))
    links = fields.List(fields.Nested(LinkSchema))
    data = fields.Dict(metadata={"description": "Each form filled in so far: report, then each task by name."})

    @pre_dump
    def _as_sighted(self, view, **_):
        body = {name: getattr(view, name) for name in ("id", "diary_number", "case_type", "unit", "status",
                                                        "received_on", "version", "sight", "tasks")}
        if view.sight is Sight.FULL:
            body.update(deadlines=view.deadlines, data=view.data,
                        links=[{"relation": relation, "case": case} for relation, case in view.links])
        return body


class CaseSummarySchema(CaseStatusSchema):
    """One case in a list; the reporter (sight status) gets no deadline fields."""

    unit_name = fields.String(required=True)
    steps = fields.List(fields.String(), required=True, metadata={"description": "The current steps."})
    next_due_at = LocalDateTime(allow_none=True, metadata={"description": "The soonest open deadline."})
    overdue = fields.Boolean(metadata={"description": "An open deadline has passed."})

    @pre_dump
    def _as_sighted(self, summary, **_):
        body = dict(vars(summary))
        if summary.sight is not Sight.FULL:
            del body["next_due_at"], body["overdue"]
        return body


class PageSchema(Schema):
    total = fields.Integer(required=True, metadata={
        "description": f"How many there are on all pages, counted up to {COUNT_LIMIT} (or to this page's end)."})
    total_exact = fields.Boolean(required=True, metadata={
        "description": "False when more than `total` match: there is a next page."})
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)


class CasePageSchema(PageSchema):
    items = fields.List(fields.Nested(CaseSummarySchema), required=True)


class CaseDeadlineSchema(DeadlineSchema):
    case_id = fields.Integer(required=True)
    diary_number = fields.String(required=True)


class DeadlinePageSchema(PageSchema):
    items = fields.List(fields.Nested(CaseDeadlineSchema), required=True)


class HistoryEventSchema(Schema):
    seq = fields.Integer(required=True)
    at = LocalDateTime(required=True)
    actor = fields.String(required=True, allow_none=True, metadata={"description": "None: the system."})
    action = fields.String(required=True)
    task = fields.String(required=True, allow_none=True)
    summary = fields.String(required=True)
    before = fields.Dict(required=True, allow_none=True)
    after = fields.Dict(required=True, allow_none=True)
