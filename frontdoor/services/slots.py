"""Places on a bulky round: holds that can never exceed capacity, whatever the concurrency.

Every change to a slot's counters is one conditional UPDATE, so the database decides who gets
the last place: `held + booked < capacity` is checked and the counter moved in the same
statement (PostgreSQL row-locks the slot for it; SQLite serialises writers). A CHECK constraint
on the table backs this up. A hold's own status change is also conditional, so an expiry swept
twice (the job and a hold-time check at once) returns its place once.

Unpaid holds are a minority of a day (issue 16, Medium 9): the same UPDATE that takes a hold checks
that holds stay within SLOT_UNPAID_HOLD_SHARE_PERCENT of the day's capacity (at least one), each
hold lasts at most SLOT_HOLD_MAX_MINUTES, and bulky.hold allows SLOT_HOLDS_PER_ADDRESS per address.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from frontdoor.extensions import db
from frontdoor.models import BookingSlot, SlotHold
from frontdoor.models.base import utcnow

FULL_MESSAGE = "That date is now full. Choose another date"
BUSY_MESSAGE = ("Other people are booking that date just now. Choose another date, "
                "or try this one again in a few minutes")


class SlotFull(Exception):
    def __init__(self, message: str = FULL_MESSAGE):
        super().__init__(message)


def ensure_slot(round_id: int, day: date, capacity: int) -> BookingSlot:
    slot = db.session.scalar(select(BookingSlot).where(BookingSlot.round_id == round_id, BookingSlot.day == day))
    if slot is None:
        slot = BookingSlot(round_id=round_id, day=day, capacity=capacity, held=0, booked=0)
        db.session.add(slot)
    else:
        slot.capacity = capacity
    db.session.flush()
    return slot


def _move(slot_id: int, held: int = 0, booked: int = 0, need_room: bool = False, hold_share: int | None = None) -> bool:
    stmt = update(BookingSlot).where(BookingSlot.id == slot_id)
    if need_room:
        stmt = stmt.where(BookingSlot.held + BookingSlot.booked < BookingSlot.capacity)
    if hold_share is not None:  # one more unpaid hold stays within the share (the first always may)
        stmt = stmt.where(or_(BookingSlot.held == 0, (BookingSlot.held + 1) * 100 <= BookingSlot.capacity * hold_share))
    stmt = stmt.values(held=BookingSlot.held + held, booked=BookingSlot.booked + booked)
    result = db.session.execute(stmt.execution_options(synchronize_session=False))
    return result.rowcount == 1


def _set_hold_status(hold_id: int, from_status: str, to_status: str) -> bool:
    result = db.session.execute(
        update(SlotHold).where(SlotHold.id == hold_id, SlotHold.status == from_status)
        .values(status=to_status).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def release_expired(slot_id: int | None = None, now: datetime | None = None) -> int:
    """Return the places of unpaid holds past their expiry. Safe to run at once from many places."""
    from frontdoor.models import Booking

    now = now or utcnow()
    query = select(SlotHold.id, SlotHold.slot_id).where(SlotHold.status == "active", SlotHold.expires_at <= now)
    if slot_id is not None:
        query = query.where(SlotHold.slot_id == slot_id)
    released = 0
    for hold_id, hold_slot in db.session.execute(query.order_by(SlotHold.id)).all():
        if _set_hold_status(hold_id, "active", "expired"):
            _move(hold_slot, held=-1)
            db.session.execute(
                update(Booking).where(Booking.hold_id == hold_id, Booking.status == "held")
                .values(status="expired").execution_options(synchronize_session=False)
            )
            released += 1
    db.session.flush()
    return released


def take_hold(slot_id: int, minutes: int, now: datetime | None = None) -> SlotHold:
    """Hold one place for `minutes` (at most SLOT_HOLD_MAX_MINUTES), or raise SlotFull."""
    now = now or utcnow()
    minutes = min(minutes, current_app.config["SLOT_HOLD_MAX_MINUTES"])
    release_expired(slot_id, now)
    if not _move(slot_id, held=1, need_room=True, hold_share=current_app.config["SLOT_UNPAID_HOLD_SHARE_PERCENT"]):
        slot = db.session.get(BookingSlot, slot_id, populate_existing=True)
        raise SlotFull(FULL_MESSAGE if slot is None or slot.held + slot.booked >= slot.capacity else BUSY_MESSAGE)
    hold = SlotHold(slot_id=slot_id, status="active", expires_at=now + timedelta(minutes=minutes), created_at=now)
    db.session.add(hold)
    db.session.flush()
    return hold


def convert(hold: SlotHold) -> bool:
    """Turn a paid hold into a booked place. An expired hold is re-booked if there is room.

    Returns True if the place is booked; False if the hold expired and the date is now full.
    """
    if _set_hold_status(hold.id, "active", "converted"):
        _move(hold.slot_id, held=-1, booked=1)
        db.session.refresh(hold)
        return True
    db.session.refresh(hold)
    if hold.status == "converted":
        return True
    if _move(hold.slot_id, booked=1, need_room=True):
        hold.status = "converted"
        db.session.flush()
        return True
    return False


def release(hold: SlotHold) -> None:
    """The resident gave up before paying: the place returns now."""
    if _set_hold_status(hold.id, "active", "released"):
        _move(hold.slot_id, held=-1)
    db.session.refresh(hold)


def free_booked_place(slot_id: int) -> None:
    _move(slot_id, booked=-1)
