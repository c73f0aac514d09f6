"""The workflow definitions in force for this app, loaded once at start-up."""
from pathlib import Path

from flask import current_app

from workflows import Definition, Registry
from workflows.calendar import WorkingCalendar, calendar_for, parse_days
from workflows.validation import parse_bounds


def registry() -> Registry:
    return current_app.extensions["frontdoor.workflows"]


def definition(workflow_id: str) -> Definition | None:
    return registry().get(workflow_id)


def working_calendar() -> WorkingCalendar:
    """The council's calendar: its region's bank holidays, plus its own closure days (and working bank
    holidays) from COUNCIL_CLOSURE_DAYS / COUNCIL_OPENING_DAYS or the files *_FILE name."""
    cfg = current_app.config
    return calendar_for(cfg["WORKING_DAY_REGION"], cfg["TIMEZONE"], _days(cfg, "COUNCIL_CLOSURE_DAYS"),
                        _days(cfg, "COUNCIL_OPENING_DAYS"))


def _days(cfg, key: str) -> tuple:
    cache = current_app.extensions.setdefault("frontdoor.calendar_days", {})
    if key not in cache:
        text = cfg.get(key) or ""
        path = cfg.get(f"{key}_FILE")
        if path:
            text += "\n" + Path(path).read_text(encoding="utf-8")
        cache[key] = parse_days(text, path or key)
    return cache[key]


def council_bounds() -> tuple | None:
    """The box a map point must fall in (COUNCIL_BOUNDS), or None for the UK-wide check."""
    return parse_bounds(current_app.config.get("COUNCIL_BOUNDS"))
