"""Deadlines in the Swedish calendar."""
from datetime import date, datetime

import pytest

from engine.calendar import Period, add_working_days, is_working_day
from engine.clock import STOCKHOLM


@pytest.mark.parametrize("day", [
    date(2026, 6, 19),   # midsommarafton
    date(2026, 12, 24),  # julafton
    date(2026, 12, 31),  # nyårsafton
    date(2026, 4, 3),    # långfredagen
    date(2026, 11, 28),  # a Saturday
])
def test_days_that_are_not_working_days(day):
    assert not is_working_day(day)


def test_working_days_skip_christmas_and_the_weekend():
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    assert add_working_days(date(2026, 12, 23), 3) == date(2026, 12, 30)
    assert add_working_days(date(2026, 12, 30), 1) == date(2027, 1, 4)  # nyårsafton, nyårsdagen, weekend


def test_a_deadline_passes_when_its_last_day_ends_in_stockholm():
    due = Period(14, "days").due_at(date(2026, 11, 2))
    assert due == datetime(2026, 11, 17, 0, 0, tzinfo=STOCKHOLM)


def test_months_end_on_the_last_day_of_a_shorter_month():
    assert Period(2, "months").last_day(date(2026, 12, 31)) == date(2027, 2, 28)


@pytest.mark.parametrize("config", [{"weeks": 2}, {"days": "14"}, {"days": 1, "months": 1}, {"days": -1}])
def test_bad_period_configuration_is_refused(config):
    with pytest.raises(ValueError):
        Period.from_config(config)
