"""The clock as a test input: moments chosen from the council's calendar, never from the weekday
the suite happens to run on. Use with time_machine.travel(moment, tick=True)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from workflows.calendar import calendar_for

LONDON = ZoneInfo("Europe/London")


def plain_week_monday(after: date | None = None, at: time = time(10, 0)) -> datetime:
    """`at` London time on the first Monday after `after` (default today) whose Monday to Friday
    are all working days: a two-working-day SLA set then is due that same week."""
    calendar = calendar_for("ENG")
    day = (after or datetime.now(LONDON).date()) + timedelta(days=1)
    while day.weekday() != 0 or not all(calendar.is_working_day(day + timedelta(days=i)) for i in range(5)):
        day += timedelta(days=1)
    return datetime.combine(day, at, tzinfo=LONDON)
