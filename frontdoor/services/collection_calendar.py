"""A property's collections with the calendar's changes applied: the revisions the council entered
(collection_revisions) first, then its bank-holiday rule (COLLECTION_BANK_HOLIDAY_RULE).

The common rule (DOMAIN.md): each collection in a bank-holiday week, on or after the holiday, moves
one day later (Saturday taking Friday's). Which days are bank holidays comes from the council's
working calendar (holidays.UK for its region, plus its own closures and openings), never a list here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import CollectionRevision, Property
from frontdoor.services.bin_days import next_collections
from frontdoor.services.registry import working_calendar
from workflows.calendar import WorkingCalendar, bank_holiday_move  # noqa: F401  (re-exported)

BANK_HOLIDAY_REASON = "because of the bank holiday"
# The colour of each stream's container in words, so colour is never the only cue (a council's own
# labels usually name it too: "Black general waste bin").
STREAM_COLOURS = {"refuse": "black", "recycling": "blue", "garden": "green", "food": "grey", "glass": "purple"}


@dataclass(frozen=True)
class Collection:
    date: date
    usual_date: date
    reason: str | None
    container_id: int
    stream: str
    label: str

    @property
    def moved(self) -> bool:
        return self.date != self.usual_date


def revisions(round_ids, start: date, end: date) -> dict[tuple[int | None, date], CollectionRevision]:
    """The council's entered changes for these rounds (and for every round) with a usual day in [start, end)."""
    rows = db.session.scalars(select(CollectionRevision).where(
        CollectionRevision.usual_date >= start, CollectionRevision.usual_date < end,
        (CollectionRevision.round_id.in_(list(round_ids))) | CollectionRevision.round_id.is_(None)))
    return {(r.round_id, r.usual_date): r for r in rows}


def revise(usual: date, round_id: int, entered: dict, calendar: WorkingCalendar, rule: str) -> tuple[date, str | None]:
    """The revised day of one usual collection and why it moved (None when it did not)."""
    row = entered.get((round_id, usual)) or entered.get((None, usual))
    if row is not None:
        return row.revised_date, (row.reason if row.revised_date != usual else None)
    moved = bank_holiday_move(calendar, usual, rule)
    return moved, (BANK_HOLIDAY_REASON if moved != usual else None)


def upcoming(prop: Property, today: date, weeks: int = 4) -> list[Collection]:
    """Every collection from today for `weeks` weeks, on its revised day, soonest first. A collection
    whose usual day was last week but moved to today or later is included too."""
    calendar = working_calendar()
    rule = current_app.config.get("COLLECTION_BANK_HOLIDAY_RULE", "next_day")
    rounds = {c.id: c.round_id for c in prop.containers}
    # Look a week back and a week on: a move may carry a collection across the window's edges.
    usual = next_collections(prop, today - timedelta(days=7), weeks + 1)
    entered = revisions(set(rounds.values()), today - timedelta(days=7), today + timedelta(weeks=weeks + 1))
    until = today + timedelta(weeks=weeks)
    found = []
    for item in usual:
        day, reason = revise(item["date"], rounds[item["container_id"]], entered, calendar, rule)
        if today <= day < until:
            found.append(Collection(day, item["date"], reason, item["container_id"], item["stream"], item["label"]))
    return sorted(found, key=lambda c: (c.date, c.stream))


def by_container(prop: Property, collections: list[Collection]) -> list[dict]:
    """The page's shape: each container with its colour in words and its collections."""
    out = []
    for container in prop.containers:
        mine = [c for c in collections if c.container_id == container.id]
        out.append({"label": container.label, "stream": container.stream,
                    "colour": STREAM_COLOURS.get(container.stream), "collections": mine,
                    "next": mine[0] if mine else None})
    return out


def format_day(day: date) -> str:
    """'Monday 28 December 2026'."""
    return f"{day:%A} {day.day} {day:%B %Y}"
