"""Bulky waste: capacity per round per day, the holds taken while a resident pays, and bookings."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontdoor.extensions import db
from frontdoor.models.base import UtcDateTime, JSONType, utcnow
from frontdoor.models.properties import CollectionRound, Property

BOOKING_STATUSES = ("held", "confirmed", "cancelled", "expired", "collected", "not_collected")


class BookingSlot(db.Model):
    """Places on one round on one day. held + booked never exceeds capacity (CHECK and conditional UPDATE)."""

    __tablename__ = "booking_slots"
    __table_args__ = (
        UniqueConstraint("round_id", "day", name="uq_booking_slots_round_day"),
        CheckConstraint("held >= 0 AND booked >= 0 AND held + booked <= capacity", name="within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("collection_rounds.id"))
    day: Mapped[date] = mapped_column(Date, index=True)
    capacity: Mapped[int]
    held: Mapped[int] = mapped_column(default=0)
    booked: Mapped[int] = mapped_column(default=0)

    round: Mapped[CollectionRound] = relationship(lazy="joined")

    @property
    def free(self) -> int:
        return self.capacity - self.held - self.booked


class SlotHold(db.Model):
    """One place held while the resident pays; expires_at passed means the place returns."""

    __tablename__ = "slot_holds"
    __table_args__ = (
        CheckConstraint("status IN ('active', 'converted', 'released', 'expired')", name="status"),
        Index("ix_slot_holds_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("booking_slots.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="active")
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    slot: Mapped[BookingSlot] = relationship()


class Booking(db.Model):
    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint(
            "status IN ('held', 'confirmed', 'cancelled', 'expired', 'collected', 'not_collected')", name="status"
        ),
        CheckConstraint("amount_pence >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    workflow_id: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("booking_slots.id"), index=True)
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("slot_holds.id"))
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    items: Mapped[dict] = mapped_column(JSONType, default=dict)  # {item code: quantity}
    location: Mapped[str] = mapped_column(String(500), default="")
    # The details page answers, given to submit() once the place is paid for (or recorded free).
    answers: Mapped[dict] = mapped_column(JSONType, default=dict)
    amount_pence: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(15), default="held")
    free_reason: Mapped[str | None] = mapped_column(Text)
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    # Reminders sent, by name ("3_days", "1_day"): the reminder job skips what is here.
    reminders_sent: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    slot: Mapped[BookingSlot] = relationship(lazy="joined")
    hold: Mapped[SlotHold | None] = relationship()
    property: Mapped[Property] = relationship()
