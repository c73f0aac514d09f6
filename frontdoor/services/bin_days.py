"""A property's next collections, from its containers' rounds (the same arithmetic the rules use)."""
from __future__ import annotations

from datetime import date, timedelta

from frontdoor.models import Property
from frontdoor.services.properties import rule_facts
from workflows.rules import last_collection


def next_collections(prop: Property, today: date, weeks: int = 4) -> list[dict]:
    """Every collection from today until `weeks` weeks ahead, soonest first.

    Bank-holiday changes to rounds are not modelled yet: a council publishes them separately."""
    until = today + timedelta(weeks=weeks)
    found = []
    for container in rule_facts(prop)["containers"]:
        every = container.get("frequency_weeks") or 1
        # The latest scheduled day on or before (today + one period - 1) is the first one on or after today.
        day = last_collection(container, today + timedelta(days=7 * every - 1))
        while day < until:
            found.append({"date": day, "stream": container["stream"], "container_id": container["id"],
                          "label": container["label"], "frequency_weeks": every})
            day += timedelta(weeks=every)
    return sorted(found, key=lambda c: (c["date"], c["stream"]))
