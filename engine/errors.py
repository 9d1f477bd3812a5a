"""Errors a caller can act on. Each carries a message fit to show a user."""
from __future__ import annotations


class LexflowError(Exception):
    """Base of all errors the engine raises on purpose."""


class NotFound(LexflowError):
    pass


class Forbidden(LexflowError):
    pass


class Conflict(LexflowError):
    """Someone else changed the case first; reload and try again."""


class InvalidData(LexflowError):
    """Input failed validation; `errors` maps each field to its messages."""

    def __init__(self, errors: dict):
        self.errors = errors
        super().__init__("ogiltiga uppgifter: " + "; ".join(_flatten(errors)))


class DiagramError(LexflowError):
    """A diagram that cannot be run; names the file, the element and the reason."""

    def __init__(self, file: str, element: str | None, reason: str):
        self.file, self.element, self.reason = file, element, reason
        where = f"{file}, element {element}" if element else file
        super().__init__(f"diagrammet {where}: {reason}")


def _flatten(errors, prefix=""):
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(errors, list) and errors and all(isinstance(m, str) for m in errors):
        yield f"{prefix}: {' '.join(errors)}"
    elif isinstance(errors, list):
        for item in errors:
            yield from _flatten(item, prefix)
    else:
        yield f"{prefix}: {errors}"
