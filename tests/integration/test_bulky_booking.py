"""Bulky waste bookings through the services: holds, payment outcomes, expiry, late payment,
cancellation at the cut-off's edges, amendments, reminders and tampered input."""
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import Booking, Case, CaseEvent, OutboxMessage, Payment, Refund
from frontdoor.models.base import utcnow
from frontdoor.services import bulky, payments, slots
from frontdoor.services.actors import Actor
from frontdoor.services.registry import working_calendar
from tests import factories
from tests.integration.bulky_helpers import bulky_slot, pay, provider_says, start_payment
from workflows.booking import cutoff_for
from workflows.fees import FeeError


@pytest.fixture
def prop(session):
    return factories.property_()


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def messages(case):
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id)).all()
    return [r.payload.get("extra", {}).get("message", r.payload["template"]) for r in rows]


def test_paid_booking_becomes_a_case_with_a_booked_place(prop):
    slot = bulky_slot(capacity=3)
    booking = bulky.hold(prop, {"sofa": 1, "table": 1}, slot.id)
    assert (slot.held, slot.booked) == (1, 0) or db.session.refresh(slot) or (slot.held, slot.booked) == (1, 0)
    payment = pay(booking)
    db.session.refresh(slot)
    assert payment.status == "success" and booking.status == "confirmed"
    assert (slot.held, slot.booked) == (0, 1)
    case = db.session.get(Case, booking.case_id)
    assert case.workflow_id == "bulky_waste" and case.state == "booked"
    assert booking.amount_pence == 2500 + 1500  # 3 units in the first band, plus the sofa surcharge
    assert any("Paid £40.00" in m for m in messages(case))


def test_confirming_twice_makes_one_case(prop):
    booking = bulky.hold(prop, {"table": 1}, bulky_slot().id)
    payment = pay(booking)
    with current_app.test_request_context():
        payments.confirm(payment)
        payments.confirm(payment)
    assert count(Case) == 1 and db.session.get(Booking, booking.id).status == "confirmed"


@pytest.mark.parametrize("outcome", ["declined", "cancelled", "error"])
def test_failed_payments_book_nothing_and_keep_the_hold(prop, outcome):
    slot = bulky_slot()
    booking = bulky.hold(prop, {"table": 1}, slot.id)
    payment = pay(booking, outcome)
    db.session.refresh(slot)
    assert payment.status == outcome
    assert booking.status == "held" and booking.case_id is None and count(Case) == 0
    assert (slot.held, slot.booked) == (1, 0)
    retry = pay(booking, "success")  # the resident tries again while the hold lasts
    assert retry.id != payment.id and retry.status == "success" and booking.status == "confirmed"


def test_an_unpaid_hold_expires_and_its_place_returns(prop):
    slot = bulky_slot(capacity=1)
    past = utcnow() - timedelta(minutes=16)  # holds last SLOT_HOLD_MAX_MINUTES (15)
    booking = bulky.hold(prop, {"table": 1}, slot.id, now=past)
    with pytest.raises(slots.SlotFull, match="That date is now full"):
        bulky.hold(factories.property_(), {"table": 1}, slot.id, now=past + timedelta(minutes=14))
    second = bulky.hold(factories.property_(), {"table": 1}, slot.id)  # now: the first hold has expired
    db.session.refresh(slot)
    db.session.refresh(booking)
    assert booking.status == "expired" and second.status == "held"
    assert (slot.held, slot.booked) == (1, 0)
    assert slots.release_expired() == 0  # the sweep finds nothing more to release


def test_payment_after_expiry_is_rebooked_when_there_is_room(prop):
    slot = bulky_slot(capacity=2)
    booking = bulky.hold(prop, {"table": 1}, slot.id, now=utcnow() - timedelta(minutes=45))
    payment = start_payment(booking)
    assert slots.release_expired() == 1
    provider_says(payment, "success")
    with current_app.test_request_context():
        payments.confirm(payment)
    db.session.refresh(slot)
    assert booking.status == "confirmed" and (slot.held, slot.booked) == (0, 1)


