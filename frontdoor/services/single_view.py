"""The single view of a customer, and of a property: every case and contact in one timeline.

The timeline is built from sources: each is a function returning TimelineEntry rows. Payments,
bookings and subscriptions (other issues) add a source to SOURCES; the view needs no change.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import case as sql_case
from sqlalchemy import or_, select

from frontdoor.extensions import db
from frontdoor.models import Case, Contact, Customer, Property, Task
from frontdoor.services.registry import definition as get_definition

OUTCOME_LABELS = {"self_served": "Self-served", "resolved_first_contact": "Resolved at first contact",
                  "handed_off": "Handed off", "progress_chase": "Progress chase", "repeat": "Repeat contact"}


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # case, contact, task, payment, booking, subscription ...
    title: str
    detail: str = ""
    reference: str | None = None  # a case reference to link to


@dataclass
class Scope:
    customer_ids: list[int] | None = None
    property_id: int | None = None


def service_title(workflow_id: str) -> str:
    definition = get_definition(workflow_id)
    return definition.title if definition else workflow_id.replace("_", " ").capitalize()


def cases_in(scope: Scope) -> list[Case]:
    query = select(Case)
    if scope.customer_ids is not None:
        query = query.where(Case.customer_id.in_(scope.customer_ids))
    if scope.property_id is not None:
        query = query.where(Case.property_id == scope.property_id)
    open_first = sql_case((Case.state_category == "closed", 1), else_=0)
    return list(db.session.scalars(query.order_by(open_first, Case.created_at.desc()).limit(200)))


def contacts_in(scope: Scope) -> list[Contact]:
    query = select(Contact)
    if scope.customer_ids is not None:
        query = query.where(Contact.customer_id.in_(scope.customer_ids))
    if scope.property_id is not None:
        living = select(Customer.id).where(Customer.property_id == scope.property_id)
        cases = select(Case.id).where(Case.property_id == scope.property_id)
        query = query.where(or_(Contact.customer_id.in_(living), Contact.case_id.in_(cases)))
    return list(db.session.scalars(query.order_by(Contact.started_at.desc()).limit(200)))


def _case_entries(scope: Scope) -> list[TimelineEntry]:
    return [TimelineEntry(c.created_at, "case", f"{service_title(c.workflow_id)} raised ({c.channel.replace('_', ' ')})",
                          f"State: {c.state.replace('_', ' ')}", c.reference) for c in cases_in(scope)]


def _contact_entries(scope: Scope) -> list[TimelineEntry]:
    refs = dict(db.session.execute(select(Case.id, Case.reference).where(
        Case.id.in_([c.case_id for c in contacts_in(scope) if c.case_id])) ).all())
    out = []
    for c in contacts_in(scope):
        reason = "General enquiry" if c.reason == "general_enquiry" else service_title(c.reason)
        duration = f", {c.duration_seconds // 60} min {c.duration_seconds % 60} s" if c.duration_seconds else ""
        out.append(TimelineEntry(c.started_at, "contact", f"{c.channel.replace('_', ' ').capitalize()} contact: {reason}",
                                 f"{OUTCOME_LABELS.get(c.outcome, c.outcome)}{duration}", refs.get(c.case_id)))
    return out


def _task_entries(scope: Scope) -> list[TimelineEntry]:
    if scope.customer_ids is None:
        return []
    tasks = db.session.scalars(select(Task).where(Task.customer_id.in_(scope.customer_ids)).order_by(Task.id.desc()).limit(100))
    return [TimelineEntry(t.created_at, "task", f"Task for {t.team.name}: {t.title}",
                          f"Due {t.due_on:%-d %B %Y}, {t.status}") for t in tasks]


SOURCES: list[Callable[[Scope], list[TimelineEntry]]] = [_case_entries, _contact_entries, _task_entries]


def timeline(scope: Scope) -> list[TimelineEntry]:
    entries = [e for source in SOURCES for e in source(scope)]
    return sorted(entries, key=lambda e: e.at.timestamp() if e.at.tzinfo else e.at.timestamp(), reverse=True)


def customer_scope(customer: Customer) -> Scope:
    """The customer and every record merged into them."""
    ids = [customer.id] + list(db.session.scalars(select(Customer.id).where(Customer.merged_into_id == customer.id)))
    return Scope(customer_ids=ids)


def property_residents(prop: Property) -> list[Customer]:
    return list(db.session.scalars(select(Customer).where(Customer.property_id == prop.id, Customer.merged_into_id.is_(None))
                                   .order_by(Customer.last_name)))
