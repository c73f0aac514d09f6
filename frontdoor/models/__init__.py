"""SQLAlchemy 2 typed models, one module per aggregate."""
from frontdoor.models.properties import CollectionRound, Container, Property  # noqa: F401
from frontdoor.models.customers import Customer  # noqa: F401
from frontdoor.models.staff import StaffUser, Team, staff_teams  # noqa: F401
from frontdoor.models.cases import Case, CaseEvent  # noqa: F401
from frontdoor.models.contacts import Contact  # noqa: F401
from frontdoor.models.outbox import Notification, OutboxMessage  # noqa: F401
from frontdoor.models.api import ApiCallLog, ApiKey  # noqa: F401
