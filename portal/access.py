"""What this browser's session may open: bookings and subscriptions it made or proved are its own
(the reference with its email or phone on /track, or the signed link in the confirmation email).
The change and cancel pages in bulky_routes.py and garden_routes.py read the same lists.
"""
from __future__ import annotations

from flask import session

from frontdoor.models import Booking, GardenSubscription


def grant_booking(booking: Booking) -> None:
    _grant("bulky_mine", booking.reference)


def grant_subscription(sub: GardenSubscription) -> None:
    _grant("garden_mine", sub.reference)


def _grant(key: str, reference: str) -> None:
    mine = session.setdefault(key, [])
    if reference not in mine:
        mine.append(reference)
        session.modified = True


def grant_tracked(reference: str) -> None:
    """A plain request opened by its signed link: /track shows it to this session without asking again."""
    _grant("tracked", reference)


def may_see_tracked(reference: str) -> bool:
    return reference in session.get("tracked", [])
