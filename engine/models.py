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
from sqlalchemy.ext.hybrid import hybrid_method
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
    """Who takes a decision (a user task of a case type) by the delegation order, in force from
    the loading of the organisation file that made it until one that changed it (valid_to None:
    in force now). Earlier orders are kept, so that a decision listed for the committee shows
    the delegation it was taken on."""

    __tablename__ = "delegations"
    decision: Mapped[str] = mapped_column(String(128), primary_key=True)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
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
    __table_args__ = (
        Index("ix_deadlines_status_due_at", "status", "due_at"),
        # How each kind of deadline went, case by case, for the reports (engine/reports/lead_times.py).
        Index("ix_deadlines_kind_case_id", "kind", "case_id", "status", "due_at"),
    )
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
    notify: Mapped[list] = mapped_column(JSON)  # role names, "assignee" or "action_owners"
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
    action_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id"))  # a reminder of an action's due date
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # pending -> sent; in_app when the person has no e-mail address (shown in the app only)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HistoryEvent(Base):
    """One thing that happened to a case. Append-only: database triggers refuse DELETE, and
    UPDATE but for the erasure of a disposed case's content. Hash-chained per case by `seq`
    (engine/chain.py); the chain's last link is kept in `history_heads`."""

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
    payload_digest: Mapped[str] = mapped_column(String(64))  # of summary, before, after and actor
    hash: Mapped[str] = mapped_column(String(64))


class HistoryHead(Base):
    """The last link of a case's history chain, so that deleting the last events shows."""

    __tablename__ = "history_heads"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class AccessLogEntry(Base):
    """Who read which case, when and how. Append-only like the history, and hash-chained
    as one chain by `seq` (engine/chain.py)."""

    __tablename__ = "access_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    person_id: Mapped[str] = mapped_column(String(64), index=True)
    # Not a foreign key: its check would lock each case a reader is shown (migration 0011).
    case_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    hash: Mapped[str] = mapped_column(String(64))


class AccessLogHead(Base):
    """The one row holding the access log chain's last link. Writers of the log lock it, so
    on PostgreSQL they take their places in the chain one at a time."""

    __tablename__ = "access_log_head"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # always 1
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class Disposal(Base):
    """A case whose personal data was disposed of (gallrad) after its retention period, and by
    which rule. Append-only; the database erases a case's history content only when it is here."""

    __tablename__ = "disposals"
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, autoincrement=False)
    disposed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_on: Mapped[date] = mapped_column(Date)
    rule: Mapped[str] = mapped_column(String(200))


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


# -- actions (åtgärder) -------------------------------------------------------

class Action(Base):
    """Something an action plan asks a person of the organisation to do by a date. It may serve
    several cases (a new routine answers a lex Sarah case and the deviations behind it); each
    change is written into the history of every case it serves (engine/actions.py)."""

    __tablename__ = "actions"
    __table_args__ = (Index("ix_actions_status_due_on", "status", "due_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(Text)
    owner_id: Mapped[str] = mapped_column(ForeignKey("people.id"), index=True)
    due_on: Mapped[date] = mapped_column(Date)
    follow_up_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # not_started | in_progress | done
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(ForeignKey("people.id"))
    # The due date the owner has been reminded of (engine/actions.py): once per date, and again
    # if the date is moved.
    reminded_for: Mapped[date | None] = mapped_column(Date)
    # Likewise the due date the avdelningschef was told it is late for.
    escalated_for: Mapped[date | None] = mapped_column(Date)

    __mapper_args__ = {"version_id_col": version}

    @hybrid_method
    def is_late(self, today: date):
        """Not done, and the day it was due has passed. Of an action, true or false; of the
        class, the same rule as a condition for SQL, so listings and reports filter by it."""
        return (self.status != "done") & (self.due_on < today)


class ActionCase(Base):
    """An action serves a case: the case it was planned in, and any linked to it later."""

    __tablename__ = "action_cases"
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, index=True)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    linked_by: Mapped[str] = mapped_column(ForeignKey("people.id"))


# -- the committee's statistics ------------------------------------------------

class CaseFacts(Base):
    """What the committee's statistics count of a case (engine/reports), one narrow row per case,
    written with each step from the case type's `statistics`. A compilation over a million cases
    reads the covering index below, never a case (whose row holds its whole workflow state).
    The index leads with what the counts are grouped by, so that the database counts them in
    one pass in index order; the report date, by which the periods are told apart, follows."""

    __tablename__ = "case_facts"
    __table_args__ = (
        Index("ix_case_facts_counts", "case_type", "unit_id", "concerns_person_id", "feedback_type",
              "submitter_category", "assessment", "risk_level", "route", "gender", "category_count", "received_on",
              "registered_on", "investigator_assigned_on", "decided_on", "ivo_notified_on", "answered_on",
              "assessed_on"),
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, autoincrement=False)
    case_type: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    received_on: Mapped[date] = mapped_column(Date)
    # The staff member a report is about does not count it either: they never see it.
    concerns_person_id: Mapped[str | None] = mapped_column(String(64))
    feedback_type: Mapped[str | None] = mapped_column(String(32))
    submitter_category: Mapped[str | None] = mapped_column(String(32))
    assessment: Mapped[str | None] = mapped_column(String(32))
    risk_level: Mapped[str | None] = mapped_column(String(16))
    route: Mapped[str | None] = mapped_column(String(32))
    gender: Mapped[str | None] = mapped_column(String(16))  # of the individual the report concerns
    category_count: Mapped[int] = mapped_column(Integer)  # how many categories it is marked with (case_marks)
    registered_on: Mapped[date | None] = mapped_column(Date)
    investigator_assigned_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    ivo_notified_on: Mapped[date | None] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)
    assessed_on: Mapped[date | None] = mapped_column(Date)


class CaseMark(Base):
    """A category a case is marked with; a lex Sarah report may have several, and counts in each.
    It repeats what the case is counted by (from case_facts), so that marks are counted from
    their own index in one pass, like the cases."""

    __tablename__ = "case_marks"
    __table_args__ = (
        Index("ix_case_marks_counts", "case_type", "category", "unit_id", "concerns_person_id", "received_on"),
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("case_facts.case_id"), primary_key=True)
    category: Mapped[str] = mapped_column(String(64), primary_key=True)
    case_type: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    received_on: Mapped[date] = mapped_column(Date)
    concerns_person_id: Mapped[str | None] = mapped_column(String(64))
