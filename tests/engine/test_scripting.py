"""Diagram code is refused at load unless it is within the small language diagrams need, and
what runs is stopped when it runs too long or builds too large a value; the step then rolls
back as a whole."""
import shutil

import pytest
from sqlalchemy import func, select

from engine.diagrams import DiagramStore
from engine.errors import DiagramError
from engine.models import Case, HistoryEvent
from engine.runner import CaseRunner
from engine.scripting import ScriptLimitExceeded, check_code
from web import ROOT
from workflows import CASE_TYPES
from demo.klagomal import ComplaintDriver

ACKNOWLEDGEMENT = 'deadline_configured("acknowledgement") and reply_wanted == True'


@pytest.mark.parametrize("source, mode, reason", [
    ("import os", "exec", "otillåten konstruktion: Import"),
    ("import socket", "exec", "otillåten konstruktion: Import"),
    ("from os import system", "exec", "otillåten konstruktion: ImportFrom"),
    ("__import__('os')", "eval", "otillåtet namn: __import__"),
    ("__builtins__", "eval", "otillåtet namn: __builtins__"),
    ("open('/etc/passwd')", "eval", "otillåtet namn: open"),
    ("getattr(serious, 'real')", "eval", "otillåtet namn: getattr"),
    ("serious.__class__", "eval", "otillåten attributåtkomst: .__class__"),
    ("deadline.__globals__", "eval", "otillåten attributåtkomst: .__globals__"),
    ("().__class__.__bases__", "eval", "otillåten attributåtkomst: .__bases__"),
    ("().__class__.__bases__[0].__subclasses__()", "eval", "bara diagrammets funktioner får anropas"),
    ("'{0.__class__}'.format(serious)", "eval", "bara diagrammets funktioner får anropas"),
    ("x = 'a'.upper", "exec", "otillåten attributåtkomst: .upper"),
    ("f'{serious.__class__}'", "eval", "otillåten konstruktion: JoinedStr"),
    ("f'{serious!r:>{10}}'", "eval", "otillåten konstruktion: JoinedStr"),
    ("'%0999999999d' % 1", "eval", "otillåten konstruktion: Mod"),
    ("10 ** 10 ** 10", "eval", "otillåten konstruktion: Pow"),
    ("1 << 99999999", "eval", "otillåten konstruktion: LShift"),
    ("lambda: 1", "eval", "otillåten konstruktion: Lambda"),
    ("def f():\n    pass", "exec", "otillåten konstruktion: FunctionDef"),
    ("while True:\n    pass", "exec", "otillåten konstruktion: While"),
    ("with x:\n    pass", "exec", "otillåten konstruktion: With"),
    ("match serious:\n    case str(__class__=c):\n        pass", "exec", "otillåten konstruktion: Match"),
    ("(n := 1)", "eval", "otillåten konstruktion: NamedExpr"),
    ("[*serious]", "eval", "otillåten konstruktion: Starred"),
    ("del serious", "exec", "otillåten konstruktion: Delete"),
])
def test_unsafe_code_is_refused_naming_why(source, mode, reason):
    assert reason in check_code(source, mode)


@pytest.mark.parametrize("source, mode", [
    ("serious == True", "eval"),
    ('deadline("registration", received_on)', "eval"),
    ('deadline_configured("acknowledgement") and reply_wanted == True', "eval"),
    ('escalate("answer")', "exec"),
    ("n = 0\nfor a in [1, 2, 3]:\n    if a > 1:\n        n = n + a\n    else:\n        continue", "exec"),
    ("[a * 2 for a in [1, 2] if a != 2] == [2] or {'a': 1}['a'] in {1, 2}", "eval"),
])
def test_what_diagrams_need_is_allowed(source, mode):
    assert check_code(source, mode) is None


