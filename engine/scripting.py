"""What a diagram's expressions and scripts may do.

SpiffWorkflow's default script engine runs any Python, imports included. Diagrams are
data that administrators deploy, so their code is checked when a diagram is loaded and
runs with a short list of builtins and the functions the engine offers.

The check lets through only the few constructs a diagram needs (names, constants, arithmetic,
comparisons, conditions, assignments, loops and comprehensions, and calls by name, which
engine/diagrams.py limits to the engine's functions): no attribute access at all, so no
`__class__` or `__globals__`, no method of a string or a list; no imports, definitions,
f-strings, `**`, `<<` or `%`. What is left cannot reach a file, the network or the
interpreter, but could still run long or build a huge value. So scripts also run within
limits: `+` and `*` refuse to build a string, list or number beyond MAX_ITEMS / MAX_BITS
(one such operation is a single step of C that nothing could interrupt), and a trace on the
script's own frames stops it after STEP_LIMIT steps (lines, turns of a loop, calls). That is
its time limit, counted in steps rather than seconds so that it depends neither on how busy
the machine is nor on how long the engine's own functions, which read the database, take.
The trace is set per thread (sys.settrace), so it works in the web's worker threads; a
signal would not. The error ends the step, which rolls back.
"""
from __future__ import annotations

import ast
import builtins
import sys
from contextlib import contextmanager
from functools import lru_cache, wraps
from typing import Callable, Iterable, Iterator

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition

from engine.clock import Clock
from engine.errors import LexflowError

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
ALLOWED_NODES = (
    ast.Module, ast.Expression, ast.Expr, ast.Assign, ast.If, ast.For, ast.Pass, ast.Break, ast.Continue,
    ast.IfExp, ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Call, ast.keyword, ast.Name, ast.Constant,
    ast.List, ast.Tuple, ast.Dict, ast.Set, ast.Subscript, ast.Slice,
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension, ast.Load, ast.Store,
    ast.And, ast.Or, ast.Not, ast.USub, ast.UAdd, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv,
    ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
)
STEP_LIMIT = 200_000  # per expression or script: a second at most; the shipped ones take a few
MAX_ITEMS = 100_000  # characters or elements of a value made with + or *
MAX_BITS = 1024  # of a number made with *
SCRIPT_FILE = "<diagram>"  # the file name diagram code is compiled under, which the trace looks for
_ADD, _MULTIPLY = "_lexflow_add", "_lexflow_multiply"  # unreachable from diagram code: "_" names are refused


class ScriptLimitExceeded(LexflowError):
    """A diagram's code ran too long or built too large a value, and was stopped."""


def check_code(source: str, mode: str) -> str | None:
    """Why `source` may not run in a diagram, or None if it may. `mode` is 'eval' or 'exec'."""
    try:
        tree = ast.parse(source, mode=mode)
    except SyntaxError as error:
        return f"syntaxfel: {error.msg}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            return f"otillåten attributåtkomst: .{node.attr}"
        if isinstance(node, ast.Name) and (node.id in FORBIDDEN_NAMES or node.id.startswith("_")):
            return f"otillåtet namn: {node.id}"
        if isinstance(node, ast.Call) and not isinstance(node.func, ast.Name):
            return "bara diagrammets funktioner får anropas, med sina namn"
        if not isinstance(node, ALLOWED_NODES):
            return f"otillåten konstruktion: {type(node).__name__}"
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
    """Runs diagram code with only safe builtins and the engine's functions, within the limits,
    and tells timers the time by the engine's clock."""

    def __init__(self, functions: dict[str, Callable], clock: Clock, step_limit: int = STEP_LIMIT):
        functions = {name: _untraced(function) for name, function in functions.items()}
        super().__init__(environment=LimitedEnvironment(
            {"__builtins__": SAFE_BUILTINS, _ADD: _add, _MULTIPLY: _multiply, **functions}, step_limit))
        self.clock = clock

    def evaluate(self, task, expression, external_context=None):
        with _stopped_in(task):
            return super().evaluate(task, expression, external_context)

    def execute(self, task, script, external_context=None):
        with _stopped_in(task):
            return super().execute(task, script, external_context)


class LimitedEnvironment(TaskDataEnvironment):
    """Diagram code compiled with guarded `+` and `*`, and run within a number of steps."""

    def __init__(self, environment_globals: dict, step_limit: int):
        super().__init__(environment_globals)
        self.step_limit = step_limit

    def evaluate(self, expression, context, external_context=None):
        with _step_limit(self.step_limit):
            return super().evaluate(_compiled(expression, "eval"), context, external_context)

    def execute(self, script, context, external_context=None):
        with _step_limit(self.step_limit):
            return super().execute(_compiled(script, "exec"), context, external_context)


class _OutOfBounds(BaseException):
    """Stops diagram code. A BaseException, so that SpiffWorkflow, which wraps every Exception
    of a script in its own, lets it through to DiagramScriptEngine with its reason."""


@contextmanager
def _stopped_in(task) -> Iterator[None]:
    try:
        yield
    except _OutOfBounds as stop:
        where = task.task_spec.bpmn_name or task.task_spec.name
        raise ScriptLimitExceeded(f"diagrammets kod i ”{where}” stoppades: {stop}") from None


@contextmanager
def _step_limit(steps: int) -> Iterator[None]:
    """Stop the diagram's code after `steps` lines, turns of a loop and calls of its own; the
    engine's functions it calls are not counted."""
    remaining = steps

    def trace(frame, event, arg):
        nonlocal remaining
        if frame.f_code.co_filename != SCRIPT_FILE:
            return None
        remaining -= 1
        if remaining < 0:
            raise _OutOfBounds(f"den tog fler än {steps} steg (tidsgränsen)")
        return trace
    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)


def _untraced(function: Callable) -> Callable:
    """The engine's function, run without the step counter's tracer: it counts no steps there,
    and everything run under a tracer (the database's work included) runs several times slower."""
    @wraps(function)
    def call(*args, **kwargs):
        tracer = sys.gettrace()
        sys.settrace(None)
        try:
            return function(*args, **kwargs)
        finally:
            sys.settrace(tracer)
    return call


class _GuardedArithmetic(ast.NodeTransformer):
    """`a + b` becomes `_lexflow_add(a, b)` and `a * b` `_lexflow_multiply(a, b)`."""

    GUARDS = {ast.Add: _ADD, ast.Mult: _MULTIPLY}

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        guard = self.GUARDS.get(type(node.op))
        if guard is None:
            return node
        return ast.copy_location(ast.Call(ast.Name(guard, ast.Load()), [node.left, node.right], []), node)


@lru_cache(maxsize=1024)
def _compiled(source: str, mode: str):
    tree = _GuardedArithmetic().visit(ast.parse(source, mode=mode))
    return compile(ast.fix_missing_locations(tree), SCRIPT_FILE, mode)


def _length(value) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _add(left, right):
    if _length(left) + _length(right) > MAX_ITEMS:
        raise _OutOfBounds(f"ett värde blev längre än {MAX_ITEMS} tecken eller element")
    return left + right


def _multiply(left, right):
    if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_BITS:
        raise _OutOfBounds(f"ett tal blev större än {MAX_BITS} bitar")
    for sequence, times in ((left, right), (right, left)):
        if isinstance(times, int) and _length(sequence) * times > MAX_ITEMS:
            raise _OutOfBounds(f"ett värde blev längre än {MAX_ITEMS} tecken eller element")
    return left * right


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
