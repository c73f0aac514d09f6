"""Tracking a case without an account: reference plus the email it was made with."""
from __future__ import annotations

import hmac

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Case
from frontdoor.services.customers import normalise_email
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
    held = ""
    if case is not None and case.customer:
        held = (case.customer.phone_e164 if by_phone else case.customer.email_normalised) or ""
    if case is None or not held or not secret or not hmac.compare_digest(held.encode(), secret.encode()):
        return None
    return case


def public_timeline(case: Case) -> list[dict]:
    return [
        {"when": e.created_at, "message": e.public_message}
        for e in case.events
        if e.public_message
    ]
