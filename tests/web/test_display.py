"""Deadlines as users read them: a deadline counted in days ends at midnight, which is the
end of its last day, so that day is what the pages show and when they say "Idag"."""
from datetime import datetime

from engine.clock import STOCKHOLM
from engine.tracking import due_time
from web.pages.display import due_badge

MIDNIGHT = datetime(2026, 11, 24, 0, 0, tzinfo=STOCKHOLM)  # the end of 2026-11-23


def test_a_deadline_at_midnight_shows_as_its_last_day():
    assert due_time(MIDNIGHT) == "2026-11-23"
    assert due_time(datetime(2026, 11, 24, 14, 30, tzinfo=STOCKHOLM)) == "2026-11-24 14:30"


def test_the_badge_says_today_on_the_last_day_and_late_after_midnight():
    assert due_badge(MIDNIGHT, datetime(2026, 11, 22, 23, 59, tzinfo=STOCKHOLM)).text == "I tid"
    assert due_badge(MIDNIGHT, datetime(2026, 11, 23, 0, 0, tzinfo=STOCKHOLM)).text == "Idag"
    assert due_badge(MIDNIGHT, datetime(2026, 11, 23, 23, 59, tzinfo=STOCKHOLM)).text == "Idag"
    late = due_badge(MIDNIGHT, datetime(2026, 11, 24, 0, 0, tzinfo=STOCKHOLM))
    assert (late.text, late.detail) == ("Försenad", "passerad idag")


def test_summer_time_does_not_move_the_last_day():
    assert due_time(datetime(2026, 3, 30, 0, 0, tzinfo=STOCKHOLM)) == "2026-03-29"  # the night clocks go forward
