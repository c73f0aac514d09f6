"""Gazetteer look-ups and the property facts rules may read."""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, String, cast, literal, null, select, union_all
from sqlalchemy.orm import joinedload

from frontdoor.extensions import db
from flask import current_app

from frontdoor.models import CollectionRecord, CollectionRevision, Property
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


ALL_FACTS = frozenset({"crew_records", "subscriptions", "calendar_revisions"})


def rule_facts(prop: Property | None, reads: frozenset[str] = ALL_FACTS) -> dict[str, Any] | None:
    """The property as plain data for the workflow engine. `reads` (workflows.rules.property_facts_read)
    limits the facts that cost a query to those the definition's rules read."""
    if prop is None:
        return None
    # What crews recorded lately (the missed-collection rule reads it): {container id: {date: outcome}},
    # and the calendar's entered changes for its rounds: one round trip for both (PERFORMANCE.md).
    since = date.today() - timedelta(days=42)
    records: dict[int, dict[str, str]] = {}
    revised: dict[int, dict[str, str]] = {}
    rule = "none"
    ids = [c.id for c in prop.containers]
    queries = []
    if ids and "crew_records" in reads:
        queries.append(select(literal("record").label("kind"), CollectionRecord.container_id.label("ref"),
                              CollectionRecord.collected_on.label("day"), CollectionRecord.outcome.label("outcome"),
                              cast(null(), Date).label("revised"))
                       .where(CollectionRecord.container_id.in_(ids), CollectionRecord.collected_on >= since))
    if ids and "calendar_revisions" in reads:
        rule = current_app.config.get("COLLECTION_BANK_HOLIDAY_RULE", "next_day")
        rounds = {c.round_id for c in prop.containers}
        queries.append(select(literal("revision").label("kind"), CollectionRevision.round_id.label("ref"),
                              CollectionRevision.usual_date.label("day"), cast(null(), String).label("outcome"),
                              CollectionRevision.revised_date.label("revised"))
                       .where(CollectionRevision.usual_date >= since,
                              CollectionRevision.usual_date < date.today() + timedelta(days=60),
                              CollectionRevision.round_id.in_(rounds) | CollectionRevision.round_id.is_(None)))
    if queries:
        rows = db.session.execute(union_all(*queries) if len(queries) > 1 else queries[0]).all()
        for r in rows:
            if r.kind == "record":
                records.setdefault(r.ref, {})[r.day.isoformat()] = r.outcome
        revised = _revisions(prop, [r for r in rows if r.kind == "revision"])
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
                # The calendar's changes (collection_calendar.py): {usual iso: revised iso}, and the bank-holiday rule.
                "revisions": revised.get(c.id, {}),
                "bank_holiday_rule": rule,
            }
            for c in prop.containers
        ],
    }


def _revisions(prop: Property, rows) -> dict[int, dict[str, str]]:
    """{container id: {usual iso: revised iso}}: a round's own row beats an every-round row."""
    rounds = {c.round_id for c in prop.containers}
    by_round: dict[int | None, dict[str, str]] = {}
    for r in sorted(rows, key=lambda r: r.ref is not None):  # every-round rows first, then each round's own
        for round_id in ([r.ref] if r.ref is not None else rounds):
            by_round.setdefault(round_id, {})[r.day.isoformat()] = r.revised.isoformat()
    return {c.id: by_round.get(c.round_id, {}) for c in prop.containers}


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
