"""The database schema, as SQLAlchemy 2.0 typed mappings.

Alembic migrations in engine/migrations create these tables; the two must agree
(tests/engine/test_migrations.py checks that they do).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON, Column, Date, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table,
    Text, TypeDecorator, Unicode, UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# -- organisation ---------------------------------------------------------

class Department(Base):
    __tablename__ = "departments"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Unit(Base):
    __tablename__ = "units"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"))
    department: Mapped[Department] = relationship()


class Person(Base):
    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))


class RoleAssignment(Base):
    """A person holds a role for a unit, a department, or (both empty) the whole organisation."""

    __tablename__ = "role_assignments"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[str] = mapped_column(String(64), index=True)
    unit_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"))
    department_id: Mapped[str | None] = mapped_column(ForeignKey("departments.id"))


class Delegation(Base):
    """Who takes a decision (a user task of a case type), per the delegation order."""

    __tablename__ = "delegations"
    decision: Mapped[str] = mapped_column(String(128), primary_key=True)
    role: Mapped[str | None] = mapped_column(String(64))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)


# -- diagrams and cases ---------------------------------------------------

class DiagramVersion(Base):
    """A diagram as deployed, stored once per distinct content."""

    __tablename__ = "diagram_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(64), index=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(String(200))
    bpmn_xml: Mapped[str] = mapped_column(Text)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DiaryCounter(Base):
    __tablename__ = "diary_counters"
    prefix: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_serial: Mapped[int] = mapped_column(Integer)


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_type_status", "case_type", "status"),
        Index("ix_cases_unit_status", "unit_id", "status"),
        # All that a listing asks of a case (engine/queries.py), so that its count and its page
        # are read from this index alone: on SQLite each row of the table, with its gzipped
        # workflow state, is about a page long.
        Index("ix_cases_listing", "received_on", "id", "unit_id", "case_type", "status", "concerns_person_id",
              "reported_by", "assignees"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    diary_number: Mapped[str] = mapped_column(String(64), unique=True)
    case_type: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(String(16))
    received_on: Mapped[date] = mapped_column(Date)
    reported_by: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    # The staff member a report is about: never shown the case.
    concerns_person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    diagram_version_id: Mapped[int] = mapped_column(ForeignKey("diagram_versions.id"))
    # Workflow state without its diagram spec (that lives in diagram_versions), gzipped JSON.
    state: Mapped[bytes] = mapped_column(LargeBinary)
    # What people entered, per form: {"report": {...}, "<task name>": {...}}.
    data: Mapped[dict] = mapped_column(JSON)
    # Role -> person for roles that are given to one person per case, e.g. the investigator.
    # (JSONB on PostgreSQL, which can put it in an index; JSON cannot.)
    assignees: Mapped[dict] = mapped_column(JSON().with_variant(JSONB(), "postgresql"))
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship()
    diagram_version: Mapped[DiagramVersion] = relationship()

    __mapper_args__ = {"version_id_col": version}


class CaseLink(Base):
    """A link between two cases; read from either end."""

    __tablename__ = "case_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    target_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    relation: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OpenTask(Base):
    """A user task that is ready now; mirrors the workflow state for fast inbox queries."""

    __tablename__ = "open_tasks"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str | None] = mapped_column(String(64), index=True)
    ready_since: Mapped[datetime] = mapped_column(UTCDateTime)


class Deadline(Base):
    """A timer event the workflow waits on; indexed so a sweep never loads a case to find it."""

    __tablename__ = "deadlines"
    __table_args__ = (Index("ix_deadlines_status_due_at", "status", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    timer_id: Mapped[str] = mapped_column(String(36), unique=True)
    timer_name: Mapped[str] = mapped_column(String(64))
    guarded_task: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # pending -> overdue (the timer fired, the task is still open) -> met (done in time) | late
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Reminder(Base):
    """One reminder level of a deadline: who is told, and when. Sent once: the sweep claims
    a row by moving it out of 'pending', and only one transaction can do that."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("deadline_id", "level"),
        Index("ix_reminders_status_fire_at", "status", "fire_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))  # before | due | overdue
    fire_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notify: Mapped[list] = mapped_column(JSON)  # role names, or "assignee"
    # pending -> sent | cancelled (the guarded task was done first)
    status: Mapped[str] = mapped_column(String(16))
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """A message to a person, written in the same transaction as what caused it, delivered
    by e-mail afterwards with retries, and shown in the person's in-app list."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    reminder_id: Mapped[int | None] = mapped_column(ForeignKey("reminders.id"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # pending -> sent; in_app when the person has no e-mail address (shown in the app only)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HistoryEvent(Base):
    """One thing that happened to a case. Append-only: database triggers refuse UPDATE and DELETE."""

    __tablename__ = "history_events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    task: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)


class AccessLogEntry(Base):
    """Who read which case, when and how. Append-only like the history."""

    __tablename__ = "access_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(64))


# -- signing in ------------------------------------------------------------

class Credential(Base):
    """A person's password, as an argon2 hash. People come from the organisation file;
    passwords are set with `lexflow user password`."""

    __tablename__ = "credentials"
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """A failed sign-in; recent failures per user name slow down password guessing."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_username_at", "username", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A token another system uses for the JSON API, acting as a person of the organisation.
    Only its SHA-256 is stored; the token itself is shown once, when it is made."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# APScheduler's persistent job store (engine/scheduler.py). Its layout is APScheduler's own;
# it is declared here so that Alembic creates it with everything else.
scheduler_jobs = Table(
    "scheduler_jobs", Base.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
