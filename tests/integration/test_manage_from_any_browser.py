"""A guest manages a booking or subscription from another browser: /track with the reference and
the email it was made with, or the signed link in the confirmation email, opens the same change
and cancel pages; a stranger with only the reference sees nothing. One reference per booking."""
import re

from flask import g
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Booking, Case, Notification, OutboxMessage, Payment
from frontdoor.services import outbox
from tests import factories
from tests.conftest import post_form
from tests.integration.bulky_helpers import bulky_slot, first_days
from tests.integration.test_bulky_portal import pay_page, to_check
from tests.integration.test_garden_pages import subscribe_and_pay

LINK = re.compile(r"https?://\S+/manage/\S+")


def emails_to(address: str) -> list[str]:
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.status != "sent")):
        outbox.deliver(message.id)  # whatever is still waiting: delivered as the worker would
    return [n.body for n in db.session.scalars(select(Notification).where(Notification.recipient == address)
                                               .order_by(Notification.id))]


def another_browser(app):
    """A second browser. The test holds one app context for every request, so Flask-WTF's token
    cached in `g` for the first browser's session would be handed to this one: forget it."""
    g.pop("csrf_token", None)
    return app.test_client()


def book(client):
    prop = factories.property_(postcode="DB4 4MM")
    slot = bulky_slot(capacity=5, day=first_days(2)[0])
    other = bulky_slot(capacity=5, day=first_days(2)[1])
    to_check(client, prop, slot)
    payment_page = client.get(post_form(client, "/bulky-waste/check", {}).location).get_data(as_text=True)
    shown_while_paying = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}", payment_page).group(0)
    r = post_form(client, db.session.scalar(select(Payment)).next_url, {"outcome": "success"})
    confirmation = client.get(client.get(r.location).location).get_data(as_text=True)
    return shown_while_paying, confirmation, other


def test_one_reference_from_payment_to_track_and_a_new_browser_can_change_and_cancel(app, client, session):
    shown_while_paying, confirmation, other = book(client)
    booking = db.session.scalar(select(Booking))
    case = db.session.scalar(select(Case))
    assert shown_while_paying in confirmation and booking.reference == case.reference == shown_while_paying

    elsewhere = another_browser(app)
    assert elsewhere.get(f"/bulky-waste/booking/{booking.reference}").status_code == 404  # the reference alone: nothing
    wrong = post_form(elsewhere, "/track", {"reference": booking.reference, "email": "someone@example.com"})
    assert wrong.status_code == 404
    tracked = post_form(elsewhere, "/track", {"reference": booking.reference.lower(), "email": "SAM@example.com"})
    page = tracked.get_data(as_text=True)
    assert tracked.status_code == 200 and "See, change or cancel your bulky waste collection" in page
    assert "Aim to finish by: Finished" not in page

    page = elsewhere.get(f"/bulky-waste/booking/{booking.reference}").get_data(as_text=True)
    assert "Change the collection date" in page and "Booked" in page and "confirmed" not in page
    r = post_form(elsewhere, f"/bulky-waste/booking/{booking.reference}/change-date", {"slot": str(other.id)})
    page = elsewhere.get(r.location).get_data(as_text=True)
    assert "Your collection date is changed to" in page and "govuk-notification-banner--success" in page
    r = post_form(elsewhere, f"/bulky-waste/booking/{booking.reference}/change-items", {"item-table": "1"})
    page = elsewhere.get(r.location).get_data(as_text=True)
    assert "Your items are changed: 1 x Table." in page
    r = post_form(elsewhere, f"/bulky-waste/booking/{booking.reference}/cancel", {})
    page = elsewhere.get(r.location).get_data(as_text=True)
    assert "Your collection is cancelled" in page and f"Your reference is <strong>{booking.reference}" in page
    assert "We have refunded £40.00" in page


def test_the_link_in_the_confirmation_email_opens_the_booking_in_any_browser(app, client, session):
    book(client)
    booking = db.session.scalar(select(Booking))
    links = [m.group(0) for body in emails_to("sam@example.com") for m in LINK.finditer(body)]
    assert links, emails_to("sam@example.com")
    elsewhere = another_browser(app)
    path = links[0][links[0].index("/manage/"):]
    r = elsewhere.get(path)
    assert r.status_code == 302 and r.location.endswith(f"/bulky-waste/booking/{booking.reference}")
    assert "Cancel this collection" in elsewhere.get(r.location).get_data(as_text=True)
    forged = another_browser(app).get(path[:-3] + "abc")
    assert forged.status_code == 404 and "This link cannot be used" in forged.get_data(as_text=True)


def test_track_accepts_a_garden_waste_reference_and_opens_the_subscription(app, client, session):
    prop = factories.property_(postcode="DG4 4GG", streams=("garden",))
    url = subscribe_and_pay(client, prop)
    reference = url.rsplit("/", 1)[-1]
    assert reference.startswith("GW-")
    elsewhere = another_browser(app)
    assert elsewhere.get(url).status_code == 404
    r = post_form(elsewhere, "/track", {"reference": reference.lower().replace("-", " "), "email": "gina@example.com"})
    assert r.status_code == 302 and r.location.endswith(url)
    page = elsewhere.get(url).get_data(as_text=True)
    assert reference in page and "Cancel this subscription" in page and "Active" in page
    assert "We will refund £90.00" in elsewhere.get(url + "/cancel").get_data(as_text=True)
    body = next(b for b in emails_to("gina@example.com") if reference in b)
    link = LINK.search(body).group(0)
    third = another_browser(app)
    assert third.get(link[link.index("/manage/"):]).location.endswith(url)
    assert "2 bins from" in body and "bin(s)" not in body
