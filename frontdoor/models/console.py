"""What the staff console adds: tasks for other teams, the audit log, customer merges and the
table of distinct normalised names that fuzzy search runs over."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontdoor.extensions import db
from frontdoor.models.base import UtcDateTime, JSONType, utcnow
from frontdoor.models.staff import StaffUser, Team


class Task(db.Model):
    """Work one team asks of another about a case, with a due date."""

    __tablename__ = "tasks"
    __table_args__ = (CheckConstraint("status IN ('open', 'done')", name="task_status"),
                      Index("ix_tasks_team_status_due", "team_id", "status", "due_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    team: Mapped[Team] = relationship()
    created_by: Mapped[StaffUser | None] = relationship()
    case: Mapped["Case | None"] = relationship()  # noqa: F821  (frontdoor.models.cases; named, not imported: one way)


class AuditLog(db.Model):
    """Staff reads and writes of a customer's personal data: who, what, when."""

    __tablename__ = "audit_log"
    __table_args__ = (CheckConstraint("action IN ('read', 'write')", name="audit_action"),
                      Index("ix_audit_customer_time", "customer_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    what: Mapped[str] = mapped_column(String(60))  # e.g. customer.view, customer.merge, case.note
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    detail: Mapped[dict] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    staff: Mapped[StaffUser | None] = relationship()


class CustomerMerge(db.Model):
    """One merge of a duplicate into a survivor, with every row it moved so an admin can undo it."""

    __tablename__ = "customer_merges"

    id: Mapped[int] = mapped_column(primary_key=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    moved: Mapped[dict] = mapped_column(JSONType, default=dict)  # {"cases": [ids], "contacts": [ids], ...}
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    reversed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reversed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class CustomerName(db.Model):
    """Each distinct normalised name once (about 150k for 1M people): fuzzy search scans this, not customers."""

    __tablename__ = "customer_names"
    # pg_trgm GIN index: `name % :q` finds near spellings. On SQLite it is a plain index, unused.
    __table_args__ = (Index("ix_customer_names_trgm", "name", postgresql_using="gin",
                            postgresql_ops={"name": "gin_trgm_ops"}),)

    name: Mapped[str] = mapped_column(String(201), primary_key=True)


class CustomerNote(db.Model):
    """A note about the customer, not about one case (how they like to be spoken to, a call to expect).
    Append-only: a note is never edited, a correction is another note."""

    __tablename__ = "customer_notes"
    __table_args__ = (Index("ix_customer_notes_customer_created", "customer_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    staff: Mapped[StaffUser | None] = relationship()
