"""Failed sign-ins counted per account and caller's address; enough of them lock that pair out."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from frontdoor.extensions import db
from frontdoor.models.base import UtcDateTime, utcnow


class SignInLockout(db.Model):
    __tablename__ = "sign_in_lockouts"
    __table_args__ = (
        UniqueConstraint("account_kind", "account_id", "address", name="uq_sign_in_lockouts_account_address"),
        CheckConstraint("account_kind IN ('staff', 'resident')", name="account_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_kind: Mapped[str] = mapped_column(String(10))  # staff_users or resident_accounts
    account_id: Mapped[int]
    address: Mapped[str] = mapped_column(String(64))  # the caller's address (after the trusted proxy)
    failures: Mapped[int] = mapped_column(default=0)
    first_failed_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)  # the window's start
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
