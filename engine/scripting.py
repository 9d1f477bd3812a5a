"""What a diagram's expressions and scripts may do.

SpiffWorkflow's default script engine runs any Python, imports included. Diagrams are
data that administrators deploy, so their code is checked when a diagram is loaded and
runs with a short list of builtins and the functions the engine offers.
"""
from __future__ import annotations

import ast
import builtins
from typing import Callable, Iterable

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition

from engine.clock import Clock

SAFE_BUILTINS = {
    name: getattr(builtins, name)
    for name in (
        "abs", "all", "any", "bool", "dict", "enumerate", "float", "int", "isinstance", "len",
        "list", "max", "min", "range", "round", "set", "sorted", "str", "sum", "tuple", "zip",
        "True", "False", "None",
    )
}
FORBIDDEN_NAMES = {
    "eval", "exec", "compile", "open", "input", "globals", "locals", "vars", "getattr",
    "setattr", "delattr", "breakpoint", "help", "memoryview", "type", "object", "super",
}
FORBIDDEN_NODES = (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.Lambda,
                   ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Await, ast.Yield,
                   ast.YieldFrom, ast.With, ast.AsyncWith, ast.Try, ast.Raise, ast.While, ast.Delete)


def check_code(source: str, mode: str) -> str | None:
    """Why `source` may not run in a diagram, or None if it may. `mode` is 'eval' or 'exec'."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as error:
        return f"syntaxfel: {error.msg}"
    for node in ast.walk(tree):
        if isinstance(node, FORBIDDEN_NODES):
            return f"otillåten konstruktion: {type(node).__name__}"
        if isinstance(node, ast.Name) and (node.id in FORBIDDEN_NAMES or node.id.startswith("_")):
            return f"otillåtet namn: {node.id}"
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            return f"otillåten attribut: {node.attr}"
    return None


def names_read(source: str, mode: str) -> set[str]:
    """The variables an expression or script reads: what the diagram needs in task data."""
    tree = ast.parse(source, mode=mode)
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return {
        n.id for n in ast.walk(tree)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id not in called
        and n.id not in SAFE_BUILTINS
    }


class DiagramScriptEngine(PythonScriptEngine):
    """Runs diagram code with only safe builtins and the engine's functions, and tells
    timers the time by the engine's clock."""

    def __init__(self, functions: dict[str, Callable], clock: Clock):
        super().__init__(environment=TaskDataEnvironment({"__builtins__": SAFE_BUILTINS, **functions}))
        self.clock = clock


class ClockedTimer(TimeDateEventDefinition):
    """A timeDate timer that fires by the engine's clock instead of the system clock,
    and at its due time rather than after it."""

    def has_fired(self, my_task):
        value = my_task._get_internal_data("event_value")
        if value is None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            my_task._set_internal_data(event_value=value)
        if self.get_datetime(value) <= my_task.workflow.script_engine.clock.now():
            my_task._set_internal_data(event_fired=True)
        return my_task._get_internal_data("event_fired", False)


def function_calls(source: str, mode: str) -> Iterable[ast.Call]:
    tree = ast.parse(source, mode=mode)
    return (n for n in ast.walk(tree) if isinstance(n, ast.Call))
