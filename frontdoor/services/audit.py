"""The audit log: every staff read and write of a customer's record leaves a row."""
from __future__ import annotations

from frontdoor.extensions import db
from frontdoor.models import AuditLog, StaffUser


def record(staff: StaffUser | None, action: str, what: str, *, customer_id: int | None = None,
           case_id: int | None = None, **detail) -> AuditLog:
    row = AuditLog(staff_id=staff.id if staff else None, action=action, what=what, customer_id=customer_id,
                   case_id=case_id, detail=detail)
    db.session.add(row)
    db.session.flush()
    return row
