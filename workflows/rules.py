"""Named rules: implemented once here, parameterised in definitions. Nothing from a file is executed.

A page rule answers "may this request go ahead?"; a failing rule gives the resident the reason
and what to do instead. A dedupe rule gives the key that two reports of the same thing share.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Callable

from workflows.calendar import WorkingCalendar, bank_holiday_move


@dataclass
class RuleContext:
    """Everything a rule may read. Built by the caller; the engine never queries a database."""

    now: datetime
    calendar: WorkingCalendar
    answers: dict[str, Any]
    property: dict[str, Any] | None = None
    staff: bool = False

    def container(self, container_id: Any) -> dict[str, Any] | None:
        if not self.property:
            return None
        for c in self.property.get("containers", []):
            if str(c["id"]) == str(container_id):
                return c
        return None


@dataclass
class RuleResult:
    ok: bool
    title: str = ""
    message: str = ""
    advice: str = ""
    facts: dict[str, Any] = field(default_factory=dict)  # derived values, e.g. the collection date


@dataclass(frozen=True)
class RuleSpec:
    kind: str  # "page" or "dedupe"
    func: Callable[[RuleContext, dict[str, Any]], Any]
    params: dict[str, dict[str, Any]]  # name -> {"type": ..., "required": bool, "question": bool}
    # The property facts beyond the address and bins that the rule reads ("crew_records",
    # "subscriptions"): a submission fetches only what its definition's rules read.
    reads: frozenset[str] = frozenset()


REGISTRY: dict[str, RuleSpec] = {}


def rule(name: str, kind: str, params: dict[str, dict[str, Any]], reads: tuple[str, ...] = ()):
    def register(func):
        REGISTRY[name] = RuleSpec(kind, func, params, frozenset(reads))
        return func

    return register


EPOCH_MONDAY = date(1970, 1, 5)
# What a crew may record that means there is no missed collection to report (DOMAIN.md).
NOT_COLLECTABLE = {
    "not_presented": ("Your bin was not put out", "was not put out for collection"),
    "contaminated": ("Your bin had the wrong things in it", "had items in it that should not be there"),
}


def last_collection(container: dict[str, Any], on_or_before: date) -> date:
    """The most recent scheduled collection day for a container, on or before a date."""
    weekday = container["weekday"]
    every = container.get("frequency_weeks", 1) or 1
    offset = container.get("week_offset", 0)
    day = on_or_before - timedelta(days=(on_or_before.weekday() - weekday) % 7)
    # Weeks counted from a fixed Monday, not ISO week numbers: a 53-week year would break the rhythm.
    while ((day - EPOCH_MONDAY).days // 7 - offset) % every != 0:
        day -= timedelta(days=7)
    return day


def revised_day(container: dict[str, Any], usual: date, calendar: WorkingCalendar | None) -> date:
    """A usual collection day on the day it really happens: a date the council entered
    (container["revisions"]: {usual iso: revised iso}) first, then its bank-holiday rule."""
    entered = (container.get("revisions") or {}).get(usual.isoformat())
    if entered:
        return date.fromisoformat(entered)
    rule = container.get("bank_holiday_rule", "none")
    return usual if calendar is None else bank_holiday_move(calendar, usual, rule)


def last_revised_collection(container: dict[str, Any], on_or_before: date, calendar: WorkingCalendar | None) -> date:
    """The most recent collection on its revised day, on or before a date. Without revisions or a
    bank-holiday rule in the facts it is last_collection."""
    if not container.get("revisions") and container.get("bank_holiday_rule", "none") == "none":
        return last_collection(container, on_or_before)
    every = container.get("frequency_weeks", 1) or 1
    # A later usual day may have moved earlier, an earlier one later: walk back from a period on.
    usual = last_collection(container, on_or_before + timedelta(weeks=every))
    for _ in range(4):
        day = revised_day(container, usual, calendar)
        if day <= on_or_before:
            return day
        usual -= timedelta(weeks=every)
    return last_collection(container, on_or_before)


def next_revised_collection(container: dict[str, Any], after: date, calendar: WorkingCalendar | None) -> date:
    """The first collection on its revised day after a date."""
    every = container.get("frequency_weeks", 1) or 1
    usual = last_collection(container, after - timedelta(weeks=every))
    for _ in range(6):
        day = revised_day(container, usual, calendar)
        if day > after:
            return day
        usual += timedelta(weeks=every)
    return day


def _parse_time(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _fmt(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


@rule(
    "missed_collection_window",
    kind="page",
    reads=("crew_records", "calendar_revisions"),
    params={
        "container_question": {"type": str, "required": True, "question": True},
        "working_days": {"type": int, "required": False},
        "day_ends_at": {"type": str, "required": False, "pattern": r"^([01]\d|2[0-3]):[0-5]\d$"},
    },
)
def missed_collection_window(ctx: RuleContext, params: dict[str, Any]) -> RuleResult:
    """From the end of the collection day until N working days after it (DOMAIN.md)."""
    container = ctx.container(ctx.answers.get(params["container_question"]))
    if container is None:
        return RuleResult(False, "We could not find that bin", "Choose a bin from the list for this address.")
    working_days = params.get("working_days", 2)
    day_ends = _parse_time(params.get("day_ends_at", "17:00"))
    now = ctx.calendar.local(ctx.now)
    collection = last_revised_collection(container, now.date(), ctx.calendar)
    deadline = ctx.calendar.add_working_days(collection, working_days)
    facts = {"collection_date": collection.isoformat(), "report_deadline": deadline.isoformat()}
    if collection == now.date() and now.time() < day_ends and not ctx.staff:
        return RuleResult(
            False,
            "Your bin may still be collected today",
            f"Crews work until {day_ends:%H:%M} on collection day, so your {container['label'].lower()} "
            f"may still be emptied today.",
            f"If it has not been emptied by {day_ends:%H:%M}, you can report it from then until the end of "
            f"{_fmt(deadline)}. Please leave it out.",
            facts,
        )
    recorded = (container.get("crew_records") or {}).get(collection.isoformat())
    if recorded in NOT_COLLECTABLE:
        title, why = NOT_COLLECTABLE[recorded]
        return RuleResult(
            False, title,
            f"The crew recorded that your {container['label'].lower()} {why} on {_fmt(collection)}, so we cannot "
            f"take a missed collection report for it.",
            "Please put it out by 6am on your next collection day, with the lid closed." if recorded == "not_presented"
            else "Remove the items that should not be in it and put it out again on your next collection day.",
            facts,
        )
    if now.date() > deadline:
        next_collection = next_revised_collection(container, now.date(), ctx.calendar)
        return RuleResult(
            False,
            "It is too late to report this collection",
            f"Your {container['label'].lower()} was due to be collected on {_fmt(collection)}. Missed collections "
            f"must be reported within {working_days} working days, by the end of {_fmt(deadline)}.",
            f"Put it out again for the next collection on {_fmt(next_collection)}.",
            facts,
        )
    return RuleResult(True, facts=facts)


@rule(
    "same_collection",
    kind="dedupe",
    reads=("calendar_revisions",),
    params={"container_question": {"type": str, "required": True, "question": True}},
)
def same_collection(ctx: RuleContext, params: dict[str, Any]) -> str | None:
    """One report per property, container and collection."""
    container = ctx.container(ctx.answers.get(params["container_question"]))
    if container is None or not ctx.property:
        return None
    collection = last_revised_collection(container, ctx.calendar.local(ctx.now).date(), ctx.calendar)
    return f"{ctx.property['uprn']}:{container['id']}:{collection.isoformat()}"


@rule(
    "deflect_if",
    kind="page",
    params={
        "question": {"type": str, "required": True, "question": True},
        "in": {"type": list, "required": True},
        "title": {"type": str, "required": True},
        "message": {"type": str, "required": True},
        "advice": {"type": str, "required": False},
    },
)
def deflect_if(ctx: RuleContext, params: dict[str, Any]) -> RuleResult:
    """Eligibility: an answer that means this is not the right service; say why and what to do instead."""
    answer = ctx.answers.get(params["question"])
    values = answer if isinstance(answer, list) else [answer]
    if any(str(v) in {str(x) for x in params["in"]} for v in values if v is not None):
        return RuleResult(False, params["title"], params["message"], params.get("advice", ""))
    return RuleResult(True)


@rule(
    "requires_subscription",
    kind="page",
    reads=("subscriptions",),
    params={
        "service": {"type": str, "required": True},
        "title": {"type": str, "required": False},
        "advice": {"type": str, "required": False},
    },
)
def requires_subscription(ctx: RuleContext, params: dict[str, Any]) -> RuleResult:
    """Only for a property with an active subscription (the service lists them in the property facts)."""
    subscriptions = (ctx.property or {}).get("subscriptions", [])
    today = ctx.calendar.local(ctx.now).date().isoformat()
    active = [s for s in subscriptions if s.get("service") == params["service"]
              and s.get("starts", "") <= today and (not s.get("ends") or today <= s["ends"])]
    if active:
        return RuleResult(True, facts={"subscription": active[0].get("reference")})
    return RuleResult(
        False,
        params.get("title", "This address does not have a subscription"),
        "We can only take this report for an address with an active subscription.",
        params.get("advice", "You can subscribe online or by calling us."),
    )


# Page rules that read the address's records: a typed ("I can't find my address") address has none.
NEEDS_PROPERTY = {"missed_collection_window", "requires_subscription"}


def duplicate_key(definition, answers: dict[str, Any], prop_facts: dict[str, Any] | None) -> str | None:
    """The generic duplicate rule's key: the matched values, hashed. None if any is missing."""
    spec = definition.duplicate
    if not spec:
        return None
    parts = []
    for name in spec["match"]:
        value = (prop_facts or {}).get("uprn") if name == "property" else answers.get(name)
        if value in (None, "", [], {}):
            return None  # nothing to match on (e.g. a typed address has no property)
        parts.append(f"{name}={json.dumps(value, sort_keys=True, default=str)}")
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f"{definition.id}:match:{digest}"


