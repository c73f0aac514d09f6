"""Data protection: anonymise closed cases past their service's retention period, and export
everything held about a person for a subject access request.

Retention is data: `retention: {closed_days: N}` at the top of a workflow definition. A service
without it keeps cases (the council decides per service).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Case, Contact, Customer
from frontdoor.models.base import utcnow
from frontdoor.services.registry import registry

REMOVED = "[removed]"
MARK = "_anonymised_at"


def retention_days(definition) -> int | None:
    return ((definition.raw or {}).get("retention") or {}).get("closed_days")


def anonymise_expired(now: datetime | None = None, limit: int = 500) -> int:
    """Anonymise up to `limit` closed cases past retention. Flushes; the caller commits. Safe to re-run."""
    now = now or utcnow()
    done = 0
    for definition in registry().all():
        days = retention_days(definition)
        if not days:
            continue
        personal = [q for q in (definition.customer_fields or {}).values() if q]
        cases = db.session.scalars(
            select(Case).where(Case.workflow_id == definition.id, Case.state_category == "closed",
                               Case.closed_at < now - timedelta(days=days)).order_by(Case.id).limit(limit)
        ).all()
        for case in cases:
            if (case.answers or {}).get(MARK):
                continue
            answers = dict(case.answers or {})
            for question in personal:
                if question in answers:
                    answers[question] = REMOVED
            answers[MARK] = now.isoformat()
            case.answers = answers
            customer = case.customer
            case.customer_id = None
            case.customer = None
            for contact in db.session.scalars(select(Contact).where(Contact.case_id == case.id)):
                contact.customer_id = None
            db.session.flush()
            if customer is not None and not _has_other_records(customer):
                _anonymise_customer(customer)
            done += 1
    db.session.flush()
    return done


def _has_other_records(customer: Customer) -> bool:
    return db.session.scalar(select(Case.id).where(Case.customer_id == customer.id).limit(1)) is not None


def _anonymise_customer(customer: Customer) -> None:
    customer.first_name, customer.last_name = REMOVED, ""
    customer.email = customer.email_normalised = None
    customer.phone = customer.phone_e164 = None
    customer.flags = {}


def subject_access_export(customer: Customer) -> dict:
    """Everything held about one person, as JSON-ready data."""
    cases = db.session.scalars(select(Case).where(Case.customer_id == customer.id).order_by(Case.id)).all()
    contacts = db.session.scalars(select(Contact).where(Contact.customer_id == customer.id).order_by(Contact.id)).all()

    def iso(value):
        return value.isoformat() if value else None

    return {
        "generated_at": utcnow().isoformat(),
        "customer": {
            "id": customer.id, "first_name": customer.first_name, "last_name": customer.last_name,
            "email": customer.email, "phone": customer.phone, "contact_preference": customer.contact_preference,
            "address": customer.property.single_line if customer.property else None,
            "created_at": iso(customer.created_at),
        },
        "cases": [
            {
                "reference": c.reference, "service": c.workflow_id, "state": c.state, "channel": c.channel,
                "answers": c.answers, "created_at": iso(c.created_at), "closed_at": iso(c.closed_at),
                "events": [{"kind": e.kind, "at": iso(e.created_at), "public_message": e.public_message,
                            "internal_note": e.internal_note} for e in c.events],
            }
            for c in cases
        ],
        "contacts": [{"channel": x.channel, "reason": x.reason, "outcome": x.outcome, "case_id": x.case_id}
                     for x in contacts],
    }
