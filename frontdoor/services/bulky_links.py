"""Pay-by-link for bulky bookings an advisor makes for a caller: the caller gets an email with a
link to the same hosted payment flow.

The link is signed (no table: it names the booking and expires with it) and works only while the
booking is unpaid, so once paid it cannot pay again. The held place is kept for as long as the
link works (24 hours by default, never past the date's cut-off), so a caller who pays in time
always gets the date; after that the link explains that the date may have gone.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from frontdoor.extensions import db
from frontdoor.models import Booking
from frontdoor.models.base import utcnow
from frontdoor.services import bulky, notifications, outbox
from frontdoor.services.actors import Actor
from frontdoor.services.links import Link
from frontdoor.services.registry import working_calendar
from frontdoor.unit_of_work import Refused
from workflows import booking as rules
from workflows.fees import pounds

SALT = "bulky-payment-link"
DEFAULT_HOURS = 24


class LinkRefused(Refused):
    """The link cannot be used; the message is for the resident."""


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_expiry(booking: Booking, now: datetime | None = None) -> datetime:
    now = now or utcnow()
    hours = int(current_app.config.get("BULKY_PAYMENT_LINK_HOURS", DEFAULT_HOURS))
    cutoff = rules.cutoff_for(working_calendar(), booking.slot.day, bulky.booking_rules())
    return min(now + timedelta(hours=hours), cutoff)


def held_until(booking: Booking) -> datetime:
    """When the held place (and so the link) ends, in local time. SQLite hands back naive UTC."""
    moment = booking.hold.expires_at
    return working_calendar().local(moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc))


def send(booking: Booking, answers: dict, actor: Actor, now: datetime | None = None) -> str:
    """Check the details, keep the place held until the link expires, and email the link. Returns the link."""
    now = now or utcnow()
    email = (answers.get("email") or "").strip()
    if not email:
        raise bulky.BookingRefused("Enter the caller's email address to send them a payment link")
    if booking.status != "held":
        raise bulky.BookingRefused("This booking can no longer be paid for. Start again")
    bulky.check_answers(answers, actor)
    booking.answers = dict(answers)
    booking.location = str(answers.get("location", ""))[:500]
    expires = link_expiry(booking, now)
    booking.hold.expires_at = expires
    token = _signer().dumps({"b": booking.id, "e": int(expires.timestamp())})
    link = Link("bulky.pay_link", {"token": token}).url()
    day = booking.slot.day
    local_expiry = working_calendar().local(expires)
    outbox.add("booking_email", {"to": email, "template": "bulky_payment_link", "values": {
        "name": answers.get("full_name", ""), "link": link, "amount": pounds(booking.amount_pence),
        "date": f"{day:%A} {day.day} {day:%B %Y}", "items": ", ".join(bulky.item_lines(booking)),
        "expires": f"{local_expiry:%-I:%M%p} on {local_expiry:%A} {local_expiry.day} {local_expiry:%B}".replace("AM", "am").replace("PM", "pm"),
        "council_phone": current_app.config["COUNCIL_PHONE"],
    }})
    db.session.flush()
    return link


def booking_for(token: str, now: datetime | None = None) -> Booking:
    """The booking a link is for, or LinkRefused("invalid" or "expired"). Each link carries its own
    expiry (signed, so it cannot be stretched), the same moment its held place is released."""
    now = now or utcnow()
    try:
        data = _signer().loads(token)
    except BadSignature:
        raise LinkRefused("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("b"), int) or not isinstance(data.get("e"), int):
        raise LinkRefused("invalid")
    booking = db.session.get(Booking, data["b"])
    if booking is None:
        raise LinkRefused("invalid")
    if now.timestamp() > data["e"]:
        raise LinkRefused("expired")
    return booking


notifications.BOOKING_TEMPLATES["bulky_payment_link"] = {
    "subject": "Pay for your bulky waste collection",
    "body": "Dear {name},\n\nWe have booked a bulky waste collection for you on {date}: {items}.\n\n"
    "To confirm it, pay {amount} here:\n\n{link}\n\n"
    "We hold the date for you until {expires}. After that the link stops working and the date may have "
    "gone: book again online or call us on {council_phone}.",
}
