"""Who is doing something: a resident, a staff member or the system."""
from __future__ import annotations

from dataclasses import dataclass

from frontdoor.models import StaffUser


@dataclass(frozen=True)
class Actor:
    type: str  # resident, staff, system
    label: str
    staff: StaffUser | None = None
    # An API client: it may make the transitions of acts_as (a staff role), or exactly `grants` when set.
    acts_as: str | None = None
    grants: tuple[str, ...] | None = None

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

    @classmethod
    def api_client(cls, label: str, grants: list[str] | None, acts_as: str) -> "Actor":
        return cls("system", label, acts_as=acts_as, grants=tuple(grants) if grants else None)

    def may_make(self, step) -> bool:
        """For an API client: whether its grant covers this transition. Other actors are checked by role."""
        if self.grants is not None:
            return step.name in self.grants
        return self.acts_as is None or self.acts_as in step.roles

    @property
    def grant_description(self) -> str:
        return ", ".join(self.grants) if self.grants is not None else f"what a {self.acts_as.replace('_', ' ')} may do"
