"""Task forms: a marshmallow schema per form, Swedish messages, and rules that need the organisation.

A form's schema says what each field is; `rules` say what depends on the organisation, today's
date or what the case already holds. Both report errors per field.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from engine.casetypes import FormContext, ValidatedForm
from engine.errors import InvalidData

COMMON_MESSAGES = {
    "required": "Fältet måste fyllas i.",
    "null": "Fältet får inte vara tomt.",
    "validator_failed": "Ogiltigt värde.",
}
MESSAGES_BY_TYPE = {
    fields.Date: {"invalid": "Ange ett datum som ÅÅÅÅ-MM-DD."},
    fields.Integer: {"invalid": "Ange ett heltal.", "too_large": "Talet är för stort."},
    fields.Boolean: {"invalid": "Ange ja eller nej."},
    fields.Email: {"invalid": "Ange en giltig e-postadress."},
    fields.String: {"invalid": "Ange text."},
    fields.List: {"invalid": "Ange en lista."},
    fields.Nested: {"type": "Ogiltigt format."},
}


class FormSchema(Schema):
    """Base of every form: unknown fields are refused and messages are in Swedish."""

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": "Okänt fält.", "type": "Formuläret ska vara ett objekt med fält."}

    def on_bind_field(self, field_name, field_obj):
        messages = dict(COMMON_MESSAGES)
        for field_type, overrides in MESSAGES_BY_TYPE.items():
            if isinstance(field_obj, field_type):
                messages.update(overrides)
        field_obj.error_messages = {**field_obj.error_messages, **messages}


class Boolean(fields.Boolean):
    truthy = fields.Boolean.truthy | {"ja", "Ja", "JA"}
    falsy = fields.Boolean.falsy | {"nej", "Nej", "NEJ"}


def text(required: bool = True, max_length: int = 20000, **kwargs) -> fields.String:
    length = validate.Length(min=1 if required else 0, max=max_length,
                             error=f"Ange högst {max_length} tecken." if not required else
                             f"Fältet måste fyllas i (högst {max_length} tecken).")
    if not required:
        kwargs.setdefault("load_default", "")
    return fields.String(required=required, validate=length, **kwargs)


def choice(options: dict[str, str], **kwargs) -> fields.String:
    """One of a fixed set; `options` maps the stored value to its Swedish label."""
    error = "Välj ett av: " + ", ".join(options) + "."
    return fields.String(validate=validate.OneOf(list(options), error=error),
                         metadata={"options": options, **kwargs.pop("metadata", {})}, **kwargs)


def scale(low: int, high: int, **kwargs) -> fields.Integer:
    return fields.Integer(strict=False, validate=validate.Range(
        min=low, max=high, error=f"Ange ett värde från {low} till {high}."), **kwargs)


Rule = Callable[[dict, FormContext], dict[str, list[str]]]


@dataclass(frozen=True)
class SchemaForm:
    """A form: its schema, its rules, and which fields give a person a role on the case."""

    title: str
    schema: type[Schema]
    rules: tuple[Rule, ...] = ()
    assigns: dict[str, str] = field(default_factory=dict)  # field -> role
    routes: str | None = None  # the field naming the unit the case is routed to
    # The list field whose rows (description, owner, due_on, follow_up_on) become actions of
    # the case when the step is done; each owner must be a person of the organisation.
    plans_actions: str | None = None

    def validate(self, data: dict, context: FormContext) -> ValidatedForm:
        """Check the schema and the rules together, so the user sees every error at once."""
        schema = self.schema()
        if not isinstance(data, dict):
            raise InvalidData({"_schema": ["Formuläret ska vara ett objekt med fält."]})
        try:
            loaded, errors = schema.load(data), {}
        except ValidationError as error:
            loaded, errors = error.valid_data or {}, dict(error.messages)
        for rule in self.rules + ((action_owners(self.plans_actions),) if self.plans_actions else ()):
            for name, messages in rule(loaded, context).items():
                if name not in errors:
                    errors[name] = messages
        if errors:
            raise InvalidData(errors)
        dumped = schema.dump(loaded)
        if self.plans_actions:
            # The plan is a record: it keeps each owner's name as it was, for the documents it goes into.
            dumped[self.plans_actions] = [{**row, "owner_name": context.directory.person(row["owner"]).name}
                                          for row in dumped[self.plans_actions]]
        return ValidatedForm(dumped, {role: dumped[name] for name, role in self.assigns.items()},
                             unit=dumped.get(self.routes) if self.routes else None,
                             planned_actions=tuple(dumped[self.plans_actions]) if self.plans_actions else ())


# -- rules shared by many forms ---------------------------------------------

def not_in_future(*names: str) -> Rule:
    def rule(data, context):
        return {n: ["Datumet kan inte ligga i framtiden."] for n in names
                if isinstance(data.get(n), date) and data[n] > context.today}
    return rule


def in_order(schema: type[Schema], *names: str) -> Rule:
    """Dates that must not run backwards, e.g. happened <= noticed <= reported.

    Rules get the fields that passed the schema, so each rule skips what is missing."""
    labels = {name: schema._declared_fields[name].metadata.get("label", name) for name in names}

    def rule(data, context):
        errors = {}
        for earlier, later in zip(names, names[1:]):
            if data.get(earlier) and data.get(later) and data[later] < data[earlier]:
                errors[later] = [f"Datumet kan inte vara före ”{labels[earlier]}”."]
        return errors
    return rule


def not_before_report(*names: str) -> Rule:
    def rule(data, context):
        received = date.fromisoformat(context.case_data["report"]["received_on"])
        return {n: [f"Datumet kan inte vara före rapportdatumet {received.isoformat()}."]
                for n in names if data.get(n) and data[n] < received}
    return rule


def required_when(name: str, condition: Callable[[dict], bool], message: str) -> Rule:
    def rule(data, context):
        try:
            applies = condition(data)
        except KeyError:  # what the condition reads was itself invalid
            return {}
        return {name: [message]} if applies and not data.get(name) else {}
    return rule


def known_unit(name: str) -> Rule:
    def rule(data, context):
        unit = data.get(name)
        return {} if not unit or context.directory.has_unit(unit) else {name: ["Okänd enhet."]}
    return rule


def person_with_role(name: str, role: str) -> Rule:
    def rule(data, context):
        person = data.get(name)
        if not person or context.directory.holds(person, role):
            return {}
        return {name: [f"Personen finns inte eller har inte rollen {role}."]}
    return rule


def known_person(name: str) -> Rule:
    def rule(data, context):
        person = data.get(name)
        return {} if not person or context.directory.has_person(person) else {name: ["Okänd person."]}
    return rule


def action_owners(name: str) -> Rule:
    """Each planned action in the list `name` is owned by a person of the organisation, and not
    by the staff member the report is about, who must never see the case."""
    def rule(data, context):
        concerned = context.case_data.get("report", {}).get("concerns_person")
        errors = {}
        for index, row in enumerate(data.get(name) or []):
            owner = row.get("owner") if isinstance(row, dict) else None
            if owner and not context.directory.has_person(owner):
                errors[index] = {"owner": ["Okänd person."]}
            elif owner and owner == concerned:
                errors[index] = {"owner": ["Den som rapporten gäller kan inte vara ansvarig."]}
        return {name: errors} if errors else {}
    return rule