def test_payment_after_expiry_on_a_full_date_is_refunded_and_the_resident_told(prop):
    slot = bulky_slot(capacity=1)
    booking = bulky.hold(prop, {"table": 1}, slot.id, now=utcnow() - timedelta(minutes=45))
    payment = start_payment(booking)
    other = bulky.hold(factories.property_(), {"table": 1}, slot.id)  # takes the released place
    pay(other)
    provider_says(payment, "success")
    with current_app.test_request_context():
        payments.confirm(payment)
    db.session.refresh(slot)
    assert booking.status == "cancelled" and (slot.held, slot.booked) == (0, 1)
    assert [r.amount_pence for r in payment.refunds] == [payment.amount_pence]
    case = db.session.get(Case, booking.case_id)
    assert case.state == "cancelled"
    assert any("refunded your payment in full" in m for m in messages(case))


def _confirmed(prop, day=None):
    booking = bulky.hold(prop, {"table": 1}, bulky_slot(day=day).id)
    payment = pay(booking)
    return booking, payment


def test_cancel_one_second_before_the_cutoff_refunds_in_full(prop):
    booking, payment = _confirmed(prop)
    cutoff = cutoff_for(working_calendar(), booking.slot.day, bulky.booking_rules())
    with current_app.test_request_context():
        refunded = bulky.cancel(booking, Actor.resident(), now=cutoff - timedelta(seconds=1))
    assert refunded == payment.amount_pence == 2500
    assert booking.status == "cancelled" and booking.slot.booked == 0 or db.session.refresh(booking.slot) or booking.slot.booked == 0
    assert db.session.get(Case, booking.case_id).state == "cancelled"


def test_cancel_at_the_cutoff_is_refused_online_and_gives_no_refund_through_staff(prop):
    booking, payment = _confirmed(prop)
    cutoff = cutoff_for(working_calendar(), booking.slot.day, bulky.booking_rules())
    with pytest.raises(bulky.BookingRefused, match="too late to cancel"):
        bulky.cancel(booking, Actor.resident(), now=cutoff)
    assert booking.status == "confirmed" and count(Refund) == 0
    staff = Actor.for_staff(factories.staff("advisor"))
    with current_app.test_request_context():
        assert bulky.cancel(booking, staff, now=cutoff) == 0
    assert booking.status == "cancelled" and count(Refund) == 0


def test_amendment_charges_only_the_difference(prop):
    booking, payment = _confirmed(prop)  # 1 unit: £25.00
    with current_app.test_request_context():
        extra = bulky.amend(booking, {"table": 1, "wardrobe": 1, "armchair": 1}, Actor.resident())  # 4 units: £40.00
    assert extra.amount_pence == 1500 and booking.items == {"table": 1}
    provider_says(extra, "success")
    with current_app.test_request_context():
        payments.confirm(extra)
    assert booking.items == {"table": 1, "wardrobe": 1, "armchair": 1} and booking.amount_pence == 4000
    with current_app.test_request_context():
        assert bulky.amend(booking, {"table": 2}, Actor.resident()) is None  # cheaper: no refund by default
    assert booking.items == {"table": 2} and booking.amount_pence == 4000 and count(Refund) == 0


def test_a_change_paid_late_after_a_later_change_is_refunded_not_applied(prop):
    """Change A is started and its payment abandoned; change B is made; then A's payment turns out
    to have gone through (the pending-payment job finds it). B stands; A's money goes back."""
    booking, _ = _confirmed(prop)  # {"table": 1}: £25.00
    with current_app.test_request_context():
        change_a = bulky.amend(booking, {"table": 1, "wardrobe": 1, "armchair": 1}, Actor.resident())  # +£15.00
        change_b = bulky.amend(booking, {"table": 1, "sofa": 1}, Actor.resident())  # 2 units: +£5.00
    assert change_b.id != change_a.id
    provider_says(change_b, "success")
    with current_app.test_request_context():
        payments.confirm(change_b)
    assert booking.items == {"table": 1, "sofa": 1}
    provider_says(change_a, "success")  # paid after all, but only now seen
    with current_app.test_request_context():
        payments.confirm(change_a)
    db.session.refresh(booking)
    assert booking.items == {"table": 1, "sofa": 1} and booking.amount_pence == change_b.purpose["total"]
    refunds = db.session.scalars(select(Refund).where(Refund.payment_id == change_a.id)).all()
    assert [r.amount_pence for r in refunds] == [change_a.amount_pence]
    case = db.session.get(Case, booking.case_id)
    assert any("was not made" in (e.public_message or "") for e in db.session.scalars(
        select(CaseEvent).where(CaseEvent.case_id == case.id)))


