"""Synthetic history at a large council's scale, for the dashboards and their benchmark.

24 months ending today: channels shifting online over time, a missed-bin surge after Christmas,
progress chases and repeats, advisors with different first-contact resolution. On PostgreSQL the
rows are made set-based (INSERT ... SELECT over generate_series, in chunks for the progress bar),
hundreds of thousands a second; SQLite keeps the row-by-row Python path for small N. Either way
the rollups are then rebuilt once.
"""
from __future__ import annotations

import math
import random
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select, text

from frontdoor.extensions import db
from frontdoor.models import Case, Contact, Customer, Property, StaffUser
from frontdoor.models.base import utcnow

SERVICES = [  # (workflow id, team slug, share of contact, SLA days)
    ("missed_bin", "waste", 0.35, 2), ("bulky_waste", "waste", 0.15, 10), ("garden_waste", "waste", 0.15, 10),
    ("council_tax_moving_in", "revenues", 0.13, 10), ("council_tax_moving_out", "revenues", 0.12, 10),
    ("complaint", "complaints", 0.10, 20),
]
WARDS = ["Abbey", "Castle", "Meadows", "Riverside", "Station", "Westfield"]
ASSISTED = ["phone", "phone", "phone", "face_to_face", "email", "letter"]
CHUNK = 50_000


class Rate:
    def __init__(self, echo, label, total, progress=None):
        self.echo, self.label, self.total, self.done, self.t0 = echo, label, total, 0, time.perf_counter()
        self.bar = progress(length=total, label=label) if progress else None
        if self.bar:
            self.bar.__enter__()

    def step(self, n):
        self.done += n
        if self.bar:
            self.bar.update(n)

    def finish(self):
        if self.bar:
            self.bar.__exit__(None, None, None)
        secs = time.perf_counter() - self.t0
        self.echo(f"{self.label}: {self.done:,} rows in {secs:.1f}s ({self.done / max(secs, 1e-9):,.0f} rows/s)")


def _month_weight(moment: datetime) -> float:
    # A missed-bin surge after Christmas; a smaller one in spring.
    return {1: 1.6, 2: 1.1, 4: 1.15, 5: 1.1, 12: 0.85}.get(moment.month, 1.0)


def _writer(table: str, columns: list[str]):
    """A function that writes a list of row tuples: COPY on PostgreSQL, executemany elsewhere."""
    if db.session.get_bind().dialect.name == "postgresql":
        raw = db.session.connection().connection.dbapi_connection

        def write(rows):
            with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return write
    tbl = db.metadata.tables[table]

    def write(rows):
        db.session.execute(insert(tbl), [dict(zip(columns, r)) for r in rows])
    return write


