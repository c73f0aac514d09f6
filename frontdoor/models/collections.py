"""What the crew recorded for a container on a collection day (from the in-cab system)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.extensions import db
from frontdoor.models.base import UtcDateTime, utcnow

OUTCOMES = ("collected", "not_presented", "contaminated")


class CollectionRecord(db.Model):
    __tablename__ = "collection_records"
    __table_args__ = (
        UniqueConstraint("container_id", "collected_on", name="uq_collection_records_day"),
        CheckConstraint("outcome IN ('collected', 'not_presented', 'contaminated')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    container_id: Mapped[int] = mapped_column(ForeignKey("containers.id"), index=True)
    collected_on: Mapped[date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
