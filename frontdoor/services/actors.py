"""Who is doing something: a resident, a staff member or the system."""
from __future__ import annotations

from dataclasses import dataclass

from frontdoor.models import StaffUser


@dataclass(frozen=True)
class Actor:
    type: str  # resident, staff, system
    label: str
    staff: StaffUser | None = None

    @property
    def role(self) -> str | None:
        return self.staff.role if self.staff else None

    @classmethod
    def for_staff(cls, user: StaffUser) -> "Actor":
        return cls("staff", f"{user.name} ({user.role.replace('_', ' ')})", user)

    @classmethod
    def resident(cls, label: str = "Resident") -> "Actor":
        return cls("resident", label)

    @classmethod
    def system(cls, label: str = "System") -> "Actor":
        return cls("system", label)