def _next_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def generate(contacts: int, seed: int = 7, echo=print, progress=None, months: int = 24) -> None:
    from frontdoor.demo import ensure_staff, ensure_teams
    from frontdoor.metrics import rollups

    rng = random.Random(seed)
    teams = ensure_teams()
    ensure_staff(teams, echo)
    now = utcnow()
    start = now - timedelta(days=int(months * 30.44))
    span = (now - start).total_seconds()

    # Advisors, each with their own first-contact resolution.
    advisor_ids = list(db.session.scalars(select(StaffUser.id).where(StaffUser.email.like("scale-advisor-%"))))
    if not advisor_ids:
        for i in range(24):
            user = StaffUser(email=f"scale-advisor-{i}@demo.frontdoor", name=f"Advisor {i + 1:02d}", role="advisor",
                             teams=[teams["customer_services"]])
            user.set_password("demo-password-2026")
            db.session.add(user)
        db.session.flush()
        advisor_ids = list(db.session.scalars(select(StaffUser.id).where(StaffUser.email.like("scale-advisor-%"))))
    advisor_fcr = {a: rng.uniform(0.45, 0.9) for a in advisor_ids}
    if db.session.get_bind().dialect.name == "postgresql":
        from frontdoor.demo_scale_pg import generate_sql

        generate_sql(contacts, seed=seed, echo=echo, progress=progress, start=start, now=now,
                     team_ids={slug: t.id for slug, t in teams.items()}, advisor_fcr=advisor_fcr, rate_cls=Rate)
        t0 = time.perf_counter()
        rollups.rebuild(echo=echo)
        echo(f"rollups rebuilt in {time.perf_counter() - t0:.1f}s")
        return

    n_props = max(100, contacts // 2000)
    first_prop = _next_id(Property)
    write = _writer("properties", ["id", "uprn", "address_line1", "town", "postcode", "ward"])
    write([(first_prop + i, f"9{first_prop + i:011d}", f"{i + 1} Scale Street", "Demoton", "DB9 9ZZ",
            WARDS[i % len(WARDS)]) for i in range(n_props)])
    n_customers = max(100, contacts // 10)
    first_cust = _next_id(Customer)
    write = _writer("customers", ["id", "first_name", "last_name", "property_id", "contact_preference", "flags",
                                  "created_at"])
    rate = Rate(echo, "customers", n_customers, progress)
    for lo in range(0, n_customers, CHUNK):
        rows = [(first_cust + i, "Scale", f"Resident {i}", first_prop + rng.randrange(n_props), "email", "{}", start)
                for i in range(lo, min(n_customers, lo + CHUNK))]
        write(rows)
        rate.step(len(rows))
    rate.finish()

    # Cases: one for every five contacts.
    n_cases = max(1, contacts // 5)
    first_case = _next_id(Case)
    team_ids = {slug: t.id for slug, t in teams.items()}
    svc_weights = [s[2] for s in SERVICES]
    case_info = []  # (service, team id, created, customer id) for linking contacts
    write = _writer("cases", ["id", "reference", "workflow_id", "workflow_version", "state", "state_category", "answers",
                              "property_id", "customer_id", "channel", "team_id", "sla_due_at", "created_at",
                              "updated_at", "closed_at", "version"])
    rate = Rate(echo, "cases", n_cases, progress)
    rows = []
    for i in range(n_cases):
        created = _when(rng, start, span)
        svc, team_slug, _w, sla_days = rng.choices(SERVICES, svc_weights)[0]
        share = _digital_share((created - start).total_seconds() / span)
        channel = rng.choice(["web", "web", "web", "api"]) if rng.random() < share else rng.choice(ASSISTED)
        due = created + timedelta(days=sla_days * 1.4)
        closed = None
        if rng.random() < 0.97 and created < now - timedelta(days=1):
            closed = created + timedelta(days=sla_days * 1.4 * (rng.random() * (1.35 if rng.random() < 0.2 else 0.95)))
            closed = min(closed, now)
        cust = first_cust + rng.randrange(n_customers)
        case_id = first_case + i
        case_info.append((svc, created, cust))
        rows.append((case_id, f"S{case_id:011d}", svc, 1, "closed" if closed else "open", "closed" if closed else "open",
                     "{}", first_prop + rng.randrange(n_props), cust, channel, team_ids[team_slug], due, created,
                     closed or created, closed, 1))
        if len(rows) >= CHUNK:
            write(rows)
            rate.step(len(rows))
            rows = []
    if rows:
        write(rows)
        rate.step(len(rows))
    rate.finish()

    first_contact = _next_id(Contact)
    write = _writer("contacts", ["id", "customer_id", "channel", "reason", "case_id", "staff_id", "started_at",
                                 "duration_seconds", "outcome"])
    rate = Rate(echo, "contacts", contacts, progress)
    rows = []
    for i in range(contacts):
        case_index = rng.randrange(n_cases)
        svc, case_created, cust = case_info[case_index]
        if rng.random() < 0.7:  # about the case: at or after it was raised
            at = min(case_created + timedelta(hours=rng.random() * 24 * rng.choice([0, 0, 1, 3, 10])), now)
            case_id = first_case + case_index
        else:  # a general enquiry
            at = _when(rng, start, span)
            case_id = None
        share = _digital_share((at - start).total_seconds() / span)
        roll = rng.random()
        staff_id = None
        if rng.random() < share:
            channel = "web" if rng.random() < 0.85 else "api"
            outcome = "self_served" if roll < 0.92 else ("repeat" if roll < 0.96 else "progress_chase")
        else:
            channel = rng.choice(ASSISTED)
            staff_id = rng.choice(advisor_ids)
            if roll < 0.12:
                outcome = "progress_chase"
            elif roll < 0.18:
                outcome = "repeat"
            else:
                outcome = "resolved_first_contact" if rng.random() < advisor_fcr[staff_id] else "handed_off"
        rows.append((first_contact + i, cust, channel, svc, case_id, staff_id, at, rng.randrange(30, 900), outcome))
        if len(rows) >= CHUNK:
            write(rows)
            rate.step(len(rows))
            rows = []
    if rows:
        write(rows)
        rate.step(len(rows))
    rate.finish()

    if db.session.get_bind().dialect.name == "postgresql":
        for table in ("properties", "customers", "cases", "contacts"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT max(id) FROM {table}))"))
        db.session.execute(text("ANALYZE contacts; ANALYZE cases"))
    t0 = time.perf_counter()
    rollups.rebuild(echo=echo)
    echo(f"rollups rebuilt in {time.perf_counter() - t0:.1f}s")


def _digital_share(progress: float) -> float:
    """From about 55% two years ago towards 85% now: the channel shift."""
    return 0.55 + 0.30 * progress


def _when(rng: random.Random, start: datetime, span: float) -> datetime:
    # Rejection-sample by season so January carries the post-Christmas surge.
    while True:
        at = start + timedelta(seconds=rng.random() * span)
        if rng.random() * 1.6 <= _month_weight(at):
            return at


__all__ = ["generate", "math", "timezone"]
