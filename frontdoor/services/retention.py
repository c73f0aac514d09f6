"""Data protection: anonymise closed cases past their service's retention period, and export
everything held about a person for a subject access request.

Retention is data: `retention: {closed_days: N}` at the top of a workflow definition. A service
without it keeps cases (the council decides per service). Files go too: the resident's uploads in
the answers and staff attachments, their rows at once and the files themselves through the outbox
once the anonymising commit has happened (a rollback must not leave rows pointing at deleted files).
What else is personal, table by table, is declared once in services/personal_data.py.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select

from frontdoor.extensions import db
from frontdoor.models import Booking, Case, CaseAttachment, CaseEvent, Contact, Customer, GardenSubscription, Payment
from frontdoor.models.base import utcnow
from frontdoor.services import outbox, personal_data, uploads
from frontdoor.services.registry import registry
from frontdoor.services.workflow_versions import for_case

REMOVED = personal_data.REMOVED
MARK = "_anonymised_at"
_FILE_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")  # the random names uploads are stored under


@outbox.handler("remove_files")
def _remove_files(message) -> None:
    folder = uploads.upload_dir()
    for file_id in message.payload.get("file_ids", []):
        if isinstance(file_id, str) and _FILE_ID.fullmatch(file_id):
            (folder / file_id).unlink(missing_ok=True)  # gone already: a retry changes nothing


def retention_days(definition) -> int | None:
    return ((definition.raw or {}).get("retention") or {}).get("closed_days")


def anonymise_expired(now: datetime | None = None, batch_size: int | None = None) -> int:
    """Anonymise every closed case past retention, reading `batch_size` (RETENTION_BATCH_SIZE) at a
    time by id, so each run reaches the end whatever it anonymised before. Flushes; the caller
    commits. Safe to re-run: an anonymised case is passed over."""
    now = now or utcnow()
    batch_size = batch_size or current_app.config["RETENTION_BATCH_SIZE"]
    done = 0
    for definition in registry().all():
        days = retention_days(definition)
        if days:
            done += _anonymise_service(definition, now - timedelta(days=days), now, batch_size)
    db.session.flush()
    return done


def _expired_cases(definition, closed_before: datetime, batch_size: int):
    """The service's expired closed cases, batch by batch (keyset on id: a batch never repeats)."""
    after = 0
    while True:
        batch = db.session.scalars(
            select(Case).where(Case.workflow_id == definition.id, Case.state_category == "closed",
                               Case.closed_at < closed_before, Case.id > after).order_by(Case.id).limit(batch_size)
        ).all()
        yield from batch
        if len(batch) < batch_size:
            return
        after = batch[-1].id


def _anonymise_service(definition, closed_before: datetime, now: datetime, batch_size: int) -> int:
    personal = [q for q in (definition.customer_fields or {}).values() if q]
    done = 0
    for case in _expired_cases(definition, closed_before, batch_size):
        if (case.answers or {}).get(MARK):
            continue
        answers = dict(case.answers or {})
        for question in personal:
            if question in answers:
                answers[question] = REMOVED
        file_ids = _remove_answer_files(case, answers) + _remove_attachments(case)
        answers[MARK] = now.isoformat()
        case.answers = answers
        personal_data.erase_case(case)
        if file_ids:
            outbox.add("remove_files", {"file_ids": file_ids}, case)
        customer = case.customer
        case.customer_id = None
        case.customer = None
        for contact in db.session.scalars(select(Contact).where(Contact.case_id == case.id)):
            contact.customer_id = None
        db.session.flush()
        if customer is not None and not _has_other_records(customer):
            personal_data.erase_customer(customer)
        done += 1
    return done


def _remove_answer_files(case: Case, answers: dict) -> list[str]:
    """The resident's uploads: the answer becomes REMOVED; returns the stored names to delete."""
    definition = for_case(case)
    ids = []
    for key, value in list(answers.items()):
        question = definition.question(key) if definition else None
        if question is not None and question.type == "file" and isinstance(value, list):
            ids += [f["id"] for f in value if isinstance(f, dict) and isinstance(f.get("id"), str)]
            answers[key] = REMOVED
    return ids


def _remove_attachments(case: Case) -> list[str]:
    """Staff attachments: rows deleted, their file names in the history removed too (a name can be personal)."""
    rows = list(db.session.scalars(select(CaseAttachment).where(CaseAttachment.case_id == case.id)))
    for row in rows:
        db.session.delete(row)
    for event in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "attachment")):
        event.data = {**(event.data or {}), "name": REMOVED}
    return [row.file_id for row in rows]


def _has_other_records(customer: Customer) -> bool:
    return db.session.scalar(select(Case.id).where(Case.customer_id == customer.id).limit(1)) is not None


def subject_access_export(customer: Customer) -> dict:
    """Everything held about one person, as JSON-ready data."""
    cases = db.session.scalars(select(Case).where(Case.customer_id == customer.id).order_by(Case.id)).all()
    contacts = db.session.scalars(select(Contact).where(Contact.customer_id == customer.id).order_by(Contact.id)).all()
    attachments = db.session.execute(select(CaseAttachment, Case.reference).join(Case, CaseAttachment.case_id == Case.id)
                                     .where(Case.customer_id == customer.id).order_by(CaseAttachment.id)).all()
    bookings = db.session.scalars(select(Booking).where(Booking.customer_id == customer.id).order_by(Booking.id)).all()
    subscriptions = db.session.scalars(select(GardenSubscription).where(GardenSubscription.customer_id == customer.id)
                                       .order_by(GardenSubscription.id)).all()
    payments = db.session.scalars(select(Payment).where(or_(
        Payment.booking_id.in_([b.id for b in bookings]), Payment.subscription_id.in_([s.id for s in subscriptions])
    )).order_by(Payment.id)).all()

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
        "contacts": [{"channel": x.channel, "reason": x.reason, "outcome": x.outcome, "case_id": x.case_id,
                      "at": iso(x.started_at)} for x in contacts],
        "attachments": [{"case": reference, "name": a.name, "kind": a.kind, "size": a.size,
                         "visible_to_resident": a.visible_to_resident, "at": iso(a.created_at)}
                        for a, reference in attachments],
        "bookings": [{"reference": b.reference, "service": b.workflow_id, "status": b.status, "items": b.items,
                      "amount_pence": b.amount_pence, "created_at": iso(b.created_at)} for b in bookings],
        "subscriptions": [{"reference": s.reference, "bins": s.bins, "starts_on": iso(s.starts_on),
                           "ends_on": iso(s.ends_on), "status": s.status, "amount_pence": s.amount_pence}
                          for s in subscriptions],
        "payments": [{"reference": p.reference, "service": p.service, "description": p.description,
                      "amount_pence": p.amount_pence, "refunded_pence": p.refunded_pence, "status": p.status,
                      "created_at": iso(p.created_at)} for p in payments],
    }
