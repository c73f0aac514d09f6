"""One interaction on a channel: what channel shift and first-contact resolution are computed from."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.extensions import db
from frontdoor.metrics.definitions import CHANNELS, sql_in
from frontdoor.models.base import UtcDateTime, utcnow

OUTCOMES = ("self_served", "resolved_first_contact", "handed_off", "progress_chase", "repeat")


class Contact(db.Model):
    __tablename__ = "contacts"
    __table_args__ = (
        CheckConstraint(sql_in("channel", CHANNELS), name="channel"),
        CheckConstraint(
            "outcome IN ('self_served', 'resolved_first_contact', 'handed_off', 'progress_chase', 'repeat')",
            name="outcome",
        ),
        CheckConstraint(
            "rule_outcome IS NULL OR rule_outcome IN ('self_served', 'resolved_first_contact', 'handed_off', "
            "'progress_chase', 'repeat')",
            name="rule_outcome",
        ),
        Index("ix_contacts_customer_reason_time", "customer_id", "reason", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    channel: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(64))  # a workflow id, or a general enquiry reason
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    duration_seconds: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(30))
    # What the automatic rule (a repeat within 7 days) says, kept only where it disagrees with the
    # outcome a member of staff chose: their choice is the outcome, the disagreement is for the dashboard.
    rule_outcome: Mapped[str | None] = mapped_column(String(30))
