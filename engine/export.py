"""Exporting a case whole, for the archive or for anyone it is disclosed to: one ZIP file.

In it: the case and its form data, its history with each event's hash (the chain can be
checked on its own from its first event), its reads from the access log, its links, deadlines
and actions, the diagram it ran on, and the documents the caller renders (the IVO documents,
HTML and PDF). `manifest.json` says what each file is, with its SHA-256; `SHA256SUMS` lists
them all, the manifest too, so `sha256sum -c SHA256SUMS` checks the unpacked export.

Exporting discloses the case: it needs full sight of it, and is written into its history
("case.exported": who, to whom) and into the access log, in the same transaction as the
reading of what is exported, and before anything leaves the system.
"""
from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Callable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from engine import access, chain, history, tracking
from engine.access import Sight
from engine.clock import Clock
from engine.db import Database
from engine.errors import Forbidden, InvalidData, NotFound
from engine.models import (
    AccessLogEntry, Action, ActionCase, Case, CaseLink, DiagramVersion, Disposal, HistoryHead,
)
from engine.organisation import Directory

FORMAT = "lexflow-export/1"


@dataclass(frozen=True)
class ExportedCase:
    """What a document of the case is made from."""

    diary_number: str
    case_type: str
    unit: str
    data: dict


# The case's documents as (file name, content); rendered outside the engine.
Documents = Callable[[ExportedCase], list[tuple[str, bytes]]]


def export_case(db: Database, clock: Clock, diary_number: str, person: str, recipient: str,
                documents: Documents | None = None) -> bytes:
    """The case as a ZIP file; the export is recorded as disclosed by `person` to `recipient`."""
    if not recipient.strip():
        raise InvalidData({"recipient": ["Ange vem ärendet lämnas ut till."]})
    now = clock.now()
    with db.unit_of_work() as session:
        directory = Directory(session)
        exporter = directory.person(person)
        case = session.scalar(select(Case).where(Case.diary_number == diary_number).with_for_update())
        if case is None:
            raise NotFound(f"inget ärende {diary_number}")
        if access.sight(directory, person, case) is not Sight.FULL:
            raise Forbidden(f"{person} får inte lämna ut ärendet {diary_number}")
        history.record(session, case, now, person, "case.exported", f"Ärendet utlämnat till {recipient}",
                       after={"recipient": recipient})
        history.record_read(session, case, now, person, "export")
        session.flush()
        files = {name: _json(content) for name, content in _contents(session, case).items()}
        files["diagram.bpmn"] = session.scalar(select(DiagramVersion.bpmn_xml).where(
            DiagramVersion.id == case.diagram_version_id)).encode("utf-8")
        exported = ExportedCase(case.diary_number, case.case_type, case.unit_id, case.data)
        head = session.get(HistoryHead, case.id)
    for name, content in (documents(exported) if documents else []):
        files[f"documents/{name}"] = content
    manifest = {
        "format": FORMAT, "case": diary_number, "case_type": exported.case_type, "exported_at": _plain(now),
        "exported_by": {"id": exporter.id, "name": exporter.name}, "recipient": recipient,
        "history_head": {"seq": head.seq, "hash": head.hash},
        "hash_chain": ("history.json: each event's hash is SHA-256 over the previous event's hash (64 zeros "
                       "before the first) and the canonical JSON (sorted keys, no spaces, UTF-8, times in UTC "
                       "ISO with microseconds) of case_id (the id in case.json), seq, at, action, task and "
                       "payload, where payload is "
                       "payload_digest: SHA-256 of the canonical JSON of summary, before, after and actor."),
        "files": [{"name": name, "sha256": chain.digest(content), "bytes": len(content)}
                  for name, content in sorted(files.items())],
    }
    files["manifest.json"] = _json(manifest)
    sums = "".join(f"{chain.digest(content)}  {name}\n" for name, content in sorted(files.items()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted({**files, "SHA256SUMS": sums.encode("utf-8")}.items()):
            archive.writestr(name, content)
    return buffer.getvalue()


def _contents(session: Session, case: Case) -> dict[str, object]:
    disposal = session.get(Disposal, case.id)
    other = aliased(Case)
    links = session.execute(
        select(CaseLink, other.diary_number).join(other, or_(
            (CaseLink.source_case_id == case.id) & (other.id == CaseLink.target_case_id),
            (CaseLink.target_case_id == case.id) & (other.id == CaseLink.source_case_id)))
        .order_by(CaseLink.id)).all()
    actions = session.scalars(select(Action).join(ActionCase, ActionCase.action_id == Action.id)
                              .where(ActionCase.case_id == case.id).order_by(Action.id))
    return {
        "case.json": {
            "id": case.id, "diary_number": case.diary_number, "case_type": case.case_type, "unit": case.unit_id,
            "status": case.status, "received_on": case.received_on, "created_at": case.created_at,
            "updated_at": case.updated_at, "closed_at": case.closed_at, "version": case.version,
            "reported_by": case.reported_by, "concerns_person": case.concerns_person_id,
            "assignees": case.assignees, "data": case.data,
            "disposal": disposal and {"disposed_at": disposal.disposed_at, "closed_on": disposal.closed_on,
                                      "rule": disposal.rule},
        },
        "history.json": [
            {"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action, "task": e.task, "summary": e.summary,
             "before": e.before, "after": e.after, "payload_digest": e.payload_digest, "hash": e.hash}
            for e in history.events(session, case)],
        "access_log.json": [
            {"seq": r.seq, "at": r.at, "person": r.person_id, "action": r.action, "hash": r.hash}
            for r in session.scalars(select(AccessLogEntry).where(AccessLogEntry.case_id == case.id)
                                     .order_by(AccessLogEntry.seq))],
        "links.json": [
            {"relation": link.relation, "direction": "to" if link.source_case_id == case.id else "from",
             "case": number, "created_at": link.created_at} for link, number in links],
        "deadlines.json": [
            {"kind": d.kind, "label": d.label, "due_at": d.due_at, "status": d.status, "created_at": d.created_at,
             "resolved_at": d.resolved_at}
            for d in session.scalars(tracking.DEADLINES, {"case": case.id})],
        "actions.json": [
            {"id": a.id, "description": a.description, "owner": a.owner_id, "due_on": a.due_on,
             "follow_up_on": a.follow_up_on, "status": a.status, "created_at": a.created_at, "created_by": a.created_by}
            for a in actions],
    }


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2, default=_plain).encode("utf-8")


def _plain(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot export {type(value).__name__}")
