"""What the benchmark scripts share: an empty database with the demo organisation."""
from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import func, select

from engine import organisation
from engine.clock import Clock
from engine.db import Database
from engine.models import Case

ROOT = Path(__file__).resolve().parent.parent


def open_database(url: str) -> Database:
    """Create the schema and load the demo organisation, in an empty database."""
    db = Database(url)
    db.upgrade()
    with db.unit_of_work() as session:
        if session.scalar(select(func.count()).select_from(Case)):
            raise SystemExit(f"{url} already holds cases; the benchmark needs an empty database")
        organisation.load(session, organisation.read_file(ROOT / "demo" / "organisation.yaml"), Clock().now())
    return db


@contextmanager
def scratch_database(url: str | None) -> Iterator[tuple[Database, Path]]:
    """The database to measure on, and a scratch folder: `url` (an empty database) or, without
    it, a fresh SQLite file in that folder. Both go at the end of the block."""
    with tempfile.TemporaryDirectory(prefix="lexflow-bench-") as folder:
        db = open_database(url or f"sqlite:///{Path(folder) / 'bench.db'}")
        try:
            yield db, Path(folder)
        finally:
            db.dispose()
