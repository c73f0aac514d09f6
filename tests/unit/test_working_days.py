"""Working days: weekends, bank holidays by region, council closures and openings; SLA due times.

Expected dates are worked out by hand from the published bank holidays (gov.uk) and written as literals.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from workflows.calendar import WorkingCalendar, calendar_for

LONDON = WorkingCalendar("ENG").tz
ENG = WorkingCalendar("ENG")
SCT = WorkingCalendar("SCT")


def test_the_holidays_package_agrees_with_the_dates_these_tests_assume():
    bank_holidays = ENG._holidays
    assert date(2026, 12, 25) in bank_holidays  # Friday
    assert date(2026, 12, 26) in bank_holidays  # Saturday
    assert date(2026, 12, 28) in bank_holidays  # Monday: Boxing Day (substitute day)
    assert date(2027, 1, 1) in bank_holidays  # Friday
    assert date(2027, 3, 26) in bank_holidays  # Good Friday
    assert date(2027, 3, 29) in bank_holidays  # Easter Monday
    assert date(2026, 5, 25) in bank_holidays  # Spring bank holiday
    assert date(2026, 12, 29) not in bank_holidays


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 6, 5), True),  # Friday
        (date(2026, 6, 6), False),  # Saturday
        (date(2026, 6, 7), False),  # Sunday
        (date(2026, 12, 24), True),  # Christmas Eve is a working day
        (date(2026, 12, 25), False),
        (date(2026, 12, 28), False),  # substitute Boxing Day
        (date(2026, 12, 29), True),
        (date(2027, 3, 26), False),
        (date(2027, 3, 29), False),
        (date(2027, 3, 30), True),
    ],
)
def test_is_working_day_in_england(day, working):
    assert ENG.is_working_day(day) is working


def test_friday_plus_one_is_monday():
    assert ENG.add_working_days(date(2026, 6, 5), 1) == date(2026, 6, 8)


def test_saturday_plus_one_is_monday_and_sunday_plus_one_is_monday():
    assert ENG.add_working_days(date(2026, 6, 6), 1) == date(2026, 6, 8)
    assert ENG.add_working_days(date(2026, 6, 7), 1) == date(2026, 6, 8)


def test_counting_starts_the_next_working_day():
    # Wednesday + 2 = Friday: the day itself never counts.
    assert ENG.add_working_days(date(2026, 6, 3), 2) == date(2026, 6, 5)
    assert ENG.add_working_days(date(2026, 6, 3), 5) == date(2026, 6, 10)


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Thu 24 Dec 2026: Fri 25 Christmas, Sat/Sun, Mon 28 Boxing Day substitute -> Tue 29 Dec.
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 12, 23), 2, date(2026, 12, 29)),
        (date(2026, 12, 24), 3, date(2026, 12, 31)),
        # Thu 31 Dec 2026: Fri 1 Jan 2027 New Year's Day, weekend -> Mon 4 Jan 2027.
        (date(2026, 12, 31), 1, date(2027, 1, 4)),
        (date(2026, 12, 25), 1, date(2026, 12, 29)),
        (date(2026, 12, 24), 5, date(2027, 1, 5)),
    ],
)
def test_christmas_and_new_year_2026(start, n, expected):
    assert ENG.add_working_days(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Thu 25 Mar 2027, then Good Friday 26, weekend, Easter Monday 29 -> Tue 30 Mar.
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        (date(2027, 3, 25), 2, date(2027, 3, 31)),
        (date(2027, 3, 24), 2, date(2027, 3, 30)),
        (date(2027, 3, 26), 1, date(2027, 3, 30)),
    ],
)
def test_easter_2027(start, n, expected):
    assert ENG.add_working_days(start, n) == expected


def test_zero_days_is_the_day_itself_on_a_working_day():
    assert ENG.add_working_days(date(2026, 6, 3), 0) == date(2026, 6, 3)


def test_zero_days_moves_a_non_working_day_to_the_next_working_day():
    assert ENG.add_working_days(date(2026, 6, 6), 0) == date(2026, 6, 8)
    assert ENG.add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 29)
    assert ENG.add_working_days(date(2027, 3, 26), 0) == date(2027, 3, 30)


def test_a_council_closure_day_is_not_a_working_day():
    closed_monday = WorkingCalendar("ENG", closures=[date(2026, 6, 8)])
    assert not closed_monday.is_working_day(date(2026, 6, 8))
    assert closed_monday.add_working_days(date(2026, 6, 5), 1) == date(2026, 6, 9)
    # Christmas Eve closure (a common council closure).
    closed_eve = WorkingCalendar("ENG", closures={date(2026, 12, 24)})
    assert closed_eve.add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 29)
    # The shared calendar is unchanged.
    assert ENG.add_working_days(date(2026, 6, 5), 1) == date(2026, 6, 8)


def test_a_council_opening_makes_a_bank_holiday_a_working_day():
    works_boxing_day = WorkingCalendar("ENG", openings=[date(2026, 12, 28)])
    assert works_boxing_day.is_working_day(date(2026, 12, 28))
    assert works_boxing_day.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert works_boxing_day.add_working_days(date(2026, 12, 24), 2) == date(2026, 12, 29)
    assert not works_boxing_day.is_working_day(date(2026, 12, 25))


def test_an_opening_wins_over_a_closure_on_the_same_day():
    calendar = WorkingCalendar("ENG", closures=[date(2027, 3, 29)], openings=[date(2027, 3, 29)])
    assert calendar.is_working_day(date(2027, 3, 29))


def test_scotland_has_2_january_and_not_easter_monday():
    # Fri 2 Jan 2026: a working day in England, a bank holiday in Scotland.
    assert ENG.is_working_day(date(2026, 1, 2))
    assert not SCT.is_working_day(date(2026, 1, 2))
    assert ENG.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 2)
    assert SCT.add_working_days(date(2025, 12, 31), 1) == date(2026, 1, 5)
    # Sat 2 Jan 2027 is substituted by Mon 4 Jan 2027 in Scotland only.
    assert ENG.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert SCT.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 5)
    # Easter Monday 29 Mar 2027 is not a bank holiday in Scotland.
    assert SCT.add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 29)
    assert ENG.add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)


@pytest.mark.parametrize("region", ["ENG", "WLS", "SCT", "NIR"])
def test_every_region_keeps_christmas_day(region):
    assert not WorkingCalendar(region).is_working_day(date(2026, 12, 25))


def test_northern_ireland_has_st_patricks_day():
    # Wed 17 Mar 2027.
    assert not WorkingCalendar("NIR").is_working_day(date(2027, 3, 17))
    assert ENG.is_working_day(date(2027, 3, 17))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 6, 5), date(2026, 6, 8), 1),  # Fri -> Mon
        (date(2026, 6, 1), date(2026, 6, 5), 4),  # Mon -> Fri: the start day does not count
        (date(2026, 6, 1), date(2026, 6, 1), 0),
        (date(2026, 6, 8), date(2026, 6, 1), 0),  # end before start
        (date(2026, 12, 24), date(2027, 1, 4), 4),  # 29, 30, 31 Dec and 4 Jan
        (date(2027, 3, 25), date(2027, 3, 31), 2),  # 30 and 31 Mar
        (date(2026, 6, 6), date(2026, 6, 7), 0),  # a weekend
    ],
)
def test_working_days_between(start, end, expected):
    assert ENG.working_days_between(start, end) == expected


def test_working_days_between_is_the_inverse_of_add_working_days():
    start = date(2026, 12, 20)
    for n in range(0, 15):
        end = ENG.add_working_days(start, n)
        if n:
            assert ENG.working_days_between(start, end) == n


def test_working_days_between_counts_closures_and_openings():
    calendar = WorkingCalendar("ENG", closures=[date(2026, 6, 3)], openings=[date(2026, 5, 25)])
    assert calendar.working_days_between(date(2026, 5, 22), date(2026, 6, 5)) == 9  # 10 weekdays, less 3 Jun


def test_due_after_is_the_end_of_the_nth_working_day_in_london():
    moment = datetime(2026, 6, 3, 10, 0, tzinfo=LONDON)  # Wednesday
    due = ENG.due_after(moment, 2)
    assert due == datetime(2026, 6, 5, 23, 59, 59, tzinfo=LONDON)
    assert due.astimezone(timezone.utc) == datetime(2026, 6, 5, 22, 59, 59, tzinfo=timezone.utc)


def test_due_after_uses_the_local_day_not_the_utc_day():
    # 23:30 UTC on Thursday 4 June 2026 is 00:30 on Friday 5 June in London (BST).
    moment = datetime(2026, 6, 4, 23, 30, tzinfo=timezone.utc)
    assert ENG.due_after(moment, 1) == datetime(2026, 6, 8, 23, 59, 59, tzinfo=LONDON)


def test_due_after_across_the_start_of_british_summer_time_2027():
    # Good Friday 26 Mar 2027 at noon (GMT). Clocks go forward on Sun 28 Mar.
    # Working days after it: Tue 30 Mar (Easter Monday 29 is a bank holiday), Wed 31 Mar.
    moment = datetime(2027, 3, 26, 12, 0, tzinfo=LONDON)
    assert moment.utcoffset() == timedelta(0)
    due = ENG.due_after(moment, 1)
    assert due == datetime(2027, 3, 30, 23, 59, 59, tzinfo=LONDON)
    assert due.utcoffset() == timedelta(hours=1)
    assert due.astimezone(timezone.utc) == datetime(2027, 3, 30, 22, 59, 59, tzinfo=timezone.utc)
    assert ENG.due_after(moment, 2).astimezone(timezone.utc) == datetime(2027, 3, 31, 22, 59, 59, tzinfo=timezone.utc)


def test_due_after_across_the_end_of_british_summer_time_2026():
    # Friday 23 Oct 2026 (BST); clocks go back on Sun 25 Oct; Monday 26 Oct is GMT.
    moment = datetime(2026, 10, 23, 9, 0, tzinfo=LONDON)
    assert moment.utcoffset() == timedelta(hours=1)
    due = ENG.due_after(moment, 1)
    assert due.astimezone(timezone.utc) == datetime(2026, 10, 26, 23, 59, 59, tzinfo=timezone.utc)
    assert due.utcoffset() == timedelta(0)


def test_due_after_zero_days_is_the_end_of_today_or_the_next_working_day():
    assert ENG.due_after(datetime(2026, 6, 3, 9, 0, tzinfo=LONDON), 0) == datetime(2026, 6, 3, 23, 59, 59, tzinfo=LONDON)
    assert ENG.due_after(datetime(2026, 6, 6, 9, 0, tzinfo=LONDON), 0) == datetime(2026, 6, 8, 23, 59, 59, tzinfo=LONDON)


def test_local_converts_to_london_time():
    local = ENG.local(datetime(2026, 6, 1, 16, 0, tzinfo=timezone.utc))
    assert (local.date(), local.hour, local.utcoffset()) == (date(2026, 6, 1), 17, timedelta(hours=1))
    local = ENG.local(datetime(2026, 1, 5, 16, 0, tzinfo=timezone.utc))
    assert (local.hour, local.utcoffset()) == (16, timedelta(0))


def test_unknown_region_is_refused():
    with pytest.raises(ValueError, match=r"unknown working-day region 'UK'; use one of \['ENG', 'NIR', 'SCT', 'WLS'\]"):
        WorkingCalendar("UK")
    with pytest.raises(ValueError):
        WorkingCalendar("eng")


def test_calendar_for_is_shared_per_region():
    assert calendar_for("ENG") is calendar_for("ENG")
    assert calendar_for("SCT").region == "SCT"
    assert calendar_for("SCT") is not calendar_for("ENG")


def test_council_closure_days_from_text_or_a_file():
    from workflows.calendar import parse_days

    days = parse_days("2026-12-24, 2026-12-31  # Christmas Eve and New Year's Eve\n2026-12-24")
    assert days == (date(2026, 12, 24), date(2026, 12, 31))
    council = calendar_for("ENG", "Europe/London", days)
    # After Mon 21 Dec: 22, 23, (24 closed), (25, 28 bank holidays), 29, 30, (31 closed), (1 Jan), 4 Jan.
    assert council.add_working_days(date(2026, 12, 21), 5) == date(2027, 1, 4)
    assert ENG.add_working_days(date(2026, 12, 21), 5) == date(2026, 12, 30)
    with pytest.raises(ValueError, match="'24/12/2026' is not a date"):
        parse_days("24/12/2026")
