"""Shared set-up for the bulky waste tests: a bulky round, a slot on the first bookable day, a paying resident."""
from __future__ import annotations

from flask import current_app

from frontdoor.extensions import db
from frontdoor.models import TestProviderPayment
from frontdoor.models.base import utcnow
from frontdoor.services import bulky, payments, slots
from frontdoor.services.registry import working_calendar
from tests import factories
from workflows.booking import bookable_days

ANSWERS = {"location": "Front garden by the gate", "full_name": "Sam Resident", "email": "sam@example.com"}


def first_days(n: int = 2):
    return bookable_days(working_calendar(), utcnow(), bulky.booking_rules())[:n]


def bulky_slot(capacity: int = 40, day=None, booked: int = 0):
    rnd = factories.collection_round("bulky", 0)
    slot = slots.ensure_slot(rnd.id, day or first_days(1)[0], capacity)
    slot.booked = booked
    db.session.flush()
    return slot


def start_payment(booking, answers=None):
    with current_app.test_request_context():
        return bulky.start_payment(booking, {**ANSWERS, **(answers or {}), "address": booking.property.uprn})


def provider_says(payment, outcome: str) -> None:
    """What the test provider's hosted page records when the payer chooses an outcome."""
    db.session.get(TestProviderPayment, payment.provider_id).status = outcome
    db.session.flush()


def pay(booking, outcome: str = "success"):
    payment = start_payment(booking)
    provider_says(payment, outcome)
    with current_app.test_request_context():
        return payments.confirm(payment)
