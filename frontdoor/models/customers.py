"""A person the council deals with, on any channel."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontdoor.extensions import db
from frontdoor.models.base import UtcDateTime, JSONType, utcnow
from frontdoor.models.properties import Property

CONTACT_PREFERENCES = ("email", "sms", "none")


class Customer(db.Model):
    __tablename__ = "customers"
    __table_args__ = (
        CheckConstraint("contact_preference IN ('email', 'sms', 'none')", name="contact_preference"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))
    email_normalised: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    phone_e164: Mapped[str | None] = mapped_column(String(20), index=True)
    property_id: Mapped[int | None] = mapped_column(ForeignKey("properties.id"), index=True)
    contact_preference: Mapped[str] = mapped_column(String(10), default="email")
    flags: Mapped[dict] = mapped_column(JSONType, default=dict)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    # Lower-case name tokens sorted ("smith john"): the key into customer_names, so word order never matters.
    search_name: Mapped[str | None] = mapped_column(String(201), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    # Declared after the @property above: this name shadows the builtin inside the class body.
    property: Mapped[Property | None] = relationship()
