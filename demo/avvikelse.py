"""Demo deviations: valid form data for each step of bpmn/avvikelse.bpmn."""
from __future__ import annotations

from demo.driver import Driver

ACTORS = {"triage": "erik", "mas_review": "maria", "escalate": "fredrik", "act": "erik",
          "follow_up": "erik", "close": "erik"}
LOCAL_PATH = ("triage", "act", "follow_up", "close")


class DeviationDriver(Driver):
    case_type = "avvikelse"
    actors = ACTORS
    reporter = "anna"

    def report(self, **overrides) -> dict:
        return {
            "unit": "hemtjanst-norr", "what_happened": "Dosetten för tisdag kväll var tom vid besöket.",
            "occurred_on": self.day(-1), "noticed_on": self.day(-1), "received_on": self.day(),
            "affected_individual": "Brukare D", "immediate_actions": "Sjuksköterskan kontaktades.",
            "health_care": True, **overrides,
        }

    def form(self, task: str, **overrides) -> dict:
        today = self.day()
        forms = {
            "triage": {"category": "medication", "severity": 2, "probability": 2, "route": "local",
                       "assessment": "Rutinen för dosettkontroll följdes inte.", "triaged_on": today},
            "mas_review": {"reviewed_on": today, "assessment": "Ingen vårdskada.", "lex_maria": False},
            "escalate": {"investigate_as_lex_sarah": True, "decided_on": today,
                         "motivation": "Kan vara ett missförhållande.", "affected_individual": "Brukare D",
                         "reporter_name": "Fredrik Öberg"},
            "act": {"actions": [{"description": "Dubbelkontroll av dosetter", "owner": "erik",
                                 "due_on": self.day(14)}]},
            "follow_up": {"followed_up_on": today, "outcome": "Dubbelkontrollen görs."},
            "close": {"position": "Åtgärden är genomförd.", "closed_on": today},
        }
        return {**forms[task], **overrides}


def file_demo_cases(runner, clock) -> list[str]:
    driver = DeviationDriver(runner, clock)
    new = driver.file(affected_gender="woman")
    to_mas = driver.file(what_happened="Brukaren fick fel insulindos vid kvällsbesöket.", affected_gender="man")
    driver.complete(to_mas, "triage", route="mas", severity=3, probability=2)
    acting = driver.file(unit="solgarden", health_care=False, what_happened="Larmet på rum 12 fungerade inte.")
    driver.complete(acting, "triage", category="safety", severity=3, probability=3)
    return [new, to_mas, acting]
