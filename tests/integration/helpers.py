"""Shared set-up for missed bin tests: a property whose refuse round was collected at a known time."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from tests import factories

LONDON = ZoneInfo("Europe/London")


def reportable_now() -> datetime:
    """Now, as an aware UTC time."""
    return datetime.now(timezone.utc)


def property_collected_yesterday_evening():
    """A property whose refuse is collected on the weekday that makes 'now' inside the window.

    We choose the round's weekday from today's date so the test does not depend on the day it
    runs: collection was on the most recent working day before today (or today after 17:00).
    """
    now = datetime.now(LONDON)
    # Yesterday is always inside "end of collection day .. 2 working days after" unless a long
    # holiday intervenes; pick the collection weekday = yesterday's weekday.
    day = (now - timedelta(days=1)).date()
    return factories.property_(weekday=day.weekday(), streams=("refuse", "recycling"))


def answers_for(prop, email="sam@example.com", container_index=0):
    return {
        "address": prop.uprn,
        "container": str(prop.containers[container_index].id),
        "full_name": "Sam Resident",
        "email": email,
        "phone": "020 7946 0018",
    }
