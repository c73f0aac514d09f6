"""Keeping the narrow rollups current.

record_contact() and submit()/transition() call note_contact()/note_case(): a rollup_pending row in
the same transaction. apply_pending() consumes those rows (DELETE ... RETURNING, SKIP LOCKED on
PostgreSQL; SQLite serialises writers with BEGIN IMMEDIATE) and applies them with UPSERTs that add,
so two workers at once never count a row twice or lose one. Contacts are append-only: +1 per row.
A case's contribution is state-based (case_rollup_marks holds what it counted last), so re-applying
a case is harmless and a reopen or re-close moves it exactly. rebuild() recomputes everything.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, select, text

from frontdoor import unit_of_work
from frontdoor.extensions import db, insert_for_dialect
from frontdoor.metrics.definitions import FCR_DENOMINATOR, FCR_NUMERATOR, closed_in_sla, closed_in_sla_text
from frontdoor.metrics.localday import local_day
from frontdoor.models import (
    AdvisorDaily, AdvisorMonthly, Case, CaseDaily, CaseMonthly, CaseRollupMark, Contact, ContactDaily, ContactMonthly,
    ContactWardDaily, Customer, Property, RollupPending,
)

_FLAG = "frontdoor.rollups.pending"


def note_contact(contact_id: int) -> None:
    db.session.add(RollupPending(kind="contact", ref_id=contact_id))
    db.session.info[_FLAG] = True


def note_case(case_id: int) -> None:
    db.session.add(RollupPending(kind="case", ref_id=case_id))
    db.session.info[_FLAG] = True


def take_flag(session) -> bool:
    return bool(session.info.pop(_FLAG, False))


def discard_flag(session) -> None:
    session.info.pop(_FLAG, None)


def _add_counts(model, keys: tuple[str, ...], counts: dict[tuple, dict[str, int]]) -> None:
    """UPSERT that adds: concurrent writers to one bucket both land."""
    if not counts:
        return
    rows = []
    for key, values in counts.items():
        row = dict(zip(keys, key))
        row.update(values)
        rows.append(row)
    value_cols = list(next(iter(counts.values())).keys())
    stmt = insert_for_dialect(model).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={c: getattr(model.__table__.c, c) + getattr(stmt.excluded, c) for c in value_cols},
    )
    db.session.execute(stmt)


CONTACT_KEYS = ("day", "service", "channel", "outcome", "team_id")
WARD_KEYS = ("day", "ward", "service", "channel", "outcome", "team_id")
MONTH_KEYS = ("month", "service", "channel", "outcome", "team_id")
ADVISOR_KEYS = ("day", "staff_id", "service", "channel", "team_id")
ADVISOR_MONTH_KEYS = ("month", "staff_id", "service", "channel", "team_id")
CASE_KEYS = ("day", "service", "team_id", "ward", "channel")
CASE_MONTH_KEYS = ("month", "service", "team_id", "ward", "channel")


def _add_case(deltas: tuple[dict, dict], mark: dict, sign: int) -> None:
    """Count one case's contribution in (sign 1) or out (sign -1), daily and monthly."""
    key = tuple(mark[k] for k in CASE_KEYS)
    for table, k in zip(deltas, (key, (key[0].replace(day=1), *key[1:]))):
        values = table.setdefault(k, {"closed": 0, "closed_in_sla": 0})
        values["closed"] += sign
        values["closed_in_sla"] += sign * mark["in_sla"]


def _contact_facts(ids: list[int]):
    """Each contact with its team (from its case) and ward (its case's property, else the customer's)."""
    case_prop = Property.__table__.alias("case_prop")
    cust_prop = Property.__table__.alias("cust_prop")
    stmt = (
        select(Contact.id, Contact.started_at, Contact.reason, Contact.channel, Contact.outcome, Contact.staff_id,
               func.coalesce(Case.team_id, 0), func.coalesce(case_prop.c.ward, cust_prop.c.ward, ""))
        .outerjoin(Case, Case.id == Contact.case_id)
        .outerjoin(case_prop, case_prop.c.id == Case.property_id)
        .outerjoin(Customer, Customer.id == Contact.customer_id)
        .outerjoin(cust_prop, cust_prop.c.id == Customer.property_id)
        .where(Contact.id.in_(ids))
    )
    return db.session.execute(stmt).all()


