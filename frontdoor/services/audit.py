"""The audit log: every staff read and write of a customer's record leaves a row."""
from __future__ import annotations

from sqlalchemy import insert, text

from frontdoor.extensions import db
from frontdoor.models import AuditLog, StaffUser
from frontdoor.models.base import utcnow


def record(staff: StaffUser | None, action: str, what: str, *, customer_id: int | None = None,
           case_id: int | None = None, **detail) -> AuditLog:
    row = AuditLog(staff_id=staff.id if staff else None, action=action, what=what, customer_id=customer_id,
                   case_id=case_id, detail=detail)
    db.session.add(row)
    db.session.flush()
    return row


def record_read(staff: StaffUser | None, what: str, *, customer_id: int | None = None, case_id: int | None = None,
                **detail) -> None:
    """A read of a customer's record, committed at once on its own. Nothing else may be pending.

    A plain INSERT (no ORM flush, no RETURNING), and on PostgreSQL the commit does not wait for the
    WAL flush (synchronous_commit off for this transaction only): a busy disk made that wait most of
    a search's time. The row is durable within a fraction of a second; only a crash of the database
    server itself in that window could lose it, never a half-written row. Writes keep the full wait.
    """
    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("record_read commits on its own: commit or roll back the request's writes first")
    db.session.execute(insert(AuditLog).values(staff_id=staff.id if staff else None, action="read", what=what,
                                               customer_id=customer_id, case_id=case_id, detail=detail,
                                               created_at=utcnow()))
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    db.session.commit()
