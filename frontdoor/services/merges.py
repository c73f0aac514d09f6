"""Merge duplicate customers, and undo a merge. Every customer-owned row moves to the survivor;
the merge row keeps the ids of what moved, so undoing moves exactly those back."""
from __future__ import annotations

from sqlalchemy import and_, or_, select, update

from frontdoor.unit_of_work import Refused
from frontdoor.extensions import db
from frontdoor.models import Booking, Case, Contact, Customer, CustomerMerge, GardenSubscription, StaffUser, Task
from frontdoor.models.base import utcnow
from frontdoor.services import audit

# Tables whose rows belong to a customer: (key in CustomerMerge.moved, model). Payments belong to a
# booking or a subscription, so they move with them. A verified account's claim uses this list too.
OWNED = [("cases", Case), ("contacts", Contact), ("tasks", Task), ("bookings", Booking),
         ("subscriptions", GardenSubscription)]


class MergeRefused(Refused):
    """The message is for the person who asked; nothing was changed."""


def check(merged: Customer | None, survivor: Customer | None) -> None:
    if merged is None or survivor is None:
        raise MergeRefused("Customer not found")
    if merged.id == survivor.id:
        raise MergeRefused("You cannot merge a customer into themselves")
    if survivor.merged_into_id is not None:
        raise MergeRefused("The customer to keep has already been merged into another record. Merge into that record instead.")
    if merged.merged_into_id is not None:
        raise MergeRefused("This customer has already been merged")


def merge(merged: Customer, survivor: Customer, staff: StaffUser) -> CustomerMerge:
    check(merged, survivor)
    moved = {}
    for key, model in OWNED:
        ids = list(db.session.scalars(select(model.id).where(model.customer_id == merged.id)))
        if ids:
            db.session.execute(update(model).where(model.id.in_(ids)).values(customer_id=survivor.id)
                               .execution_options(synchronize_session=False))
        moved[key] = ids
    # Fill the survivor's gaps from the merged record, remembering what was filled.
    filled = {}
    for attr in ("email", "phone", "property_id"):
        if getattr(survivor, attr) is None and getattr(merged, attr) is not None:
            filled[attr] = getattr(merged, attr)
            setattr(survivor, attr, getattr(merged, attr))
            if attr == "email":
                survivor.email_normalised = merged.email_normalised
            if attr == "phone":
                survivor.phone_e164 = merged.phone_e164
    moved["filled"] = filled
    merged.merged_into_id = survivor.id
    row = CustomerMerge(merged_id=merged.id, survivor_id=survivor.id, staff_id=staff.id, moved=moved)
    db.session.add(row)
    db.session.flush()
    audit.record(staff, "write", "customer.merge", customer_id=survivor.id, merged_id=merged.id, merge_id=row.id)
    audit.record(staff, "write", "customer.merged_away", customer_id=merged.id, survivor_id=survivor.id, merge_id=row.id)
    db.session.expire_all()
    return row


def undo(row: CustomerMerge, staff: StaffUser) -> CustomerMerge:
    if staff.role != "admin":
        raise MergeRefused("Only an admin can undo a merge")
    if row.reversed_at is not None:
        raise MergeRefused("This merge has already been undone")
    merged = db.session.get(Customer, row.merged_id)
    survivor = db.session.get(Customer, row.survivor_id)
    if survivor.merged_into_id is not None:
        raise MergeRefused("The surviving record has since been merged again; undo that merge first")
    for key, model in OWNED:
        ids = row.moved.get(key) or []
        if ids:
            db.session.execute(update(model).where(model.id.in_(ids), model.customer_id == survivor.id)
                               .values(customer_id=merged.id).execution_options(synchronize_session=False))
    for attr in (row.moved.get("filled") or {}):
        setattr(survivor, attr, None)
        if attr == "email":
            survivor.email_normalised = None
        if attr == "phone":
            survivor.phone_e164 = None
    merged.merged_into_id = None
    row.reversed_at = utcnow()
    row.reversed_by_id = staff.id
    db.session.flush()
    audit.record(staff, "write", "customer.merge_undone", customer_id=merged.id, survivor_id=survivor.id, merge_id=row.id)
    db.session.expire_all()
    return row


def merges_of(customer: Customer) -> list[CustomerMerge]:
    return list(db.session.scalars(select(CustomerMerge).where(
        (CustomerMerge.survivor_id == customer.id) | (CustomerMerge.merged_id == customer.id)).order_by(CustomerMerge.id.desc())))



DUPLICATE_LIMIT = 10


def possible_duplicates(customer: Customer) -> list[tuple[Customer, str]]:
    """Other live records that may be this person: the same name at the same address, or the same
    phone number. Each with why it was flagged; the newest first."""
    same_name_address = and_(Customer.search_name == customer.search_name, Customer.property_id == customer.property_id) \
        if customer.search_name and customer.property_id else None
    same_phone = Customer.phone_e164 == customer.phone_e164 if customer.phone_e164 else None
    tests = [t for t in (same_name_address, same_phone) if t is not None]
    if not tests:
        return []
    rows = db.session.scalars(select(Customer).where(or_(*tests), Customer.id != customer.id, Customer.merged_into_id.is_(None))
                              .order_by(Customer.created_at.desc(), Customer.id.desc()).limit(DUPLICATE_LIMIT))
    out = []
    for other in rows:
        reasons = []
        if customer.search_name and other.search_name == customer.search_name and other.property_id == customer.property_id:
            reasons.append("same name and address")
        if customer.phone_e164 and other.phone_e164 == customer.phone_e164:
            reasons.append("same phone")
        out.append((other, " and ".join(reasons)))
    return out
