"""Work queues: the cases a member of staff may work, filtered, sorted and paged; claiming,
assigning and bulk moves. Every change of assignee writes an assignment event."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from frontdoor.unit_of_work import Refused
from frontdoor.extensions import db
from frontdoor.ids import MAX_INT, whole_number
from frontdoor.metrics.definitions import past_due_sql
from frontdoor.models import Case, CaseEvent, Property, StaffUser, Team
from frontdoor.models.base import utcnow
from frontdoor.services import visibility
from frontdoor.services.actors import Actor

SLA_FILTERS = ("overdue", "today", "week")
SORTS = {"due": (Case.sla_due_at.asc().nulls_last(), Case.id), "newest": (Case.created_at.desc(), Case.id.desc()),
         "oldest": (Case.created_at.asc(), Case.id)}
PAGE_SIZE = 25


class AssignmentRefused(Refused):
    """An assignment that may not happen; the message is for the person who asked."""


@dataclass
class QueueFilters:
    team: str | None = None
    service: str | None = None
    state: str | None = None  # a state id, or "open"/"waiting"/"closed"
    sla: str | None = None
    ward: str | None = None
    assignee: str | None = None  # a staff id, "me" or "none"
    sort: str = "due"
    page: int = 1


def visible_team_ids(user: StaffUser) -> list[int] | None:
    """None means every team (admins and advisors, who take calls about anything)."""
    return visibility.team_ids(user)


def _sla_window(kind: str, calendar, now: datetime):
    local = calendar.local(now)
    end_of_today = local.replace(hour=23, minute=59, second=59, microsecond=0)
    if kind == "overdue":
        return None, now
    if kind == "today":
        return now, end_of_today
    return now, end_of_today + timedelta(days=6 - local.weekday())


def queue(user: StaffUser, f: QueueFilters, calendar, now: datetime | None = None) -> tuple[list[Case], int]:
    now = now or utcnow()
    query = select(Case)
    query = query.where(visibility.cases(user))
    if f.team:
        query = query.join(Team, Team.id == Case.team_id).where(Team.slug == f.team)
    if f.state in ("open", "waiting", "closed"):
        query = query.where(Case.state_category == f.state)
    elif f.state:
        query = query.where(Case.state == f.state)
    else:
        query = query.where(Case.state_category != "closed")
    if f.service:
        query = query.where(Case.workflow_id == f.service)
    if f.sla in SLA_FILTERS:
        start, end = _sla_window(f.sla, calendar, now)
        if start is None:  # overdue: the dashboard's "open cases past due", the same rule
            query = query.where(past_due_sql(Case.state_category, Case.sla_due_at, end))
        else:
            query = query.where(Case.state_category == "open", Case.sla_due_at > start, Case.sla_due_at <= end)
    if f.ward:
        query = query.join(Property, Property.id == Case.property_id).where(Property.ward == f.ward)
    if f.assignee == "me":
        query = query.where(Case.assignee_id == user.id)
    elif f.assignee == "none":
        query = query.where(Case.assignee_id.is_(None))
    elif whole_number(f.assignee) is not None:
        query = query.where(Case.assignee_id == whole_number(f.assignee))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    page = min(max(1, f.page), MAX_INT // PAGE_SIZE)  # an OFFSET PostgreSQL accepts
    rows = db.session.scalars(query.order_by(*SORTS.get(f.sort, SORTS["due"])).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return list(rows), total


def open_cases_for(user: StaffUser, limit: int = 50, offset: int = 0) -> list[Case]:
    query = select(Case).where(Case.state_category != "closed", visibility.cases(user))
    query = query.order_by(Case.sla_due_at.asc().nulls_last(), Case.id).limit(limit).offset(offset)
    return list(db.session.scalars(query))


def case_by_reference(reference: str) -> Case | None:
    return db.session.scalar(select(Case).where(Case.reference == reference))


def can_see(user: StaffUser, case: Case) -> bool:
    return visibility.can_see(user, case)


def can_work(user: StaffUser, case: Case) -> bool:
    """Advisors see every case to answer calls but only caseworkers and up work them."""
    return user.role != "advisor" and can_see(user, case)


def assign(case: Case, assignee: StaffUser | None, actor: Actor, *, expected_version: int | None = None) -> CaseEvent:
    from frontdoor.services.transitions import StaleCase

    db.session.execute(select(Case.id).where(Case.id == case.id).with_for_update())
    db.session.refresh(case)
    if expected_version is not None and case.version != expected_version:
        raise StaleCase("Someone else has changed this case since you opened it. Check its history and try again.")
    staff = actor.staff
    if staff is None or not can_work(staff, case):
        raise AssignmentRefused("You cannot assign this case.")
    if assignee is not None:
        if not assignee.active or assignee.role == "advisor":
            raise AssignmentRefused("Choose an active caseworker, team lead or admin.")
        if staff.id != assignee.id and staff.role not in ("team_lead", "admin"):
            raise AssignmentRefused("Only a team lead can assign a case to someone else.")
        if assignee.role != "admin" and case.team_id not in {t.id for t in assignee.teams}:
            raise AssignmentRefused(f"{assignee.name} is not in the team that owns this case.")
    elif staff.role not in ("team_lead", "admin") and case.assignee_id != staff.id:
        raise AssignmentRefused("Only a team lead can take a case off someone else.")
    before = case.assignee
    case.assignee = assignee
    event = CaseEvent(
        case_id=case.id, kind="assignment", actor_type="staff", actor_staff_id=staff.id, actor_label=actor.label,
        internal_note=f"Assigned to {assignee.name}" if assignee else "Unassigned",
        data={"from": before.id if before else None, "to": assignee.id if assignee else None},
    )
    db.session.add(event)
    db.session.flush()
    return event


def bulk_transition(references: list[str], name: str, actor: Actor, note: str = "") -> list[Case]:
    """Move several cases with one transition, each through transition(); all or nothing (one commit)."""
    from frontdoor.services.transitions import TransitionRefused, transition

    moved = []
    for reference in references:
        case = case_by_reference(reference)
        if case is None or not can_work(actor.staff, case):
            raise TransitionRefused(f"Case {reference} was not found in your queue.")
        try:
            transition(case, name, actor, {"note": note})
        except TransitionRefused as exc:
            raise TransitionRefused(f"Case {reference}: {exc}") from exc
        moved.append(case)
    return moved


def assignable_staff(case: Case) -> list[StaffUser]:
    from frontdoor.models import staff_teams

    return list(db.session.scalars(
        select(StaffUser).join(staff_teams, staff_teams.c.staff_id == StaffUser.id)
        .where(staff_teams.c.team_id == case.team_id, StaffUser.active.is_(True), StaffUser.role != "advisor")
        .order_by(StaffUser.name)
    ))


def filter_options(user: StaffUser) -> dict:
    """Choices for the queue's filters, from what the user can see."""
    from frontdoor.models import staff_teams

    teams = visible_team_ids(user)
    team_rows = db.session.scalars(select(Team).where(Team.id.in_(teams)) if teams is not None else select(Team))
    wards = db.session.scalars(select(Property.ward).distinct().order_by(Property.ward).limit(200))
    services = db.session.scalars(select(Case.workflow_id).distinct().order_by(Case.workflow_id))
    staff_q = select(StaffUser).where(StaffUser.active.is_(True), StaffUser.role != "advisor")
    if teams is not None:
        staff_q = staff_q.join(staff_teams, staff_teams.c.staff_id == StaffUser.id).where(staff_teams.c.team_id.in_(teams))
    return {"teams": [(t.slug, t.name) for t in team_rows], "wards": list(wards), "services": list(services),
            "staff": [(str(s.id), s.name) for s in db.session.scalars(staff_q.distinct().order_by(StaffUser.name))]}
