"""Bulky waste bookings: hold a place, pay, confirm into a case, remind, cancel, amend, collect.

Prices come from workflows/fees.py and dates from workflows/booking.py, both reading the
definition's `fees:` and `booking:` blocks. Places come from services/slots.py. The case is made
by submit() once the place is paid for (or recorded free), so abandoned holds leave no case.
"""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select

from frontdoor.unit_of_work import Refused
from frontdoor.extensions import db
from frontdoor.models import (Booking, BookingSlot, Case, CollectionRound, Customer, Payment, Property, SlotHold,
                              StaffUser)
from frontdoor.models.base import utcnow
from frontdoor.services import notifications, payments, slots
from frontdoor.services.actors import Actor
from frontdoor.services.case_work import add_note
from frontdoor.services.references import new_reference
from frontdoor.services.registry import definition as get_definition
from frontdoor.services.registry import working_calendar
from frontdoor.services.submissions import SubmissionRejected, submit, validate
from frontdoor.services.transitions import transition
from frontdoor.services.links import Link
from workflows import booking as rules
from workflows import fees as pricing

WORKFLOW_ID = "bulky_waste"


class BookingRefused(Refused):
    """A booking change that may not happen; the message is for the person who asked."""


def definition():
    found = get_definition(WORKFLOW_ID)
    if found is None:
        raise LookupError("the bulky_waste definition is not loaded")
    return found


def fees() -> dict:
    return definition().raw["fees"]


def booking_rules() -> dict:
    """The definition's booking settings; a hold lasts no longer than SLOT_HOLD_MAX_MINUTES allows."""
    settings = dict(rules.settings(definition().raw.get("booking")))
    settings["hold_minutes"] = min(int(settings["hold_minutes"]), current_app.config["SLOT_HOLD_MAX_MINUTES"])
    return settings


def available_slots(now: datetime | None = None) -> list[BookingSlot]:
    """Slots on bulky rounds with a free place on a bookable day, soonest first."""
    now = now or utcnow()
    days = rules.bookable_days(working_calendar(), now, booking_rules())
    if not days:
        return []
    slots.release_expired(None, now)
    stream = booking_rules().get("round_stream", "bulky")
    found = db.session.scalars(
        select(BookingSlot).join(CollectionRound, BookingSlot.round_id == CollectionRound.id)
        .where(CollectionRound.stream == stream, BookingSlot.day.in_(days))
        .order_by(BookingSlot.day, BookingSlot.id)
    ).all()
    return [s for s in found if s.free > 0]


def check_slot_day(slot: BookingSlot, now: datetime) -> None:
    if slot is None or slot.round.stream != booking_rules().get("round_stream", "bulky"):
        raise BookingRefused("Choose a collection date from the list")
    if not rules.is_bookable(working_calendar(), slot.day, now, booking_rules()):
        raise BookingRefused("That date cannot be booked. Choose a date from the list")


def hold(prop: Property, items: dict, slot_id: int, now: datetime | None = None,
         customer: Customer | None = None) -> Booking:
    """Price the items, check the date and hold a place: raises FeeError, BookingRefused or SlotFull."""
    now = now or utcnow()
    quote = pricing.quote(fees(), items)
    slot = db.session.get(BookingSlot, slot_id)
    check_slot_day(slot, now)
    _check_address_holds(prop, now)
    place = slots.take_hold(slot.id, int(booking_rules()["hold_minutes"]), now)
    booking = Booking(reference=new_reference(), workflow_id=WORKFLOW_ID, slot_id=slot.id, hold_id=place.id,
                      property_id=prop.id, customer_id=customer.id if customer else None, items=quote.items,
                      amount_pence=quote.total_pence, status="held", answers={}, reminders_sent={}, created_at=now)
    db.session.add(booking)
    db.session.flush()
    return booking


def _check_address_holds(prop: Property, now: datetime) -> None:
    """At most SLOT_HOLDS_PER_ADDRESS unpaid places held for one address at once (issue 16, Medium 9)."""
    active = db.session.scalar(
        select(func.count()).select_from(Booking).join(SlotHold, Booking.hold_id == SlotHold.id)
        .where(Booking.property_id == prop.id, Booking.status == "held", SlotHold.status == "active",
               SlotHold.expires_at > now))
    if active >= current_app.config["SLOT_HOLDS_PER_ADDRESS"]:
        raise BookingRefused("A collection is already being booked for this address. Finish that booking, "
                             f"or choose a date again in {current_app.config['SLOT_HOLD_MAX_MINUTES']} minutes")


def release(booking: Booking) -> None:
    """The resident went back to choose another date, or gave up: the held place returns."""
    if booking.status == "held" and booking.hold is not None:
        slots.release(booking.hold)
        booking.status = "expired"
        db.session.flush()


