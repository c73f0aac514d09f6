"""Work queues: open cases for a member of staff's teams, soonest due first."""
from __future__ import annotations

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Case, StaffUser


def open_cases_for(user: StaffUser, limit: int = 50, offset: int = 0) -> list[Case]:
    query = select(Case).where(Case.state_category != "closed")
    if user.role not in ("admin",):
        query = query.where(Case.team_id.in_([t.id for t in user.teams] or [-1]))
    query = query.order_by(Case.sla_due_at.asc().nulls_last(), Case.id).limit(limit).offset(offset)
    return list(db.session.scalars(query))


def case_by_reference(reference: str) -> Case | None:
    return db.session.scalar(select(Case).where(Case.reference == reference))


def can_see(user: StaffUser, case: Case) -> bool:
    if user.role in ("admin", "advisor"):
        return True
    return case.team_id in {t.id for t in user.teams}
