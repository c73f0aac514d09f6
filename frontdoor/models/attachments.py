"""Files staff attach to a case: the bytes live under UPLOAD_DIR by a random name, the row says what they are."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontdoor.extensions import db
from frontdoor.models.base import UtcDateTime, utcnow
from frontdoor.models.staff import StaffUser


class CaseAttachment(db.Model):
    __tablename__ = "case_attachments"
    # The same bytes attached twice to one case is a double-click or a retry, not a second file.
    __table_args__ = (UniqueConstraint("case_id", "sha256", name="uq_case_attachments_case_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    file_id: Mapped[str] = mapped_column(String(64), unique=True)  # the name on disk, never the uploader's
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # by content: pdf, jpeg, png, gif, webp
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    visible_to_resident: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    uploaded_by: Mapped[StaffUser | None] = relationship()
