"""Dashboard page time at scale, beside a plain GROUP BY over the base tables, in the same run.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/flask --app wsgi seed-demo --scale 1000000
    DATABASE_URL=... .venv/bin/python bench/dashboard.py --runs 20

Targets (PERFORMANCE.md): page p95 <= 300 ms; >= 10x faster than the plain GROUP BY; page time at
10M contacts <= 1.2x that at 1M (run at both scales and compare with --compare-to <p95 ms at 1M>).
Never run from the test suite.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def pct(samples, q):
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--baseline-runs", type=int, default=5)
    parser.add_argument("--compare-to", type=float, default=None, help="page p95 (ms) at the smaller scale")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("Set DATABASE_URL to a PostgreSQL database loaded with `flask seed-demo --scale N`.", file=sys.stderr)

    from sqlalchemy import func, select, text

    from frontdoor.app import create_app
    from frontdoor.extensions import db
    from frontdoor.metrics import figures
    from frontdoor.metrics.filters import Filters, period_bounds
    from frontdoor.metrics.localday import LONDON, day_start_utc
    from frontdoor.models import Case, Contact, StaffUser
    from frontdoor.models.base import utcnow

    app = create_app({"RATELIMIT_ENABLED": False})
    with app.app_context():
        contacts = db.session.scalar(select(func.count(Contact.id)))
        cases = db.session.scalar(select(func.count(Case.id)))
        lead = db.session.scalar(select(StaffUser).where(StaffUser.email == "bench-lead@demo.frontdoor"))
        if lead is None:
            lead = StaffUser(email="bench-lead@demo.frontdoor", name="Bench Lead", role="team_lead", teams=[])
            lead.set_password("bench-password-2026")
            db.session.add(lead)
            db.session.commit()
        today = utcnow().astimezone(LONDON).date()
        last_month = (today.replace(day=1) - timedelta(days=1))
        cases_period = {
            "month": ("month", last_month, *period_bounds("month", last_month)),
            "year": ("year", today, *period_bounds("year", today)),
        }
        db.session.remove()

    client = app.test_client()
    page = client.get("/staff/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    resp = client.post("/staff/sign-in", data={"email": "bench-lead@demo.frontdoor", "password": "bench-password-2026",
                                                "csrf_token": token})
    assert resp.status_code == 302, resp.status_code

    print(f"contacts: {contacts:,}  cases: {cases:,}  runs: {args.runs}")
    print(f"{'period':<6} {'page p50':>9} {'page p95':>9} {'GROUP BY p50':>13} {'GROUP BY p95':>13} {'speed-up':>9}")
    results = {}
    for name, (period, anchor, start, end) in cases_period.items():
        url = f"/staff/dashboards/?period={period}&start={anchor.isoformat()}"
        client.get(url)  # warm
        page_ms = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            r = client.get(url)
            page_ms.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.status_code
        f = Filters(period, start, end)
        base_ms = []
        with app.app_context():
            for _ in range(args.baseline_runs):
                t0 = time.perf_counter()
                # The same figures straight from the base tables: contacts by service/channel/outcome/team
                # for this and the previous period, the SLA figures, and the 12-month digital trend.
                figures.base_contact_figures(f)
                figures.base_contact_figures(f.previous())
                figures.base_sla(f)
                figures.base_sla(f.previous())
                first = (f.end.replace(day=1) - timedelta(days=335)).replace(day=1)
                db.session.execute(text(
                    "SELECT date_trunc('month', started_at AT TIME ZONE 'Europe/London'), channel, count(*) "
                    "FROM contacts WHERE started_at >= :a AND started_at < :b GROUP BY 1, 2"),
                    {"a": day_start_utc(first), "b": day_start_utc(f.end + timedelta(days=1))}).all()
                base_ms.append((time.perf_counter() - t0) * 1000)
            db.session.remove()
        p50, p95 = statistics.median(page_ms), pct(page_ms, 0.95)
        b50, b95 = statistics.median(base_ms), pct(base_ms, 0.95)
        results[name] = p95
        print(f"{name:<6} {p50:>7.1f}ms {p95:>7.1f}ms {b50:>11.1f}ms {b95:>11.1f}ms {b50 / p50:>8.1f}x")
    if args.compare_to:
        worst = max(results.values())
        print(f"growth against the smaller scale: {worst / args.compare_to:.2f}x (target <= 1.2x)")


if __name__ == "__main__":
    main()
