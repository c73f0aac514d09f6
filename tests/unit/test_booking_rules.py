"""Bookable days and cut-offs (workflows/booking.py)."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from workflows.booking import bookable_days, cutoff_for, is_bookable, reminders_due
from workflows.calendar import WorkingCalendar

LONDON = ZoneInfo("Europe/London")
CAL = WorkingCalendar("ENG")


def at(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def test_cutoff_is_2pm_on_the_working_day_before_skipping_weekends():
    # Monday 7 December 2026: the working day before is Friday 4 December.
    assert cutoff_for(CAL, date(2026, 12, 7)) == at(2026, 12, 4, 14, 0)


def test_bookable_until_the_cutoff_and_not_after():
    monday = date(2026, 12, 7)
    assert is_bookable(CAL, monday, at(2026, 12, 4, 13, 59))
    assert not is_bookable(CAL, monday, at(2026, 12, 4, 14, 0))


def test_no_weekends_bank_holidays_today_or_beyond_the_window():
    now = at(2026, 12, 1)
    days = bookable_days(CAL, now)
    assert days and all(d.weekday() < 5 for d in days)
    assert date(2026, 12, 25) not in days and date(2026, 12, 28) not in days  # Christmas, Boxing Day (substitute)
    assert min(days) > now.date() and max(days) <= now.date() + timedelta(days=28)
    assert not is_bookable(CAL, now.date() + timedelta(days=29), now, {"days_ahead": 28})
    assert is_bookable(CAL, date(2027, 1, 12), now, {"days_ahead": 56})


def test_reminders_three_days_and_one_day_before():
    day = date(2026, 12, 10)
    assert reminders_due(CAL, day, at(2026, 12, 6)) == []
    assert reminders_due(CAL, day, at(2026, 12, 7)) == ["3_days"]
    assert reminders_due(CAL, day, at(2026, 12, 9)) == ["3_days", "1_day"]
    assert reminders_due(CAL, day, at(2026, 12, 10)) == []
