"""Tracking a case without an account: reference plus the email it was made with."""
from __future__ import annotations

import hmac

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Case
from frontdoor.services.customers import case_contact_details, normalise_email
from frontdoor.services.references import normalise_reference
from workflows.validation import normalise_phone


def find_for_tracking(reference: str, email: str) -> Case | None:
    """The case, or None: a wrong email (or phone) and an unknown reference look exactly the same.

    `email` may be the email address or the phone number the request was made with.
    """
    ref = normalise_reference(reference)
    given = (email or "").strip()
    by_phone = "@" not in given
    secret = (normalise_phone(given) or "") if by_phone and given else (normalise_email(given) or "")
    case = db.session.scalar(select(Case).where(Case.reference == ref)) if ref else None
    if case is None or not secret:
        return None
    matched = False
    for held in _held_details(case, by_phone):  # every comparison made, so the time says nothing
        matched |= hmac.compare_digest(held.encode(), secret.encode())
    return case if matched else None


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