def diagrams_with(tmp_path, condition: str, replaced: str = ACKNOWLEDGEMENT) -> DiagramStore:
    """The shipped diagrams, a condition of the complaint's (by default the acknowledgement's) replaced."""
    bpmn = tmp_path / "bpmn"
    shutil.copytree(ROOT / "bpmn", bpmn)
    path = bpmn / "klagomal.bpmn"
    xml = path.read_text(encoding="utf-8")
    assert replaced in xml
    path.write_text(xml.replace(replaced, condition), encoding="utf-8")
    return DiagramStore(bpmn, CASE_TYPES)


def test_a_huge_computation_is_refused_when_the_diagram_is_loaded(tmp_path):
    with pytest.raises(DiagramError) as raised:
        diagrams_with(tmp_path, "sum(range(10**12)) > 0")
    assert raised.value.file == "klagomal.bpmn" and "Pow" in raised.value.reason


def test_an_unknown_function_is_refused_when_the_diagram_is_loaded(tmp_path):
    with pytest.raises(DiagramError, match="okänd funktion 'sum'"):
        diagrams_with(tmp_path, "sum(range(1000000000000)) > 0")


def filed_on(tmp_path, services, clock, condition: str, replaced: str = ACKNOWLEDGEMENT):
    """A complaint filed on diagrams with the condition replaced; (its driver, its diary number)."""
    complaints = ComplaintDriver(CaseRunner(services.db, diagrams_with(tmp_path, condition, replaced), clock), clock)
    return complaints, complaints.file()


def case_state(services, diary_number):
    with services.db.snapshot() as session:
        case = session.scalar(select(Case).where(Case.diary_number == diary_number))
        events = session.scalar(select(func.count()).where(HistoryEvent.case_id == case.id))
        return case.version, events


def test_code_that_runs_too_long_is_stopped_and_the_step_rolls_back(tmp_path, services, clock):
    endless = "[1 for a in [0] * 1000 for b in [0] * 1000 for c in [0] * 1000 if a] == [] and reply_wanted == True"
    complaints, complaint = filed_on(tmp_path, services, clock, endless)
    before = case_state(services, complaint)
    with pytest.raises(ScriptLimitExceeded) as raised:
        complaints.complete(complaint, "register")
    assert "stoppades: den tog fler än 200000 steg (tidsgränsen)" in str(raised.value)
    assert "Bekräftelse?" in str(raised.value)  # the gateway whose condition it was
    assert case_state(services, complaint) == before
    assert complaints.ready(complaint) == ["register"]


def test_a_string_too_large_is_stopped(tmp_path, services, clock):
    complaints, complaint = filed_on(tmp_path, services, clock, "'x' * 1000 * 1000 == '' and reply_wanted == True")
    with pytest.raises(ScriptLimitExceeded, match="ett värde blev längre än 100000 tecken eller element"):
        complaints.complete(complaint, "register")


def test_values_joined_too_long_are_stopped(tmp_path, services, clock):
    joined = "'x' * 60000 + 'y' * 60000 == '' and reply_wanted == True"
    complaints, complaint = filed_on(tmp_path, services, clock, joined)
    with pytest.raises(ScriptLimitExceeded, match="ett värde blev längre än 100000 tecken eller element"):
        complaints.complete(complaint, "register")


def test_arithmetic_within_the_limits_runs(tmp_path, services, clock):
    small = "['x' * 10 + 'y' for a in [0] * 100] == ['xxxxxxxxxxy'] * 100 and 2 * 3 == 6"
    complaints, complaint = filed_on(tmp_path, services, clock, small, replaced="reveals_misconduct == True")
    complaints.walk(complaint, "register", "answer")
    assert complaints.ready(complaint) == ["escalate"]  # the condition held


def test_a_number_too_large_is_stopped(tmp_path, services, clock):
    big = "1" + "0" * 400
    complaints, complaint = filed_on(tmp_path, services, clock, f"{big} * {big} > 0 and reply_wanted == True")
    with pytest.raises(ScriptLimitExceeded, match="ett tal blev större än 1024 bitar"):
        complaints.complete(complaint, "register")
