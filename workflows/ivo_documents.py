"""The documents a lex Sarah case sends to IVO, built from the case (SOSFS 2011:5, domain §3.1).

IVO has no API: the notification is sent through its e-service or by post. These builders
give the content; web/documents.py renders it as HTML to read and as PDF to print or attach.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from workflows.lex_sarah import ASSESSMENTS, CATEGORIES, ENTRY_KINDS, GENDERS, PROBABILITY, REPORTER_ROLES, SEVERITY


@dataclass(frozen=True)
class Provider:
    """Who notifies: the organisation, the unit concerned and a contact person."""

    organisation: str
    department: str
    unit: str
    contact_name: str
    contact_title: str
    contact_email: str


@dataclass
class Section:
    heading: str
    facts: list[tuple[str, str]] = field(default_factory=list)  # label, value
    text: list[str] = field(default_factory=list)  # paragraphs
    table: tuple[tuple[str, ...], list[tuple[str, ...]]] | None = None  # header, rows
    sections: list["Section"] = field(default_factory=list)


@dataclass
class Document:
    title: str
    reference: str
    sections: list[Section]


class MissingStep(Exception):
    """The case has not yet reached the step the document needs."""


def notification(diary_number: str, data: dict, provider: Provider) -> Document:
    """Anmälan till IVO enligt lex Sarah: what IVO's notification form asks for."""
    report, proposal = _need(data, "report"), _need(data, "propose")
    decision = _need(data, "decide")
    investigation = data.get("investigate", {})
    sent = data.get("notify_ivo")
    return Document(
        title="Anmälan om allvarligt missförhållande enligt lex Sarah",
        reference=diary_number,
        sections=[
            Section("Vårdgivare och verksamhet", facts=[
                ("Vårdgivare", provider.organisation), ("Förvaltning/avdelning", provider.department),
                ("Verksamhet där missförhållandet inträffade", provider.unit), ("Diarienummer", diary_number)]),
            Section("Kontaktperson", facts=[
                ("Namn", provider.contact_name), ("Befattning", provider.contact_title),
                ("E-post", provider.contact_email)]),
            Section("Händelsen", facts=[
                ("Inträffade", report["occurred_on"]), ("Upptäcktes", report["noticed_on"]),
                ("Rapporterades", report["received_on"]),
                ("Rapportör", f"{report['reporter_name']} ({REPORTER_ROLES[report['reporter_role']]})")],
                text=[report["what_happened"]]),
            Section("Den enskilde", facts=[("Berörd enskild (pseudonymiserad)", report["affected_individual"]),
                                           # Reports filed before the form asked for it have none.
                                           ("Kön", GENDERS.get(report.get("affected_gender"), "Ej angivet"))],
                    text=[investigation["consequences"]] if investigation.get("consequences") else []),
            Section("Kategori", text=[", ".join(CATEGORIES[c] for c in proposal["categories"])]),
            Section("Åtgärder", sections=[
                Section("Omedelbara åtgärder", text=[_protect_text(data)]),
                _actions_taken(investigation),
                _action_plan(proposal)]),
            Section("Bedömning", facts=[
                ("Bedömning", ASSESSMENTS[proposal["assessment"]]),
                ("Allvarlighet", f"{proposal['severity']} – {SEVERITY[proposal['severity']]}"),
                ("Sannolikhet att det upprepas", f"{proposal['probability']} – {PROBABILITY[proposal['probability']]}"),
                ("Risknivå", proposal["risk_level"]),
                ("Risk för upprepning", proposal["recurrence_risk"]),
                ("Beslut om allvarligt missförhållande", decision["decided_on"]),
                ("Motivering", decision["motivation"])]),
            Section("Utredningen", text=[
                "Den kompletta utredningen bifogas." if sent and sent["investigation_included"] else
                "Den kompletta utredningen skickas senast två månader efter anmälan."]),
            Section("Sändning", facts=[
                ("Skickad", sent["notified_on"]), ("Undertecknad av", sent["signer"]),
                ("Kanal", {"e_service": "IVO:s e-tjänst", "post": "Post"}[sent["channel"]]),
                ("IVO:s diarienummer", sent["ivo_reference"] or "–")] if sent else [],
                text=[] if sent else ["Ej skickad ännu. Skicka via IVO:s e-tjänst med e-legitimation eller per post "
                                      "och registrera sändningen i ärendet."]),
        ])


def investigation_report(diary_number: str, data: dict, provider: Provider) -> Document:
    """Utredningen: Bakgrund, Metod, Resultat, Åtgärdsplan, Bedömning."""
    report, investigation, proposal = _need(data, "report"), _need(data, "investigate"), _need(data, "propose")
    method = [investigation["method"]]
    if not investigation["individual_interviewed"]:
        method.append(f"Den enskilde har inte intervjuats: {investigation['not_interviewed_reason']}")
    entries = [(e["date"], e["source"], ENTRY_KINDS[e["kind"]], e["statement"], f"{e['author_name']}, {e['author_title']}")
               for e in investigation["entries"]]
    return Document(
        title="Utredning enligt lex Sarah",
        reference=diary_number,
        sections=[
            Section("Bakgrund", facts=[
                ("Verksamhet", f"{provider.unit}, {provider.department}"), ("Inträffade", report["occurred_on"]),
                ("Upptäcktes", report["noticed_on"]), ("Rapporterades", report["received_on"]),
                ("Berörd enskild (pseudonymiserad)", report["affected_individual"])],
                text=[report["what_happened"]]),
            Section("Metod", text=method,
                    table=(("Datum", "Källa", "Typ", "Uppgift", "Författare"), entries)),
            Section("Resultat", sections=[
                Section("Händelseförlopp", text=[report["what_happened"], investigation["consequences"]]),
                Section("Bakomliggande orsaker", text=[investigation["causes"]]),
                Section("Tidigare utredning", text=[investigation["earlier_similar"]]),
            ]),
            _action_plan(proposal, heading="Åtgärdsplan"),
            Section("Bedömning", facts=[
                ("Bedömning", ASSESSMENTS[proposal["assessment"]]),
                ("Kategorier", ", ".join(CATEGORIES[c] for c in proposal["categories"])),
                ("Risknivå", proposal["risk_level"]),
                ("Risk för upprepning", proposal["recurrence_risk"]),
                ("Förslag till beslut", proposal["proposal"])]),
        ])


def _need(data: dict, step: str) -> dict:
    if step not in data:
        raise MissingStep(step)
    return data[step]


def _protect_text(data: dict) -> str:
    protect = data.get("protect")
    if protect:
        return f"{protect['taken_on']}: {protect['actions_taken']}"
    return data["report"]["immediate_actions"] or "–"


def _actions_taken(investigation: dict) -> Section:
    rows = [(a["taken_on"], a["description"]) for a in investigation.get("actions_taken", [])]
    return Section("Vidtagna åtgärder", table=(("Datum", "Åtgärd"), rows)) if rows else \
        Section("Vidtagna åtgärder", text=["Inga utöver de omedelbara."])


def _action_plan(proposal: dict, heading: str = "Planerade åtgärder") -> Section:
    rows = [(a["description"], a["owner_name"], a["due_on"]) for a in proposal["action_plan"]]
    return Section(heading, table=(("Åtgärd", "Ansvarig", "Klart senast"), rows))
