"""`flask seed-demo --scale N`: set-based on PostgreSQL, row by row on SQLite, the same shape on both."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select, text

from frontdoor.demo_scale import generate
from frontdoor.extensions import db
from frontdoor.metrics import rollups
from frontdoor.metrics.localday import local_day
from frontdoor.models import Case, CaseDaily, Contact, ContactDaily


def test_scale_seed_makes_a_realistic_history_and_its_rollups(session):
    generate(6000, seed=3, echo=lambda *a, **k: None)
    assert db.session.scalar(select(func.count(Contact.id))) == 6000
    assert db.session.scalar(select(func.count(Case.id))) == 1200
    assert db.session.scalar(select(func.sum(ContactDaily.contacts))) == 6000
    closed = db.session.scalar(select(func.count(Case.id)).where(Case.state_category == "closed"))
    assert db.session.scalar(select(func.sum(CaseDaily.closed))) == closed
    assert 0.9 * 1200 < closed < 1200  # a few stay open

    rows = db.session.execute(select(Contact.started_at, Contact.channel, Contact.outcome, Contact.staff_id)).all()
    months = sorted({local_day(r.started_at).replace(day=1) for r in rows})
    assert len(months) >= 24
    per_month = defaultdict(lambda: [0, 0])
    advisors = defaultdict(lambda: [0, 0])
    for at, channel, outcome, staff_id in rows:
        bucket = per_month[local_day(at).replace(day=1)]
        bucket[0] += channel in ("web", "api")
        bucket[1] += 1
        if staff_id and outcome not in ("progress_chase", "repeat"):
            advisors[staff_id][0] += outcome == "resolved_first_contact"
            advisors[staff_id][1] += 1
    early = [per_month[m] for m in months[1:7]]
    late = [per_month[m] for m in months[-7:-1]]
    assert sum(d for d, _ in early) / sum(n for _, n in early) + 0.1 < sum(d for d, _ in late) / sum(n for _, n in late)
    january = [n for m, (_, n) in per_month.items() if m.month == 1]
    others = [n for m, (_, n) in per_month.items() if m.month in (3, 6, 9, 10) and m not in (months[0], months[-1])]
    assert min(january) > max(others)  # the missed-bin surge after Christmas
    fcr = [r / a for r, a in advisors.values() if a >= 30]
    assert max(fcr) - min(fcr) > 0.15  # advisors differ
    outcomes = {o for _, _, o, _ in rows}
    assert {"progress_chase", "repeat", "resolved_first_contact", "handed_off", "self_served"} <= outcomes

    # The rollups it built are the ones a rebuild makes; on PostgreSQL the dropped indexes are back.
    before = rollups.table_snapshot()
    rollups.rebuild()
    assert rollups.table_snapshot() == before
    if db.engine.dialect.name == "postgresql":
        names = set(db.session.scalars(text("SELECT indexname FROM pg_indexes WHERE tablename = 'contacts'")))
        assert {"ix_contacts_started_at", "ix_contacts_case_id", "ix_contacts_customer_reason_time"} <= names
