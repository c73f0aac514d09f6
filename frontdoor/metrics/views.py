"""Manager dashboards under /staff/dashboards: team leads and admins. Thin views over metrics.figures."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from frontdoor.auth import staff_required
from frontdoor.extensions import db
from frontdoor.ids import whole_number
from frontdoor.metrics import charts, figures
from frontdoor.metrics.definitions import (
    CHANNELS, CONTACT_RULES, FCR_EXPLAINED, PAST_DUE_EXPLAINED, RAG_WORDS, TARGETS, closed_in_sla_sql, label,
)
from frontdoor.metrics.filters import FilterError, Filters, parse
from frontdoor.metrics.localday import LONDON, day_start_utc
from frontdoor.models import Case, Contact, Customer, Property, StaffUser, Team
from frontdoor.models.base import utcnow
from frontdoor.services import visibility

bp = Blueprint("dashboards", __name__)
PAGE_SIZE = 50

# figure -> (what it lists, a description)
FIGURES = {
    **{name: ("contacts", rule.description) for name, rule in CONTACT_RULES.items()},
    "closed": ("cases", "Cases closed"),
    "closed_in_sla": ("cases", "Cases closed by their due time"),
    "past_due": ("cases", "Open cases past their due time, now"),
}
TABLES = ("channels", "services", "team_fcr", "advisor_fcr", "sla", "trend", "rows")


def _choices():
    services = sorted(d.id for d in current_app.extensions["frontdoor.workflows"].all())
    teams = db.session.execute(select(Team.id, Team.name).order_by(Team.name)).all()
    wards = _cached("wards", lambda: list(db.session.scalars(select(Property.ward).distinct().order_by(Property.ward))))
    return services, teams, wards


def _filters() -> tuple[Filters, tuple]:
    services, teams, wards = _choices()
    extra = set(figures_services()) - set(services)
    services = sorted(set(services) | extra)
    today = utcnow().astimezone(LONDON).date()
    try:
        return parse(request.args, today, services, {t.id for t in teams}, wards), (services, teams, wards)
    except FilterError as exc:
        abort(400, description=str(exc))


_CACHE: dict = {}


def _cached(name: str, load):
    """A few minutes per process: a DISTINCT over a table that grows with the data costs more than
    the rest of the page, and the lists change rarely. Never cached under test."""
    import time

    key = (name, str(db.engine.url))
    hit = _CACHE.get(key)
    if hit and hit[0] > time.monotonic() and not current_app.testing:
        return hit[1]
    value = load()
    _CACHE[key] = (time.monotonic() + 300, value)
    return value


def figures_services() -> list[str]:
    """Services seen in the rollups (a retired workflow still has history)."""
    from frontdoor.models import ContactMonthly

    return _cached("services", lambda: list(db.session.scalars(select(ContactMonthly.service).distinct())))


@bp.get("/")
@staff_required("team_lead")
def index():
    f, (services, teams, wards) = _filters()
    data = figures.dashboard(f, teams=dict(teams))
    c = data["contacts"]
    mix_rows = sorted(((label(s), dict(v)) for s, v in c.by_service.items()))
    targets = _targets(data)
    trends = {name: charts.trend_line(f"trend-{name}", data["trend"], targets[name]["target"], key=key,
                                      title=f"{TARGETS[name].label} by month, against the target")
              for name, key in (("fcr", "fcr"), ("avoidable_share", "avoidable_share"), ("sla", "sla"))}
    return render_template(
        "dashboards/index.html", title="Dashboards", d=data, f=f, services=services, teams=teams, wards=wards,
        channels=CHANNELS, fcr_explained=FCR_EXPLAINED, past_due_explained=PAST_DUE_EXPLAINED, periods=("week", "month", "quarter", "year", "custom"),
        targets=targets, rag_words=RAG_WORDS, trends=trends,
        trend_svg=charts.trend_line("trend", data["trend"], targets["digital_share"]["target"]),
        mix_svg=charts.stacked_mix("mix", mix_rows, CHANNELS),
        team_svg=charts.bars("teamfcr", "First-contact resolution by team", [(t["name"], t["fcr"]) for t in data["team_fcr"]]),
        advisor_svg=charts.bars("advfcr", "First-contact resolution by advisor", [(a["name"], a["fcr"]) for a in data["advisor_fcr"]]),
        sla_svg=charts.bars("sla", "SLA compliance by service", [(label(s), v["compliance"])
                                                                 for s, v in sorted(data["sla"]["by_service"].items())]),
    )


def _targets(data: dict) -> dict[str, dict]:
    """Each target the council set (config DASHBOARD_TARGETS), its wording and this period's status."""
    values = {"digital_share": data["contacts"].digital_share, "fcr": data["contacts"].fcr,
              "avoidable_share": data["contacts"].avoidable_share, "sla": data["sla"]["compliance"]}
    margin = current_app.config["DASHBOARD_AMBER_MARGIN"]
    out = {}
    for name, rule in TARGETS.items():
        target = current_app.config["DASHBOARD_TARGETS"][name]
        out[name] = {"target": target, "wording": rule.wording(target),
                     "status": rule.status(values[name], target, margin)}
    return out


