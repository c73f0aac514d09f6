"""A guest's garden waste subscription, bulky booking and their payments, made with an email, are in
the account once that email is registered and verified: on the account page and My requests."""
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Booking, Case, GardenSubscription, Payment
from tests import factories
from tests.integration import test_bulky_portal as bulky
from tests.integration import test_garden_pages as garden
from tests.integration.account_helpers import register_and_verify
from tests.integration.bulky_helpers import bulky_slot


def test_guest_subscription_booking_and_payments_follow_into_the_account(client, session):
    prop = factories.property_(postcode="DG7 7AA", streams=("garden",))
    garden.subscribe_and_pay(client, prop, "1")  # as a guest: gina@example.com
    sub = db.session.scalar(select(GardenSubscription))
    bulky.to_check(client, prop, bulky_slot(capacity=3))
    client.get(bulky.pay_page(client, "success"))
    booking = db.session.scalar(select(Booking))
    bulky_reference = db.session.get(Case, booking.case_id).reference  # booked as sam@example.com

    account = register_and_verify(client, email="gina@example.com", name="Gina Gardener")
    db.session.expire_all()
    assert db.session.get(GardenSubscription, sub.id).customer_id == account.customer_id
    home = client.get("/account").get_data(as_text=True)
    assert sub.reference in home and prop.single_line in home
    assert "You have no garden waste subscriptions" not in home
    paid = db.session.scalars(select(Payment).where(Payment.subscription_id == sub.id)).all()
    assert [p.status for p in paid] == ["success"]  # the payment belongs to the subscription, so it moved too
    # The bulky booking was made with another email: it stays with that person.
    assert db.session.get(Booking, booking.id).customer_id != account.customer_id
    assert bulky_reference not in client.get("/account/requests").get_data(as_text=True)


def test_guest_bulky_booking_follows_into_the_account(client, session):
    prop = factories.property_(postcode="DG7 7AB")
    bulky.to_check(client, prop, bulky_slot(capacity=3))  # as a guest: sam@example.com
    client.get(bulky.pay_page(client, "success"))
    booking = db.session.scalar(select(Booking))
    reference = db.session.get(Case, booking.case_id).reference
    account = register_and_verify(client, email="sam@example.com", name="Sam Resident")
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).customer_id == account.customer_id
    requests = client.get("/account/requests").get_data(as_text=True)
    assert reference in requests
