"""An advisor books bulky waste for a caller and emails them a link to pay: the link leads to the
same hosted payment flow, works once, expires with the held date (never past the cut-off), and a
tampered or expired link is refused with a page that says why."""
from datetime import timedelta

from flask import current_app, g
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Booking, Case, Notification, OutboxMessage, Payment
from frontdoor.models.base import utcnow
from frontdoor.services import bulky, bulky_links, outbox, slots
from frontdoor.services.actors import Actor
from frontdoor.services.registry import working_calendar
from tests import factories
from tests.conftest import post_form
from tests.integration.bulky_helpers import ANSWERS, bulky_slot
from workflows import booking as rules


def link_email():
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "booking_email")
                            .order_by(OutboxMessage.id.desc()))
    assert row is not None
    return row


def path_of(link):
    return "/" + link.split("/", 3)[3]


def test_advisor_sends_a_payment_link_and_the_caller_pays_once(client, login_as):
    slot = bulky_slot(capacity=3)
    prop = factories.property_(postcode="DB7 7LK")
    login_as("advisor")
    data = {"uprn": prop.uprn, "item-table": "1", "slot": str(slot.id), "location": "By the bins",
            "full_name": "Pat Caller", "payment": "link"}
    r = post_form(client, "/staff/bulky/book", data)
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and "govuk-error-summary" in body and "to send them a payment link" in body
    assert db.session.scalar(select(Booking)) is None
    r = post_form(client, "/staff/bulky/book", {**data, "email": "pat@example.com"})
    assert r.status_code == 302 and r.location.endswith("/staff/bulky/book")
    assert "Payment link sent to pat@example.com" in client.get(r.location).get_data(as_text=True)
    booking = db.session.scalar(select(Booking))
    assert booking.status == "held" and db.session.scalar(select(Payment)) is None
    # The place is held for as long as the link works: 24 hours, or up to the cut-off if that is sooner.
    cutoff = rules.cutoff_for(working_calendar(), slot.day, bulky.booking_rules())
    until = bulky_links.held_until(booking)
    assert until <= cutoff and (until > utcnow() + timedelta(hours=23) or until == cutoff)
    email = link_email()
    assert email.payload["to"] == "pat@example.com" and "£" in email.payload["values"]["amount"]
    link = path_of(email.payload["values"]["link"])
    outbox.deliver(email.id)  # already sent if the outbox runs inline (SQLite); a worker's job otherwise
    sent = db.session.scalar(select(Notification).where(Notification.outbox_id == email.id))
    assert sent is not None and sent.recipient == "pat@example.com"
    assert link in sent.body and "the date may have gone" in sent.body.replace("\n", " ")

    caller = current_app.test_client()  # the caller's own browser, not the advisor's
    # The test's app context is shared by both clients' requests, and Flask-WTF caches the CSRF token
    # in g: forget the advisor's so the caller's session gets its own.
    g.pop("csrf_token", None)
    page = caller.get(link)
    assert page.status_code == 200 and "1 x Table" in page.get_data(as_text=True)
    r = post_form(caller, link, {})
    assert r.status_code == 302 and "/pay/test/" in r.location, r.get_data(as_text=True)[-3000:]
    r = post_form(caller, r.location, {"outcome": "success"})
    r = caller.get(r.location)
    assert r.status_code == 302 and "/bulky-waste/booking/" in r.location
    db.session.refresh(booking)
    assert booking.status == "confirmed"
    assert db.session.get(Case, booking.case_id).channel == "phone"
    again = caller.get(link)  # single use: a paid booking cannot be paid again
    assert again.status_code == 410 and "already paid for" in again.get_data(as_text=True)
    assert len(db.session.scalars(select(Payment)).all()) == 1


def test_tampered_and_expired_links_are_refused(client, session):
    slot = bulky_slot(capacity=2)
    prop = factories.property_(postcode="DB7 7LM")
    booking = bulky.hold(prop, {"table": 1}, slot.id)
    with current_app.test_request_context():
        link = bulky_links.send(booking, {**ANSWERS, "address": prop.uprn}, Actor.resident(),
                                now=utcnow() - timedelta(hours=25))
    r = client.get(path_of(link))
    assert r.status_code == 410 and "may now have gone" in r.get_data(as_text=True)
    assert client.get(path_of(link)[:-3] + "abc").status_code == 404
    assert client.get("/bulky-waste/pay/not-a-token").status_code == 404
    # The place held for the link returns when the link expires.
    assert slots.release_expired() == 1
    db.session.refresh(slot)
    assert slot.held == 0


def test_a_link_needs_an_email_and_an_unpaid_booking(session):
    slot = bulky_slot(capacity=2)
    prop = factories.property_(postcode="DB7 7LN")
    booking = bulky.hold(prop, {"table": 1}, slot.id)
    with current_app.test_request_context():
        try:
            bulky_links.send(booking, {"location": "Drive", "full_name": "No Email"}, Actor.resident())
        except bulky.BookingRefused as exc:
            assert "email address" in str(exc)
        else:
            raise AssertionError("a link was sent without an email address")
        bulky.release(booking)
        try:
            bulky_links.send(booking, {**ANSWERS, "address": prop.uprn}, Actor.resident())
        except bulky.BookingRefused as exc:
            assert "no longer be paid" in str(exc)
        else:
            raise AssertionError("a link was sent for a released booking")
