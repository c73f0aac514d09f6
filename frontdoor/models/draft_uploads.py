"""Files a resident uploaded to a form not yet submitted: counted per draft, swept when the draft expires."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.extensions import db
from frontdoor.models.base import UtcDateTime, utcnow


class DraftUpload(db.Model):
    __tablename__ = "draft_uploads"
    __table_args__ = (Index("ix_draft_uploads_client", "client", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[str] = mapped_column(String(64), unique=True)  # the random name under UPLOAD_DIR
    draft_key: Mapped[str] = mapped_column(String(64), index=True)  # random, kept in the resident's session
    size: Mapped[int]
    client: Mapped[str] = mapped_column(String(64))  # the caller's address, for the hourly limit
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
