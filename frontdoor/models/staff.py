"""Staff users and the teams they work in."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from frontdoor.extensions import db
from frontdoor.models.base import UtcDateTime, utcnow

ROLES = ("advisor", "caseworker", "team_lead", "admin")

staff_teams = Table(
    "staff_teams",
    db.Model.metadata,
    Column("staff_id", ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
)


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(50), unique=True)
    name: Mapped[str] = mapped_column(String(100))


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_users"
    __table_args__ = (
        CheckConstraint("role IN ('advisor', 'caseworker', 'team_lead', 'admin')", name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # Bumped on sign-out, password change and deactivation: every older session stops working (get_id).
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Two factors (frontdoor/services/two_factor.py): the TOTP secret once enrolment is confirmed, and
    # the last 30-second step a code was accepted for, so a seen code cannot be used again.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    two_factor_enabled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    totp_last_step: Mapped[int | None] = mapped_column()

    # Loaded when a page asks (queues, tasks), not with every signed-in request: search never needs them.
    teams: Mapped[list[Team]] = relationship(secondary=staff_teams, lazy="select")

    def get_id(self) -> str:
        # Prefixed so a staff session can never be mistaken for a resident's.
        return f"staff:{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def end_sessions(self) -> None:
        self.session_version = (self.session_version or 1) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None and self.two_factor_enabled_at is not None


class StaffRecoveryCode(db.Model):
    """A one-time recovery code, stored as its SHA-256 only (the code itself is random, 50 bits)."""

    __tablename__ = "staff_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