def check_answers(answers: dict, actor: Actor) -> None:
    """The details are checked before any money is taken, so a paid booking always becomes a case."""
    try:
        validate(definition(), answers, actor, utcnow())
    except SubmissionRejected as exc:
        raise BookingRefused("; ".join(exc.errors.values()) or str(exc)) from exc


def start_payment(booking: Booking, answers: dict, return_endpoint: str = "bulky.payment_return",
                  actor: Actor | None = None) -> Payment:
    if booking.status != "held":
        raise BookingRefused("This booking can no longer be paid for. Start again")
    check_answers(answers, actor or Actor.resident())
    booking.answers = dict(answers)
    booking.location = str(answers.get("location", ""))[:500]
    existing = db.session.scalar(select(Payment).where(Payment.booking_id == booking.id, Payment.status == "created"))
    if existing is not None and existing.amount_pence == booking.amount_pence:
        return existing
    return payments.start(
        amount_pence=booking.amount_pence, service=WORKFLOW_ID, fund_code=fees()["fund_code"],
        description=f"Bulky waste collection {booking.reference}", purpose={"kind": "bulky_booking"},
        booking_id=booking.id,
        return_url=lambda p: Link(return_endpoint, {"reference": p.reference}).url(),
    )


def _make_case(booking: Booking, actor: Actor, channel: str) -> Case:
    answers = dict(booking.answers)
    answers.setdefault("address", booking.property.uprn)
    customer = db.session.get(Customer, booking.customer_id) if booking.customer_id else None
    result = submit(definition(), answers, channel, customer, actor, submission_key=f"booking-{booking.id}",
                    reference=booking.reference)  # the one the resident saw while paying
    booking.case_id = result.case.id
    booking.customer_id = result.case.customer_id
    return result.case


def _summary(booking: Booking) -> str:
    catalogue = pricing.catalogue(fees())
    items = ", ".join(f"{n} x {catalogue[c].label}" for c, n in booking.items.items() if c in catalogue)
    day = booking.slot.day
    return f"{items}, collected on {day:%A} {day.day} {day:%B %Y}"


@payments.on_success("bulky_booking")
def _booking_paid(payment: Payment) -> None:
    booking = db.session.get(Booking, payment.booking_id)
    staff = db.session.get(StaffUser, payment.purpose["staff_id"]) if payment.purpose.get("staff_id") else None
    confirm(booking, Actor.for_staff(staff) if staff else Actor.resident(),
            "web" if payment.purpose.get("channel") is None else payment.purpose["channel"], payment=payment)


def confirm(booking: Booking, actor: Actor, channel: str, payment: Payment | None = None,
            free_reason: str | None = None) -> Booking:
    """Turn the hold into a booked place and a case. A late payment on a full date is refunded.

    Safe to call twice: a confirmed booking is returned as it is.
    """
    db.session.execute(select(Booking.id).where(Booking.id == booking.id).with_for_update())
    db.session.refresh(booking)
    if booking.status not in ("held", "expired"):
        return booking
    booked = slots.convert(booking.hold)
    case = _make_case(booking, actor, channel)
    now = utcnow()
    if booked:
        booking.status = "confirmed"
        booking.confirmed_at = now
        booking.free_reason = free_reason
        if free_reason:
            booking.amount_pence = 0
        case.events[-1].data = {**case.events[-1].data, "booking": booking.reference,
                                "payment": payment.reference if payment else None}
        notifications.queue_for_case(case, "transition", {
            "message": f"Your booking: {_summary(booking)}. "
                       + (f"Paid {pricing.pounds(payment.amount_pence)}." if payment else "No charge.")})
    else:
        # Paid after the hold expired and the date filled meanwhile: give the money back and say so.
        booking.status = "cancelled"
        booking.cancelled_at = now
        if payment is not None:
            payments.refund(payment, payment.amount_pence, "Paid after the held date was released; date now full")
        transition(case, "cancel", Actor.system(), {"reason": "date_full_after_hold_expired"})
        notifications.queue_for_case(case, "transition", {
            "message": "Your payment arrived after the 30 minutes we held your date, and that date is now full. "
                       "We have refunded your payment in full. Please book again and choose another date."})
    db.session.flush()
    return booking


def record_free(booking: Booking, answers: dict, reason: str, actor: Actor, channel: str) -> Booking:
    reason = (reason or "").strip()
    if not reason:
        raise BookingRefused("Enter the reason the collection is free")
    check_answers(answers, actor)
    booking.answers = dict(answers)
    booking.location = str(answers.get("location", ""))[:500]
    return confirm(booking, actor, channel, free_reason=reason)


def paid_payments(booking: Booking) -> list[Payment]:
    return list(db.session.scalars(select(Payment).where(Payment.booking_id == booking.id,
                                                         Payment.status == "success").order_by(Payment.id)))