def _contact_rows(f: Filters, figure: str):
    stmt = (select(Contact, Case.reference, StaffUser.name).outerjoin(Case, Case.id == Contact.case_id)
            .outerjoin(StaffUser, StaffUser.id == Contact.staff_id)
            .where(Contact.started_at >= day_start_utc(f.start), Contact.started_at < day_start_utc(f.end + timedelta(days=1))))
    if f.service:
        stmt = stmt.where(Contact.reason == f.service)
    if f.channel:
        stmt = stmt.where(Contact.channel == f.channel)
    if f.team_id:
        stmt = stmt.where(Case.team_id == f.team_id)
    if f.ward:
        case_prop = Property.__table__.alias("case_prop")
        cust_prop = Property.__table__.alias("cust_prop")
        stmt = (stmt.outerjoin(case_prop, case_prop.c.id == Case.property_id)
                .outerjoin(Customer, Customer.id == Contact.customer_id)
                .outerjoin(cust_prop, cust_prop.c.id == Customer.property_id)
                .where(func.coalesce(case_prop.c.ward, cust_prop.c.ward) == f.ward))
    stmt = stmt.where(CONTACT_RULES[figure].sql(Contact.channel, Contact.outcome))
    return stmt.order_by(Contact.started_at, Contact.id)


def _case_rows(f: Filters, figure: str):
    if figure == "past_due":
        stmt = figures.past_due_query(f)
    else:
        stmt = select(Case).where(Case.state_category == "closed", Case.closed_at >= day_start_utc(f.start),
                                  Case.closed_at < day_start_utc(f.end + timedelta(days=1)), *figures.case_conditions(f))
        if figure == "closed_in_sla":
            stmt = stmt.where(closed_in_sla_sql(Case.closed_at, Case.sla_due_at))
        stmt = stmt.order_by(Case.closed_at, Case.id)
    return stmt


def _local(moment):
    if moment is None:
        return ""
    from datetime import timezone

    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(LONDON).strftime("%Y-%m-%d %H:%M")


def _rows(f: Filters, figure: str, page: int | None):
    kind = FIGURES[figure][0]
    stmt = _contact_rows(f, figure) if kind == "contacts" else _case_rows(f, figure)
    # Drill-downs list cases: the same rule as the case page (a contact with no case stays countable).
    stmt = stmt.where(visibility.case_rows(current_user, Contact.case_id) if kind == "contacts"
                      else visibility.cases(current_user))
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if page is not None:
        stmt = stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    if kind == "contacts":
        head = ["Contact", "Started (London)", "Service", "Channel", "Outcome", "Case", "Advisor"]
        rows = [[str(c.id), _local(c.started_at), label(c.reason), label(c.channel), label(c.outcome), ref or "",
                 name or ""]
                for c, ref, name in db.session.execute(stmt).all()]
    else:
        head = ["Case", "Service", "Channel", "State", "Due (London)", "Closed (London)"]
        rows = [[k.reference, label(k.workflow_id), label(k.channel), label(k.state), _local(k.sla_due_at),
                 _local(k.closed_at)]
                for k in db.session.scalars(stmt).all()]
    return head, rows, total


def _figure_arg() -> str:
    figure = request.args.get("figure", "")
    if figure not in FIGURES:
        abort(400, description="Unknown figure. Go back to the dashboard and follow a figure's link.")
    return figure


def _page_arg() -> int:
    page = whole_number(request.args.get("page", "1"), minimum=1)
    if page is None or page > 100000:
        abort(400, description="Page must be a whole number from 1")
    return page


@bp.get("/rows")
@staff_required("team_lead")
def rows():
    f, _ = _filters()
    figure = _figure_arg()
    page = _page_arg()
    head, rows_, total = _rows(f, figure, page)
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        abort(404, description="There is no such page")
    return render_template("dashboards/rows.html", title=FIGURES[figure][1], f=f, figure=figure, head=head,
                           rows=rows_, total=total, page=page, pages=pages)


def _csv(name: str, head: list[str], rows: list[list]) -> Response:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(head)
    for row in rows:
        writer.writerow([_safe_cell(v) for v in row])
    return Response(buf.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})


