"""Tracking without an account: a reference plus the email (or phone) it was made with.

Every reference the council issues is accepted: a request's, a bulky booking's (the same as its
request's; older bookings had their own) and a garden waste subscription's ("GW-...").
"""
from __future__ import annotations

import hmac

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Booking, Case, Customer, GardenSubscription
from frontdoor.services.customers import case_contact_details, normalise_email
from frontdoor.services.references import is_subscription_reference, normalise_issued_reference
from workflows.validation import normalise_phone


def find_for_tracking(reference: str, email: str) -> Case | None:
    """The case, or None: a wrong email (or phone) and an unknown reference look exactly the same.

    `email` may be the email address or the phone number the request was made with.
    """
    ref = normalise_issued_reference(reference)
    if ref is None or is_subscription_reference(ref):
        return None
    by_phone, secret = _secret(email)
    case = db.session.scalar(select(Case).where(Case.reference == ref))
    if case is None:  # a booking made before it shared its request's reference
        case = db.session.scalar(select(Case).join(Booking, Booking.case_id == Case.id).where(Booking.reference == ref))
    if case is None or not secret:
        return None
    return case if _matches(_held_details(case, by_phone), secret) else None


def find_subscription_for_tracking(reference: str, email: str) -> GardenSubscription | None:
    """A garden waste subscription by its reference and its subscriber's email or phone, or None."""
    ref = normalise_issued_reference(reference)
    if ref is None or not is_subscription_reference(ref):
        return None
    by_phone, secret = _secret(email)
    sub = db.session.scalar(select(GardenSubscription).where(GardenSubscription.reference == ref,
                                                             GardenSubscription.status != "pending_payment"))
    customer = db.session.get(Customer, sub.customer_id) if sub is not None and sub.customer_id else None
    if customer is None or not secret:
        return None
    held = [customer.phone_e164 if by_phone else customer.email_normalised]
    return sub if _matches([h for h in held if h], secret) else None


def booking_for_case(case: Case) -> Booking | None:
    return db.session.scalar(select(Booking).where(Booking.case_id == case.id))


def _secret(given: str) -> tuple[bool, str]:
    given = (given or "").strip()
    by_phone = "@" not in given
    return by_phone, (normalise_phone(given) or "") if by_phone and given else (normalise_email(given) or "")


def _matches(held: list[str], secret: str) -> bool:
    matched = False
    for value in held:  # every comparison made, so the time says nothing
        matched |= hmac.compare_digest(value.encode(), secret.encode())
    return matched


def _held_details(case: Case, by_phone: bool) -> list[str]:
    """What the case was made with (its own answers) and the customer's own details; never details
    another, anonymous request gave (those stay on that request: customers.match_or_create)."""
    given = case_contact_details(case)
    held = [normalise_phone(given["phone"]) if by_phone else normalise_email(given["email"])] if (
        given.get("phone" if by_phone else "email")) else []
    if case.customer is not None:
        held.append(case.customer.phone_e164 if by_phone else case.customer.email_normalised)
    return [h for h in held if h]


def public_timeline(case: Case) -> list[dict]:
    return [
        {"when": e.created_at, "message": e.public_message}
        for e in case.events
        if e.public_message
    ]
