"""Which days a collection can be booked for, and when each closes. Pure date logic.

Bookable: a working day after today, no more than `days_ahead` days away (28 by default), and
only until the cut-off: `cutoff` local time (14:00 by default) on the working day before.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from workflows.calendar import WorkingCalendar

DEFAULTS = {"days_ahead": 28, "cutoff": "14:00", "hold_minutes": 30, "reminder_days": [3, 1]}


def settings(booking: dict | None) -> dict:
    out = dict(DEFAULTS)
    out.update(booking or {})
    return out


def _cutoff_time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def previous_working_day(calendar: WorkingCalendar, day: date) -> date:
    day -= timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def cutoff_for(calendar: WorkingCalendar, day: date, booking: dict | None = None) -> datetime:
    """The moment bookings, cancellations and changes for `day` close."""
    rule = settings(booking)
    return datetime.combine(previous_working_day(calendar, day), _cutoff_time(rule["cutoff"]), tzinfo=calendar.tz)


def is_bookable(calendar: WorkingCalendar, day: date, now: datetime, booking: dict | None = None) -> bool:
    rule = settings(booking)
    today = calendar.local(now).date()
    if day <= today or day > today + timedelta(days=int(rule["days_ahead"])):
        return False
    if not calendar.is_working_day(day):
        return False
    return now < cutoff_for(calendar, day, booking)


def bookable_days(calendar: WorkingCalendar, now: datetime, booking: dict | None = None) -> list[date]:
    rule = settings(booking)
    today = calendar.local(now).date()
    days = (today + timedelta(days=i) for i in range(1, int(rule["days_ahead"]) + 1))
    return [d for d in days if is_bookable(calendar, d, now, booking)]


def before_cutoff(calendar: WorkingCalendar, day: date, now: datetime, booking: dict | None = None) -> bool:
    return now < cutoff_for(calendar, day, booking)


def reminders_due(calendar: WorkingCalendar, day: date, now: datetime, booking: dict | None = None) -> list[str]:
    """Reminder names ("3_days", "1_day") whose time has come for a collection on `day`."""
    today = calendar.local(now).date()
    out = []
    for n in settings(booking)["reminder_days"]:
        if today >= day - timedelta(days=int(n)) and today < day:
            out.append(f"{n}_day" if int(n) == 1 else f"{n}_days")
    return out
