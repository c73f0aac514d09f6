"""A case is one request; its events are the append-only history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontdoor.extensions import db
from frontdoor.metrics.definitions import CHANNELS, sql_in
from frontdoor.models.base import UtcDateTime, JSONType, utcnow
from frontdoor.models.customers import Customer
from frontdoor.models.properties import Property
from frontdoor.models.staff import StaffUser, Team

CATEGORIES = ("open", "waiting", "closed")
EVENT_KINDS = ("submitted", "transition", "note", "assignment", "task", "payment", "notification", "duplicate")
ACTOR_TYPES = ("staff", "resident", "system")


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint("state_category IN ('open', 'waiting', 'closed')", name="state_category"),
        CheckConstraint(sql_in("channel", CHANNELS), name="channel"),
        Index("ix_cases_queue", "team_id", "state_category", "sla_due_at"),
        # "Open cases past due" (metrics.definitions.past_due_sql): open cases only, by due time, so
        # the dashboard's count is answered from the index (never a scan of cases). Waiting cases are paused.
        Index("ix_cases_open_due", "sla_due_at", "workflow_id", "team_id", "channel",
              postgresql_where=text("state_category = 'open'"), sqlite_where=text("state_category = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    workflow_id: Mapped[str] = mapped_column(String(64), index=True)
    workflow_version: Mapped[int]
    state: Mapped[str] = mapped_column(String(64))
    state_category: Mapped[str] = mapped_column(String(10))
    answers: Mapped[dict] = mapped_column(JSONType, default=dict)
    property_id: Mapped[int | None] = mapped_column(ForeignKey("properties.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    sla_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    resolution: Mapped[str | None] = mapped_column(String(64))
    # Rules such as "one report per property, container and collection" match on this key.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    # The form's one-time token: a double-clicked or replayed submission finds the case it made.
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    property: Mapped[Property | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    team: Mapped[Team | None] = relationship()
    assignee: Mapped[StaffUser | None] = relationship()
    duplicate_of: Mapped[Case | None] = relationship(remote_side="Case.id")
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", lazy="selectin"
    )


class CaseEvent(db.Model):
    __tablename__ = "case_events"
    __table_args__ = (
        CheckConstraint("actor_type IN ('staff', 'resident', 'system')", name="actor_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    actor_type: Mapped[str] = mapped_column(String(10))
    actor_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    actor_label: Mapped[str] = mapped_column(String(120))
    from_state: Mapped[str | None] = mapped_column(String(64))
    to_state: Mapped[str | None] = mapped_column(String(64))
    transition: Mapped[str | None] = mapped_column(String(64))
    internal_note: Mapped[str | None] = mapped_column(Text)
    public_message: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    case: Mapped[Case] = relationship(back_populates="events")
