"""The one path that records a contact, on every channel, with the repeat-contact rule."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.metrics import rollups
from frontdoor.models import Case, Contact, Customer, StaffUser
from frontdoor.models.base import utcnow

REPEAT_WINDOW = timedelta(days=7)
GENERAL_ENQUIRY = "general_enquiry"


def is_repeat(customer_id: int | None, reason: str, at: datetime) -> bool:
    """A contact by the same customer about the same service within 7 days of an earlier one."""
    if customer_id is None:
        return False
    earlier = db.session.scalar(
        select(Contact.id).where(
            Contact.customer_id == customer_id,
            Contact.reason == reason,
            Contact.started_at >= at - REPEAT_WINDOW,
            Contact.started_at <= at,
        ).limit(1)
    )
    return earlier is not None


def record_contact(
    *,
    channel: str,
    reason: str,
    outcome: str,
    customer: Customer | None = None,
    case: Case | None = None,
    staff: StaffUser | None = None,
    duration_seconds: int | None = None,
    started_at: datetime | None = None,
    new_customer: bool = False,
) -> Contact:
    """`new_customer`: the customer was created by this request, so there is no earlier contact to look for.

    With `staff`, the outcome is the one they chose and is stored as it is; where the repeat rule
    disagrees, its outcome goes in rule_outcome. Without (self-service), the rule decides."""
    started_at = started_at or utcnow()
    customer_id = customer.id if customer else None
    rule_outcome = None
    if outcome != "repeat" and not new_customer and is_repeat(customer_id, reason, started_at):
        if staff is None:
            outcome = "repeat"
        else:
            rule_outcome = "repeat"
    contact = Contact(
        channel=channel,
        reason=reason,
        outcome=outcome,
        rule_outcome=rule_outcome,
        customer_id=customer_id,
        case_id=case.id if case else None,
        staff_id=staff.id if staff else None,
        duration_seconds=duration_seconds,
        started_at=started_at,
    )
    db.session.add(contact)
    db.session.flush()
    # The dashboards' rollup counts it after the commit (same transaction, so never lost or doubled).
    rollups.note_contact(contact.id)
    return contact


def attach_caller(contact_ids: list[int], customer: Customer, staff: StaffUser) -> int:
    """An anonymous contact is identified: what was recorded in it so far, by this member of staff and
    not yet anyone's, becomes the customer's. Returns how many contacts moved. Flushes, never commits."""
    rows = list(db.session.scalars(select(Contact).where(Contact.id.in_(contact_ids or [-1]), Contact.staff_id == staff.id,
                                                          Contact.customer_id.is_(None))))
    for contact in rows:
        contact.customer_id = customer.id
    db.session.flush()
    return len(rows)
