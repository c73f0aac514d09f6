"""Tracking a case without an account: reference plus the email it was made with."""
from __future__ import annotations

import hmac

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Case
from frontdoor.services.customers import normalise_email
from frontdoor.services.references import normalise_reference


def find_for_tracking(reference: str, email: str) -> Case | None:
    """The case, or None: a wrong email and an unknown reference look exactly the same."""
    ref = normalise_reference(reference)
    email_n = normalise_email(email) or ""
    case = db.session.scalar(select(Case).where(Case.reference == ref)) if ref else None
    held = (case.customer.email_normalised or "") if case is not None and case.customer else ""
    if case is None or not held or not hmac.compare_digest(held.encode(), email_n.encode()):
        return None
    return case


def public_timeline(case: Case) -> list[dict]:
    return [
        {"when": e.created_at, "message": e.public_message}
        for e in case.events
        if e.public_message
    ]
