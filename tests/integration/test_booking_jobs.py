"""The periodic jobs, run for real against committed data, twice each (they must be idempotent)."""
from datetime import timedelta

from frontdoor import booking_jobs
from frontdoor.extensions import db
from frontdoor.models import Booking, BookingSlot, Payment, TestProviderPayment as ProviderRecord
from frontdoor.models.base import utcnow
from frontdoor.services import bulky
from tests import factories
from tests.integration.bulky_helpers import bulky_slot, start_payment


def test_jobs_release_holds_and_settle_abandoned_payments(app, committed):
    slot = bulky_slot(capacity=8)  # unpaid holds may take 25%: two at once
    paid_but_gone = bulky.hold(factories.property_(), {"table": 1}, slot.id)
    expired = bulky.hold(factories.property_(), {"table": 1}, slot.id, now=utcnow() - timedelta(minutes=40))
    payment = start_payment(paid_but_gone)
    db.session.get(ProviderRecord, payment.provider_id).status = "success"  # paid, then closed the tab
    payment.created_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    ids = (slot.id, expired.id, paid_but_gone.id, payment.id)
    db.session.remove()

    assert booking_jobs.release_expired_holds() == 1
    assert booking_jobs.release_expired_holds() == 0
    assert booking_jobs.confirm_pending_payments() == 1
    assert booking_jobs.confirm_pending_payments() == 0
    assert booking_jobs.send_bulky_reminders() >= 0
    assert booking_jobs.lapse_garden_subscriptions() == 0
    slot = db.session.get(BookingSlot, ids[0])
    assert db.session.get(Booking, ids[1]).status == "expired"
    assert db.session.get(Booking, ids[2]).status == "confirmed"
    assert db.session.get(Payment, ids[3]).status == "success"
    assert (slot.held, slot.booked) == (0, 1)
