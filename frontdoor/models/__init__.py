"""SQLAlchemy 2 typed models, one module per aggregate."""
from frontdoor.models.properties import CollectionRound, Container, Property, Street  # noqa: F401
from frontdoor.models.customers import Customer  # noqa: F401
from frontdoor.models.staff import StaffRecoveryCode, StaffUser, Team, staff_teams  # noqa: F401
from frontdoor.models.cases import Case, CaseEvent  # noqa: F401
from frontdoor.models.contacts import Contact  # noqa: F401
from frontdoor.models.outbox import Notification, OutboxMessage  # noqa: F401
from frontdoor.models.bookings import Booking, BookingSlot, SlotHold  # noqa: F401
from frontdoor.models.subscriptions import GardenSubscription  # noqa: F401
from frontdoor.models.payments import Payment, Refund, TestProviderPayment  # noqa: F401
from frontdoor.models.console import AuditLog, CustomerMerge, CustomerName, CustomerNote, Task  # noqa: F401
from frontdoor.models.accounts import AccountAudit, AccountToken, ResidentAccount  # noqa: F401
from frontdoor.models.feedback import Feedback  # noqa: F401
from frontdoor.models.metrics import (  # noqa: F401
    AdvisorDaily, AdvisorMonthly, CaseDaily, CaseMonthly, CaseRollupMark, ChannelCost, ContactDaily, ContactMonthly, ContactWardDaily, RollupPending,
    MetricSnapshot, PastDueSnapshot,
)
from frontdoor.models.workflows import WorkflowSnapshot  # noqa: F401
from frontdoor.models.collections import CollectionRecord  # noqa: F401
from frontdoor.models.api import ApiCallLog, ApiKey  # noqa: F401
from frontdoor.models.attachments import CaseAttachment  # noqa: F401
from frontdoor.models.draft_uploads import DraftUpload  # noqa: F401
from frontdoor.models.lockouts import SignInLockout  # noqa: F401
from frontdoor.models.calendar import CollectionRevision, ServiceAlert  # noqa: F401
