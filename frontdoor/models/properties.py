"""Properties from the gazetteer, their containers and the rounds that empty them."""
from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontdoor.extensions import db

STREAMS = ("refuse", "recycling", "garden", "food", "glass")


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


class Property(db.Model):
    __tablename__ = "properties"

    id: Mapped[int] = mapped_column(primary_key=True)
    uprn: Mapped[str] = mapped_column(String(12), unique=True)
    address_line1: Mapped[str] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(100))
    postcode: Mapped[str] = mapped_column(String(10), index=True)  # normalised: "AB1 2CD"
    ward: Mapped[str] = mapped_column(String(100), index=True)
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

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
