"""The local day in Europe/London: the day boundary a manager means, in BST and GMT alike."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def local_day(moment: datetime) -> date:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LONDON).date()


def day_start_utc(day: date) -> datetime:
    """The UTC instant at which a London day begins."""
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(timezone.utc)
