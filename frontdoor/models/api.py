"""API clients: keys (stored hashed, shown once) and the log of every call made with them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from frontdoor.extensions import db
from frontdoor.models.base import UtcDateTime, JSONType, utcnow

# read: look up cases and services; write: create requests and post updates; events: a back
# office moving cases through transitions; internal: also see internal notes in case history.
SCOPES = ("read", "write", "events", "internal")
# The staff role whose transitions a key may make when it has no list of its own.
DEFAULT_KEY_ROLE = "caseworker"


class ApiKey(db.Model):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    client: Mapped[str] = mapped_column(String(100), index=True)
    # The first characters of the key, to tell keys apart in lists; the secret is only hashed.
    prefix: Mapped[str] = mapped_column(String(12))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list] = mapped_column(JSONType, default=list)
    # The transitions this key may make through the API, by name; None: what a caseworker may make.
    transitions: Mapped[list | None] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(120))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiCallLog(db.Model):
    __tablename__ = "api_call_logs"
    __table_args__ = (Index("ix_api_call_logs_key_time", "api_key_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))
    method: Mapped[str] = mapped_column(String(10))
    path: Mapped[str] = mapped_column(String(300))
    status: Mapped[int] = mapped_column(Integer)
    remote_addr: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    api_key: Mapped[ApiKey | None] = relationship()