def apply_contacts(ids: list[int]) -> None:
    main: Counter = Counter()
    month: Counter = Counter()
    ward: Counter = Counter()
    adv: dict = {}
    adv_month: dict = {}
    for _id, started, service, channel, outcome, staff_id, team_id, ward_name in _contact_facts(ids):
        day = local_day(started)
        main[(day, service, channel, outcome, team_id)] += 1
        month[(day.replace(day=1), service, channel, outcome, team_id)] += 1
        ward[(day, ward_name, service, channel, outcome, team_id)] += 1
        if staff_id and FCR_DENOMINATOR.holds(channel, outcome):
            resolved = 1 if FCR_NUMERATOR.holds(channel, outcome) else 0
            for table, first in ((adv, day), (adv_month, day.replace(day=1))):
                counts = table.setdefault((first, staff_id, service, channel, team_id),
                                          {FCR_DENOMINATOR.advisor_column: 0, FCR_NUMERATOR.advisor_column: 0})
                counts[FCR_DENOMINATOR.advisor_column] += 1
                counts[FCR_NUMERATOR.advisor_column] += resolved
    # Sorted keys: concurrent workers take the bucket rows' locks in one order, so they never deadlock.
    _add_counts(ContactDaily, CONTACT_KEYS, {k: {"contacts": v} for k, v in sorted(main.items())})
    _add_counts(ContactMonthly, MONTH_KEYS, {k: {"contacts": v} for k, v in sorted(month.items())})
    _add_counts(ContactWardDaily, WARD_KEYS, {k: {"contacts": v} for k, v in sorted(ward.items())})
    _add_counts(AdvisorDaily, ADVISOR_KEYS, dict(sorted(adv.items())))
    _add_counts(AdvisorMonthly, ADVISOR_MONTH_KEYS, dict(sorted(adv_month.items())))


def _case_mark(case_id: int):
    row = db.session.execute(
        select(Case.closed_at, Case.state_category, Case.sla_due_at, Case.workflow_id, Case.team_id, Case.channel,
               Property.ward)
        .outerjoin(Property, Property.id == Case.property_id)
        .where(Case.id == case_id)
    ).first()
    if row is None or row.state_category != "closed" or row.closed_at is None:
        return None
    in_sla = 1 if closed_in_sla(_aware(row.closed_at), row.sla_due_at and _aware(row.sla_due_at)) else 0
    return dict(day=local_day(row.closed_at), service=row.workflow_id, team_id=row.team_id or 0,
                ward=row.ward or "", channel=row.channel, in_sla=in_sla)


def _aware(moment):
    from datetime import timezone

    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def apply_cases(ids: list[int]) -> None:
    # Lock the cases in id order: two workers on one case queue up, and neither deadlocks.
    ids = sorted(set(ids))
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Case.id).where(Case.id.in_(ids)).order_by(Case.id).with_for_update())
    deltas: tuple[dict, dict] = ({}, {})
    for case_id in ids:
        old = db.session.get(CaseRollupMark, case_id, populate_existing=True)
        new = _case_mark(case_id)
        if old is not None and new is not None and all(getattr(old, k) == v for k, v in new.items()):
            continue
        if old is not None:
            _add_case(deltas, {k: getattr(old, k) for k in (*CASE_KEYS, "in_sla")}, -1)
            db.session.delete(old)
            db.session.flush()
        if new is not None:
            _add_case(deltas, new, 1)
            db.session.add(CaseRollupMark(case_id=case_id, **new))
            db.session.flush()
    # One UPSERT per table, buckets in sorted order: concurrent workers lock them in the same order.
    for model, keys, table in ((CaseDaily, CASE_KEYS, deltas[0]), (CaseMonthly, CASE_MONTH_KEYS, deltas[1])):
        _add_counts(model, keys, {k: v for k, v in sorted(table.items()) if any(v.values())})


