"""Garden waste pages: a resident subscribes and pays (return page twice: one subscription), a
double-clicked Pay makes one, bad input gets an error summary, amend charges the difference,
cancel refunds inside the cooling-off period, renew in the window, the account lists them, others'
subscriptions stay hidden, and staff search, view, take for a caller and cancel with a reason."""
from datetime import timedelta

import pytest

from flask import current_app
from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import AuditLog, GardenSubscription, OutboxMessage, Payment, Refund
from frontdoor.models import TestProviderPayment as ProviderRecord
from frontdoor.services import payments, subscriptions
from tests import factories
from tests.conftest import csrf_from, post_form
from tests.integration.account_helpers import register_and_verify


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def to_check(client, prop, bins="2", concession="no"):
    r = post_form(client, "/garden-waste/address", {"postcode": prop.postcode})
    assert r.status_code == 302
    r = post_form(client, f"/garden-waste/address?postcode={prop.postcode}", {"uprn": prop.uprn})
    assert r.status_code == 302 and r.location.endswith("/garden-waste/bins")
    r = post_form(client, "/garden-waste/bins", {"bins": bins, "concession": concession})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    if r.location.endswith("/details"):
        r = post_form(client, "/garden-waste/details", {"full_name": "Gina Gardener", "email": "gina@example.com"})
        assert r.status_code == 302 and r.location.endswith("/garden-waste/check")


def pay(client, outcome="success", url="/garden-waste/check"):
    r = post_form(client, url, {})
    assert r.status_code == 302 and "/pay/test/" in r.location, r.get_data(as_text=True)[:2000]
    r = post_form(client, r.location, {"outcome": outcome})
    assert r.status_code == 302 and "/return/" in r.location
    return r.location


def subscribe_and_pay(client, prop, bins="2"):
    to_check(client, prop, bins)
    first = client.get(pay(client))
    assert first.status_code == 302 and "/garden-waste/subscription/" in first.location
    return first.location


def test_resident_subscribes_pays_and_sees_the_confirmation(client, session):
    prop = factories.property_(postcode="DG1 1AA", streams=("garden",))
    assert "£55.00 a year for the first bin" in client.get("/garden-waste/").get_data(as_text=True)
    to_check(client, prop, "2")
    page = client.get("/garden-waste/check").get_data(as_text=True)
    assert "£90.00" in page and "Gina Gardener" in page
    return_url = pay(client)
    first, second = client.get(return_url), client.get(return_url)  # a refreshed return page
    assert first.status_code == second.status_code == 302
    assert count(GardenSubscription) == 1 and count(Payment) == 1
    page = client.get(first.location).get_data(as_text=True)
    sub = db.session.scalar(select(GardenSubscription))
    assert "Garden waste subscription confirmed" in page and sub.reference in page and "£90.00" in page
    assert subscriptions.active_subscriptions(prop) == [sub]
    receipts = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "booking_email")).all()
    assert len(receipts) == 1 and receipts[0].payload["to"] == "gina@example.com"  # one receipt, however many reloads
    assert receipts[0].payload["values"]["reference"] == sub.reference
    # Another browser cannot open it by reference.
    other = current_app.test_client()
    assert other.get(first.location).status_code == 404


def test_double_clicked_pay_makes_one_subscription(client, session):
    prop = factories.property_(postcode="DG1 1AB", streams=("garden",))
    to_check(client, prop, "1")
    token = csrf_from(client.get("/garden-waste/check"))
    a = client.post("/garden-waste/check", data={"csrf_token": token})
    b = client.post("/garden-waste/check", data={"csrf_token": token})
    assert a.status_code == b.status_code == 302 and a.location == b.location
    assert count(GardenSubscription) == 1 and count(Payment) == 1


