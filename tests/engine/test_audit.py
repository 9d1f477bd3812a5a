"""The history and the access log prove they are whole: `lexflow audit verify` finds an event
or a read edited, deleted or added behind the engine's back (by someone who can switch off the
database's triggers), names the case and the first bad row, and exits 1."""
import threading
from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import event, insert, select, text
from sqlalchemy.exc import DBAPIError

from engine import chain
from engine.db import alembic_config
from engine.models import AccessLogEntry, Case, HistoryEvent
from tests.engine.tampering import behind_the_engines_back, tamper

@pytest.fixture
def db(services):
    return services.db


def history_of(db, diary_number):
    with db.snapshot() as session:
        return session.scalars(select(HistoryEvent).join(Case, Case.id == HistoryEvent.case_id)
                               .where(Case.diary_number == diary_number).order_by(HistoryEvent.seq)).all()


def walked_case(cases):
    case = cases.file()
    cases.walk(case, "protect", "register", "assign_investigator")
    return case


def broken_after(cli, db, statement, **params) -> str:
    """What `lexflow audit verify` says, which must be that a chain is broken, after the statement."""
    tamper(db, statement, **params)
    result = cli("audit", "verify")
    assert result.exit_code == 1, result.output
    return result.output


def test_untouched_history_and_access_log_verify(cli, cases, runner):
    case = walked_case(cases)
    other = cases.file(unit="solgarden")
    runner.show_case(case, "erik")
    runner.case_history(other, "fredrik")
    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "historiken i 2 ärenden" in result.output and "åtkomstloggen (2 rader)" in result.output
    assert "alla kedjor är hela" in result.output and "BRUTEN" not in result.output


def test_an_edited_summary_is_found(cli, cases, db):
    case = walked_case(cases)
    target = history_of(db, case)[2]
    output = broken_after(cli, db, "UPDATE history_events SET summary = 'Inget särskilt hände' WHERE id = :id",
                          id=target.id)
    assert (f"BRUTEN {case}: händelse {target.seq} (id {target.id}) ändrad: innehållet stämmer inte med kedjan"
            in output)


def test_an_edited_time_is_found(cli, cases, db):
    case = walked_case(cases)
    target = history_of(db, case)[1]
    output = broken_after(cli, db, HistoryEvent.__table__.update().where(HistoryEvent.id == target.id)
                          .values(at=target.at - timedelta(days=3)))
    assert f"{case}: händelse {target.seq} (id {target.id}) ändrad" in output


def test_a_deleted_event_in_the_middle_is_found(cli, cases, db):
    case = walked_case(cases)
    target = history_of(db, case)[3]
    output = broken_after(cli, db, "DELETE FROM history_events WHERE id = :id", id=target.id)
    assert f"BRUTEN {case}: händelse {target.seq} raderad: händelse {target.seq} saknas" in output


def test_deleted_last_events_are_found(cli, cases, db):
    case = walked_case(cases)
    events = history_of(db, case)
    output = broken_after(cli, db, "DELETE FROM history_events WHERE id IN (:a, :b)",
                          a=events[-1].id, b=events[-2].id)
    assert (f"BRUTEN {case}: händelse {events[-2].seq} raderad: händelse {events[-2].seq}–{events[-1].seq} "
            "saknas i slutet av kedjan") in output


def test_a_forged_event_is_found_even_with_a_correct_hash(cli, cases, db, clock):
    case = walked_case(cases)
    last = history_of(db, case)[-1]
    forged = {"case_id": last.case_id, "seq": last.seq + 1, "at": clock.now(), "actor": "fredrik",
              "action": "task.completed", "task": "decide", "summary": "Beslut slutförd", "before": None,
              "after": {"serious": False}}
    payload = chain.payload_digest(forged["summary"], None, forged["after"], forged["actor"])
    output = broken_after(cli, db, insert(HistoryEvent.__table__).values(
        **forged, payload_digest=payload, hash=chain.event_hash(
            last.hash, last.case_id, last.seq + 1, forged["at"], "task.completed", "decide", payload)))
    assert (f"{case}: händelse {last.seq + 1} (id {last.id + 1}) infogad: händelse {last.seq + 1} har tillkommit "
            f"efter kedjans sista länk ({last.seq})") in output


def test_only_the_broken_case_is_named(cli, cases, db):
    intact, broken = walked_case(cases), walked_case(cases)
    target = history_of(db, broken)[0]
    output = broken_after(cli, db, "UPDATE history_events SET actor = 'ulla' WHERE id = :id", id=target.id)
    assert [line for line in output.splitlines() if line.startswith("BRUTEN")] == [
        f"BRUTEN {broken}: händelse 1 (id {target.id}) ändrad: innehållet stämmer inte med kedjan"]
    assert intact not in output


def reads_in_log(db):
    with db.snapshot() as session:
        return session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.seq)).all()


@pytest.fixture
def read_cases(cases, runner):
    case = cases.file()
    for reader in ("erik", "fredrik", "rita", "anders"):
        runner.show_case(case, reader)
    return case


def test_an_edited_read_is_found(cli, read_cases, db):
    target = reads_in_log(db)[1]
    output = broken_after(cli, db, "UPDATE access_log SET person_id = 'anna' WHERE id = :id", id=target.id)
    assert (f"BRUTEN åtkomstloggen: rad {target.seq} (id {target.id}) ändrad: innehållet stämmer inte med kedjan"
            in output)


