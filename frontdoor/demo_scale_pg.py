"""The scale history made set-based on PostgreSQL: INSERT ... SELECT over generate_series.

The same shape as demo_scale's Python path (24 months, channels shifting online, seasonal peaks,
repeats and chases, advisors with different first-contact resolution), drawn with random() after
setseed() so a seed repeats. Chunks feed the progress bar. Secondary indexes of the big tables are
dropped for the load and rebuilt after it: one sort beats millions of random B-tree inserts.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import text

from frontdoor.extensions import db

CHUNK = 250_000


def _lit(values) -> str:
    """An SQL array literal of module constants (never user input)."""
    return "(ARRAY[" + ", ".join(f"'{v}'" if isinstance(v, str) else repr(v) for v in values) + "])"


def _slots(start: datetime, now: datetime) -> list[float]:
    """Epoch seconds of day starts, each day repeated by its seasonal weight: a uniform pick is seasonal."""
    from frontdoor.demo_scale import _month_weight

    out = []
    day = start
    while day < now:
        out += [day.timestamp()] * round(_month_weight(day) * 20)
        day += timedelta(days=1)
    return out


def _secondary_indexes(table: str) -> list[tuple[str, str]]:
    return db.session.execute(text("""
        SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relname = :t AND NOT x.indisprimary AND NOT x.indisunique
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"""), {"t": table}).all()


def _next_id(table: str) -> int:
    return db.session.scalar(text(f"SELECT coalesce(max(id), 0) + 1 FROM {table}"))


def generate_sql(contacts: int, *, seed: int, echo, progress, start: datetime, now: datetime,
                 team_ids: dict[str, int], advisor_fcr: dict[int, float], rate_cls) -> None:
    from frontdoor.demo_scale import ASSISTED, SERVICES, WARDS

    s = db.session
    s.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    s.execute(text("SET LOCAL work_mem = '64MB'"))
    s.execute(text("SELECT setseed(:x)"), {"x": (seed % 1999) / 1999.0})
    slots = _slots(start, now)
    span_s = (now - start).total_seconds()
    params = {"slots": slots, "nslots": len(slots), "t0": start.timestamp(), "span": span_s, "now": now}
    # When a uniform pick from the seasonal slots lands: a day's start plus a random time of day.
    when = "least(to_timestamp(p.slots[1 + floor(random() * p.nslots)::int] + random() * 86400), p.now)"
    share = "(0.55 + 0.30 * (extract(epoch FROM {at}) - p.t0) / p.span)"  # demo_scale._digital_share
    p_cte = ("WITH p AS (SELECT CAST(:slots AS float8[]) AS slots, CAST(:nslots AS int) AS nslots, "
             "CAST(:t0 AS float8) AS t0, CAST(:span AS float8) AS span, CAST(:now AS timestamptz) AS now) ")

    dropped = []
    for table in ("contacts", "cases", "customers"):
        for name, ddl in _secondary_indexes(table):
            s.execute(text(f'DROP INDEX "{name}"'))
            dropped.append(ddl)

    n_props = max(100, contacts // 2000)
    first_prop = _next_id("properties")
    s.execute(text(f"""
        INSERT INTO properties (id, uprn, address_line1, town, postcode, ward)
        SELECT :f + g, '9' || lpad((:f + g)::text, 11, '0'), (g + 1) || ' Scale Street', 'Demoton', 'DB9 9ZZ',
               {_lit(WARDS)}[1 + g % {len(WARDS)}]
        FROM generate_series(0, :n - 1) g"""), {"f": first_prop, "n": n_props})

    n_customers = max(100, contacts // 10)
    first_cust = _next_id("customers")
    rate = rate_cls(echo, "customers", n_customers, progress)
    for lo in range(0, n_customers, CHUNK):
        hi = min(n_customers, lo + CHUNK)
        s.execute(text("""
            INSERT INTO customers (id, first_name, last_name, property_id, contact_preference, flags, created_at)
            SELECT :f + g, 'Scale', 'Resident ' || g, :fp + floor(random() * :np)::int, 'email', '{}', :start
            FROM generate_series(:lo, :hi - 1) g"""),
                  {"f": first_cust, "fp": first_prop, "np": n_props, "start": start, "lo": lo, "hi": hi})
        rate.step(hi - lo)
    rate.finish()

    # Cases: one for every five contacts. Service by its share of contact; its team and SLA days with it.
    n_cases = max(1, contacts // 5)
    first_case = _next_id("cases")
    cum, acc = [], 0.0
    for svc in SERVICES:
        acc += svc[2]
        cum.append(acc)
    pick = "CASE " + " ".join(f"WHEN r_svc < {c!r} THEN {i + 1}" for i, c in enumerate(cum[:-1])) + \
        f" ELSE {len(SERVICES)} END"
    names = _lit([svc[0] for svc in SERVICES])
    teams = _lit([team_ids[svc[1]] for svc in SERVICES])
    sla = _lit([float(svc[3]) for svc in SERVICES])
    rate = rate_cls(echo, "cases", n_cases, progress)
    for lo in range(0, n_cases, CHUNK):
        hi = min(n_cases, lo + CHUNK)
        s.execute(text(p_cte + f"""
            INSERT INTO cases (id, reference, workflow_id, workflow_version, state, state_category, answers,
                               property_id, customer_id, channel, team_id, sla_due_at, created_at, updated_at,
                               closed_at, version)
            SELECT id, 'S' || lpad(id::text, 11, '0'), {names}[k], 1, st, st, '{{}}', prop, cust, channel,
                   {teams}[k], due, created, coalesce(closed, created), closed, 1
            FROM (
                SELECT b.*, CASE WHEN closed IS NULL THEN 'open' ELSE 'closed' END AS st FROM (
                    SELECT a.*,
                           CASE WHEN r_dig < {share.format(at="created")}
                                THEN (ARRAY['web', 'web', 'web', 'api'])[1 + floor(r_ch * 4)::int]
                                ELSE {_lit(ASSISTED)}[1 + floor(r_ch * {len(ASSISTED)})::int] END AS channel,
                           created + {sla}[k] * 1.4 * interval '1 day' AS due,
                           CASE WHEN r_close < 0.97 AND created < p.now - interval '1 day'
                                THEN least(created + {sla}[k] * 1.4 * r_len
                                           * (CASE WHEN r_late < 0.2 THEN 1.35 ELSE 0.95 END) * interval '1 day',
                                           p.now) END AS closed
                    FROM (
                        SELECT x.*, {pick} AS k FROM (
                        SELECT :fc + g AS id, random() AS r_svc, {when} AS created, random() AS r_dig, random() AS r_ch, random() AS r_close, random() AS r_len,
                               random() AS r_late,
                               :fp + floor(random() * :np)::int AS prop, :fu + floor(random() * :nu)::int AS cust
                        FROM generate_series(:lo, :hi - 1) g, p OFFSET 0) x
                    ) a, p OFFSET 0
                ) b
            ) c"""), {**params, "fc": first_case, "fp": first_prop, "np": n_props, "fu": first_cust,
                       "nu": n_customers, "lo": lo, "hi": hi})
        rate.step(hi - lo)
    rate.finish()

    # Contacts: 70% about a case (at or after it was raised), the rest general enquiries; web and api
    # self-serve mostly; assisted ones go to an advisor whose own FCR decides the outcome.
    advisors = sorted(advisor_fcr)
    adv_ids = _lit(advisors)
    adv_fcr = _lit([round(advisor_fcr[a], 4) for a in advisors])
    first_contact = _next_id("contacts")
    rate = rate_cls(echo, "contacts", contacts, progress)
    for lo in range(0, contacts, CHUNK):
        hi = min(contacts, lo + CHUNK)
        s.execute(text(p_cte + f"""
            INSERT INTO contacts (id, customer_id, channel, reason, case_id, staff_id, started_at, duration_seconds,
                                  outcome)
            SELECT id, customer_id, channel, reason, case_id, CASE WHEN assisted THEN {adv_ids}[adv] END, at, dur,
                   CASE WHEN NOT assisted THEN CASE WHEN roll < 0.92 THEN 'self_served'
                                                    WHEN roll < 0.96 THEN 'repeat' ELSE 'progress_chase' END
                        WHEN roll < 0.12 THEN 'progress_chase'
                        WHEN roll < 0.18 THEN 'repeat'
                        WHEN r_fcr < {adv_fcr}[adv] THEN 'resolved_first_contact'
                        ELSE 'handed_off' END
            FROM (
                SELECT b.*,
                       CASE WHEN assisted THEN {_lit(ASSISTED)}[1 + floor(r_ch * {len(ASSISTED)})::int]
                            WHEN r_ch < 0.85 THEN 'web' ELSE 'api' END AS channel
                FROM (
                    SELECT b0.*, b0.r_dig >= {share.format(at="b0.at")} AS assisted
                    FROM (
                        SELECT a.id, k.customer_id, k.workflow_id AS reason, a.roll, a.r_ch, a.r_fcr, a.r_dig,
                               a.adv, a.dur, CASE WHEN a.about THEN k.id END AS case_id,
                               CASE WHEN a.about
                                    THEN least(k.created_at + a.r_h * 24 * a.mult * interval '1 hour', p.now)
                                    ELSE a.general_at END AS at
                        FROM (
                            SELECT :fk + g AS id, :fc + floor(random() * :nc)::int AS case_pick,
                                   random() < 0.7 AS about, random() AS r_h,
                                   (ARRAY[0, 0, 1, 3, 10])[1 + floor(random() * 5)::int] AS mult,
                                   {when} AS general_at, random() AS r_dig, random() AS roll, random() AS r_ch,
                                   random() AS r_fcr, 1 + floor(random() * {len(advisors)})::int AS adv,
                                   30 + floor(random() * 870)::int AS dur
                            FROM generate_series(:lo, :hi - 1) g, p OFFSET 0
                        ) a JOIN cases k ON k.id = a.case_pick, p OFFSET 0
                    ) b0, p
                ) b
            ) c"""), {**params, "fk": first_contact, "fc": first_case, "nc": n_cases, "lo": lo, "hi": hi})
        rate.step(hi - lo)
    rate.finish()

    t0 = time.perf_counter()
    for ddl in dropped:
        s.execute(text(ddl))
    echo(f"indexes: {len(dropped)} rebuilt in {time.perf_counter() - t0:.1f}s")
    for table in ("properties", "customers", "cases", "contacts"):
        s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    s.execute(text("ANALYZE properties; ANALYZE customers; ANALYZE contacts; ANALYZE cases"))