def test_a_declined_payment_makes_nothing_active_and_can_be_tried_again(client, session):
    prop = factories.property_(postcode="DG1 1AC", streams=("garden",))
    to_check(client, prop, "1")
    page = client.get(pay(client, "declined"))
    assert page.status_code == 200 and "Your card was declined" in page.get_data(as_text=True)
    assert subscriptions.active_subscriptions(prop) == []
    client.get(pay(client, "success"))
    assert len(subscriptions.active_subscriptions(prop)) == 1


def test_bad_input_gets_an_error_summary_and_no_csrf_is_refused(client, session):
    prop = factories.property_(postcode="DG1 1AD", streams=("garden",))
    post_form(client, "/garden-waste/address", {"postcode": prop.postcode})
    post_form(client, f"/garden-waste/address?postcode={prop.postcode}", {"uprn": prop.uprn})
    for bad in ({}, {"bins": "0", "concession": "no"}, {"bins": "99", "concession": "no"}, {"bins": "1", "concession": "maybe"}):
        r = post_form(client, "/garden-waste/bins", bad)
        assert r.status_code == 200 and "govuk-error-summary" in r.get_data(as_text=True), bad
    post_form(client, "/garden-waste/bins", {"bins": "1", "concession": "no"})
    r = post_form(client, "/garden-waste/details", {"full_name": "", "email": "not-an-email"})
    body = r.get_data(as_text=True)
    assert "Enter your full name" in body and "correct format" in body
    assert client.post("/garden-waste/check", data={}).status_code == 400
    assert count(GardenSubscription) == 0


def test_amend_charges_the_difference_and_cancel_refunds_in_the_cooling_off_period(client, session):
    prop = factories.property_(postcode="DG1 1AE", streams=("garden",))
    page_url = subscribe_and_pay(client, prop, "1")
    sub = db.session.scalar(select(GardenSubscription))
    r = post_form(client, f"{page_url}/bins", {"bins": "3"})
    assert r.status_code == 302 and "/pay/test/" in r.location
    record = db.session.scalar(select(ProviderRecord).where(ProviderRecord.id == r.location.rsplit("/", 1)[1]))
    assert record.amount_pence == 2 * 3500  # only the difference
    r = post_form(client, r.location, {"outcome": "success"})
    assert client.get(r.location).status_code == 302
    db.session.refresh(sub)
    assert sub.bins == 3 and sub.amount_pence == 5500 + 2 * 3500
    assert "Receipt" in client.get(page_url).get_data(as_text=True)
    r = post_form(client, f"{page_url}/bins", {"bins": "9"})
    assert r.status_code == 200 and "govuk-error-summary" in r.get_data(as_text=True)
    assert "£125.00" in client.get(f"{page_url}/cancel").get_data(as_text=True)
    token = csrf_from(client.get(f"{page_url}/cancel"))
    a = client.post(f"{page_url}/cancel", data={"csrf_token": token})
    b = client.post(f"{page_url}/cancel", data={"csrf_token": token})  # double-click: one refund
    assert a.status_code == b.status_code == 302
    db.session.refresh(sub)
    assert sub.status == "cancelled"
    assert db.session.scalar(select(func.sum(Refund.amount_pence))) == 12500 and count(Refund) == 2


def test_no_refund_after_the_cooling_off_period(session):
    prop = factories.property_(postcode="DG1 1AF", streams=("garden",))
    with current_app.test_request_context():
        sub, payment = subscriptions.subscribe(prop, 1, False)
    db.session.get(ProviderRecord, payment.provider_id).status = "success"
    payments.confirm(payment)
    assert subscriptions.refund_due(sub, sub.starts_on + timedelta(days=14)) == 5500
    assert subscriptions.cancel(sub, "moved", on=sub.starts_on + timedelta(days=15)) == 0
    assert sub.status == "cancelled" and count(Refund) == 0


