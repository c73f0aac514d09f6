"""What is personal data, table by table, and how it is removed: one declaration that account
closure (services/accounts.py) and retention (services/retention.py) both apply.

`PERSONAL_DATA` is the declaration: for each table, each column that can hold something about a
person and what it becomes. `erase_case` applies the case-side rows (the case's answers, its history,
its messages, feedback, tasks, bookings); `erase_customer` the person-side rows (the customer, the
search-names table, messages addressed to them, bookings, subscriptions, tasks, audit details).
tests/security/test_personal_data.py scans every column of every table afterwards; a table added
later that holds the person's name, email, phone or address fails that test until it is declared here.
"""
from __future__ import annotations

from sqlalchemy import String, cast, delete, or_, select

from frontdoor.extensions import db
from frontdoor.models import (AccountToken, AuditLog, Booking, Case, CaseEvent, Customer, CustomerName, Feedback,
                              GardenSubscription, Notification, OutboxMessage, ResidentAccount, Task)
from frontdoor.services.workflow_versions import for_case

REMOVED = "[removed]"
# Answers to these question types are choices or keys (a UPRN; the case keeps its property for ward
# statistics), never what a person typed; every other answer is removed.
KEPT_ANSWER_TYPES = frozenset({"radios", "checkboxes", "yes_no", "number", "date", "address", "information"})

# table -> column -> what it becomes. "unlink": the foreign key is cleared; "delete": the row goes.
PERSONAL_DATA: dict[str, dict[str, object]] = {
    "customers": {"first_name": REMOVED, "last_name": "", "email": None, "email_normalised": None, "phone": None,
                  "phone_e164": None, "search_name": None, "property_id": "unlink", "contact_preference": "none",
                  "flags": {"anonymised": True}},
    "customer_names": {"name": "delete"},  # when no other customer has the same name
    "resident_accounts": {"email_normalised": None, "password_hash": None},
    "account_tokens": {"data": "delete"},  # a change of email holds the new address
    "cases": {"answers": "free text and contact answers -> [removed] (KEPT_ANSWER_TYPES stay)", "customer_id": "unlink"},
    "case_events": {"public_message": REMOVED, "internal_note": REMOVED,
                    "data": "strings -> [removed] (contact_as_given, a file's name, a note's text)"},
    "notifications": {"recipient": REMOVED, "subject": REMOVED, "body": REMOVED},
    "outbox": {"payload": "strings -> [removed] once delivered or failed; ids and kinds stay"},
    "feedback": {"comment": REMOVED},
    "tasks": {"title": REMOVED, "detail": REMOVED, "customer_id": "unlink"},
    "bookings": {"location": REMOVED, "answers": "strings -> [removed]", "customer_id": "unlink"},
    "garden_subscriptions": {"customer_id": "unlink", "cancel_reason": REMOVED},
    "contacts": {"customer_id": "unlink"},
    "audit_log": {"detail": "strings -> [removed]"},
}


# Keys whose strings name a kind of thing, never a person: kept so a redacted row still reads.
STRUCTURAL_KEYS = frozenset({"template", "kind", "flags", "from_resident"})


def redact(value):
    """Every string inside a JSON value becomes REMOVED; numbers, booleans, the shape and
    STRUCTURAL_KEYS stay."""
    if isinstance(value, str):
        return REMOVED if value else value
    if isinstance(value, dict):
        return {k: v if k in STRUCTURAL_KEYS else redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    return value


def redact_answers(case: Case, answers: dict) -> dict:
    definition = for_case(case)
    kept = {}
    for key, value in answers.items():
        question = definition.question(key) if definition else None
        if key.startswith("_") or (question is not None and question.type in KEPT_ANSWER_TYPES):
            kept[key] = value
        else:
            kept[key] = redact(value)
    return kept


def erase_case(case: Case) -> None:
    """The case-side rows of one case: what the person typed, said or was sent. The case stays."""
    case.answers = redact_answers(case, dict(case.answers or {}))
    for event in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)):
        event.public_message = REMOVED if event.public_message else None
        event.internal_note = REMOVED if event.internal_note else None
        event.data = redact(event.data or {})
    _erase_messages(OutboxMessage.case_id == case.id, Notification.case_id == case.id)
    for feedback in db.session.scalars(select(Feedback).where(Feedback.case_id == case.id, Feedback.comment.is_not(None))):
        feedback.comment = REMOVED
    for task in db.session.scalars(select(Task).where(Task.case_id == case.id)):
        task.title, task.detail, task.customer_id = REMOVED, REMOVED if task.detail else None, None
    for booking in db.session.scalars(select(Booking).where(Booking.case_id == case.id)):
        _erase_booking(booking)
    db.session.flush()


def erase_customer(customer: Customer) -> None:
    """The person-side rows: the customer itself and everything addressed to them or found by them."""
    addresses = [a for a in (customer.email, customer.email_normalised, customer.phone, customer.phone_e164) if a]
    name = customer.search_name
    if addresses:
        _erase_messages(or_(*[cast(OutboxMessage.payload, String).contains(a, autoescape=True) for a in addresses]),
                        Notification.recipient.in_(addresses))
    for booking in db.session.scalars(select(Booking).where(Booking.customer_id == customer.id)):
        _erase_booking(booking)
    for subscription in db.session.scalars(select(GardenSubscription).where(GardenSubscription.customer_id == customer.id)):
        subscription.customer_id = None
        subscription.cancel_reason = REMOVED if subscription.cancel_reason else None
    for task in db.session.scalars(select(Task).where(Task.customer_id == customer.id)):
        task.title, task.detail, task.customer_id = REMOVED, REMOVED if task.detail else None, None
    for row in db.session.scalars(select(AuditLog).where(AuditLog.customer_id == customer.id)):
        row.detail = redact(row.detail or {})
    account_ids = select(ResidentAccount.id).where(ResidentAccount.customer_id == customer.id).scalar_subquery()
    db.session.execute(delete(AccountToken).where(AccountToken.account_id.in_(account_ids)))
    for column, value in PERSONAL_DATA["customers"].items():
        setattr(customer, column, None if value == "unlink" else value)
    db.session.flush()
    if name and db.session.scalar(select(Customer.id).where(Customer.search_name == name).limit(1)) is None:
        db.session.execute(delete(CustomerName).where(CustomerName.name == name))


def _erase_booking(booking: Booking) -> None:
    booking.location = REMOVED if booking.location else booking.location
    booking.answers = redact(booking.answers or {})
    booking.customer_id = None


def _erase_messages(outbox_where, notification_where) -> None:
    """Stored copies of messages, and the outbox payloads they were made from. A row still pending
    keeps its payload until sent (its handler finds nobody to tell once the customer is erased)."""
    for message in db.session.scalars(select(OutboxMessage).where(outbox_where, OutboxMessage.status != "pending")):
        message.payload = redact(message.payload or {})
    for row in db.session.scalars(select(Notification).where(notification_where)):
        row.recipient, row.subject, row.body = REMOVED, REMOVED if row.subject else None, REMOVED
