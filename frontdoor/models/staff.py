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
