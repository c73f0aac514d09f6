"""Stock figures ("now") counted by a job rather than on every dashboard page.

Open cases past their due time is not a flow over a period, so no rollup of events can give it;
counted live it costs in proportion to the number of open overdue cases. A job counts it every
minute into a small table (one row per service, team and channel); the page reads that while it is
fresh and counts live otherwise (SQLite with no scheduler, a stale or missing snapshot).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, literal, select, text

from frontdoor.extensions import db
from frontdoor.metrics.definitions import past_due_sql
from frontdoor.models import Case, MetricSnapshot, PastDueSnapshot
from frontdoor.models.base import utcnow

PAST_DUE = "past_due"
FRESH_FOR = timedelta(minutes=5)  # the job runs each minute; older than this and the page counts live


def take_past_due(now: datetime | None = None) -> int:
    """Replace the snapshot with a count taken now. Flushes; the caller commits. Two at once queue up."""
    now = now or utcnow()
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended('past_due_snapshot', 0))"))
    db.session.execute(delete(PastDueSnapshot))
    team = func.coalesce(Case.team_id, 0)
    counted = (select(Case.workflow_id, team, Case.channel, func.count())
               .where(past_due_sql(Case.state_category, Case.sla_due_at, now))
               .group_by(Case.workflow_id, team, Case.channel))
    db.session.execute(insert(PastDueSnapshot).from_select(["service", "team_id", "channel", "cases"], counted))
    marker = db.session.get(MetricSnapshot, PAST_DUE)
    if marker is None:
        db.session.add(MetricSnapshot(name=PAST_DUE, taken_at=now))
    else:
        marker.taken_at = now
    db.session.flush()
    return db.session.scalar(select(func.coalesce(func.sum(PastDueSnapshot.cases), literal(0))))


def past_due_count(service: str = "", team_id: int = 0, channel: str = "", now: datetime | None = None) -> int | None:
    """The snapshot's count for these filters, or None when there is no fresh snapshot."""
    taken = db.session.scalar(select(MetricSnapshot.taken_at).where(MetricSnapshot.name == PAST_DUE))
    if taken is None:
        return None
    if taken.tzinfo is None:  # SQLite gives naive UTC back
        taken = taken.replace(tzinfo=(now or utcnow()).tzinfo)
    if (now or utcnow()) - taken > FRESH_FOR:
        return None
    conds = []
    if service:
        conds.append(PastDueSnapshot.service == service)
    if team_id:
        conds.append(PastDueSnapshot.team_id == team_id)
    if channel:
        conds.append(PastDueSnapshot.channel == channel)
    return int(db.session.scalar(select(func.coalesce(func.sum(PastDueSnapshot.cases), 0)).where(*conds)))
