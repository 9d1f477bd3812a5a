"""Demo complaints and feedback: valid form data for each step of bpmn/klagomal.bpmn."""
from __future__ import annotations

from demo.driver import Driver

ACTORS = {"register": "rita", "acknowledge": "rita", "answer": "erik", "escalate": "fredrik",
          "close": "erik", "appeal": "nils"}
ANSWERED_PATH = ("register", "answer", "close")


class ComplaintDriver(Driver):
    case_type = "klagomal"
    actors = ACTORS
    reporter = None  # the public web form

    def report(self, **overrides) -> dict:
        return {
            "feedback_type": "complaint", "submitter_category": "relative", "unit": "hemtjanst-norr",
            "description": "Min pappa fick vänta två timmar på sitt morgonbesök flera dagar i rad.",
            "received_on": self.day(), "reply_wanted": True, "name": "Eva Ek", "email": "eva.ek@example.se",
            **overrides,
        }

    def form(self, task: str, **overrides) -> dict:
        today = self.day()
        forms = {
            "register": {"registered_on": today, "unit": "hemtjanst-norr"},
            "acknowledge": {"acknowledged_on": today, "channel": "email"},
            "answer": {"answered_on": today, "answer": "Vi beklagar och har ändrat körschemat.",
                       "channel": "email", "measures": "Nytt körschema för morgonbesöken.",
                       "reveals_misconduct": False},
            "escalate": {"investigate_as_lex_sarah": True, "decided_on": today,
                         "motivation": "Upprepade uteblivna besök kan vara ett missförhållande.",
                         "affected_individual": "Brukare C", "reporter_name": "Fredrik Öberg"},
            "close": {"closed_on": today, "summary": "Besvarad och åtgärdad.", "appealed": False},
            "appeal": {"heard_on": today, "conclusion": "Verksamhetens svar och åtgärder är tillräckliga."},
        }
        return {**forms[task], **overrides}


def file_demo_cases(runner, clock) -> list[str]:
    driver = ComplaintDriver(runner, clock)
    new = driver.file()
    praise = driver.file(feedback_type="praise", submitter_category="user", reply_wanted=False, name="", email=None,
                         description="Tack till personalen på Solgården för ett fint bemötande!", unit="solgarden")
    driver.walk(praise, *ANSWERED_PATH, register={"unit": "solgarden"},
                answer={"channel": "none", "answer": "Tackat personalen."})
    # A paper form that arrived 20 days ago and was registered late: the answer is overdue.
    late = driver.file(channel="paper", received_on=driver.day(-20), unit="solgarden",
                       description="Maten på boendet är ofta kall när den serveras.")
    driver.complete(late, "register", unit="solgarden")
    return [new, praise, late]
