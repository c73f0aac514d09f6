"""Notes about a customer rather than one case. Append-only, audited, shown in the customer's history."""
from __future__ import annotations

from frontdoor.extensions import db
from frontdoor.models import Customer, CustomerNote, StaffUser
from frontdoor.services import audit

MAX_LENGTH = 5000


class NoteRefused(Exception):
    """The message is for the person who asked; nothing was saved."""


def add(customer: Customer, staff: StaffUser, text: str) -> CustomerNote:
    text = (text or "").strip()
    if not text:
        raise NoteRefused("Enter the note")
    if customer.merged_into_id is not None:
        raise NoteRefused("This record was merged: add the note to the record it was merged into")
    note = CustomerNote(customer_id=customer.id, staff_id=staff.id, text=text[:MAX_LENGTH])
    db.session.add(note)
    db.session.flush()
    audit.record(staff, "write", "customer.note", customer_id=customer.id, note_id=note.id)
    return note
