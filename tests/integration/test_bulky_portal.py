"""The resident's bulky waste pages: the whole journey, the test provider's page, a return page
loaded twice, forged and replayed returns, another resident's booking, missing CSRF."""
import re

from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import Booking, Case, Payment
from tests import factories
from tests.conftest import post_form
from tests.integration.bulky_helpers import bulky_slot


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def to_check(client, prop, slot, items=None):
    post_form(client, "/bulky-waste/address", {"postcode": prop.postcode})
    r = post_form(client, f"/bulky-waste/address?postcode={prop.postcode}", {"uprn": prop.uprn})
    assert r.status_code == 302 and r.location.endswith("/bulky-waste/items")
    r = post_form(client, "/bulky-waste/items", items or {"item-table": "1", "item-sofa": "1"})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    r = post_form(client, "/bulky-waste/date", {"slot": str(slot.id)})
    assert r.status_code == 302 and r.location.endswith("/bulky-waste/details")
    r = post_form(client, "/bulky-waste/details", {"location": "By the front gate", "full_name": "Sam Resident",
                                                  "email": "sam@example.com"})
    assert r.status_code == 302 and r.location.endswith("/bulky-waste/check")


def pay_page(client, outcome):
    r = post_form(client, "/bulky-waste/check", {})
    assert r.status_code == 302 and "/pay/test/" in r.location
    pay_url = r.location
    r = post_form(client, pay_url, {"outcome": outcome})
    assert r.status_code == 302 and "/bulky-waste/return/" in r.location
    return r.location


def test_resident_books_pays_and_cancels_with_a_refund(client, session):
    prop = factories.property_(postcode="DB2 2BB")
    slot = bulky_slot(capacity=5)
    assert "Book a bulky waste collection" in client.get("/bulky-waste/").get_data(as_text=True)
    to_check(client, prop, slot)
    assert "£40.00" in client.get("/bulky-waste/check").get_data(as_text=True)
    return_url = pay_page(client, "success")
    first = client.get(return_url)
    second = client.get(return_url)  # refreshed: changes nothing
    assert first.status_code == second.status_code == 302
    assert count(Case) == 1 and count(Booking) == 1
    page = client.get(first.location).get_data(as_text=True)
    assert "Collection booked" in page and "1 x Table" in page and "£40.00" in page
    booking = db.session.scalar(select(Booking))
    r = post_form(client, f"/bulky-waste/booking/{booking.reference}/cancel", {})
    assert r.status_code == 302
    page = client.get(r.location).get_data(as_text=True)
    assert "Your collection is cancelled" in page and "-£40.00" in page
    db.session.refresh(slot)
    assert (slot.held, slot.booked) == (0, 0)


def test_declined_card_books_nothing_and_can_be_tried_again(client, session):
    prop = factories.property_(postcode="DB2 2BC")
    slot = bulky_slot()
    to_check(client, prop, slot)
    page = client.get(pay_page(client, "declined")).get_data(as_text=True)
    assert "Your card was declined" in page and count(Case) == 0
    client.get(pay_page(client, "cancelled"))
    assert count(Case) == 0
    assert client.get(pay_page(client, "success")).status_code == 302
    assert count(Case) == 1 and count(Payment) == 3


def test_forged_and_unpaid_returns_change_nothing(client, session):
    prop = factories.property_(postcode="DB2 2BD")
    slot = bulky_slot()
    to_check(client, prop, slot)
    assert client.get("/bulky-waste/return/FD-NOTAREALPAYMENT").status_code == 404
    r = post_form(client, "/bulky-waste/check", {})
    reference = re.search(r"FD-[0-9A-F]+", db.session.scalar(select(Payment.reference))).group(0)
    # The payer comes straight back without paying: the provider says "created", so nothing is booked.
    page = client.get(f"/bulky-waste/return/{reference}").get_data(as_text=True)
    assert "waiting for your payment" in page and count(Case) == 0
    assert db.session.scalar(select(Booking.status)) == "held"
    assert r.status_code == 302


def test_tampered_items_and_full_or_foreign_dates_are_refused(client, session):
    prop = factories.property_(postcode="DB2 2BE")
    slot = bulky_slot(capacity=1, booked=1)
    post_form(client, f"/bulky-waste/address?postcode={prop.postcode}", {"uprn": prop.uprn})
    for items, message in (({}, "Choose at least one item"), ({"item-piano": "1"}, "not an item we collect"),
                           ({"item-table": "6"}, "up to 5 items")):
        r = post_form(client, "/bulky-waste/items", items)
        assert r.status_code == 200 and message in r.get_data(as_text=True)
    post_form(client, "/bulky-waste/items", {"item-table": "1"})
    r = post_form(client, "/bulky-waste/date", {"slot": str(slot.id)}, get_url="/bulky-waste/items")
    assert r.status_code == 200 and "That date is now full" in r.get_data(as_text=True)
    r = post_form(client, "/bulky-waste/date", {"slot": "999999"}, get_url="/bulky-waste/items")
    assert r.status_code == 200 and "Choose a collection date from the list" in r.get_data(as_text=True)
    assert count(Booking) == 0


def test_another_residents_booking_is_not_found_and_csrf_is_required(client, session, app):
    prop = factories.property_(postcode="DB2 2BF")
    slot = bulky_slot()
    to_check(client, prop, slot)
    client.get(pay_page(client, "success"))
    booking = db.session.scalar(select(Booking))
    stranger = app.test_client()
    assert stranger.get(f"/bulky-waste/booking/{booking.reference}").status_code == 404
    assert stranger.get(f"/bulky-waste/booking/{booking.reference}/cancel").status_code == 404
    assert client.post(f"/bulky-waste/booking/{booking.reference}/cancel", data={}).status_code == 400
    assert db.session.get(Booking, booking.id).status == "confirmed"
