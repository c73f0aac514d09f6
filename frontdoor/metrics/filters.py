"""Dashboard filters from query arguments: a period, and optional service, team, channel, ward.

Bad input raises FilterError with a message for the person; the view shows it as a 400 page.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from frontdoor.ids import whole_number
from frontdoor.metrics.definitions import CHANNELS

PERIODS = ("week", "month", "quarter", "year", "custom")
MAX_DAYS = 366 * 3


class FilterError(ValueError):
    pass


@dataclass(frozen=True)
class Filters:
    period: str
    start: date  # first local day, inclusive
    end: date  # last local day, inclusive
    service: str = ""
    team_id: int = 0
    channel: str = ""
    ward: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Filters:
        """The period just before, of the same kind (the previous calendar month for a month)."""
        if self.period == "month":
            end = self.start - timedelta(days=1)
            return replace(self, start=end.replace(day=1), end=end)
        if self.period == "quarter":
            end = self.start - timedelta(days=1)
            return replace(self, start=date(end.year, end.month - 2, 1), end=end)
        if self.period == "year":
            return replace(self, start=date(self.start.year - 1, 1, 1), end=date(self.start.year - 1, 12, 31))
        end = self.start - timedelta(days=1)
        return replace(self, start=end - timedelta(days=self.days - 1), end=end)

    def args(self, **extra) -> dict:
        out = {"period": self.period, "start": self.start.isoformat()}
        if self.period == "custom":
            out["end"] = self.end.isoformat()
        for key in ("service", "channel", "ward"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.team_id:
            out["team"] = str(self.team_id)
        out.update({k: v for k, v in extra.items() if v is not None})
        return out


def _date(raw: str, label: str) -> date:
    try:
        return date.fromisoformat(raw)
    except (TypeError, ValueError):
        raise FilterError(f"{label} must be a real date, like 2026-11-01") from None


def period_bounds(period: str, anchor: date) -> tuple[date, date]:
    if period == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=6)
    if period == "month":
        start = anchor.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        return start, nxt - timedelta(days=1)
    if period == "quarter":
        start = date(anchor.year, 3 * ((anchor.month - 1) // 3) + 1, 1)
        nxt = (start + timedelta(days=95)).replace(day=1)
        return start, nxt - timedelta(days=1)
    return date(anchor.year, 1, 1), date(anchor.year, 12, 31)


def parse(args, today: date, services: list[str], team_ids: set[int], wards: list[str]) -> Filters:
    known = {"period", "start", "end", "service", "team", "channel", "ward", "page", "figure"}
    unknown = sorted(set(args.keys()) - known)
    if unknown:
        raise FilterError(f"Unknown filter: {', '.join(unknown)}. Use period, start, end, service, team, channel or ward.")
    period = args.get("period", "month") or "month"
    if period not in PERIODS:
        raise FilterError("Period must be week, month, quarter, year or custom")
    if period == "custom":
        start = _date(args.get("start", ""), "Start date")
        end = _date(args.get("end", ""), "End date")
        if end < start:
            raise FilterError("End date must be the same as or after the start date")
        if end - start > timedelta(days=MAX_DAYS):
            raise FilterError("A custom period can be at most 3 years long")
    else:
        anchor = _date(args["start"], "Start date") if args.get("start") else today
        start, end = period_bounds(period, anchor)
    if start > today + timedelta(days=366):
        raise FilterError("The period is more than a year ahead: there are no figures for it yet")
    if start.year < 2000:
        raise FilterError("The period must start in 2000 or later")
    service = args.get("service", "")
    if service and service not in services:
        raise FilterError(f"Unknown service: {service}")
    channel = args.get("channel", "")
    if channel and channel not in CHANNELS:
        raise FilterError(f"Unknown channel: {channel}")
    ward = args.get("ward", "")
    if ward and ward not in wards:
        raise FilterError(f"Unknown ward: {ward}")
    team_raw = args.get("team", "")
    team_id = 0
    if team_raw:
        team_id = whole_number(team_raw)
        if team_id is None or team_id not in team_ids:
            raise FilterError("Unknown team")
    return Filters(period, start, end, service, team_id, channel, ward)
