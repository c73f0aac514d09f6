"""Properties from the gazetteer, their containers and the rounds that empty them."""
from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontdoor.extensions import db

STREAMS = ("refuse", "recycling", "garden", "food", "glass")

# The gazetteer's logical status of an address (BS 7666 codes 1, 6, 8, 7). Only approved and
# provisional addresses are offered for new requests; historic and rejected ones stay for history.
LOGICAL_STATUSES = ("approved", "provisional", "historic", "rejected")
OFFERED_STATUSES = ("approved", "provisional")
# The first letter of the AddressBase classification code, as a kind a rule or a report can read.
ADDRESS_KINDS = ("residential", "commercial", "parent_shell", "dual_use", "other")


class CollectionRound(db.Model):
    __tablename__ = "collection_rounds"
    __table_args__ = (CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    stream: Mapped[str] = mapped_column(String(20))
    weekday: Mapped[int]  # Monday is 0
    # Collections every N weeks, counted from Monday 5 January 1970 plus week_offset; 1 means weekly.
    frequency_weeks: Mapped[int] = mapped_column(default=1)
    week_offset: Mapped[int] = mapped_column(default=0)


class Street(db.Model):
    """A street from the gazetteer (DTF record types 11 and 15), by its USRN."""
    __tablename__ = "gazetteer_streets"

    usrn: Mapped[str] = mapped_column(String(12), primary_key=True)
    description: Mapped[str] = mapped_column(String(200))
    locality: Mapped[str | None] = mapped_column(String(100))
    town: Mapped[str | None] = mapped_column(String(100))
    administrative_area: Mapped[str | None] = mapped_column(String(100))


class Property(db.Model):
    __tablename__ = "properties"
    __table_args__ = (
        CheckConstraint("logical_status IN ('approved', 'provisional', 'historic', 'rejected')",
                        name="logical_status_known"),
        CheckConstraint("address_kind IS NULL OR address_kind IN "
                        "('residential', 'commercial', 'parent_shell', 'dual_use', 'other')", name="address_kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uprn: Mapped[str] = mapped_column(String(12), unique=True)
    address_line1: Mapped[str] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(100))
    postcode: Mapped[str] = mapped_column(String(10), index=True)  # normalised: "AB1 2CD"
    ward: Mapped[str] = mapped_column(String(100), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # From the gazetteer import (frontdoor/services/gazetteer.py); null on demo and hand-made rows.
    usrn: Mapped[str | None] = mapped_column(String(12), index=True)
    street: Mapped[str | None] = mapped_column(String(200))
    easting: Mapped[float | None]  # British National Grid (EPSG:27700), metres
    northing: Mapped[float | None]
    parent_uprn: Mapped[str | None] = mapped_column(String(12))
    classification: Mapped[str | None] = mapped_column(String(6))  # AddressBase code, e.g. RD04
    address_kind: Mapped[str | None] = mapped_column(String(20))
    logical_status: Mapped[str] = mapped_column(String(12), default="approved", server_default="approved")
    gazetteer_updated_on: Mapped[date | None]  # the record's LAST_UPDATE_DATE in the supply

    containers: Mapped[list[Container]] = relationship(
        back_populates="property", order_by="Container.id", lazy="selectin"
    )

    @property
    def single_line(self) -> str:
        parts = [self.address_line1, self.address_line2, self.town, self.postcode]
        return ", ".join(p for p in parts if p)


class Container(db.Model):
    __tablename__ = "containers"

    id: Mapped[int] = mapped_column(primary_key=True)
    property_id: Mapped[int] = mapped_column(ForeignKey("properties.id"), index=True)
    stream: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(100))
    size_litres: Mapped[int | None]
    round_id: Mapped[int] = mapped_column(ForeignKey("collection_rounds.id"), index=True)

    property: Mapped[Property] = relationship(back_populates="containers")
    round: Mapped[CollectionRound] = relationship(lazy="joined")
