"""Crews' round sheets: what happened at each bin on a collection day (the missed-bin rule reads it).

A sheet is CSV with the columns uprn, date, container, outcome. `container` is the bin's stream
(refuse, recycling, garden, food) or its container id. Importing the same sheet twice changes
nothing; a corrected outcome for a day replaces the old one. Bad rows are reported by line and
skipped; the good rows are kept (the caller owns the commit).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Iterable

from sqlalchemy import select, tuple_

from frontdoor.extensions import db
from frontdoor.models import CollectionRecord, Container, Property
from frontdoor.models.collections import OUTCOMES

COLUMNS = ("uprn", "date", "container", "outcome")
CHUNK = 500


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)  # "line N: what is wrong"


@dataclass
class _Row:
    line: int
    uprn: str
    day: date
    container: str
    outcome: str


def _parse_date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _parse(reader: Iterable[dict], today: date, report: ImportReport) -> list[_Row]:
    rows, seen = [], {}
    for n, raw in enumerate(reader, start=2):  # line 1 is the header
        values = {k: (raw.get(k) or "").strip() for k in COLUMNS}
        missing = [k for k in COLUMNS if not values[k]]
        if missing:
            report.problems.append(f"line {n}: {' and '.join(missing)} missing")
            continue
        day = _parse_date(values["date"])
        outcome = values["outcome"].lower().replace(" ", "_").replace("-", "_")
        if day is None:
            report.problems.append(f"line {n}: date {values['date']!r} is not a real date (use 2026-11-23 or 23/11/2026)")
        elif day > today:
            report.problems.append(f"line {n}: date {values['date']!r} is in the future")
        elif outcome not in OUTCOMES:
            report.problems.append(f"line {n}: outcome {values['outcome']!r} is not one of {', '.join(OUTCOMES)}")
        else:
            key = (values["uprn"], day, values["container"].lower())
            if key in seen and seen[key][1] != outcome:
                report.problems.append(f"line {n}: a different outcome for the same bin and day as line {seen[key][0]}")
                continue
            seen[key] = (n, outcome)
            rows.append(_Row(n, values["uprn"], day, values["container"].lower(), outcome))
    return rows


def import_sheet(stream: IO[str], today: date | None = None) -> ImportReport:
    report = ImportReport()
    reader = csv.DictReader(stream)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    absent = [c for c in COLUMNS if c not in header]
    if absent:
        report.problems.append(f"line 1: the header needs the columns {', '.join(COLUMNS)} (missing {', '.join(absent)})")
        return report
    reader.fieldnames = header
    rows = _parse(reader, today or date.today(), report)
    for start in range(0, len(rows), CHUNK):
        _apply(rows[start:start + CHUNK], report)
    report.problems.sort(key=lambda p: int(p.split(":")[0].split()[1]))
    return report


def _apply(rows: list[_Row], report: ImportReport) -> None:
    uprns = {r.uprn for r in rows}
    containers: dict[str, list[Container]] = {}
    for prop in db.session.scalars(select(Property).where(Property.uprn.in_(uprns))):
        containers[prop.uprn] = list(prop.containers)
    resolved: list[tuple[_Row, Container]] = []
    for row in rows:
        if row.uprn not in containers:
            report.problems.append(f"line {row.line}: no property with UPRN {row.uprn}")
            continue
        bins = [c for c in containers[row.uprn] if str(c.id) == row.container or c.stream == row.container]
        if not bins:
            report.problems.append(f"line {row.line}: UPRN {row.uprn} has no {row.container!r} bin")
        elif len(bins) > 1:
            report.problems.append(f"line {row.line}: UPRN {row.uprn} has {len(bins)} {row.container!r} bins; "
                                   f"give the container id ({', '.join(str(c.id) for c in bins)})")
        else:
            resolved.append((row, bins[0]))
    if not resolved:
        return
    keys = [(c.id, row.day) for row, c in resolved]
    existing = {(r.container_id, r.collected_on): r for r in db.session.scalars(
        select(CollectionRecord).where(tuple_(CollectionRecord.container_id, CollectionRecord.collected_on).in_(keys)))}
    for row, container in resolved:
        record = existing.get((container.id, row.day))
        if record is None:
            record = CollectionRecord(container_id=container.id, collected_on=row.day, outcome=row.outcome)
            db.session.add(record)
            existing[(container.id, row.day)] = record
            report.created += 1
        elif record.outcome != row.outcome:
            record.outcome = row.outcome
            report.updated += 1
        else:
            report.unchanged += 1
    db.session.flush()