def duplicate_window_start(calendar: WorkingCalendar, now: datetime, within_working_days: int) -> datetime:
    """The earliest moment an earlier report may have been made and still count as the same one.

    "Within N working days": a report made on day D matches until the end of the Nth working day
    after D, so D may be as early as the Nth working day before today (today itself for N=0).
    """
    day = calendar.local(now).date()
    counted = 0
    while counted < within_working_days:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return datetime.combine(day, time(0, 0), tzinfo=calendar.tz)


def property_facts_read(definition) -> frozenset[str]:
    """What the definition's rules read of the property beyond its address and bins."""
    refs = [ref for page in definition.pages for ref in page.rules]
    if definition.dedupe is not None:
        refs.append(definition.dedupe)
    return frozenset().union(*(REGISTRY[ref.rule].reads for ref in refs))


def evaluate_page_rules(page, ctx: RuleContext) -> RuleResult:
    facts: dict[str, Any] = {}
    for ref in page.rules:
        result = REGISTRY[ref.rule].func(ctx, ref.params)
        if not result.ok:
            return result
        facts.update(result.facts)
    return RuleResult(True, facts=facts)


def dedupe_key(definition, ctx: RuleContext) -> str | None:
    if definition.dedupe is None:
        return None
    key = REGISTRY[definition.dedupe.rule].func(ctx, definition.dedupe.params)
    return f"{definition.id}:{key}" if key else None
