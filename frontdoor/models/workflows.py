"""A snapshot of each workflow definition version the first time a case uses it.

Cases keep working under the version they started with after the file changes, and a file whose
content changed without a version bump is caught by comparing its hash with the stored snapshot.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.extensions import db
from frontdoor.models.base import UtcDateTime, JSONType, utcnow


class WorkflowSnapshot(db.Model):
    __tablename__ = "workflow_snapshots"
    __table_args__ = (UniqueConstraint("workflow_id", "version", name="uq_workflow_snapshots_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workflow_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    raw: Mapped[dict] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
