"""Changes to the collection calendar a council enters, and the service alerts staff publish."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.extensions import db
from frontdoor.models.base import JSONType, UtcDateTime, utcnow


class CollectionRevision(db.Model):
    """One usual collection day moved to another (a Christmas table, snow, a strike). Without a
    round it applies to every round collecting that day. It wins over the bank-holiday rule."""

    __tablename__ = "collection_revisions"
    __table_args__ = (UniqueConstraint("round_id", "usual_date", name="uq_collection_revisions_round_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("collection_rounds.id"), index=True)
    usual_date: Mapped[date] = mapped_column(Date, index=True)
    revised_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="because of the bank holiday")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ServiceAlert(db.Model):
    """A notice for a service and an area (wards, or the whole council when `wards` is empty) for a period."""

    __tablename__ = "service_alerts"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(String(80), index=True)
    title: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    wards: Mapped[list] = mapped_column(JSONType, default=list)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