def apply_pending(batch: int = 5000) -> int:
    """Consume up to `batch` pending rows and apply them. Flushes; the caller commits. Returns how many."""
    if db.session.get_bind().dialect.name == "postgresql":
        picked = select(RollupPending.id).order_by(RollupPending.id).limit(batch).with_for_update(skip_locked=True)
        taken = db.session.execute(
            delete(RollupPending).where(RollupPending.id.in_(picked.scalar_subquery()))
            .returning(RollupPending.kind, RollupPending.ref_id)
        ).all()
    else:
        ids = list(db.session.scalars(select(RollupPending.id).order_by(RollupPending.id).limit(batch)))
        taken = db.session.execute(
            delete(RollupPending).where(RollupPending.id.in_(ids)).returning(RollupPending.kind, RollupPending.ref_id)
        ).all() if ids else []
    contacts = [ref for kind, ref in taken if kind == "contact"]
    cases = [ref for kind, ref in taken if kind == "case"]
    for start in range(0, len(contacts), 500):
        apply_contacts(contacts[start:start + 500])
    if cases:
        apply_cases(cases)
    db.session.flush()
    return len(taken)


def catch_up(max_batches: int = 100) -> int:
    """Apply everything pending, committing per batch. For jobs, the CLI and the dashboard's read."""
    total = 0
    for _ in range(max_batches):
        n = apply_pending()
        # Commit even when there was nothing to do: it ends the read transaction, which on SQLite
        # would otherwise keep the database's write lock until the session is removed.
        unit_of_work.commit()
        if n == 0:
            break
        total += n
    return total


ROLLUP_MODELS = (ContactDaily, ContactMonthly, ContactWardDaily, AdvisorDaily, AdvisorMonthly, CaseDaily,
                 CaseMonthly, CaseRollupMark)


def rebuild(echo=None) -> None:
    """Recompute every rollup from the base tables, in one transaction (the caller commits)."""
    for model in ROLLUP_MODELS:
        db.session.execute(delete(model))
    db.session.execute(delete(RollupPending))
    if db.session.get_bind().dialect.name == "postgresql":
        _rebuild_postgres()
    else:
        _rebuild_python()
    db.session.flush()
    if echo:
        for model in ROLLUP_MODELS:
            echo(f"{model.__tablename__}: {db.session.scalar(select(func.count()).select_from(model))} rows")


def _rebuild_python() -> None:
    last = 0
    while True:
        ids = list(db.session.scalars(select(Contact.id).where(Contact.id > last).order_by(Contact.id).limit(2000)))
        if not ids:
            break
        apply_contacts(ids)
        last = ids[-1]
    last = 0
    while True:
        ids = list(db.session.scalars(
            select(Case.id).where(Case.id > last, Case.state_category == "closed").order_by(Case.id).limit(2000)))
        if not ids:
            break
        apply_cases(ids)
        last = ids[-1]


_PG_CONTACT_FACTS = """
    SELECT (c.started_at AT TIME ZONE 'Europe/London')::date AS day, c.reason AS service, c.channel, c.outcome,
           COALESCE(k.team_id, 0) AS team_id, COALESCE(kp.ward, up.ward, '') AS ward, c.staff_id
    FROM contacts c
    LEFT JOIN cases k ON k.id = c.case_id
    LEFT JOIN properties kp ON kp.id = k.property_id
    LEFT JOIN customers u ON u.id = c.customer_id
    LEFT JOIN properties up ON up.id = u.property_id
"""


