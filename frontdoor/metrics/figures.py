"""The figures, defined once (ARCHITECTURE.md "Metrics, defined once"), read from the narrow rollups.

- Digital share: web + api contacts / all contacts.
- First-contact resolution: assisted (phone, face_to_face, email) contacts with outcome
  resolved_first_contact / assisted contacts that were not progress chases or repeats.
- Avoidable contact: (progress_chase + repeat) / all contacts.
- SLA compliance: cases closed by their due time / cases closed; and open cases past due (live).
- Cost to serve: contacts x unit cost per channel; saving = the same volume at last period's mix - actual.
- Satisfaction: mean feedback score (1-5) given in the period.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from frontdoor.extensions import db
from frontdoor.metrics.filters import Filters
from frontdoor.metrics.localday import day_start_utc
from frontdoor.models import (
    AdvisorDaily, Case, CaseDaily, ChannelCost, ContactDaily, ContactWardDaily, Feedback, Property, StaffUser, Team,
)
from frontdoor.models.base import utcnow
from frontdoor.models.cases import CHANNELS

DIGITAL = ("web", "api")
ASSISTED = ("phone", "face_to_face", "email")
AVOIDABLE = ("progress_chase", "repeat")
TARGET_DIGITAL = 0.90
# Socitm channel value benchmarking; email and letter take the phone figure, api the web figure (DOMAIN.md).
DEFAULT_PENCE = {"face_to_face": 862, "phone": 283, "web": 15, "email": 283, "letter": 283, "api": 15}


def ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def unit_costs() -> dict[str, int]:
    costs = dict(DEFAULT_PENCE)
    costs.update({c.channel: c.pence for c in db.session.scalars(select(ChannelCost))})
    return costs


@dataclass
class ContactFigures:
    total: int = 0
    digital: int = 0
    assisted: int = 0  # the FCR denominator
    resolved_first: int = 0
    avoidable: int = 0
    by_channel: dict = field(default_factory=lambda: defaultdict(int))
    by_service: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    team_fcr: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def add(self, service: str, channel: str, outcome: str, team_id: int, n: int) -> None:
        self.total += n
        self.by_channel[channel] += n
        self.by_service[service][channel] += n
        if channel in DIGITAL:
            self.digital += n
        if outcome in AVOIDABLE:
            self.avoidable += n
        elif channel in ASSISTED:
            self.assisted += n
            self.team_fcr[team_id][1] += n
            if outcome == "resolved_first_contact":
                self.resolved_first += n
                self.team_fcr[team_id][0] += n

    @property
    def digital_share(self):
        return ratio(self.digital, self.total)

    @property
    def fcr(self):
        return ratio(self.resolved_first, self.assisted)

    @property
    def avoidable_share(self):
        return ratio(self.avoidable, self.total)


def _contact_table(f: Filters):
    return ContactWardDaily if f.ward else ContactDaily


def _where(model, f: Filters, *, channel=True):
    conds = [model.day >= f.start, model.day <= f.end]
    if f.service:
        conds.append(model.service == f.service)
    if f.team_id:
        conds.append(model.team_id == f.team_id)
    if channel and f.channel:
        conds.append(model.channel == f.channel)
    if f.ward and hasattr(model, "ward"):
        conds.append(model.ward == f.ward)
    return conds


def contact_figures(f: Filters) -> ContactFigures:
    t = _contact_table(f)
    rows = db.session.execute(
        select(t.service, t.channel, t.outcome, t.team_id, func.sum(t.contacts))
        .where(*_where(t, f)).group_by(t.service, t.channel, t.outcome, t.team_id)
    ).all()
    out = ContactFigures()
    for service, channel, outcome, team_id, n in rows:
        out.add(service, channel, outcome, team_id, int(n or 0))
    return out


def advisor_fcr(f: Filters) -> list[dict]:
    """FCR per advisor (assisted contacts they took). The ward filter does not apply here."""
    t = AdvisorDaily
    rows = db.session.execute(
        select(t.staff_id, t.outcome, func.sum(t.contacts)).where(*_where(t, f)).group_by(t.staff_id, t.outcome)
    ).all()
    per: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for staff_id, outcome, n in rows:
        if outcome in AVOIDABLE:
            continue
        per[staff_id][1] += int(n)
        if outcome == "resolved_first_contact":
            per[staff_id][0] += int(n)
    names = dict(db.session.execute(select(StaffUser.id, StaffUser.name).where(StaffUser.id.in_(list(per)))).all()) if per else {}
    return sorted(({"staff_id": s, "name": names.get(s, f"Staff {s}"), "resolved": r, "assisted": a, "fcr": ratio(r, a)}
                   for s, (r, a) in per.items()), key=lambda d: d["name"])


def sla_figures(f: Filters) -> dict:
    t = CaseDaily
    rows = db.session.execute(
        select(t.service, func.sum(t.closed), func.sum(t.closed_in_sla)).where(*_where(t, f)).group_by(t.service)
    ).all()
    by_service = {s: {"closed": int(c or 0), "in_sla": int(i or 0), "compliance": ratio(int(i or 0), int(c or 0))}
                  for s, c, i in rows if c}
    closed = sum(v["closed"] for v in by_service.values())
    in_sla = sum(v["in_sla"] for v in by_service.values())
    return {"closed": closed, "in_sla": in_sla, "compliance": ratio(in_sla, closed), "by_service": by_service,
            "past_due": past_due_query(f, count=True)}


def case_conditions(f: Filters):
    conds = []
    if f.service:
        conds.append(Case.workflow_id == f.service)
    if f.team_id:
        conds.append(Case.team_id == f.team_id)
    if f.channel:
        conds.append(Case.channel == f.channel)
    if f.ward:
        conds.append(Case.property_id.in_(select(Property.id).where(Property.ward == f.ward)))
    return conds


def past_due_query(f: Filters, count=False):
    """Open cases past their due time now: a live figure (few rows, indexed by team, category, due)."""
    conds = [Case.state_category != "closed", Case.sla_due_at < utcnow(), *case_conditions(f)]
    if count:
        return db.session.scalar(select(func.count()).select_from(Case).where(*conds)) or 0
    return select(Case).where(*conds).order_by(Case.sla_due_at, Case.id)


def satisfaction(f: Filters) -> dict:
    conds = [Feedback.created_at >= day_start_utc(f.start), Feedback.created_at < day_start_utc(f.end + timedelta(days=1))]
    stmt = select(func.count(Feedback.id), func.sum(Feedback.rating)).select_from(Feedback)
    case_conds = case_conditions(f)
    if case_conds:
        stmt = stmt.join(Case, Case.id == Feedback.case_id)
        conds += case_conds
    n, total = db.session.execute(stmt.where(*conds)).one()
    n = int(n or 0)
    return {"responses": n, "mean": (int(total) / n) if n else None}


def cost_to_serve(current: ContactFigures, previous: ContactFigures, costs: dict[str, int]) -> dict:
    actual = sum(costs.get(ch, 0) * n for ch, n in current.by_channel.items())
    saving = None
    if previous.total:
        prev_unit = sum(costs.get(ch, 0) * n for ch, n in previous.by_channel.items()) / previous.total
        saving = round(prev_unit * current.total - actual)
    by_channel = {ch: {"contacts": current.by_channel.get(ch, 0), "pence": costs.get(ch, 0),
                       "cost": costs.get(ch, 0) * current.by_channel.get(ch, 0)} for ch in CHANNELS}
    return {"pence": actual, "saving_pence": saving, "by_channel": by_channel}


def trend(f: Filters, months: int = 12) -> list[dict]:
    """Digital share per calendar month for the months ending with the period's end month."""
    first = f.end.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    t = _contact_table(f)
    g = f.__class__(f.period, first, f.end, f.service, f.team_id, f.channel, f.ward)
    rows = db.session.execute(
        select(t.day, t.channel, func.sum(t.contacts)).where(*_where(t, g)).group_by(t.day, t.channel)
    ).all()
    per: dict[date, list[int]] = {}
    cursor = first
    while cursor <= f.end:
        per[cursor] = [0, 0]
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    for day, channel, n in rows:
        bucket = per[day.replace(day=1)]
        bucket[1] += int(n)
        if channel in DIGITAL:
            bucket[0] += int(n)
    return [{"month": m, "digital": d, "total": t_, "share": ratio(d, t_)} for m, (d, t_) in per.items()]


