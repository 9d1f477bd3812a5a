"""One form on a page: drawn from its schema with the organisation's choices, and read back
from the post. Pages call `drawn` to show a form and `posted` to read one."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import request
from marshmallow import fields

from web import form_render
from web.form_render import Field, Problem
from web.pages.org import organisation
from workflows.forms import SchemaForm


@dataclass(frozen=True)
class DrawnForm:
    title: str
    fields: list[Field]
    problems: list[Problem]


def drawn(form: SchemaForm, values: dict | None = None, errors: dict | None = None,
          hidden: frozenset[str] = frozenset()) -> DrawnForm:
    found = form_render.fields_for(form.schema, values, errors, organisation().choices(form), hidden)
    return DrawnForm(form.title, found, form_render.problems(found, errors))


def posted(form: SchemaForm, hidden: frozenset[str] = frozenset()) -> tuple[dict, bool]:
    """The posted data, and whether the post only added or removed a row (show it again)."""
    data = form_render.read_form(form.schema, request.form, hidden)
    return data, form_render.edit_rows(data, request.form)


def starting_values(form: SchemaForm, today: date, unit: str) -> dict:
    """What a task form starts with: the day something was done is most often today, and a
    case routed on goes to the unit it is at unless the person chooses another."""
    values = {key: today.isoformat() for key, field in form.schema().fields.items()
              if isinstance(field, fields.Date) and field.required}
    if form.routes:
        values[form.routes] = unit
    return values


def requested_page() -> int:
    """The page of a listing that the address asks for, from 1."""
    return max(request.args.get("page", 1, type=int), 1)


def one_of(value: str | None, allowed) -> str | None:
    """A filter's value from the address, or None (no filter) when it is not one allowed."""
    return value if value in allowed else None
