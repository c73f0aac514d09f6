"""Which cases a member of staff may see: one rule, as a WHERE clause, for every page that lists
cases, or rows that belong to a case (contacts, tasks, bookings, payments, messages).

Admins and advisors (who take calls about anything) see every case; everyone else sees the cases of
their own teams. The case page (`can_see`), the queues, the single views of a customer and of a
property, search by reference, a contact's case list, the messages page and the dashboards' rows
all read this module, so a page added later has one thing to call.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, true

from frontdoor.models import Case, StaffUser


def team_ids(user: StaffUser) -> list[int] | None:
    """None means every team."""
    if user.role in ("admin", "advisor"):
        return None
    return [t.id for t in user.teams] or [-1]


def sees_everything(user: StaffUser) -> bool:
    return team_ids(user) is None


def cases(user: StaffUser) -> ColumnElement[bool]:
    """WHERE clause on Case: the cases this person may see."""
    teams = team_ids(user)
    return true() if teams is None else Case.team_id.in_(teams)


def case_rows(user: StaffUser, case_id_column, *, without_case: bool = True) -> ColumnElement[bool]:
    """WHERE clause on a table with a case_id: rows of visible cases, and (if `without_case`) rows of none."""
    if sees_everything(user):
        return true()
    visible = case_id_column.in_(select(Case.id).where(cases(user)))
    return or_(case_id_column.is_(None), visible) if without_case else visible


def can_see(user: StaffUser, case: Case) -> bool:
    """The same rule as cases(), for a case already loaded."""
    teams = team_ids(user)
    return teams is None or case.team_id in teams
