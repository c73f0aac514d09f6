"""Working days: weekends, the region's bank holidays and the council's own closure days.

"N working days after X" counts from the next working day after X (DOMAIN.md).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

REGIONS = {"ENG": "ENG", "WLS": "WLS", "SCT": "SCT", "NIR": "NIR"}


class WorkingCalendar:
    def __init__(self, region: str = "ENG", closures=(), openings=(), tz: str = "Europe/London"):
        if region not in REGIONS:
            raise ValueError(f"unknown working-day region {region!r}; use one of {sorted(REGIONS)}")
        self.region = region
        self._holidays = holidays.UK(subdiv=REGIONS[region])
        self.closures = frozenset(closures)  # council-added non-working days
        self.openings = frozenset(openings)  # bank holidays the council works anyway
        self.tz = ZoneInfo(tz)

    def is_working_day(self, day: date) -> bool:
        if day in self.openings:
            return True
        if day.weekday() >= 5 or day in self.closures:
            return False
        return day not in self._holidays

    def add_working_days(self, start: date, n: int) -> date:
        """The nth working day after `start` (n=0 gives `start` itself if it is a working day, else the next)."""
        day = start
        if n == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        counted = 0
        while counted < n:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`."""
        if end <= start:
            return 0
        return sum(1 for i in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=i)))

    def local(self, moment: datetime) -> datetime:
        """The council's wall-clock time of a moment; a naive moment is UTC (never the host's zone)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(self.tz)

    def end_of_day(self, day: date) -> datetime:
        """The last moment of a local day, as an aware datetime."""
        return datetime.combine(day, time(23, 59, 59), tzinfo=self.tz)

    def due_after(self, moment: datetime, working_days: int) -> datetime:
        """SLA due time: the end of the Nth working day after the local day of `moment`."""
        return self.end_of_day(self.add_working_days(self.local(moment).date(), working_days))


BANK_HOLIDAY_RULES = ("next_day", "none")


def _is_bank_holiday(calendar: WorkingCalendar, day: date) -> bool:
    return day.weekday() < 5 and not calendar.is_working_day(day)


def bank_holiday_move(calendar: WorkingCalendar, usual: date, rule: str = "next_day") -> date:
    """Where a council's bank-holiday rule moves a usual collection day. "next_day" (DOMAIN.md's common
    rule): one day later when a bank holiday falls in its week on or before it (Saturday taking
    Friday's), and on past a day that is itself a bank holiday. "none": it stays."""
    if rule == "none" or usual.weekday() > 4:
        return usual
    monday = usual - timedelta(days=usual.weekday())
    if not any(_is_bank_holiday(calendar, monday + timedelta(days=i)) for i in range(usual.weekday() + 1)):
        return usual
    day = usual + timedelta(days=1)
    while _is_bank_holiday(calendar, day):
        day += timedelta(days=1)
    return day


@lru_cache(maxsize=16)
def calendar_for(region: str = "ENG", tz: str = "Europe/London", closures: tuple = (), openings: tuple = ()) -> WorkingCalendar:
    return WorkingCalendar(region, closures=closures, openings=openings, tz=tz)


def parse_days(text: str | None, source: str = "COUNCIL_CLOSURE_DAYS") -> tuple[date, ...]:
    """ISO dates separated by commas, spaces or new lines (a '#' starts a comment on a line)."""
    days = []
    for line in (text or "").splitlines():
        for token in line.split("#", 1)[0].replace(",", " ").split():
            try:
                days.append(date.fromisoformat(token))
            except ValueError:
                raise ValueError(f"{source}: {token!r} is not a date like 2026-12-24") from None
    return tuple(sorted(set(days)))
