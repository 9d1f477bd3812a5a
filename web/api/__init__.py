"""The JSON API under /api/v1 for other systems, documented at /api/openapi.json."""
from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    pass
