"""Every figure's rule, written once (ARCHITECTURE.md "Metrics, defined once").

Each rule has a Python predicate (the rollups apply it to each contact or case as it is counted), a
SQL expression over whichever table's columns are passed in (a rollup's, or the base table's for
the drill-down rows and the plain GROUP BY), and, where a rollup keeps the figure as its own
column, that column's name. The channels are listed here once too.

This module imports no models (the models take CHANNELS from here), so the rules take columns.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import and_, column, or_, table, true
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement

# --- Channels ---
CHANNELS = ("web", "api", "phone", "face_to_face", "email", "letter")
CHANNEL_LABELS = {"web": "Web", "api": "API", "phone": "Phone", "face_to_face": "Face to face", "email": "Email",
                  "letter": "Letter"}
DIGITAL = ("web", "api")  # self-service: what channel shift counts
ASSISTED = ("phone", "face_to_face", "email")  # an advisor answers there and then: what FCR counts
# A letter is neither: it is answered later, so it is never a first-contact resolution.

# --- Contact outcomes ---
RESOLVED_FIRST = "resolved_first_contact"
AVOIDABLE = ("progress_chase", "repeat")
OUTCOME_LABELS = {"self_served": "Self-served", "resolved_first_contact": "Resolved at first contact",
                  "handed_off": "Handed off", "progress_chase": "Progress chase", "repeat": "Repeat contact"}

# Words that are not capitalised like ordinary words when a name becomes a label.
_ACRONYMS = {"api": "API", "foi": "FOI", "sar": "SAR", "sla": "SLA", "fcr": "FCR", "uprn": "UPRN", "mp": "MP"}


def label(name: str | None) -> str:
    """A machine name as people read it: "foi_request" is "FOI request", "api" is "API"."""
    if not name:
        return ""
    if name in CHANNEL_LABELS:
        return CHANNEL_LABELS[name]
    if name in OUTCOME_LABELS:
        return OUTCOME_LABELS[name]
    words = [_ACRONYMS.get(w, w) for w in name.split("_")]
    first = words[0] if words[0].isupper() else words[0].capitalize()
    return " ".join([first, *words[1:]])


@dataclass(frozen=True)
class ContactRule:
    """Which contacts a figure counts, by channel and outcome."""
    name: str
    description: str
    holds: Callable[[str, str], bool]
    where: Callable[[ColumnElement, ColumnElement], ColumnElement]
    advisor_column: str | None = None  # the advisor rollups keep this figure as its own column

    def sql(self, channel_col, outcome_col) -> ColumnElement:
        return self.where(channel_col, outcome_col)

    def sql_text(self) -> str:
        """The same expression as literal PostgreSQL over columns named channel and outcome (bulk rebuild)."""
        expr = self.where(column("channel"), column("outcome"))
        return str(expr.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


ALL_CONTACTS = ContactRule("contacts", "All contacts", lambda ch, out: True, lambda ch, out: true())
DIGITAL_CONTACTS = ContactRule("digital", "Contacts on web or API", lambda ch, out: ch in DIGITAL,
                               lambda ch, out: ch.in_(DIGITAL))
AVOIDABLE_CONTACTS = ContactRule("avoidable", "Progress chases and repeats", lambda ch, out: out in AVOIDABLE,
                                 lambda ch, out: out.in_(AVOIDABLE))
FCR_DENOMINATOR = ContactRule(
    "assisted",
    "Assisted contacts (phone, face to face, email) that were not progress chases or repeats: "
    "the FCR denominator. Self-service and letters are left out too.",
    lambda ch, out: ch in ASSISTED and out not in AVOIDABLE,
    lambda ch, out: and_(ch.in_(ASSISTED), out.not_in(AVOIDABLE)),
    advisor_column="assisted",
)
FCR_NUMERATOR = ContactRule(
    "resolved_first", "Assisted contacts resolved at first contact",
    lambda ch, out: ch in ASSISTED and out == RESOLVED_FIRST,
    lambda ch, out: and_(ch.in_(ASSISTED), out == RESOLVED_FIRST),
    advisor_column="resolved",
)
CONTACT_RULES = {r.name: r for r in (ALL_CONTACTS, DIGITAL_CONTACTS, FCR_DENOMINATOR, FCR_NUMERATOR,
                                     AVOIDABLE_CONTACTS)}
FCR_EXPLAINED = ("First-contact resolution is contacts resolved at first contact out of assisted contacts (phone, "
                 "face to face and email). Progress chases, repeats, letters and self-service are left out of the "
                 "denominator.")

# --- Cases ---
PAST_DUE_EXPLAINED = ("Open cases whose due time has passed, now. A case waiting for the resident is not counted: "
                      "its clock is paused until they reply, and the queue counts it the same way.")


def closed_in_sla(closed_at: datetime, due_at: datetime | None) -> bool:
    """A closed case met its SLA when it had no due time or closed by it."""
    return due_at is None or closed_at <= due_at


def closed_in_sla_sql(closed_col, due_col) -> ColumnElement:
    return or_(due_col.is_(None), closed_col <= due_col)


def closed_in_sla_text(alias: str) -> str:
    """The same as literal PostgreSQL over a cases table under this alias (bulk rebuild)."""
    cases = table(alias, column("closed_at"), column("sla_due_at"))
    expr = closed_in_sla_sql(cases.c.closed_at, cases.c.sla_due_at)
    return str(expr.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def is_past_due(state_category: str, due_at: datetime | None, now: datetime) -> bool:
    """Open (not waiting: the clock is paused) and its due time has passed."""
    return state_category == "open" and due_at is not None and due_at < now


def past_due_sql(category_col, due_col, now: datetime) -> ColumnElement:
    return and_(category_col == "open", due_col < now)


def sql_in(col: str, values: tuple[str, ...]) -> str:
    """A CHECK constraint's text from a list here: "channel IN ('web', 'api', ...)"."""
    return f"{col} IN ({', '.join(repr(v) for v in values)})"


# --- Targets: red, amber or green ---
@dataclass(frozen=True)
class Target:
    figure: str
    label: str
    higher_is_better: bool

    def wording(self, target: float) -> str:
        return f"{target * 100:.0f}% or {'more' if self.higher_is_better else 'less'}"

    def status(self, value: float | None, target: float, amber_margin: float) -> str | None:
        """green: meets the target; amber: misses it by no more than the margin; red: misses it by more."""
        if value is None:
            return None
        short = (target - value) if self.higher_is_better else (value - target)
        if short <= 1e-9:
            return "green"
        return "amber" if short <= amber_margin + 1e-9 else "red"


TARGETS = {t.figure: t for t in (
    Target("digital_share", "Digital share", True),
    Target("fcr", "First-contact resolution", True),
    Target("avoidable_share", "Avoidable contact", False),
    Target("sla", "SLA compliance", True),
)}
RAG_WORDS = {"green": "On target", "amber": "Near target", "red": "Off target"}
