"""Garden waste: an annual subscription per property."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontdoor.extensions import db
from frontdoor.models.base import UtcDateTime, utcnow
from frontdoor.models.properties import Property


class GardenSubscription(db.Model):
    __tablename__ = "garden_subscriptions"
    __table_args__ = (
        CheckConstraint("status IN ('pending_payment', 'active', 'cancelled', 'lapsed')", name="status"),
        CheckConstraint("bins >= 1", name="bins_positive"),
        CheckConstraint("kind IN ('new', 'renew')", name="kind"),
        Index("ix_garden_subscriptions_property_status", "property_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the resident quotes ("GW-XXXX-XXXX"); hard to guess, so it can sit in a URL.
    reference: Mapped[str | None] = mapped_column(String(16), unique=True)
    # The check page's one-time key: a double-click or retry finds the first subscription, not a second.
    request_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    bins: Mapped[int]
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    concession: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[str] = mapped_column(String(10), default="new")
    status: Mapped[str] = mapped_column(String(16), default="pending_payment")
    amount_pence: Mapped[int] = mapped_column(default=0)
    renewed_from_id: Mapped[int | None] = mapped_column(ForeignKey("garden_subscriptions.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    renewal_invited_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # sent once

    property: Mapped[Property] = relationship()
