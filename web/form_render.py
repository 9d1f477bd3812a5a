"""HTML forms drawn from a form's marshmallow schema, and posted forms read back into the data
the schema loads. No form is written by hand per task.

A field's HTML name is its path in the data: `entries-0-date` is the `date` of the first row
of `entries`. Rows of a list are added and removed by submit buttons (ADD_ROW, REMOVE_ROW),
so this works without JavaScript.

`choices` maps a field name to {value: label} for fields whose values come from the
organisation (units, people); fields with metadata["options"] carry their own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Mapping

from marshmallow import Schema, fields, validate
from werkzeug.datastructures import MultiDict

ADD_ROW = "_add_row"  # button value: the list field's HTML name
REMOVE_ROW = "_remove_row"  # button value: "<list field's HTML name>-<row index>"
LONG_TEXT = 500  # strings allowed to be longer than this get a textarea
MAX_RADIO_OPTIONS = 4  # a required choice of the schema's own with at most this many options: radio buttons
MAX_ROWS = 200

Choices = Mapping[str, Mapping[str, str]]


@dataclass
class Field:
    """One field as the template draws it."""

    name: str
    label: str
    widget: str  # text | textarea | email | number | date | select | radio | checkboxes | yes_no | checkbox | rows
    required: bool = False
    value: str | list[str] = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    rows: list[list["Field"]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"f-{self.name}"


@dataclass(frozen=True)
class Problem:
    """One line of the error summary at the top of a form; `anchor` is the field's id."""

    label: str
    message: str
    anchor: str | None


def fields_for(schema: type[Schema] | Schema, values: Mapping | None = None, errors: Mapping | None = None,
               choices: Choices | None = None, hidden: frozenset[str] = frozenset(), prefix: str = "") -> list[Field]:
    """The fields of a form, holding `values` (what the user typed, or defaults) and `errors`
    (InvalidData.errors as the engine gives them, nested per row for lists)."""
    values, errors, choices = values or {}, errors or {}, choices or {}
    drawn = []
    for key, schema_field in _input_fields(schema):
        if key in hidden:
            continue
        name = f"{prefix}{key}"
        label = schema_field.metadata.get("label", key)
        value, own_errors = values.get(key), errors.get(key)
        if _is_row_list(schema_field):
            nested = schema_field.inner.schema
            row_values = value if isinstance(value, list) and value else [{}]
            row_errors = own_errors if isinstance(own_errors, Mapping) else {}
            rows = [fields_for(nested, row if isinstance(row, Mapping) else {}, _at(row_errors, i), choices,
                               prefix=f"{name}-{i}-") for i, row in enumerate(row_values)]
            drawn.append(Field(name, label, "rows", schema_field.required, rows=rows,
                               errors=_messages(own_errors if isinstance(own_errors, list) else None)))
            continue
        widget, options = _widget(key, schema_field, choices)
        text = [_text(v) for v in value] if isinstance(value, list) else _text(value)
        drawn.append(Field(name, label, widget, schema_field.required, text, options, _messages(own_errors)))
    return drawn


def read_form(schema: type[Schema] | Schema, form: MultiDict, hidden: frozenset[str] = frozenset(),
              prefix: str = "") -> dict:
    """The posted form as the data the schema loads. Empty fields are left out, so the schema's
    defaults and "required" messages apply; rows left wholly empty are dropped."""
    data: dict = {}
    for key, schema_field in _input_fields(schema):
        if key in hidden:
            continue
        name = f"{prefix}{key}"
        if _is_row_list(schema_field):
            rows = (read_form(schema_field.inner.schema, form, prefix=f"{name}-{i}-")
                    for i in _row_indexes(form, name))
            data[key] = [row for row in rows if row]
        elif isinstance(schema_field, fields.List):
            data[key] = [v for v in form.getlist(name) if v.strip()]
        elif form.get(name, "").strip():
            data[key] = form[name].strip()
    return data


def edit_rows(data: dict, form: MultiDict) -> bool:
    """Apply an "add row" or "remove row" button to the read form; True if one was pressed
    (the form is then shown again instead of being submitted)."""
    if ADD_ROW in form:
        rows = _rows_at(data, form[ADD_ROW].split("-"))
        if rows is not None and len(rows) < MAX_ROWS:
            rows.append({})
        return True
    if REMOVE_ROW in form:
        *path, index = form[REMOVE_ROW].split("-")
        rows = _rows_at(data, path)
        if rows is not None and index.isdigit() and int(index) < len(rows):
            del rows[int(index)]
        return True
    return False