def can_change(booking: Booking, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return booking.status == "confirmed" and rules.before_cutoff(working_calendar(), booking.slot.day, now,
                                                                 booking_rules())


def cancel(booking: Booking, actor: Actor, now: datetime | None = None) -> int:
    """Cancel and refund by the definition's rule. Returns pence refunded."""
    now = now or utcnow()
    db.session.execute(select(Booking.id).where(Booking.id == booking.id).with_for_update())
    db.session.refresh(booking)
    if booking.status != "confirmed":
        raise BookingRefused("This booking cannot be cancelled: it is not an active booking")
    before = rules.before_cutoff(working_calendar(), booking.slot.day, now, booking_rules())
    if not before and actor.type != "staff":
        raise BookingRefused("It is too late to cancel online: bookings close at 2pm on the working day before. "
                             "Call us if you need help")
    paid = paid_payments(booking)
    to_refund = pricing.cancellation_refund(fees(), sum(p.refundable_pence for p in paid), before)
    refunded = 0
    for payment in paid:
        part = min(to_refund - refunded, payment.refundable_pence)
        if part > 0:
            payments.refund(payment, part, "Booking cancelled")
            refunded += part
    booking.status = "cancelled"
    booking.cancelled_at = now
    slots.free_booked_place(booking.slot_id)
    case = db.session.get(Case, booking.case_id)
    transition(case, "cancel", actor, {"refund_pence": refunded})
    notifications.queue_for_case(case, "transition", {
        "message": "Your bulky waste collection is cancelled. "
                   + (f"We have refunded {pricing.pounds(refunded)}." if refunded else "No refund is due.")})
    db.session.flush()
    return refunded


def amend(booking: Booking, items: dict, actor: Actor, now: datetime | None = None) -> Payment | None:
    """Change the items. Charges only the difference (a payment is returned to be paid); a cheaper
    change is refunded only if the definition says so."""
    now = now or utcnow()
    if not can_change(booking, now):
        raise BookingRefused("This booking can no longer be changed online")
    quote = pricing.quote(fees(), items)
    charge, refund_due = pricing.amendment_charge(fees(), booking.amount_pence, quote.total_pence)
    if charge > 0:
        waiting = db.session.scalar(select(Payment).where(Payment.booking_id == booking.id, Payment.status == "created")
                                    .order_by(Payment.id.desc()))
        if waiting is not None and waiting.purpose.get("kind") == "bulky_amend" \
                and waiting.purpose.get("items") == quote.items:
            return waiting  # the same change asked for twice (a double-click): one payment
        return payments.start(
            amount_pence=charge, service=WORKFLOW_ID, fund_code=fees()["fund_code"],
            description=f"Change to bulky waste collection {booking.reference}",
            # What the change was made from: if the booking has changed by the time this is paid
            # (a later change, or cancelled), the payment is refunded instead of applied.
            purpose={"kind": "bulky_amend", "items": quote.items, "total": quote.total_pence,
                     "from_items": dict(booking.items), "from_total": booking.amount_pence},
            booking_id=booking.id,
            return_url=lambda p: Link("bulky.payment_return", {"reference": p.reference}).url(),
        )
    if refund_due:
        remaining = refund_due
        for payment in paid_payments(booking):
            part = min(remaining, payment.refundable_pence)
            if part > 0:
                payments.refund(payment, part, "Cheaper amendment")
                remaining -= part
    _apply_items(booking, quote.items, quote.total_pence if refund_due else max(booking.amount_pence, quote.total_pence),
                 actor)
    return None


def change_date(booking: Booking, slot_id: int, actor: Actor, now: datetime | None = None) -> Booking:
    """Move a confirmed booking to another date, up to the cut-off; the price does not depend on the date.

    The new place is taken first (SlotFull if the date has filled), then the old one given back.
    """
    now = now or utcnow()
    db.session.execute(select(Booking.id).where(Booking.id == booking.id).with_for_update())
    db.session.refresh(booking)
    if not can_change(booking, now):
        raise BookingRefused("This booking can no longer be changed online")
    if booking.slot_id == slot_id:
        return booking  # nothing to change (or a second click after the first moved it)
    slot = db.session.get(BookingSlot, slot_id)
    check_slot_day(slot, now)
    place = slots.take_hold(slot.id, int(booking_rules()["hold_minutes"]), now)
    slots.convert(place)
    old_slot = booking.slot_id
    booking.slot_id, booking.hold_id = slot.id, place.id
    booking.reminders_sent = {}
    slots.free_booked_place(old_slot)
    db.session.flush()
    db.session.refresh(booking)
    _record_change(booking, actor)
    return booking


def _record_change(booking: Booking, actor: Actor) -> None:
    """A public note on the case: in its history, and sent to the resident."""
    case = db.session.get(Case, booking.case_id) if booking.case_id else None
    if case is not None:
        add_note(case, actor, f"Your booking is changed: {_summary(booking)}.", public=True)
    db.session.flush()


def _apply_items(booking: Booking, items: dict, amount: int, actor: Actor | None = None) -> None:
    booking.items = dict(items)
    booking.amount_pence = amount
    _record_change(booking, actor or Actor.resident())


@payments.on_success("bulky_amend")
def _amendment_paid(payment: Payment) -> None:
    """Apply the paid change, unless the booking moved on after it was asked for (a later change was
    made while this payment was abandoned, then settled late; or the booking was cancelled): then
    the change is out of date and what it took is refunded, with a note to the resident."""
    db.session.execute(select(Booking.id).where(Booking.id == payment.booking_id).with_for_update())
    booking = db.session.get(Booking, payment.booking_id)
    db.session.refresh(booking)
    based_on = payment.purpose.get("from_items")  # absent on payments started before it was recorded
    if booking.status == "confirmed" and (based_on is None or (booking.items == based_on
                                                                and booking.amount_pence == payment.purpose["from_total"])):
        _apply_items(booking, payment.purpose["items"], int(payment.purpose["total"]))
        return
    payments.refund(payment, payment.refundable_pence, "Change superseded before it was paid")
    case = db.session.get(Case, booking.case_id) if booking.case_id else None
    if case is not None:
        add_note(case, Actor.system(), f"The change paid for with payment {payment.reference} was not made, because "
                 f"the booking had changed since it was asked for. We have refunded "
                 f"{pricing.pounds(payment.amount_pence)}.", public=True)
    db.session.flush()


def mark(booking: Booking, outcome: str, actor: Actor, reason: str = "") -> None:
    """Staff record the crew's result: collected, or not collected with a reason."""
    if booking.status != "confirmed":
        raise BookingRefused("Only a confirmed booking can be marked")
    case = db.session.get(Case, booking.case_id)
    if outcome == "collected":
        transition(case, "mark_collected", actor)
    elif outcome == "not_collected":
        transition(case, "mark_not_collected", actor, {"note": reason})
        booking.outcome_reason = reason.strip()
    else:
        raise BookingRefused("Choose collected or not collected")
    booking.status = outcome
    db.session.flush()


def next_collection_day(round_id: int | None, today: date) -> date:
    """The day the crew next goes out after today: the round's next day with places that is a working
    day (never a weekend or a bank holiday); the next working day when the round has no places ahead."""
    calendar = working_calendar()
    if round_id is not None:
        days = db.session.scalars(select(BookingSlot.day).where(BookingSlot.round_id == round_id, BookingSlot.day > today)
                                  .distinct().order_by(BookingSlot.day).limit(60))
        for day in days:
            if calendar.is_working_day(day):
                return day
    return calendar.add_working_days(today, 1)


def manifest(round_id: int, day: date) -> list[Booking]:
    return list(db.session.scalars(
        select(Booking).join(BookingSlot, Booking.slot_id == BookingSlot.id)
        .where(BookingSlot.round_id == round_id, BookingSlot.day == day,
               Booking.status.in_(("confirmed", "collected", "not_collected")))
        .order_by(Booking.id)))


def item_lines(booking: Booking) -> list[str]:
    catalogue = pricing.catalogue(fees())
    return [f"{n} x {catalogue[c].label if c in catalogue else c}" for c, n in booking.items.items()]


def send_due_reminders(now: datetime | None = None) -> int:
    """Queue the 3-day and 1-day reminders that are due. Idempotent: each is recorded on the booking."""
    now = now or utcnow()
    calendar = working_calendar()
    today = calendar.local(now).date()
    from datetime import timedelta

    horizon = today + timedelta(days=max(booking_rules()["reminder_days"]))
    due = db.session.scalars(select(Booking).join(BookingSlot, Booking.slot_id == BookingSlot.id)
                             .where(Booking.status == "confirmed", BookingSlot.day > today,
                                    BookingSlot.day <= horizon).with_for_update(of=Booking)).all()
    sent = 0
    for booking in due:
        names = [n for n in rules.reminders_due(calendar, booking.slot.day, now, booking_rules())
                 if n not in booking.reminders_sent]
        if not names:
            continue
        case = db.session.get(Case, booking.case_id)
        # Only the nearest reminder is sent if several are due at once (a booking made 2 days ahead).
        notifications.queue_for_case(case, "transition", {
            "message": f"Reminder: {_summary(booking)}. Please leave the items at: {booking.location}"})
        booking.reminders_sent = {**booking.reminders_sent, **{n: now.isoformat() for n in names}}
        sent += 1
    db.session.flush()
    return sent