def test_a_deleted_read_is_found(cli, read_cases, db):
    target = reads_in_log(db)[2]
    output = broken_after(cli, db, "DELETE FROM access_log WHERE id = :id", id=target.id)
    assert f"BRUTEN åtkomstloggen: rad {target.seq} raderad: rad {target.seq} saknas" in output


def test_a_deleted_last_read_is_found(cli, read_cases, db):
    last = reads_in_log(db)[-1]
    output = broken_after(cli, db, "DELETE FROM access_log WHERE id = :id", id=last.id)
    assert f"åtkomstloggen: rad {last.seq} raderad: rad {last.seq} saknas i slutet av kedjan" in output


def test_a_forged_read_is_found(cli, read_cases, db, clock):
    last = reads_in_log(db)[-1]
    output = broken_after(cli, db, insert(AccessLogEntry.__table__).values(
        at=clock.now(), person_id="anna", case_id=last.case_id, action="show", seq=last.seq + 1,
        hash=chain.read_hash(last.hash, last.seq + 1, clock.now(), "anna", last.case_id, "show")))
    assert f"åtkomstloggen: rad {last.seq + 1} (id {last.id + 1}) infogad" in output


def test_a_rewritten_chain_and_head_is_caught_against_the_head_written_down(cli, cases, db, tmp_path):
    case = walked_case(cases)
    written = tmp_path / "huvuden.json"
    shown = cli("audit", "head", "--out", str(written))
    assert shown.exit_code == 0 and "åtkomstloggen: rad" in shown.output and "sha256" in shown.output
    last = history_of(db, case)[-1]
    before_last = history_of(db, case)[-2]
    with behind_the_engines_back(db) as sql:  # the last event goes, and the head is made to agree
        sql.execute(text("DELETE FROM history_events WHERE id = :id"), {"id": last.id})
        sql.execute(text("UPDATE history_heads SET seq = :seq, hash = :hash WHERE case_id = :case"),
                    {"seq": before_last.seq, "hash": before_last.hash, "case": last.case_id})
    assert cli("audit", "verify").exit_code == 0  # the database agrees with itself
    result = cli("audit", "verify", "--against", str(written))
    assert result.exit_code == 1
    assert f"BRUTEN {case}: händelse {last.seq} raderad: den nedskrivna länken finns inte längre" in result.output


def test_the_database_still_refuses_to_change_the_history_and_the_log(cases, db, runner):
    case = cases.file()
    runner.show_case(case, "erik")
    target = history_of(db, case)[0]
    statements = [
        ("UPDATE history_events SET summary = 'x' WHERE id = :id", target.id),
        # The erasure disposal makes is refused too while the case is not in the disposal log.
        (f"UPDATE history_events SET summary = '{chain.ERASED_SUMMARY}', before = NULL, after = NULL, "
         "actor = NULL WHERE id = :id", target.id),
        ("DELETE FROM history_events WHERE id = :id", target.id),
        ("UPDATE access_log SET person_id = 'anna' WHERE id = :id", reads_in_log(db)[0].id),
        ("DELETE FROM access_log WHERE id = :id", reads_in_log(db)[0].id),
    ]
    for statement, row_id in statements:
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as sql:
                sql.execute(text(statement), {"id": row_id})


def test_a_step_reads_the_history_head_once_however_many_events_it_writes(cases, db):
    case = cases.file()
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        cases.complete(case, "register")
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    written = [e for e in history_of(db, case) if e.task == "register" or e.action.startswith("deadline")]
    assert len(written) >= 3  # the step, the registration deadline met, the next deadline set
    assert sum("FROM history_heads" in s for s in statements) == 1
    assert not any("max(history_events.seq)" in s for s in statements)


def test_concurrent_readers_keep_the_access_log_one_chain(cli, cases, runner):
    case = cases.file()
    failures = []

    def read(person):
        try:
            for _ in range(8):
                runner.show_case(case, person)
        except Exception as error:  # reported below, in the test's own thread
            failures.append(error)
    threads = [threading.Thread(target=read, args=(person,)) for person in ("erik", "fredrik", "rita", "anders")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    assert "åtkomstloggen (32 rader)" in result.output


def test_the_migration_chains_existing_rows_as_the_engine_does(cli, cases, runner, db):
    case = walked_case(cases)
    runner.show_case(case, "erik")
    hashes = [e.hash for e in history_of(db, case)], [r.hash for r in reads_in_log(db)]
    with db.engine.begin() as connection:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        command.downgrade(config, "0007")
        command.upgrade(config, "0008")
    assert ([e.hash for e in history_of(db, case)], [r.hash for r in reads_in_log(db)]) == hashes
    assert cli("audit", "verify").exit_code == 0


def test_the_access_log_is_kept_and_stays_append_only_when_its_case_key_is_dropped(cli, cases, runner, db):
    # On SQLite migration 0011 copies the table, which drops its triggers with the old one.
    case = walked_case(cases)
    runner.show_case(case, "erik")
    reads = [(r.case_id, r.seq, r.hash) for r in reads_in_log(db)]
    with db.engine.begin() as connection:
        config = alembic_config(db.url)
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
        command.upgrade(config, "0011")
    assert [(r.case_id, r.seq, r.hash) for r in reads_in_log(db)] == reads
    for statement in ("UPDATE access_log SET person_id = 'anna' WHERE seq = 1", "DELETE FROM access_log WHERE seq = 1"):
        with pytest.raises(DBAPIError, match="append-only"):
            with db.engine.begin() as sql:
                sql.execute(text(statement))
    assert cli("audit", "verify").exit_code == 0
