"""The hash chains that let the case history and the access log prove they are whole.

Each row's `hash` is SHA-256 over the previous row's hash and a canonical encoding of the row:
JSON with sorted keys, no spaces, UTF-8, times as UTC ISO strings with microseconds. The
encoding must come out the same from what was written as from what the database gives back,
on SQLite as on PostgreSQL; it never changes, or every hash ever written stops verifying.

An event's hash covers its content (summary, before, after, actor) only through the event's
`payload_digest`. Disposal (gallring, engine/retention.py) erases the content and keeps the
digest, so the chain still verifies; what was erased can no longer be read, nor be forged.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

# The hash before the first row of a chain.
GENESIS = "0" * 64
# What an event's summary becomes when its content is erased at disposal.
ERASED_SUMMARY = "Gallrad"


def canonical(value: dict) -> bytes:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=_utc_iso).encode("utf-8")


def _utc_iso(value):
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="microseconds")
    raise TypeError(f"cannot encode {type(value).__name__} in a hash chain")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def payload_digest(summary: str, before: dict | None, after: dict | None, actor: str | None) -> str:
    """What an event says and who did it: the part disposal erases."""
    return digest(canonical({"summary": summary, "before": before, "after": after, "actor": actor}))


def event_hash(previous: str, case_id: int, seq: int, at: datetime, action: str, task: str | None,
               payload: str) -> str:
    return digest(previous.encode("ascii") + canonical(
        {"case_id": case_id, "seq": seq, "at": at, "action": action, "task": task, "payload": payload}))


def read_hash(previous: str, seq: int, at: datetime, person_id: str, case_id: int, action: str) -> str:
    return digest(previous.encode("ascii") + canonical(
        {"seq": seq, "at": at, "person_id": person_id, "case_id": case_id, "action": action}))


def is_erased(summary: str, before, after, actor) -> bool:
    """Whether an event's content was erased at disposal (only the digest of it is left)."""
    return summary == ERASED_SUMMARY and before is None and after is None and actor is None
