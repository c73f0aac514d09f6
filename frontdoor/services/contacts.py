"""The one path that records a contact."""
from __future__ import annotations

from frontdoor.extensions import db
from frontdoor.metrics import rollups
from frontdoor.models import Case, Contact, Customer, StaffUser

SELF_SERVICE_CHANNELS = ("web", "api")


def record_contact(
    *,
    channel: str,
    reason: str,
    outcome: str,
    customer: Customer | None = None,
    case: Case | None = None,
    staff: StaffUser | None = None,
    duration_seconds: int | None = None,
) -> Contact:
    contact = Contact(
        channel=channel,
        reason=reason,
        outcome=outcome,
        customer_id=customer.id if customer else None,
        case_id=case.id if case else None,
        staff_id=staff.id if staff else None,
        duration_seconds=duration_seconds,
    )
    db.session.add(contact)
    db.session.flush()
    # The dashboards' rollup counts it after the commit (same transaction, so never lost or doubled).
    rollups.note_contact(contact.id)
    return contact
