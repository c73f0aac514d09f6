"""The figures read from the narrow rollups. Each rule (which contacts or cases a figure counts) is
in metrics/definitions.py; this module sums and divides.

- Digital share: digital contacts / all contacts.
- First-contact resolution: FCR_NUMERATOR / FCR_DENOMINATOR.
- Avoidable contact: avoidable contacts / all contacts.
- SLA compliance: cases closed by their due time / cases closed; and open cases past due (live).
- Cost to serve: contacts x unit cost per channel; saving = the same volume at last period's mix - actual.
- Satisfaction: mean feedback score (1-5) given in the period.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Date, and_, case, cast, func, literal, null, select, union_all

from frontdoor.extensions import db
from frontdoor.metrics import snapshots
from frontdoor.metrics.definitions import (
    ALL_CONTACTS, AVOIDABLE_CONTACTS, CHANNELS, DIGITAL_CONTACTS, FCR_DENOMINATOR, FCR_NUMERATOR, closed_in_sla_sql,
    past_due_sql,
)
from frontdoor.metrics.filters import Filters
from frontdoor.metrics.localday import day_start_utc
from frontdoor.models import (
    AdvisorDaily, AdvisorMonthly, Case, CaseDaily, CaseMonthly, ChannelCost, ContactDaily, ContactMonthly, ContactWardDaily,
    Feedback, Property, StaffUser, Team,
)
from frontdoor.models.base import utcnow
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
        """n contacts of one service, channel, outcome and team: each figure whose rule holds counts them."""
        if ALL_CONTACTS.holds(channel, outcome):
            self.total += n
        self.by_channel[channel] += n
        self.by_service[service][channel] += n
        if DIGITAL_CONTACTS.holds(channel, outcome):
            self.digital += n
        if AVOIDABLE_CONTACTS.holds(channel, outcome):
            self.avoidable += n
        if FCR_DENOMINATOR.holds(channel, outcome):
            self.assisted += n
            self.team_fcr[team_id][1] += n
        if FCR_NUMERATOR.holds(channel, outcome):
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


def _months_only(*periods: Filters) -> bool:
    """Whole calendar months: the monthly rollups answer exactly."""
    return all(p.start.day == 1 and (p.end + timedelta(days=1)).day == 1 for p in periods)


def _contact_grain(f: Filters, *periods: Filters):
    """(table, its date column): the ward slice when a ward is chosen, else by month where whole months do."""
    if f.ward:
        return ContactWardDaily, ContactWardDaily.day
    if _months_only(*periods):
        return ContactMonthly, ContactMonthly.month
    return ContactDaily, ContactDaily.day


def _where(model, f: Filters, *, col=None, channel=True):
    col = model.day if col is None else col
    conds = [col >= f.start, col <= f.end]
    if f.service:
        conds.append(model.service == f.service)
    if f.team_id:
        conds.append(model.team_id == f.team_id)
    if channel and f.channel:
        conds.append(model.channel == f.channel)
    if f.ward and hasattr(model, "ward"):
        conds.append(model.ward == f.ward)
    return conds


def _bucket(col, *periods: Filters):
    """1 for a row in the first period, 2 in the second, ...; 0 elsewhere: several periods in one scan."""
    return case(*((and_(col >= p.start, col <= p.end), i) for i, p in enumerate(periods, 1)), else_=0)


def _trend_first(f: Filters, months: int = 12) -> date:
    first = f.end.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    return first


# Each month of the trend counts these, by the same rules as the period's figures.
TREND_RULES = (ALL_CONTACTS, DIGITAL_CONTACTS, FCR_DENOMINATOR, FCR_NUMERATOR, AVOIDABLE_CONTACTS)


def _count_in(bucket: list[int], channel: str, outcome: str, n: int) -> None:
    """n contacts of one channel and outcome into a month: each trend figure whose rule holds counts them.
    (The database groups by month, channel and outcome, a few hundred rows; the rules apply here.)"""
    for i, rule in enumerate(TREND_RULES):
        if rule.holds(channel, outcome):
            bucket[i] += n


def _months(first: date, last: date) -> dict[date, list[int]]:
    per: dict[date, list[int]] = {}
    cursor = first
    while cursor <= last:
        per[cursor] = [0] * len(TREND_RULES)
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return per


def _trend_rows(per: dict[date, list[int]]) -> list[dict]:
    out = []
    for month, (total, digital, assisted, resolved, avoidable) in per.items():
        out.append({"month": month, "digital": digital, "total": total, "share": ratio(digital, total),
                    "assisted": assisted, "resolved_first": resolved, "fcr": ratio(resolved, assisted),
                    "avoidable": avoidable, "avoidable_share": ratio(avoidable, total)})
    return out


def contact_period_figures(f: Filters, previous: Filters) -> tuple[ContactFigures, ContactFigures, list[dict]]:
    """This period, the previous one and the 12-month digital trend. Whole months (month, quarter,
    year, no ward): one query over the monthly rollup, a few thousand rows. Otherwise one query for
    both periods and one for the trend, over the daily rollup."""
    first = _trend_first(f)
    t, col = _contact_grain(f, f, previous)
    current, prev = ContactFigures(), ContactFigures()
    per = _months(first, f.end)
    if t is ContactMonthly:
        # One statement: both periods by service/channel/outcome/team, and the trend by month,
        # each summed in the database (a few hundred rows back, not every monthly row).
        bucket = _bucket(col, f, previous)
        span = f.__class__(f.period, min(f.start, previous.start), max(f.end, previous.end), f.service, f.team_id,
                           f.channel)
        figures_q = (select(bucket.label("which"), cast(null(), Date).label("month"), t.service, t.channel, t.outcome,
                            t.team_id, func.sum(t.contacts).label("n"))
                     .where(*_where(t, span, col=col)).group_by(bucket, t.service, t.channel, t.outcome, t.team_id))
        window = f.__class__(f.period, first, f.end, f.service, f.team_id, f.channel)
        trend_q = (select(literal(0), col, literal(""), t.channel, t.outcome, literal(0), func.sum(t.contacts))
                   .where(*_where(t, window, col=col)).group_by(col, t.channel, t.outcome))
        for which, month, service, channel, outcome, team_id, n in db.session.execute(
                union_all(figures_q, trend_q)).all():
            if which:
                (current if which == 1 else prev).add(service, channel, outcome, team_id, int(n or 0))
            elif month is not None:
                _count_in(per[month], channel, outcome, int(n or 0))
        return current, prev, _trend_rows(per)
    bucket = _bucket(col, f, previous)
    span = f.__class__(f.period, min(f.start, previous.start), max(f.end, previous.end), f.service, f.team_id,
                       f.channel, f.ward)
    rows = db.session.execute(
        select(bucket, t.service, t.channel, t.outcome, t.team_id, func.sum(t.contacts))
        .where(*_where(t, span, col=col)).group_by(bucket, t.service, t.channel, t.outcome, t.team_id)
    ).all()
    for which, service, channel, outcome, team_id, n in rows:
        if which:
            (current if which == 1 else prev).add(service, channel, outcome, team_id, int(n or 0))
    return current, prev, trend(f, months=12)


def contact_figures(f: Filters) -> ContactFigures:
    return contact_period_figures(f, f.previous())[0]


def advisor_fcr(f: Filters) -> list[dict]:
    """FCR per advisor (assisted contacts they took). The ward filter does not apply here."""
    t, col = (AdvisorMonthly, AdvisorMonthly.month) if _months_only(f) else (AdvisorDaily, AdvisorDaily.day)
    rows = db.session.execute(
        select(t.staff_id, StaffUser.name, func.sum(t.resolved), func.sum(t.assisted))
        .outerjoin(StaffUser, StaffUser.id == t.staff_id)
        .where(*_where(t, f, col=col)).group_by(t.staff_id, StaffUser.name)
    ).all()
    return sorted(({"staff_id": s, "name": name or f"Staff {s}", "resolved": int(r or 0), "assisted": int(a or 0),
                    "fcr": ratio(int(r or 0), int(a or 0))} for s, name, r, a in rows if a),
                  key=lambda d: d["name"])


def sla_period_figures(f: Filters, previous: Filters, trend_rows: list[dict] | None = None) -> tuple[dict, dict]:
    """SLA for this and the previous period in one scan of case_daily (case_monthly for whole months);
    open past due once (it is live). Given the trend's months, whole months fill in each month's SLA
    from the same scan (grouped by month), and other periods with one more small query."""
    months_only = _months_only(f, previous)
    t, col = (CaseMonthly, CaseMonthly.month) if months_only else (CaseDaily, CaseDaily.day)
    by_month = months_only and bool(trend_rows)
    first = min(f.start, previous.start, trend_rows[0]["month"]) if by_month else min(f.start, previous.start)
    span = f.__class__(f.period, first, max(f.end, previous.end), f.service, f.team_id, f.channel, f.ward)
    key = col if by_month else _bucket(col, f, previous)
    rows = db.session.execute(
        select(key, t.service, func.sum(t.closed), func.sum(t.closed_in_sla)).where(*_where(t, span, col=col))
        .group_by(key, t.service)
    ).all()
    if by_month:
        per = {r["month"]: [0, 0] for r in trend_rows}
        summed: dict = defaultdict(lambda: [0, 0])
        for month, s, c, i in rows:
            if month in per:
                per[month][0] += int(c or 0)
                per[month][1] += int(i or 0)
            which = 1 if f.start <= month <= f.end else 2 if previous.start <= month <= previous.end else 0
            summed[(which, s)][0] += int(c or 0)
            summed[(which, s)][1] += int(i or 0)
        rows = [(w, s, c, i) for (w, s), (c, i) in summed.items()]
        for r in trend_rows:
            closed, in_sla = per[r["month"]]
            r.update(closed=closed, closed_in_sla=in_sla, sla=ratio(in_sla, closed))
    elif trend_rows:
        add_sla_trend(f, trend_rows)
    past_due = past_due_query(f, count=True)
    out = []
    for which in (1, 2):
        by_service = {s: {"closed": int(c or 0), "in_sla": int(i or 0), "compliance": ratio(int(i or 0), int(c or 0))}
                      for w, s, c, i in rows if w == which and c}
        closed = sum(v["closed"] for v in by_service.values())
        in_sla = sum(v["in_sla"] for v in by_service.values())
        out.append({"closed": closed, "in_sla": in_sla, "compliance": ratio(in_sla, closed),
                    "by_service": by_service, "past_due": past_due})
    return out[0], out[1]


def sla_figures(f: Filters) -> dict:
    return sla_period_figures(f, f.previous())[0]


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
    """Open cases past their due time now. The count comes from the minute's snapshot when there is a
    fresh one (its cost grows with the number of open overdue cases, not with the filters); the rows
    behind the figure, and any count the snapshot cannot answer (a ward, no fresh snapshot), are live."""
    if count:
        snapped = snapshots.past_due_count(f.service, f.team_id, f.channel) if not f.ward else None
        return snapped if snapped is not None else past_due_live_count(f)
    conds = [past_due_sql(Case.state_category, Case.sla_due_at, utcnow()), *case_conditions(f)]
    return select(Case).where(*conds).order_by(Case.sla_due_at, Case.id)


def past_due_live_count(f: Filters) -> int:
    conds = [past_due_sql(Case.state_category, Case.sla_due_at, utcnow()), *case_conditions(f)]
    return db.session.scalar(select(func.count()).select_from(Case).where(*conds)) or 0


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
    """Each month's contact figures (digital share, FCR, avoidable) for the months ending with the period's end month."""
    first = _trend_first(f, months)
    t, col = (ContactWardDaily, ContactWardDaily.day) if f.ward else (ContactDaily, ContactDaily.day)
    g = f.__class__(f.period, first, f.end, f.service, f.team_id, f.channel, f.ward)
    per = _months(first, f.end)
    # Whole months before the end month come from the monthly rollup (when no ward is chosen).
    if not f.ward and f.end.replace(day=1) > first:
        m = ContactMonthly
        whole = f.__class__(f.period, first, f.end.replace(day=1) - timedelta(days=1), f.service, f.team_id,
                            f.channel)
        for month, channel, outcome, n in db.session.execute(
                select(m.month, m.channel, m.outcome, func.sum(m.contacts)).where(*_where(m, whole, col=m.month))
                .group_by(m.month, m.channel, m.outcome)).all():
            _count_in(per[month], channel, outcome, int(n or 0))
        g = f.__class__(f.period, f.end.replace(day=1), f.end, f.service, f.team_id, f.channel)
    # PostgreSQL groups by month (a ward's year is daily rows); SQLite by day, its data is small.
    postgres = db.session.get_bind().dialect.name == "postgresql"
    month_of = cast(func.date_trunc("month", col), Date) if postgres else col
    for day, channel, outcome, n in db.session.execute(
            select(month_of, t.channel, t.outcome, func.sum(t.contacts)).where(*_where(t, g, col=col))
            .group_by(month_of, t.channel, t.outcome)).all():
        _count_in(per[day.replace(day=1)], channel, outcome, int(n or 0))
    return _trend_rows(per)


def add_sla_trend(f: Filters, rows: list[dict]) -> list[dict]:
    """SLA compliance for each month of the trend: case_monthly for whole months, case_daily for the last."""
    if not rows:
        return rows
    first, last_month = rows[0]["month"], f.end.replace(day=1)
    per = {r["month"]: [0, 0] for r in rows}
    queries = []
    if last_month > first:
        m = CaseMonthly
        whole = f.__class__(f.period, first, last_month - timedelta(days=1), f.service, f.team_id, f.channel, f.ward)
        queries.append(select(m.month, func.sum(m.closed), func.sum(m.closed_in_sla))
                       .where(*_where(m, whole, col=m.month)).group_by(m.month))
    d = CaseDaily
    tail = f.__class__(f.period, last_month, f.end, f.service, f.team_id, f.channel, f.ward)
    month_of_day = func.min(d.day)  # one month in this slice: any day of it names it
    queries.append(select(month_of_day, func.sum(d.closed), func.sum(d.closed_in_sla)).where(*_where(d, tail)))
    for month, closed, in_sla in db.session.execute(union_all(*queries)).all():
        if month is not None:
            bucket = per[month.replace(day=1)]
            bucket[0] += int(closed or 0)
            bucket[1] += int(in_sla or 0)
    for r in rows:
        closed, in_sla = per[r["month"]]
        r.update(closed=closed, closed_in_sla=in_sla, sla=ratio(in_sla, closed))
    return rows


def dashboard(f: Filters, teams: dict[int, str] | None = None) -> dict:
    """Every figure on the page: about eight queries, each over a rollup (or the open-cases index)."""
    previous_filters = f.previous()
    current, previous, trend_rows = contact_period_figures(f, previous_filters)
    if teams is None:
        teams = dict(db.session.execute(select(Team.id, Team.name)).all())
    team_rows = sorted(({"team_id": tid, "name": teams.get(tid, "No team"), "resolved": r, "assisted": a,
                         "fcr": ratio(r, a)} for tid, (r, a) in current.team_fcr.items()), key=lambda d: d["name"])
    sla, previous_sla = sla_period_figures(f, previous_filters, trend_rows)
    return {
        "filters": f,
        "previous_filters": previous_filters,
        "contacts": current,
        "previous": previous,
        "team_fcr": team_rows,
        "advisor_fcr": advisor_fcr(f),
        "sla": sla,
        "previous_sla": previous_sla,
        "satisfaction": satisfaction(f),
        "cost": cost_to_serve(current, previous, unit_costs()),
        "trend": trend_rows,
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
    in_sla = func.sum(case((closed_in_sla_sql(Case.closed_at, Case.sla_due_at), 1), else_=0))
    rows = db.session.execute(
        select(Case.workflow_id, func.count(), in_sla)
        .where(Case.state_category == "closed", Case.closed_at >= start, Case.closed_at < end, *case_conditions(f))
        .group_by(Case.workflow_id)).all()
    closed = sum(int(r[1]) for r in rows)
    ok = sum(int(r[2] or 0) for r in rows)
    return {"closed": closed, "in_sla": ok, "compliance": ratio(ok, closed)}


def base_advisor_fcr(f: Filters) -> dict:
    from frontdoor.models import Contact

    resolved = func.sum(case((FCR_NUMERATOR.sql(Contact.channel, Contact.outcome), 1), else_=0))
    stmt = (select(Contact.staff_id, resolved, func.count()).select_from(Contact)
            .where(Contact.started_at >= day_start_utc(f.start),
                   Contact.started_at < day_start_utc(f.end + timedelta(days=1)),
                   Contact.staff_id.is_not(None), FCR_DENOMINATOR.sql(Contact.channel, Contact.outcome)))
    if f.service:
        stmt = stmt.where(Contact.reason == f.service)
    if f.channel:
        stmt = stmt.where(Contact.channel == f.channel)
    return {s: (int(r), int(n)) for s, r, n in db.session.execute(stmt.group_by(Contact.staff_id)).all()}


__all__ = ["dashboard", "contact_figures", "sla_figures", "base_contact_figures", "base_sla", "and_"]
