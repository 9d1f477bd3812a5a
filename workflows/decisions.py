"""What a decision taken on delegation decided, in the words of a report to the committee.

The delegation order (the organisation file's `delegation:`) names decisions as
`<case type>.<task>`; here is how the form of each such task reads as an outcome. A task the
order names that is not here is reported by its title alone.
"""
from __future__ import annotations

from typing import Callable


def _lex_sarah_investigation(data: dict) -> str:
    return "Utreds enligt lex Sarah" if data["investigate_as_lex_sarah"] else "Utreds inte enligt lex Sarah"


def _no_misconduct(data: dict) -> str:
    # Reports closed before re-filing was asked for have no `refile_as`.
    refiled = {"klagomal": ", hanteras vidare som synpunkt eller klagomål",
               "avvikelse": ", hanteras vidare som avvikelse"}
    return "Inget missförhållande" + refiled.get(data.get("refile_as"), "")


OUTCOMES: dict[tuple[str, str], Callable[[dict], str]] = {
    ("lex_sarah", "decide"): lambda data: "Allvarligt missförhållande" if data["serious"] else "Inte allvarligt",
    ("lex_sarah", "close_no_misconduct"): _no_misconduct,
    ("klagomal", "escalate"): _lex_sarah_investigation,
    ("avvikelse", "escalate"): _lex_sarah_investigation,
}


def outcome(case_type: str, task: str, data: dict) -> str:
    """The decision's outcome in Swedish, or "" when the task's form says nothing more than its title."""
    describe = OUTCOMES.get((case_type, task))
    return describe(data) if describe else ""