def problems(drawn: list[Field], errors: Mapping | None) -> list[Problem]:
    """Every error of a form, in the order of its fields, for the summary at the top."""
    found = [Problem(f.label, message, f.id) for f in _walk(drawn) for message in f.errors]
    # Errors of the form as a whole, or of fields not drawn (set by the page, not the user).
    drawn_names = {f.name for f in drawn}
    for key, messages in (errors or {}).items():
        if key not in drawn_names:
            found += [Problem("" if key == "_schema" else str(key), m, None) for m in _messages(messages)]
    return found


# -- showing stored data ----------------------------------------------------

@dataclass(frozen=True)
class Shown:
    """A stored field as read-only text; a list of rows is a small table."""

    label: str
    text: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


def describe(schema: type[Schema] | Schema, data: Mapping, choices: Choices | None = None) -> list[Shown]:
    """Stored form data with the schema's labels, choice values shown as their labels."""
    choices = choices or {}
    shown = []
    for key, schema_field in _instance(schema).fields.items():
        if key not in data:
            continue
        label, value = schema_field.metadata.get("label", key), data[key]
        if _is_row_list(schema_field):
            nested = schema_field.inner.schema
            columns = [(k, f) for k, f in nested.fields.items() if not f.dump_only]
            rows = tuple(tuple(_shown_value(k, f, row.get(k), choices) for k, f in columns) for row in value or [])
            shown.append(Shown(label, columns=tuple(f.metadata.get("label", k) for k, f in columns), rows=rows))
        else:
            shown.append(Shown(label, _shown_value(key, schema_field, value, choices)))
    return shown


def _shown_value(key, schema_field, value, choices) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    options = _options_of(key, schema_field, choices)
    if isinstance(value, list):
        return ", ".join(options.get(str(v), str(v)) for v in value)
    return options.get(str(value), str(value))


# -- internals ----------------------------------------------------------------

def _instance(schema: type[Schema] | Schema) -> Schema:
    return schema() if isinstance(schema, type) else schema


def _input_fields(schema):
    return [(key, f) for key, f in _instance(schema).fields.items() if not f.dump_only]


def _is_row_list(schema_field) -> bool:
    return isinstance(schema_field, fields.List) and isinstance(schema_field.inner, fields.Nested)


def _options_of(key, schema_field, choices) -> dict[str, str]:
    if isinstance(schema_field, fields.List):
        schema_field = schema_field.inner
    options = choices.get(key) or schema_field.metadata.get("options") or {}
    return {str(value): label for value, label in options.items()}


def _widget(key, schema_field, choices) -> tuple[str, list[tuple[str, str]]]:
    options = list(_options_of(key, schema_field, choices).items())
    if isinstance(schema_field, fields.List):
        return "checkboxes", options
    if isinstance(schema_field, fields.Boolean):
        # A yes/no question that must be answered; an optional one is a single box to tick.
        return ("yes_no", [("true", "Ja"), ("false", "Nej")]) if schema_field.required else ("checkbox", [])
    if options:
        # Units and people (from `choices`) come and go: always a list to pick from.
        radio = schema_field.required and len(options) <= MAX_RADIO_OPTIONS and key not in choices
        return ("radio" if radio else "select"), options
    if isinstance(schema_field, fields.Date):
        return "date", []
    if isinstance(schema_field, fields.Integer):
        return "number", []
    if isinstance(schema_field, fields.Email):
        return "email", []
    longest = max((v.max for v in schema_field.validators if isinstance(v, validate.Length) and v.max),
                  default=0)
    return ("textarea" if longest > LONG_TEXT else "text"), []


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _messages(errors) -> list[str]:
    """All messages under a field, however deep (e.g. per list item)."""
    if errors is None:
        return []
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, Mapping):
        return [m for value in errors.values() for m in _messages(value)]
    return [m for value in errors for m in _messages(value)]


def _at(row_errors: Mapping, index: int) -> Mapping:
    found = row_errors.get(index, row_errors.get(str(index)))
    return found if isinstance(found, Mapping) else {}


def _row_indexes(form: MultiDict, name: str) -> list[int]:
    start = f"{name}-"
    indexes = set()
    for key in form.keys():
        if key.startswith(start):
            index = key[len(start):].split("-", 1)[0]
            if index.isdigit() and int(index) < MAX_ROWS:
                indexes.add(int(index))
    return sorted(indexes)


def _rows_at(data: dict, path: list[str]) -> list | None:
    """The list of rows at an HTML name's path, e.g. ["entries"] or ["plan", "0", "steps"]."""
    node = data
    for part in path:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node if isinstance(node, list) else None


def _walk(drawn: list[Field]):
    for f in drawn:
        yield f
        for row in f.rows:
            yield from _walk(row)
