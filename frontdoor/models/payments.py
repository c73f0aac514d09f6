"""Money taken and returned: one payment per attempt, refunds against it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontdoor.extensions import db
from frontdoor.models.base import UtcDateTime, JSONType, utcnow

PAYMENT_STATUSES = ("created", "success", "declined", "cancelled", "error")


class Payment(db.Model):
    __tablename__ = "payments"
    __table_args__ = (
        CheckConstraint("status IN ('created', 'success', 'declined', 'cancelled', 'error')", name="status"),
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        UniqueConstraint("provider", "provider_id", name="uq_payments_provider_id"),
        Index("ix_payments_confirmed", "confirmed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    provider: Mapped[str] = mapped_column(String(20))
    provider_id: Mapped[str | None] = mapped_column(String(64))
    amount_pence: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="created")
    service: Mapped[str] = mapped_column(String(64))  # workflow id, or garden_waste
    fund_code: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(String(255))
    # What the payment is for: exactly one of these is set.
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("garden_subscriptions.id"), index=True)
    next_url: Mapped[str | None] = mapped_column(String(500))
    purpose: Mapped[dict] = mapped_column(JSONType, default=dict)  # e.g. {"kind": "amend", "items": {...}}
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    refunds: Mapped[list[Refund]] = relationship(back_populates="payment", order_by="Refund.id", lazy="selectin")

    @property
    def refunded_pence(self) -> int:
        return sum(r.amount_pence for r in self.refunds if r.status != "failed")

    @property
    def refundable_pence(self) -> int:
        return self.amount_pence - self.refunded_pence if self.status == "success" else 0


class Refund(db.Model):
    __tablename__ = "refunds"
    __table_args__ = (
        # requested: written with the change that caused it, not yet sent to the provider (the outbox sends it)
        CheckConstraint("status IN ('requested', 'submitted', 'success', 'failed')", name="status"),
        CheckConstraint("amount_pence > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    amount_pence: Mapped[int]
    provider_refund_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)

    payment: Mapped[Payment] = relationship(back_populates="refunds")


class TestProviderPayment(db.Model):
    """The embedded test provider's own record: what its hosted page was told. Never trusted from a URL."""

    __tablename__ = "test_provider_payments"
    __table_args__ = (
        CheckConstraint("status IN ('created', 'success', 'declined', 'cancelled', 'error')", name="status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    amount_pence: Mapped[int]
    reference: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(String(255))
    return_url: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(10), default="created")
    refunded_pence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
