"""Listings over many cases: only what the person may read, filtered in the database, every
listed case logged as read; the inbox, most urgent first; and the per-unit overview."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from demo.klagomal import ComplaintDriver
from engine import paging, queries
from engine.access import Sight
from engine.errors import NotFound
from engine.models import AccessLogEntry
from engine.queries import CaseFilter


@pytest.fixture
def listing(services):
    def list_for(person, page=1, page_size=50, **filters):
        return queries.list_cases(services.db, services.clock, person, CaseFilter(**filters), page, page_size)
    return list_for


def closed_case(cases, **report) -> str:
    """A case judged not a missförhållande and closed."""
    case = cases.file(**report)
    cases.walk(case, "protect", "register", "assign_investigator", "investigate")
    cases.complete(case, "propose", assessment="no_misconduct", categories=[], action_plan=[])
    cases.complete(case, "close_no_misconduct")
    return case


def reads(services):
    with services.db.unit_of_work() as session:
        return [(e.person_id, e.case_id, e.action)
                for e in session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id))]


def numbers(page):
    return [summary.diary_number for summary in page.items]


def test_a_unit_manager_lists_the_cases_of_their_units_in_full(cases, listing):
    north = cases.file()
    solgarden = cases.file(unit="solgarden")
    cases.file(unit="lss-bostad-eken")
    page = listing("erik")
    assert sorted(numbers(page)) == sorted([north, solgarden]) and page.total == 2
    summary = next(s for s in page.items if s.diary_number == north)
    assert summary.sight is Sight.FULL
    assert (summary.case_type, summary.unit, summary.unit_name, summary.status) == (
        "lex_sarah", "hemtjanst-norr", "Hemtjänst Norr", "open")
    assert sorted(summary.steps) == ["Registrera rapporten", "Vidta omedelbara åtgärder"]
    assert summary.next_due_at is not None and summary.overdue is False


def test_the_reporter_lists_their_reports_with_status_only(cases, runner, listing):
    own = cases.file()
    runner.file_case("lex_sarah", cases.report(), "omar")
    page = listing("anna")
    assert numbers(page) == [own]
    summary = page.items[0]
    assert summary.sight is Sight.STATUS and summary.status == "open" and summary.steps
    assert summary.next_due_at is None and summary.overdue is None


def test_the_person_a_report_concerns_never_finds_it_in_a_list(cases, listing):
    about_erik = cases.file(concerns_person="erik")
    other = cases.file()
    assert numbers(listing("erik")) == [other]
    assert about_erik in numbers(listing("anders"))


def test_people_without_need_to_know_list_nothing(cases, listing):
    cases.file()
    assert listing("lena").items == [] and listing("lena").total == 0
    assert listing("omar").items == []


def test_every_listed_case_is_logged_as_read_and_only_those(cases, listing, services, runner):
    first, second, third = cases.file(), cases.file(), cases.file()
    ids = {number: runner.show_case(number, "anders").id for number in (first, second, third)}
    before = len(reads(services))
    page = listing("erik", page_size=2)
    logged = reads(services)[before:]
    assert logged == [("erik", ids[number], "list") for number in numbers(page)]
    assert len(logged) == 2


def test_pages_are_newest_received_first_and_count_every_match(cases, listing, days_ago):
    filed = [cases.file(received_on=days_ago(n), noticed_on=days_ago(n), occurred_on=days_ago(n + 1))
             for n in (5, 1, 3, 2, 4)]
    by_received = [filed[1], filed[3], filed[2], filed[4], filed[0]]
    first, second, third = (listing("erik", page=n, page_size=2) for n in (1, 2, 3))
    assert numbers(first) + numbers(second) + numbers(third) == by_received
    assert (first.total, first.total_exact, first.page, first.page_size) == (5, True, 1, 2)
    assert [page.has_next for page in (first, second, third)] == [True, True, False]
    assert listing("erik", page=4, page_size=2).items == []


def test_a_count_stops_past_the_page_and_says_there_is_more(cases, listing, days_ago, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_LIMIT", 3)
    filed = [cases.file(received_on=days_ago(n), noticed_on=days_ago(n), occurred_on=days_ago(n + 1))
             for n in range(5)]
    first, second, third = (listing("erik", page=n, page_size=2) for n in (1, 2, 3))
    # Page 1 counts to 3 and finds more; page 2 to its end, 4, and finds more; page 3 to 6.
    assert (first.total, first.total_exact, first.pages, first.has_next) == (3, False, 2, True)
    assert (second.total, second.total_exact, second.pages, second.has_next) == (4, False, 3, True)
    assert (third.total, third.total_exact, third.has_next) == (5, True, False)
    assert numbers(first) + numbers(second) + numbers(third) == filed


def test_the_filters_combine(cases, listing, days_ago):
    old = cases.file(received_on=days_ago(20), noticed_on=days_ago(20), occurred_on=days_ago(21))
    recent = cases.file(received_on=days_ago(2))
    solgarden = cases.file(unit="solgarden", received_on=days_ago(2))
    closed = closed_case(cases, unit="solgarden", received_on=days_ago(1))
    assert set(numbers(listing("anders", unit="hemtjanst-norr"))) == {old, recent}
    assert numbers(listing("anders", status="closed")) == [closed]
    assert set(numbers(listing("anders", status="open", unit="solgarden"))) == {solgarden}
    assert numbers(listing("anders", received_to=date.fromisoformat(days_ago(10)))) == [old]
    assert set(numbers(listing("anders", received_from=date.fromisoformat(days_ago(2)),
                               received_to=date.fromisoformat(days_ago(2))))) == {recent, solgarden}
    assert len(numbers(listing("anders", case_type="lex_sarah"))) == 4
    assert listing("anders", case_type="klagomal").total == 0


def test_page_bounds_are_checked(listing):
    with pytest.raises(ValueError):
        listing("erik", page=0)
    with pytest.raises(ValueError):
        listing("erik", page_size=paging.MAX_PAGE_SIZE + 1)


def test_an_unknown_person_is_not_found(listing, services):
    with pytest.raises(NotFound):
        listing("nobody")
    with pytest.raises(NotFound):
        queries.overview(services.db, services.clock, "nobody")


def test_the_overview_counts_open_and_overdue_cases_per_unit(cases, services, days_ago):
    cases.file()
    cases.file(received_on=days_ago(35), noticed_on=days_ago(36), occurred_on=days_ago(36))  # overdue
    cases.file(unit="solgarden")
    cases.file(unit="lss-bostad-eken", received_on=days_ago(35), noticed_on=days_ago(36), occurred_on=days_ago(36))
    closed_case(cases, unit="solgarden")

    def counts(person, **filters):
        return [(row.unit, row.unit_name, row.open_cases, row.overdue_cases)
                for row in queries.overview(services.db, services.clock, person, **filters)]

    assert counts("erik") == [("hemtjanst-norr", "Hemtjänst Norr", 2, 1),
                              ("solgarden", "Solgårdens särskilda boende", 1, 0)]
    assert counts("rita") == [("hemtjanst-norr", "Hemtjänst Norr", 2, 1),
                              ("lss-bostad-eken", "LSS-bostad Eken", 1, 1),
                              ("solgarden", "Solgårdens särskilda boende", 1, 0)]
    assert counts("rita", unit="lss-bostad-eken") == [("lss-bostad-eken", "LSS-bostad Eken", 1, 1)]
    assert counts("rita", case_type="klagomal") == []
    assert counts("anna") == []  # a reporter's status sight does not extend to the unit's figures
    services.clock.advance(timedelta(days=30))  # every registration deadline has passed
    assert counts("erik") == [("hemtjanst-norr", "Hemtjänst Norr", 2, 2),
                              ("solgarden", "Solgårdens särskilda boende", 1, 1)]


def test_the_overview_leaves_out_cases_about_the_person(cases, services):
    cases.file(concerns_person="erik")
    cases.file()
    [north] = queries.overview(services.db, services.clock, "erik")
    assert north.open_cases == 1


def test_deadlines_are_listed_soonest_first_in_cases_seen_in_full(cases, services, days_ago):
    late = cases.file(received_on=days_ago(35), noticed_on=days_ago(36), occurred_on=days_ago(36))
    recent = cases.file()
    cases.file(unit="lss-bostad-eken")
    about_erik = cases.file(concerns_person="erik")

    def deadlines(person, **options):
        page = queries.list_deadlines(services.db, services.clock, person, **options)
        return [(d.diary_number, d.kind) for d in page.items], page.total

    assert deadlines("erik") == ([(late, "registration"), (recent, "registration")], 2)
    assert deadlines("erik", overdue=True) == ([(late, "registration")], 1)
    assert deadlines("erik", page=2, page_size=1) == ([(recent, "registration")], 2)
    assert (about_erik, "registration") in deadlines("anders")[0]
    assert deadlines("anna") == ([], 0)  # the reporter sees no deadlines


def test_listing_deadlines_logs_the_listed_cases_as_read(cases, services, runner):
    first, second = cases.file(), cases.file()
    ids = {number: runner.show_case(number, "anders").id for number in (first, second)}
    before = len(reads(services))
    page = queries.list_deadlines(services.db, services.clock, "erik", page_size=1)
    assert reads(services)[before:] == [("erik", ids[page.items[0].diary_number], "deadlines")]


# -- the inbox --------------------------------------------------------------------------

def test_the_inbox_puts_the_overdue_first_then_the_soonest_due_then_the_longest_waiting(cases, services, clock):
    complaints = ComplaintDriver(services.runner, clock)

    def answer_task(received_days_ago: int) -> str:
        """A complaint to Hemtjänst Norr, registered: erik answers it within 14 days of its arrival."""
        case = complaints.file(received_on=complaints.day(-received_days_ago), unit="hemtjanst-norr")
        complaints.complete(case, "register", unit="hemtjanst-norr")
        return case

    protect_first = cases.file()  # erik's immediate protective actions: no deadline
    clock.advance(timedelta(minutes=5))
    protect_then = cases.file()
    due_in_14_days, due_in_4_days, overdue, overdue_longest = (answer_task(days) for days in (0, 10, 16, 20))

    found = queries.list_tasks(services.db, services.clock, "erik")
    assert [(row.diary_number, row.task.name) for row in found.items] == [
        (overdue_longest, "answer"), (overdue, "answer"), (due_in_4_days, "answer"), (due_in_14_days, "answer"),
        (protect_first, "protect"), (protect_then, "protect")]
    due = [row.deadline.due_at for row in found.items[:4]]
    assert due[0] < due[1] < clock.now() < due[2] < due[3]
    assert [row.deadline for row in found.items[4:]] == [None, None] and found.total == 6
    assert [(row.case_type, row.unit) for row in found.items[3:5]] == [("klagomal", "hemtjanst-norr"),
                                                                      ("lex_sarah", "hemtjanst-norr")]


def test_the_inbox_comes_in_pages_and_logs_the_cases_of_the_page_it_lists(cases, services, runner):
    filed = [cases.file(unit=unit) for unit in ("hemtjanst-norr", "solgarden", "lss-bostad-eken", "solgarden")]
    ids = {number: runner.show_case(number, "fredrik").id for number in filed}
    before = len(reads(services))

    pages = [queries.list_tasks(services.db, services.clock, "erik", page=n, page_size=2) for n in (1, 2)]
    assert [page.total for page in pages] == [3, 3]  # erik's units: not LSS-bostad Eken
    listed = [row.diary_number for page in pages for row in page.items]
    assert sorted(listed) == sorted(filed[:2] + filed[3:]) and len(pages[0].items) == 2
    assert reads(services)[before:] == [("erik", ids[number], "tasks") for number in listed]
    with pytest.raises(ValueError):
        queries.list_tasks(services.db, services.clock, "erik", page_size=paging.MAX_PAGE_SIZE + 1)
