"""The single view of a customer, and of a property: every case, contact, task, payment, booking and
subscription in one timeline, newest first, a page at a time.

Each source gives two things: the keys of its rows in a scope (when, and an id) as a SELECT, and a
loader that turns a page's ids into TimelineEntry rows. The keys of every source go into one
UNION ALL that is sorted and cut to a page in the database, so a customer with thousands of contacts
costs one small query plus one per kind on the page, whatever the page holds.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import Select, and_, literal, or_, select, true, union_all
from sqlalchemy import case as sql_case
from sqlalchemy.orm import joinedload

from frontdoor.extensions import db
from frontdoor.metrics.definitions import OUTCOME_LABELS  # noqa: F401 (the customer page's labels)
from frontdoor.models import (Booking, Case, Contact, Customer, CustomerNote, GardenSubscription, Notification, Payment,
                              Property, StaffUser, Task)
from frontdoor.services import visibility
from frontdoor.services.registry import definition as get_definition

PAGE_SIZE = 50
PANEL_LIMIT = 10  # bookings and subscriptions listed beside the profile


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # case, contact, task, payment, booking, subscription, note
    title: str
    detail: str = ""
    reference: str | None = None  # the case the entry belongs to: its detail page
    subscription_ref: str | None = None  # the garden waste subscription it belongs to: its staff page


@dataclass
class TimelinePage:
    entries: list[TimelineEntry]
    page: int
    has_more: bool


@dataclass
class Scope:
    customer_ids: list[int] | None = None
    property_id: int | None = None
    # Who is looking: only the cases they may see (services/visibility.py), and the contacts, tasks,
    # bookings and payments of those cases. None only for the system (exports, jobs, tests).
    viewer: StaffUser | None = None

    def cases(self):
        return visibility.cases(self.viewer) if self.viewer is not None else true()

    def case_rows(self, case_id_column):
        return visibility.case_rows(self.viewer, case_id_column) if self.viewer is not None else true()


@dataclass(frozen=True)
class Source:
    kind: str
    keys: Callable[[Scope], Select | None]  # SELECT at, id for the scope; None when it has nothing there
    load: Callable[[list[int]], dict[int, TimelineEntry]]


def service_title(workflow_id: str) -> str:
    definition = get_definition(workflow_id)
    return definition.title if definition else workflow_id.replace("_", " ").capitalize()


def pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def _label(value: str) -> str:
    return value.replace("_", " ")


def cases_in(scope: Scope) -> list[Case]:
    query = select(Case).where(scope.cases())
    if scope.customer_ids is not None:
        query = query.where(Case.customer_id.in_(scope.customer_ids))
    if scope.property_id is not None:
        query = query.where(Case.property_id == scope.property_id)
    open_first = sql_case((Case.state_category == "closed", 1), else_=0)
    return list(db.session.scalars(query.order_by(open_first, Case.created_at.desc()).limit(200)))


def _contact_filter(scope: Scope):
    if scope.customer_ids is not None:
        return and_(Contact.customer_id.in_(scope.customer_ids), scope.case_rows(Contact.case_id))
    living = select(Customer.id).where(Customer.property_id == scope.property_id)
    cases = select(Case.id).where(Case.property_id == scope.property_id)
    return and_(or_(Contact.customer_id.in_(living), Contact.case_id.in_(cases)), scope.case_rows(Contact.case_id))


def contacts_in(scope: Scope) -> list[Contact]:
    query = select(Contact).where(_contact_filter(scope))
    return list(db.session.scalars(query.order_by(Contact.started_at.desc()).limit(200)))


def _bookings_filter(scope: Scope):
    if scope.customer_ids is not None:
        return and_(Booking.customer_id.in_(scope.customer_ids), scope.case_rows(Booking.case_id))
    return and_(Booking.property_id == scope.property_id, scope.case_rows(Booking.case_id))


def _subscriptions_filter(scope: Scope):
    if scope.customer_ids is not None:
        return GardenSubscription.customer_id.in_(scope.customer_ids)
    return GardenSubscription.property_id == scope.property_id


def bookings_in(scope: Scope, limit: int = PANEL_LIMIT) -> list[tuple[Booking, str | None]]:
    """Bookings that were taken (not a hold that lapsed), newest first, with their case reference."""
    query = (select(Booking, Case.reference).outerjoin(Case, Booking.case_id == Case.id)
             .where(_bookings_filter(scope), Booking.status.notin_(("held", "expired")))
             .order_by(Booking.created_at.desc(), Booking.id.desc()).limit(limit))
    return [tuple(row) for row in db.session.execute(query)]


def subscriptions_in(scope: Scope, limit: int = PANEL_LIMIT) -> list[GardenSubscription]:
    query = (select(GardenSubscription).where(_subscriptions_filter(scope))
             .order_by(GardenSubscription.ends_on.desc(), GardenSubscription.id.desc()).limit(limit))
    return list(db.session.scalars(query))


# --- sources ----------------------------------------------------------------------------------

def _case_keys(scope: Scope) -> Select:
    query = select(Case.created_at, Case.id).where(scope.cases())
    if scope.customer_ids is not None:
        return query.where(Case.customer_id.in_(scope.customer_ids))
    return query.where(Case.property_id == scope.property_id)


def _case_load(ids: list[int]) -> dict[int, TimelineEntry]:
    return {c.id: TimelineEntry(c.created_at, "case", f"{service_title(c.workflow_id)} raised ({_label(c.channel)})",
                                f"State: {_label(c.state)}", c.reference)
            for c in db.session.scalars(select(Case).where(Case.id.in_(ids)))}


def _contact_keys(scope: Scope) -> Select:
    return select(Contact.started_at, Contact.id).where(_contact_filter(scope))


def _contact_load(ids: list[int]) -> dict[int, TimelineEntry]:
    out = {}
    rows = db.session.execute(select(Contact, Case.reference).outerjoin(Case, Contact.case_id == Case.id)
                              .where(Contact.id.in_(ids)))
    for c, reference in rows:
        reason = "General enquiry" if c.reason == "general_enquiry" else service_title(c.reason)
        duration = f", {c.duration_seconds // 60} min {c.duration_seconds % 60} s" if c.duration_seconds else ""
        out[c.id] = TimelineEntry(c.started_at, "contact", f"{_label(c.channel).capitalize()} contact: {reason}",
                                  f"{OUTCOME_LABELS.get(c.outcome, c.outcome)}{duration}", reference)
    return out


def _task_keys(scope: Scope) -> Select | None:
    if scope.customer_ids is None:
        return None
    return select(Task.created_at, Task.id).where(Task.customer_id.in_(scope.customer_ids), scope.case_rows(Task.case_id))


def _task_load(ids: list[int]) -> dict[int, TimelineEntry]:
    rows = db.session.execute(select(Task, Case.reference).outerjoin(Case, Task.case_id == Case.id)
                              .options(joinedload(Task.team)).where(Task.id.in_(ids)))
    return {t.id: TimelineEntry(t.created_at, "task", f"Task for {t.team.name}: {t.title}",
                                f"Due {t.due_on:%-d %B %Y}, {t.status}", reference) for t, reference in rows}


def _booking_keys(scope: Scope) -> Select:
    return select(Booking.created_at, Booking.id).where(_bookings_filter(scope), Booking.status.notin_(("held", "expired")))


def _booking_load(ids: list[int]) -> dict[int, TimelineEntry]:
    rows = db.session.execute(select(Booking, Case.reference).outerjoin(Case, Booking.case_id == Case.id)
                              .where(Booking.id.in_(ids)))
    return {b.id: TimelineEntry(b.created_at, "booking", f"Bulky waste collection booked for {b.slot.day:%-d %B %Y}",
                                f"Booking {b.reference}, {_label(b.status)}, {pounds(b.amount_pence) if b.amount_pence else 'free'}",
                                reference) for b, reference in rows}


def _subscription_keys(scope: Scope) -> Select:
    return select(GardenSubscription.created_at, GardenSubscription.id).where(_subscriptions_filter(scope))


def _subscription_load(ids: list[int]) -> dict[int, TimelineEntry]:
    out = {}
    for s in db.session.scalars(select(GardenSubscription).where(GardenSubscription.id.in_(ids))):
        bins = f"{s.bins} bin{'s' if s.bins > 1 else ''}"
        action = "renewed" if s.kind == "renew" else "taken out"
        out[s.id] = TimelineEntry(s.created_at, "subscription", f"Garden waste subscription {action} ({bins})",
                                  f"{s.starts_on:%-d %B %Y} to {s.ends_on:%-d %B %Y}, {_label(s.status)}",
                                  subscription_ref=s.reference)
    return out


def _payment_keys(scope: Scope) -> Select:
    bookings = select(Booking.id).where(_bookings_filter(scope))
    subscriptions = select(GardenSubscription.id).where(_subscriptions_filter(scope))
    return (select(Payment.created_at, Payment.id)
            .where(or_(Payment.booking_id.in_(bookings), Payment.subscription_id.in_(subscriptions))))


def _payment_load(ids: list[int]) -> dict[int, TimelineEntry]:
    rows = db.session.execute(select(Payment, Case.reference, GardenSubscription.reference)
                              .outerjoin(Booking, Payment.booking_id == Booking.id)
                              .outerjoin(Case, Booking.case_id == Case.id)
                              .outerjoin(GardenSubscription, Payment.subscription_id == GardenSubscription.id)
                              .where(Payment.id.in_(ids)))
    out = {}
    for p, reference, subscription_ref in rows:
        refunded = f", {pounds(p.refunded_pence)} refunded" if p.refunded_pence else ""
        out[p.id] = TimelineEntry(p.created_at, "payment", f"Payment of {pounds(p.amount_pence)}: {p.description}",
                                  f"{_label(p.status).capitalize()}, reference {p.reference}{refunded}", reference,
                                  subscription_ref)
    return out


def _note_keys(scope: Scope) -> Select | None:
    if scope.customer_ids is None:
        return None
    return select(CustomerNote.created_at, CustomerNote.id).where(CustomerNote.customer_id.in_(scope.customer_ids))


def _note_load(ids: list[int]) -> dict[int, TimelineEntry]:
    rows = db.session.scalars(select(CustomerNote).options(joinedload(CustomerNote.staff)).where(CustomerNote.id.in_(ids)))
    return {n.id: TimelineEntry(n.created_at, "note", f"Note by {n.staff.name if n.staff else 'System'}", n.text)
            for n in rows}


SOURCES: list[Source] = [
    Source("case", _case_keys, _case_load),
    Source("contact", _contact_keys, _contact_load),
    Source("task", _task_keys, _task_load),
    Source("booking", _booking_keys, _booking_load),
    Source("subscription", _subscription_keys, _subscription_load),
    Source("payment", _payment_keys, _payment_load),
    Source("note", _note_keys, _note_load),
]


def timeline(scope: Scope, page: int = 1, per_page: int = PAGE_SIZE) -> TimelinePage:
    """One page of the timeline, newest first; ties broken by kind and id so pages never overlap."""
    page = max(1, page)
    parts = []
    for source in SOURCES:
        keys = source.keys(scope)
        if keys is not None:
            at, ident = keys.selected_columns
            parts.append(keys.with_only_columns(at.label("at"), literal(source.kind).label("kind"), ident.label("id")))
    keys = union_all(*parts).subquery()
    rows = db.session.execute(select(keys.c.at, keys.c.kind, keys.c.id)
                              .order_by(keys.c.at.desc(), keys.c.kind, keys.c.id.desc())
                              .limit(per_page + 1).offset((page - 1) * per_page)).all()
    has_more = len(rows) > per_page
    rows = rows[:per_page]
    loaded = {}
    for source in SOURCES:
        ids = [r.id for r in rows if r.kind == source.kind]
        if ids:
            loaded[source.kind] = source.load(ids)
    entries = [loaded[r.kind][r.id] for r in rows if r.id in loaded.get(r.kind, {})]
    return TimelinePage(entries, page, has_more)


def customer_scope(customer: Customer, viewer: StaffUser | None = None) -> Scope:
    """The customer and every record merged into them, as `viewer` may see them."""
    ids = [customer.id] + list(db.session.scalars(select(Customer.id).where(Customer.merged_into_id == customer.id)))
    return Scope(customer_ids=ids, viewer=viewer)


def property_residents(prop: Property) -> list[Customer]:
    return list(db.session.scalars(select(Customer).where(Customer.property_id == prop.id, Customer.merged_into_id.is_(None))
                                   .order_by(Customer.last_name)))


# --- the caller in view: what an advisor keeps on screen for the whole of a contact ----------------

FLAG_LABELS = {"vulnerable": "Vulnerable", "assisted_collection": "Assisted collection", "call_back": "Needs a call back"}
CALLER_LIMIT = 3  # last contacts and payments: the summary is a glance, the single view has the rest


@dataclass
class CallerSummary:
    customer: Customer
    flags: list[str]
    open_cases: list[Case]
    other_cases: int  # closed cases this viewer may see
    last_contacts: list[Contact]
    payments: list[Payment]


def caller_summary(customer: Customer, viewer: StaffUser) -> CallerSummary:
    """Name, flags, open requests, the last contacts and payments, as `viewer` may see them."""
    scope = customer_scope(customer, viewer)
    cases = cases_in(scope)
    payment_ids = _payment_keys(scope).with_only_columns(Payment.id)
    payments = list(db.session.scalars(select(Payment).where(Payment.id.in_(payment_ids))
                                       .order_by(Payment.created_at.desc(), Payment.id.desc()).limit(CALLER_LIMIT)))
    contacts = list(db.session.scalars(select(Contact).where(_contact_filter(scope))
                                       .order_by(Contact.started_at.desc(), Contact.id.desc()).limit(CALLER_LIMIT)))
    flags = [label for key, label in FLAG_LABELS.items() if (customer.flags or {}).get(key)]
    open_cases = [c for c in cases if c.state_category != "closed"]
    return CallerSummary(customer, flags, open_cases, len(cases) - len(open_cases), contacts, payments)


# --- payments and refunds, and the messages sent: sections of the single view ------------------

SECTION_LIMIT = 20


def payments_in(scope: Scope, limit: int = SECTION_LIMIT) -> list[Payment]:
    """The payments of the scope's bookings and subscriptions this viewer may see, newest first; each
    with its refunds (Payment.refunds)."""
    ids = _payment_keys(scope).with_only_columns(Payment.id)
    return list(db.session.scalars(select(Payment).where(Payment.id.in_(ids))
                                   .order_by(Payment.created_at.desc(), Payment.id.desc()).limit(limit)))


def messages_to(customer: Customer, scope: Scope, limit: int = SECTION_LIMIT) -> list[tuple[Notification, str | None]]:
    """Messages sent (or stored) for this customer: those about their cases the viewer may see, and
    those with no case (account emails) sent to their email or phone, only for a viewer who sees
    everything, the rule of the messages page (services/visibility.py). Each with its case's reference."""
    their_cases = select(Case.id).where(Case.customer_id.in_(scope.customer_ids or [-1]), scope.cases())
    about_cases = Notification.case_id.in_(their_cases)
    addresses = [a for a in (customer.email_normalised, customer.email, customer.phone_e164, customer.phone) if a]
    sees_all = scope.viewer is None or visibility.sees_everything(scope.viewer)
    where = or_(about_cases, and_(Notification.case_id.is_(None), Notification.recipient.in_(addresses))) \
        if sees_all and addresses else about_cases
    rows = db.session.execute(select(Notification, Case.reference).outerjoin(Case, Notification.case_id == Case.id)
                              .where(where).order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))
    return [(n, reference) for n, reference in rows]