def _safe_cell(v):
    """Neutralise a spreadsheet formula: only a text cell that starts with = + - or @ gains an apostrophe."""
    return "'" + v if isinstance(v, str) and v[:1] and v[0] in "=+-@" else v


FCR_DENOMINATOR_HEADER = "assisted (phone, face to face, email; not chases, repeats or letters)"


def _fmt(v):
    return "" if v is None else f"{v * 100:.1f}"


@bp.get("/export/<name>.csv")
@staff_required("team_lead")
def export(name: str):
    if name not in TABLES:
        abort(404, description="There is no such table to export.")
    f, _ = _filters()
    stamp = f"{f.start.isoformat()}_{f.end.isoformat()}"
    if name == "rows":
        head, rows_, _total = _rows(f, _figure_arg(), None)
        return _csv(f"{request.args['figure']}_{stamp}", head, rows_)
    d = figures.dashboard(f)
    c = d["contacts"]
    if name == "channels":
        rows_ = [[label(ch), v["contacts"], f"{v['pence'] / 100:.2f}", f"{v['cost'] / 100:.2f}"] for ch, v in d["cost"]["by_channel"].items()]
        return _csv(f"channels_{stamp}", ["channel", "contacts", "unit_cost_gbp", "cost_gbp"], rows_)
    if name == "services":
        rows_ = [[label(s)] + [v.get(ch, 0) for ch in CHANNELS] + [sum(v.values())]
                 for s, v in sorted(c.by_service.items())]
        return _csv(f"services_{stamp}", ["service", *(label(ch) for ch in CHANNELS), "total"], rows_)
    if name == "team_fcr":
        return _csv(f"team_fcr_{stamp}", ["team", "resolved_first_contact", FCR_DENOMINATOR_HEADER, "fcr_percent"],
                    [[t["name"], t["resolved"], t["assisted"], _fmt(t["fcr"])] for t in d["team_fcr"]])
    if name == "advisor_fcr":
        return _csv(f"advisor_fcr_{stamp}", ["advisor", "resolved_first_contact", FCR_DENOMINATOR_HEADER, "fcr_percent"],
                    [[a["name"], a["resolved"], a["assisted"], _fmt(a["fcr"])] for a in d["advisor_fcr"]])
    if name == "sla":
        return _csv(f"sla_{stamp}", ["service", "closed", "closed_in_sla", "compliance_percent"],
                    [[label(s), v["closed"], v["in_sla"], _fmt(v["compliance"])] for s, v in sorted(d["sla"]["by_service"].items())])
    return _csv(f"trend_{stamp}", ["month", "digital", "total", "digital_share_percent", "resolved_first_contact",
                                   FCR_DENOMINATOR_HEADER, "fcr_percent", "avoidable", "avoidable_percent",
                                   "closed", "closed_in_sla", "sla_compliance_percent"],
                [[p["month"].strftime("%Y-%m"), p["digital"], p["total"], _fmt(p["share"]), p["resolved_first"],
                  p["assisted"], _fmt(p["fcr"]), p["avoidable"], _fmt(p["avoidable_share"]), p["closed"],
                  p["closed_in_sla"], _fmt(p["sla"])] for p in d["trend"]])


@bp.app_template_filter("label")
def label_filter(name):
    return label(name)


@bp.app_template_filter("pct")
def pct(v):
    return "no data" if v is None else f"{v * 100:.1f}%"


@bp.app_template_filter("gbp")
def gbp(pence):
    if pence is None:
        return "no previous period"
    sign = "-" if pence < 0 else ""
    return f"{sign}£{abs(pence) / 100:,.2f}"


def today_london() -> date:
    return utcnow().astimezone(LONDON).date()


@bp.route("/costs", methods=["GET", "POST"])
@staff_required("admin")
def costs():
    """Unit costs per channel for cost to serve (defaults from Socitm benchmarking, DOMAIN.md)."""
    from decimal import Decimal

    from flask import flash, redirect

    from frontdoor.metrics.forms import UnitCostsForm
    from frontdoor.models import ChannelCost

    current = figures.unit_costs()
    form = UnitCostsForm(data={ch: Decimal(current[ch]) / 100 for ch in CHANNELS})
    if form.validate_on_submit():
        for ch in CHANNELS:
            pence = int((getattr(form, ch).data * 100).to_integral_value())
            row = db.session.get(ChannelCost, ch)
            if row is None:
                db.session.add(ChannelCost(channel=ch, pence=pence))
            else:
                row.pence = pence
        flash("Unit costs saved", "success")
        return redirect(url_for("dashboards.costs"))
    return render_template("dashboards/costs.html", title="Unit costs per channel", form=form)