def dashboard(f: Filters) -> dict:
    current = contact_figures(f)
    previous_filters = f.previous()
    previous = contact_figures(previous_filters)
    teams = dict(db.session.execute(select(Team.id, Team.name)).all())
    team_rows = sorted(({"team_id": tid, "name": teams.get(tid, "No team"), "resolved": r, "assisted": a,
                         "fcr": ratio(r, a)} for tid, (r, a) in current.team_fcr.items()), key=lambda d: d["name"])
    return {
        "filters": f,
        "previous_filters": previous_filters,
        "contacts": current,
        "previous": previous,
        "team_fcr": team_rows,
        "advisor_fcr": advisor_fcr(f),
        "sla": sla_figures(f),
        "previous_sla": sla_figures(previous_filters),
        "satisfaction": satisfaction(f),
        "cost": cost_to_serve(current, previous, unit_costs()),
        "trend": trend(f),
        "target": TARGET_DIGITAL,
    }


# --- The same figures from the base tables with a plain GROUP BY: the benchmark's baseline. ---

def base_contact_figures(f: Filters) -> ContactFigures:
    from frontdoor.models import Contact, Customer

    case_prop = Property.__table__.alias("case_prop")
    cust_prop = Property.__table__.alias("cust_prop")
    team = func.coalesce(Case.team_id, 0)
    stmt = (select(Contact.reason, Contact.channel, Contact.outcome, team, func.count())
            .select_from(Contact).outerjoin(Case, Case.id == Contact.case_id)
            .where(Contact.started_at >= day_start_utc(f.start),
                   Contact.started_at < day_start_utc(f.end + timedelta(days=1))))
    if f.service:
        stmt = stmt.where(Contact.reason == f.service)
    if f.channel:
        stmt = stmt.where(Contact.channel == f.channel)
    if f.team_id:
        stmt = stmt.where(Case.team_id == f.team_id)
    if f.ward:
        stmt = (stmt.outerjoin(case_prop, case_prop.c.id == Case.property_id)
                .outerjoin(Customer, Customer.id == Contact.customer_id)
                .outerjoin(cust_prop, cust_prop.c.id == Customer.property_id)
                .where(func.coalesce(case_prop.c.ward, cust_prop.c.ward) == f.ward))
    out = ContactFigures()
    for service, channel, outcome, team_id, n in db.session.execute(
            stmt.group_by(Contact.reason, Contact.channel, Contact.outcome, team)).all():
        out.add(service, channel, outcome, team_id, int(n))
    return out


def base_sla(f: Filters) -> dict:
    start, end = day_start_utc(f.start), day_start_utc(f.end + timedelta(days=1))
    in_sla = func.sum(func.coalesce(
        (or_(Case.sla_due_at.is_(None), Case.closed_at <= Case.sla_due_at)).cast(db.Integer), 0))
    rows = db.session.execute(
        select(Case.workflow_id, func.count(), in_sla)
        .where(Case.state_category == "closed", Case.closed_at >= start, Case.closed_at < end, *case_conditions(f))
        .group_by(Case.workflow_id)).all()
    closed = sum(int(r[1]) for r in rows)
    ok = sum(int(r[2] or 0) for r in rows)
    return {"closed": closed, "in_sla": ok, "compliance": ratio(ok, closed)}


__all__ = ["dashboard", "contact_figures", "sla_figures", "base_contact_figures", "base_sla", "and_"]