def test_renew_in_the_window_and_account_lists_subscriptions(client, session):
    prop = factories.property_(postcode="DG1 1AG", streams=("garden",))
    register_and_verify(client, "gina@example.com", "Gina Gardener")
    page_url = subscribe_and_pay(client, prop, "1")
    sub = db.session.scalar(select(GardenSubscription))
    body = client.get("/account").get_data(as_text=True)
    assert sub.reference in body and "Garden waste subscriptions" in body
    assert client.get(f"{page_url}/renew").status_code == 302
    assert "Renew this subscription" not in client.get(page_url).get_data(as_text=True)
    # Move the subscription to its last month: the renewal window is open.
    sub.starts_on, sub.ends_on = sub.starts_on - timedelta(days=340), sub.ends_on - timedelta(days=340)
    db.session.flush()
    assert "Renew this subscription" in client.get(page_url).get_data(as_text=True)
    r = client.get(f"{page_url}/renew")
    assert r.location.endswith("/garden-waste/bins")
    r = post_form(client, "/garden-waste/bins", {"bins": "2", "concession": "yes"})
    assert r.location.endswith("/garden-waste/check")
    assert "£45.00" in client.get("/garden-waste/check").get_data(as_text=True)  # (55 + 35) half price
    client.get(pay(client))
    renewal = db.session.scalar(select(GardenSubscription).where(GardenSubscription.id != sub.id))
    assert renewal.kind == "renew" and renewal.status == "active" and renewal.starts_on == sub.ends_on + timedelta(days=1)
    body = client.get("/account").get_data(as_text=True)
    assert renewal.reference in body and sub.reference in body
    # Renewed already: no renew link, and a second renewal is refused, not a second year paid for.
    assert "Renew this subscription" not in client.get(page_url).get_data(as_text=True)
    with pytest.raises(subscriptions.SubscriptionRefused, match="already renewed until"):
        subscriptions.subscribe(prop, 1, False)


def test_staff_search_view_take_for_a_caller_and_cancel_with_a_reason(client, session, login_as):
    prop = factories.property_(postcode="DG1 1AH", streams=("garden",))
    login_as("advisor")
    r = post_form(client, "/staff/garden-waste/new", {"uprn": "nope", "bins": "1", "concession": "no", "full_name": ""})
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "govuk-error-summary" in body and "Enter the caller" in body
    r = post_form(client, "/staff/garden-waste/new", {"uprn": "nope", "bins": "1", "concession": "no", "full_name": "Cal"})
    assert "Enter the UPRN of an address we know" in r.get_data(as_text=True)
    data = {"uprn": prop.uprn, "bins": "2", "concession": "no", "full_name": "Cal Caller", "email": "cal@example.com"}
    r = post_form(client, "/staff/garden-waste/new", data)
    assert r.status_code == 302 and "/pay/test/" in r.location
    r = post_form(client, r.location, {"outcome": "success"})
    assert "/staff/garden-waste/return/" in r.location
    r = client.get(r.location)
    sub = db.session.scalar(select(GardenSubscription))
    assert r.location.endswith(f"/staff/garden-waste/{sub.reference}") and sub.status == "active"
    assert sub.reference in client.get("/staff/garden-waste?q=dg11ah").get_data(as_text=True)
    assert sub.reference in client.get(f"/staff/garden-waste?q={prop.uprn}").get_data(as_text=True)
    assert "No subscriptions found" in client.get("/staff/garden-waste?q=ZZ9 9ZZ").get_data(as_text=True)
    view = client.get(f"/staff/garden-waste/{sub.reference}")
    assert "Cal Caller" in view.get_data(as_text=True)
    r = client.post(f"/staff/garden-waste/{sub.reference}/cancel", data={"csrf_token": csrf_from(view), "reason": ""})
    assert r.status_code == 400 and "Enter the reason for cancelling" in r.get_data(as_text=True)
    r = client.post(f"/staff/garden-waste/{sub.reference}/cancel",
                    data={"csrf_token": csrf_from(view), "reason": "Caller moving house"})
    assert r.status_code == 302
    db.session.refresh(sub)
    assert sub.status == "cancelled" and sub.cancel_reason == "Caller moving house"
    assert db.session.scalar(select(Refund.amount_pence)) == 9000
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.what == "garden_subscription.cancel")) == 1
