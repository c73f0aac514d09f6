"""Gazetteer look-ups and the property facts rules may read."""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from frontdoor.extensions import db
from frontdoor.models import CollectionRecord, Property
from frontdoor.models.properties import OFFERED_STATUSES


def _house_sort_key(prop: Property):
    match = re.match(r"(?:Flat (\d+), )?(\d+)", prop.address_line1)
    numbers = (int(match.group(2)), int(match.group(1) or 0)) if match else (10**6, 0)
    return (prop.address_line1.split(" ", 1)[-1] if match else prop.address_line1, numbers)


def addresses_at(postcode: str, include_historic: bool = False) -> list[Property]:
    """The addresses at a postcode a new request can be made for: historic and rejected addresses
    (kept for the cases that name them) are left out unless include_historic."""
    query = select(Property).where(Property.postcode == postcode)
    if not include_historic:
        query = query.where(Property.logical_status.in_(OFFERED_STATUSES))
    props = db.session.scalars(query).all()
    return sorted(props, key=_house_sort_key)


def by_uprn(uprn: str) -> Property | None:
    if not isinstance(uprn, (str, int)) or isinstance(uprn, bool):
        return None  # e.g. a typed ("I can't find my address") address: no property
    # Its bins in the same query: every caller reads them (options, rules, notifications).
    return db.session.scalars(
        select(Property).where(Property.uprn == str(uprn)).options(joinedload(Property.containers))
    ).unique().first()


# Callables prop -> [{service, reference, starts, ends}]: the subscriptions service (issue 5) registers one,
# so rules such as requires_subscription read subscriptions without the engine knowing where they live.
SUBSCRIPTION_SOURCES: list = []


ALL_FACTS = frozenset({"crew_records", "subscriptions"})


def rule_facts(prop: Property | None, reads: frozenset[str] = ALL_FACTS) -> dict[str, Any] | None:
    """The property as plain data for the workflow engine. `reads` (workflows.rules.property_facts_read)
    limits the facts that cost a query to those the definition's rules read."""
    if prop is None:
        return None
    # What crews recorded lately (the missed-collection rule reads it): {container id: {date: outcome}}.
    since = date.today() - timedelta(days=42)
    records: dict[int, dict[str, str]] = {}
    ids = [c.id for c in prop.containers]
    if ids and "crew_records" in reads:
        for r in db.session.scalars(select(CollectionRecord).where(
                CollectionRecord.container_id.in_(ids), CollectionRecord.collected_on >= since)):
            records.setdefault(r.container_id, {})[r.collected_on.isoformat()] = r.outcome
    return {
        "uprn": prop.uprn,
        "ward": prop.ward,
        "postcode": prop.postcode,
        "address": prop.single_line,
        # Filled by the subscriptions service (issue 5) when it exists: [{service, reference, starts, ends}].
        "subscriptions": [s for source in SUBSCRIPTION_SOURCES for s in source(prop)] if "subscriptions" in reads else [],
        "containers": [
            {
                "id": c.id,
                "stream": c.stream,
                "label": c.label,
                "weekday": c.round.weekday,
                "frequency_weeks": c.round.frequency_weeks,
                "week_offset": c.round.week_offset,
                "crew_records": records.get(c.id, {}),
            }
            for c in prop.containers
        ],
    }


def case_address(case, definition) -> str:
    """A case's address on one line: the gazetteer's, or as typed ("I can't find my address"); else ''."""
    if case.property is not None:
        return case.property.single_line
    from workflows.display import address_text

    question = definition.property_question if definition else None
    return address_text(case.answers.get(question)) if question else ""


def container_options(prop: Property | None) -> list[tuple[str, str]]:
    if prop is None:
        return []
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    return [(str(c.id), f"{c.label} (collected on {days[c.round.weekday]}s)") for c in prop.containers]
