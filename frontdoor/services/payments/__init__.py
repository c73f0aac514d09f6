"""Payments: start one, confirm it server-side (idempotently), refund against it (through the outbox).

confirm() locks the payment row and asks the provider; a payment already settled is returned
unchanged, so a refreshed return page, a repeated callback or the sweep job change nothing.
What a successful payment is *for* is handled by a callback registered per purpose kind
(`@on_success("bulky_booking")`), called once, inside the same transaction.
"""
from __future__ import annotations

import logging
import secrets
from typing import Callable

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Payment, Refund
from frontdoor.models.base import utcnow
from frontdoor.services import outbox
from frontdoor.services.payments.providers import ProviderRefused, provider_for
from frontdoor.unit_of_work import Refused

log = logging.getLogger(__name__)
SUCCESS_HANDLERS: dict[str, Callable[[Payment], None]] = {}
FINAL = ("success", "declined", "cancelled", "error")


class RefundRefused(Refused):
    """A refund that may not happen; the message is for the person who asked."""


def on_success(kind: str):
    def register(func):
        SUCCESS_HANDLERS[kind] = func
        return func

    return register


def start(*, amount_pence: int, service: str, fund_code: str, description: str, purpose: dict,
          return_url: Callable[[Payment], str], booking_id: int | None = None,
          subscription_id: int | None = None, provider: str | None = None) -> Payment:
    """Create our record and the provider's; `return_url(payment)` builds where the payer comes back."""
    chosen = provider_for(provider)
    payment = Payment(reference=f"FD-{secrets.token_hex(8).upper()}", provider=chosen.name,
                      amount_pence=amount_pence, status="created", service=service, fund_code=fund_code,
                      description=description[:255], purpose=purpose, booking_id=booking_id,
                      subscription_id=subscription_id)
    db.session.add(payment)
    db.session.flush()
    payment.provider_id, payment.next_url = chosen.create(payment, return_url(payment))
    db.session.flush()
    return payment


def by_reference(reference: str) -> Payment | None:
    return db.session.scalar(select(Payment).where(Payment.reference == reference))


def confirm(payment: Payment) -> Payment:
    """Settle a payment from the provider's own answer. Idempotent: a settled payment is left alone."""
    db.session.execute(select(Payment.id).where(Payment.id == payment.id).with_for_update())
    db.session.refresh(payment)
    if payment.status in FINAL:
        return payment
    status = provider_for(payment.provider).status(payment)
    if status == "created":
        return payment
    payment.status = status
    payment.confirmed_at = utcnow()
    db.session.flush()
    if status == "success":
        handler = SUCCESS_HANDLERS.get(payment.purpose.get("kind"))
        if handler:
            handler(payment)
    return payment


def refund(payment: Payment, amount_pence: int, reason: str) -> Refund:
    """Record a refund as requested and write its outbox row: the provider is asked after the commit
    (deliver_refund), so a rolled-back transaction moves no money. Refuses more than is left of the
    payment, counting refunds still requested."""
    db.session.execute(select(Payment.id).where(Payment.id == payment.id).with_for_update())
    db.session.refresh(payment)
    if amount_pence <= 0:
        raise RefundRefused("Enter a refund amount greater than zero")
    if payment.status != "success":
        raise RefundRefused("Only a successful payment can be refunded")
    if amount_pence > payment.refundable_pence:
        raise RefundRefused(
            f"The refund cannot be more than the £{payment.refundable_pence / 100:.2f} left of this payment"
        )
    available = payment.refundable_pence
    refund_row = Refund(payment_id=payment.id, amount_pence=amount_pence, status="requested", reason=reason)
    db.session.add(refund_row)
    db.session.flush()
    # What was left before this refund goes with the request: GOV.UK Pay refuses the call if it no
    # longer matches, so a request repeated after it succeeded cannot refund twice.
    outbox.add("payment_refund", {"refund_id": refund_row.id, "available_pence": available})
    db.session.refresh(payment)
    return refund_row


@outbox.handler("payment_refund")
def deliver_refund(message: outbox.Claimed) -> None:
    """Ask the provider for a requested refund. The outbox claims the row once, and a refund no longer
    'requested' is left alone, so a job run twice calls the provider once. A provider's refusal marks
    the refund failed (its amount is refundable again); an unreachable provider raises, for a retry,
    carrying the same idempotency key."""
    refund_row = db.session.get(Refund, message.payload["refund_id"], with_for_update=True)
    if refund_row is None or refund_row.status != "requested":
        return
    payment = refund_row.payment
    try:
        result = provider_for(payment.provider).refund(
            payment, refund_row.amount_pence, available_pence=message.payload["available_pence"],
            idempotency_key=f"frontdoor-refund-{refund_row.id}")
    except ProviderRefused as exc:
        log.warning("refund %s refused by the provider: %s", refund_row.id, exc)
        refund_row.status = "failed"
    else:
        refund_row.provider_refund_id = result.provider_refund_id
        refund_row.status = result.status
    db.session.flush()


def pending(older_than_seconds: int = 120, limit: int = 200) -> list[int]:
    from datetime import timedelta

    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return list(db.session.scalars(select(Payment.id).where(Payment.status == "created", Payment.created_at < cutoff)
                                   .order_by(Payment.id).limit(limit)))
