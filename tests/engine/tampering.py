"""Changing the history and the access log behind the engine's back, as someone with the
database owner's rights can: the triggers that refuse it switched off first."""
from contextlib import contextmanager

from sqlalchemy import text

SQLITE_TRIGGERS = ("history_events_no_update", "history_events_no_delete", "access_log_no_update",
                   "access_log_no_delete")


@contextmanager
def behind_the_engines_back(db):
    """A transaction in which the history and the access log can be changed."""
    with db.engine.begin() as connection:
        if db.is_sqlite:
            for trigger in SQLITE_TRIGGERS:
                connection.exec_driver_sql(f"DROP TRIGGER {trigger}")
        else:
            for table in ("history_events", "access_log"):
                connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        yield connection


def tamper(db, statement, **params) -> None:
    """Run one statement (SQL text, or a SQLAlchemy statement) behind the engine's back."""
    with behind_the_engines_back(db) as sql:
        sql.execute(text(statement) if isinstance(statement, str) else statement, params)
