"""Demo lex Sarah cases: valid form data for each step, and a driver that walks a case
through them as the people of demo/organisation.yaml would. Used by `lexflow demo`, the
tests and the benchmarks."""
from __future__ import annotations

from demo.driver import Driver

# Who works each step in the demo organisation (demo/organisation.yaml).
ACTORS = {
    "protect": "erik", "register": "rita", "assign_investigator": "anders", "investigate": "ulla",
    "propose": "ulla", "close_no_misconduct": "fredrik", "decide": "fredrik", "notify_ivo": "fredrik",
    "send_supplement": "ulla", "inform_individual": "erik", "follow_up": "anders", "close": "anders",
}


class CaseDriver(Driver):
    case_type = "lex_sarah"
    actors = ACTORS
    reporter = "anna"

    def report(self, **overrides) -> dict:
        return {
            "unit": "hemtjanst-norr",
            "what_happened": "Brukaren fick inte sin insats under kvällen och lämnades utan tillsyn.",
            "occurred_on": self.day(-3), "noticed_on": self.day(-2), "received_on": self.day(-2),
            "affected_individual": "Brukare A", "reporter_name": "Anna Lindqvist",
            "reporter_role": "medarbetare", **overrides,
        }

    def form(self, task: str, **overrides) -> dict:
        today = self.day()
        forms = {
            "protect": {"actions_taken": "Extra tillsyn ordnades samma kväll.", "taken_on": today},
            "register": {"registered_on": today},
            "assign_investigator": {"investigator": "ulla", "assigned_on": today},
            "investigate": {
                "entries": [{"date": today, "source": "Intervju med personal", "kind": "fact",
                             "statement": "Besöket föll bort vid schemaändring.",
                             "author_name": "Ulla Svensson", "author_title": "SAS"}],
                "method": "Intervjuer med personal och genomgång av schema.",
                "individual_interviewed": True, "consequences": "Brukaren var utan tillsyn i sex timmar.",
                "causes": "Schemaändringen kommunicerades inte.", "earlier_similar": "Inga kända.",
            },
            "propose": {
                "assessment": "serious_misconduct", "categories": ["neglect", "service_delivery"],
                "severity": 4, "probability": 2, "recurrence_risk": "Stor utan ändrad rutin.",
                "action_plan": [{"description": "Ny rutin för schemaändringar", "owner": "erik",
                                 "due_on": self.day(30)}],
                "proposal": "Allvarligt missförhållande; anmäls till IVO.",
            },
            "close_no_misconduct": {"reason": "Händelsen var ett planerat uppehåll.", "decided_on": today,
                                    "refile_as": "none"},
            "decide": {"serious": True, "decided_on": today, "motivation": "Allvarlig risk för brukarens hälsa."},
            "notify_ivo": {"notified_on": today, "signer": "Fredrik Öberg", "channel": "e_service",
                           "ivo_reference": "3.5.1-12345/2026", "investigation_included": True},
            "send_supplement": {"sent_on": today},
            "inform_individual": {"informed": True, "informed_on": today, "informed_whom": "individual",
                                  "comments": "Inga synpunkter."},
            "follow_up": {"followed_up_on": today, "outcome": "Rutinen följs."},
            "close": {"position": "Åtgärderna är genomförda och följda upp.", "closed_on": today},
        }
        return {**forms[task], **overrides}


SERIOUS_PATH = ("protect", "register", "assign_investigator", "investigate", "propose", "decide",
                "notify_ivo", "inform_individual", "follow_up", "close")


def file_demo_cases(runner, clock) -> list[str]:
    """A handful of cases at different steps, so a new user has something to look at."""
    driver = CaseDriver(runner, clock)
    just_filed = driver.file(affected_gender="woman")
    investigating = driver.file(unit="solgarden", what_happened="Brukaren föll i duschen och larmet fungerade inte.",
                                affected_gender="man")
    driver.walk(investigating, *SERIOUS_PATH[:3])
    deciding = driver.file(what_happened="Läkemedel gavs till fel brukare vid kvällsbesöket.",
                           affected_gender="woman")
    driver.walk(deciding, *SERIOUS_PATH[:5])
    closed = driver.file(what_happened="Nyckel till brukarens bostad saknades efter besöket.")
    driver.walk(closed, *SERIOUS_PATH[:4])
    driver.complete(closed, "propose", assessment="no_misconduct", categories=[], action_plan=[])
    driver.complete(closed, "close_no_misconduct")
    # A paper report that arrived five weeks ago and is registered only now: already overdue.
    late = driver.file(received_on=driver.day(-35), occurred_on=driver.day(-36), noticed_on=driver.day(-36),
                       what_happened="Pappersrapport: brukaren nekades mat som straff.")
    return [just_filed, investigating, deciding, closed, late]
