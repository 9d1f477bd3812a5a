"""Reads on SQLite run on snapshots: they cannot write and do not queue behind a writer.
On both databases what they read reaches the access log before anything is returned."""
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from engine import history, queries
from engine.models import AccessLogEntry, Case, Setting


def _access_log_size(db) -> int:
    with db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(AccessLogEntry))


def test_a_snapshot_refuses_to_write(services):
    with pytest.raises(DBAPIError):
        with services.db.snapshot() as session:
            session.add(Setting(key="written_in_a_snapshot", value={"value": 1}))
            session.flush()
    with services.db.unit_of_work() as session:
        assert session.get(Setting, "written_in_a_snapshot") is None
        # The connection goes back to the pool; a unit of work on it may write again.
        session.add(Setting(key="written_in_a_unit_of_work", value={"value": 1}))
    with services.db.snapshot() as session:
        assert session.get(Setting, "written_in_a_unit_of_work").value == {"value": 1}


def test_a_unit_of_work_after_a_lookup_is_still_one_transaction(services):
    # On PostgreSQL a lookup runs its connection in autocommit; the pool must hand it on as a
    # transaction again, or the half of a failed unit of work would stay written.
    for attempt in range(3):
        with services.db.lookup() as session:
            assert session.get(Setting, "half_written") is None
        with pytest.raises(RuntimeError):
            with services.db.unit_of_work() as session:
                session.add(Setting(key="half_written", value={"attempt": attempt}))
                session.flush()
                raise RuntimeError("the unit of work breaks off after its first write")
    with services.db.snapshot() as session:
        assert session.get(Setting, "half_written") is None


def test_reads_are_logged_when_the_read_ends(cases, services, clock):
    diary_number = cases.file()
    before = _access_log_size(services.db)
    page = queries.list_cases(services.db, clock, "erik")
    assert diary_number in [case.diary_number for case in page.items]
    assert _access_log_size(services.db) == before + len(page.items)


def test_the_case_page_reads_the_case_its_history_and_steps_as_one_logged_read(cases, services, runner):
    diary_number = cases.file()
    before = _access_log_size(services.db)
    record = runner.case_record(diary_number, "rita")  # the registrator, whose step is ready
    assert [task.name for task in record.workable] == ["register"]
    assert [event.action for event in record.history][0] == "case.filed"
    assert 'id="register"' in record.diagram_xml
    assert _access_log_size(services.db) == before + 1

    # erik sees the case in full but works another step; anna, who reported it, its status only.
    assert [task.name for task in runner.case_record(diary_number, "erik").workable] == ["protect"]
    reporter_s = runner.case_record(diary_number, "anna")
    assert (reporter_s.history, reporter_s.workable, reporter_s.diagram_xml, reporter_s.passed, reporter_s.view.data) \
        == ([], [], "", frozenset(), {})


def test_a_read_that_fails_logs_nothing(cases, services, clock):
    cases.file()
    before = _access_log_size(services.db)
    with pytest.raises(RuntimeError):
        with history.reading(services.db) as session:
            case = session.scalar(select(Case))
            history.record_read(session, case, clock.now(), "erik", "show")
            raise RuntimeError("the read breaks off before anything is returned")
    assert _access_log_size(services.db) == before


def test_on_sqlite_a_reader_does_not_wait_for_a_writer(cases, services, clock):
    if not services.db.is_sqlite:
        pytest.skip("PostgreSQL readers never wait for writers")
    diary_number = cases.file()
    writer_holds_the_lock, reader_is_done = threading.Event(), threading.Event()
    waited = []

    def writer():
        with services.db.unit_of_work() as session:  # BEGIN IMMEDIATE: the write lock
            session.add(Setting(key="being_written", value={"value": 1}))
            session.flush()
            writer_holds_the_lock.set()
            waited.append(not reader_is_done.wait(timeout=30))

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writer_holds_the_lock.wait(timeout=30)
        with services.db.snapshot() as session:
            # Had this waited for the lock, it would have waited for reader_is_done: for 30 s.
            assert session.scalar(select(Case.diary_number).where(Case.diary_number == diary_number))
            assert session.get(Setting, "being_written") is None  # not committed yet
            reader_is_done.set()
        thread.join()
        assert waited == [False]  # the reader finished while the writer held the lock
    finally:
        reader_is_done.set()
        thread.join()
