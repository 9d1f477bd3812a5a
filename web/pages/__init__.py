"""The pages people use in a browser, in Swedish."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    pass