def _rebuild_postgres() -> None:
    db.session.execute(text("SET LOCAL work_mem = '256MB'"))
    db.session.execute(text(f"""
        CREATE TEMP TABLE rollup_facts ON COMMIT DROP AS
        SELECT day, service, channel, outcome, team_id, ward, staff_id, count(*) AS n
        FROM ({_PG_CONTACT_FACTS}) f GROUP BY 1, 2, 3, 4, 5, 6, 7"""))
    db.session.execute(text("""
        INSERT INTO contact_daily (day, service, channel, outcome, team_id, contacts)
        SELECT day, service, channel, outcome, team_id, sum(n) FROM rollup_facts GROUP BY 1, 2, 3, 4, 5"""))
    db.session.execute(text("""
        INSERT INTO contact_monthly (month, service, channel, outcome, team_id, contacts)
        SELECT date_trunc('month', day)::date, service, channel, outcome, team_id, sum(contacts) FROM contact_daily
        GROUP BY 1, 2, 3, 4, 5"""))
    db.session.execute(text("""
        INSERT INTO contact_ward_daily (day, ward, service, channel, outcome, team_id, contacts)
        SELECT day, ward, service, channel, outcome, team_id, sum(n) FROM rollup_facts GROUP BY 1, 2, 3, 4, 5, 6"""))
    db.session.execute(text(f"""
        INSERT INTO advisor_daily (day, staff_id, service, channel, team_id,
                                   {FCR_DENOMINATOR.advisor_column}, {FCR_NUMERATOR.advisor_column})
        SELECT day, staff_id, service, channel, team_id, sum(n),
               sum(CASE WHEN {FCR_NUMERATOR.sql_text()} THEN n ELSE 0 END) FROM rollup_facts
        WHERE staff_id IS NOT NULL AND {FCR_DENOMINATOR.sql_text()}
        GROUP BY 1, 2, 3, 4, 5"""))
    db.session.execute(text("""
        INSERT INTO advisor_monthly (month, staff_id, service, channel, team_id, assisted, resolved)
        SELECT date_trunc('month', day)::date, staff_id, service, channel, team_id, sum(assisted), sum(resolved)
        FROM advisor_daily GROUP BY 1, 2, 3, 4, 5"""))
    db.session.execute(text(f"""
        INSERT INTO case_rollup_marks (case_id, day, service, team_id, ward, channel, in_sla)
        SELECT k.id, (k.closed_at AT TIME ZONE 'Europe/London')::date, k.workflow_id, COALESCE(k.team_id, 0),
               COALESCE(p.ward, ''), k.channel,
               CASE WHEN {closed_in_sla_text("k")} THEN 1 ELSE 0 END
        FROM cases k LEFT JOIN properties p ON p.id = k.property_id
        WHERE k.state_category = 'closed' AND k.closed_at IS NOT NULL"""))
    db.session.execute(text("""
        INSERT INTO case_daily (day, service, team_id, ward, channel, closed, closed_in_sla)
        SELECT day, service, team_id, ward, channel, count(*), sum(in_sla) FROM case_rollup_marks
        GROUP BY 1, 2, 3, 4, 5"""))
    db.session.execute(text("""
        INSERT INTO case_monthly (month, service, team_id, ward, channel, closed, closed_in_sla)
        SELECT date_trunc('month', day)::date, service, team_id, ward, channel, sum(closed), sum(closed_in_sla)
        FROM case_daily GROUP BY 1, 2, 3, 4, 5"""))
    db.session.execute(text("DROP TABLE IF EXISTS rollup_facts"))
    for table in ("contact_daily", "contact_monthly", "contact_ward_daily", "advisor_daily", "advisor_monthly",
                  "case_daily", "case_monthly", "case_rollup_marks"):
        db.session.execute(text(f"ANALYZE {table}"))  # fresh statistics, or the planner guesses after a bulk load


def table_snapshot() -> dict[str, set]:
    """Every rollup's non-zero rows, for comparing incremental against rebuilt."""
    out = {}
    for model in (ContactDaily, ContactMonthly, ContactWardDaily, AdvisorDaily, AdvisorMonthly, CaseDaily,
                  CaseMonthly):
        cols = [c for c in model.__table__.columns]
        rows = db.session.execute(select(*cols)).all()
        value_cols = {"contacts", "closed", "closed_in_sla", "assisted", "resolved"}
        out[model.__tablename__] = {tuple(r) for r in rows
                                    if any(getattr(r, c) for c in value_cols if hasattr(r, c))}
    return out