def test_a_change_paid_after_the_booking_was_cancelled_is_refunded(prop):
    booking, _ = _confirmed(prop)
    with current_app.test_request_context():
        change = bulky.amend(booking, {"table": 1, "wardrobe": 1, "armchair": 1}, Actor.resident())
        bulky.cancel(booking, Actor.resident())
    provider_says(change, "success")
    with current_app.test_request_context():
        payments.confirm(change)
    assert booking.status == "cancelled" and booking.items == {"table": 1}
    assert db.session.scalar(select(func.sum(Refund.amount_pence)).where(Refund.payment_id == change.id)) == change.amount_pence


def test_a_refund_larger_than_the_payment_is_refused_and_nothing_changes(prop):
    _, payment = _confirmed(prop)
    with current_app.test_request_context():
        with pytest.raises(payments.RefundRefused, match="cannot be more than the £25.00"):
            payments.refund(payment, payment.amount_pence + 1, "too much")
        payments.refund(payment, 1000, "part")
        with pytest.raises(payments.RefundRefused, match="£15.00 left"):
            payments.refund(payment, 1501, "too much")
    assert [r.amount_pence for r in payment.refunds] == [1000]


def test_tampered_dates_and_items_are_refused_and_nothing_is_held(prop):
    slot = bulky_slot(capacity=1)
    with pytest.raises(FeeError, match="not an item we collect"):
        bulky.hold(prop, {"piano": 1}, slot.id)
    with pytest.raises(FeeError, match="at least one item"):
        bulky.hold(prop, {}, slot.id)
    with pytest.raises(FeeError, match="up to 5 items"):
        bulky.hold(prop, {"sofa": 3}, slot.id)
    far = bulky_slot(day=slot.day + timedelta(days=60))
    with pytest.raises(bulky.BookingRefused, match="cannot be booked"):
        bulky.hold(prop, {"table": 1}, far.id)
    with pytest.raises(bulky.BookingRefused, match="from the list"):
        bulky.hold(prop, {"table": 1}, 999999)
    other = factories.collection_round("refuse", 2)
    not_bulky = slots.ensure_slot(other.id, slot.day, 5)
    with pytest.raises(bulky.BookingRefused, match="from the list"):
        bulky.hold(prop, {"table": 1}, not_bulky.id)
    bulky.hold(prop, {"table": 1}, slot.id)
    with pytest.raises(slots.SlotFull, match="That date is now full"):
        bulky.hold(factories.property_(), {"table": 1}, slot.id)
    db.session.refresh(slot)
    assert count(Booking) == 1 and (slot.held, slot.booked) == (1, 0)


def test_reminders_three_days_and_one_day_before_each_sent_once(prop):
    booking, _ = _confirmed(prop)
    day = booking.slot.day
    calendar = working_calendar()
    from datetime import datetime, time

    three_before = datetime.combine(day - timedelta(days=3), time(8), tzinfo=calendar.tz)
    one_before = datetime.combine(day - timedelta(days=1), time(8), tzinfo=calendar.tz)
    with current_app.test_request_context():
        assert bulky.send_due_reminders(three_before) == 1
        assert bulky.send_due_reminders(three_before) == 0
        assert bulky.send_due_reminders(one_before) == 1
        assert bulky.send_due_reminders(one_before) == 0
    assert set(booking.reminders_sent) == {"3_days", "1_day"}
    case = db.session.get(Case, booking.case_id)
    assert sum("Reminder" in m for m in messages(case)) == 2


def test_a_free_collection_needs_a_reason(prop):
    booking = bulky.hold(prop, {"table": 1}, bulky_slot().id)
    staff = Actor.for_staff(factories.staff("advisor"))
    answers = {"location": "Drive", "full_name": "Pat Caller", "address": prop.uprn}
    with pytest.raises(bulky.BookingRefused, match="reason"):
        bulky.record_free(booking, answers, "  ", staff, "phone")
    bulky.record_free(booking, answers, "Concession: pension credit", staff, "phone")
    assert booking.status == "confirmed" and booking.amount_pence == 0 and count(Payment) == 0
