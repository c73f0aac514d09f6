"""Garden waste subscriptions: price, pay, active_subscriptions(), renewal window, amend bins, cancel."""
from datetime import timedelta

import pytest
from flask import current_app

from frontdoor.extensions import db
from frontdoor.models import TestProviderPayment as ProviderRecord
from frontdoor.services import payments, subscriptions
from tests import factories


def paid(payment, outcome="success"):
    db.session.get(ProviderRecord, payment.provider_id).status = outcome
    with current_app.test_request_context():
        payments.confirm(payment)
        payments.confirm(payment)


def test_price_first_bin_additional_bins_and_concession(app, session):
    assert subscriptions.price(1, False) == 5500
    assert subscriptions.price(3, False) == 5500 + 2 * 3500
    assert subscriptions.price(3, True) == (5500 + 2 * 3500) // 2
    with pytest.raises(subscriptions.SubscriptionRefused, match="between 1 and 5"):
        subscriptions.price(0, False)


def test_a_paid_subscription_is_active_and_a_declined_one_is_not(session):
    prop, other = factories.property_(streams=("garden",)), factories.property_(streams=("garden",))
    with current_app.test_request_context():
        sub, payment = subscriptions.subscribe(prop, 2, False)
        sub2, payment2 = subscriptions.subscribe(other, 1, False)
    assert subscriptions.active_subscriptions(prop) == []
    paid(payment)
    paid(payment2, "declined")
    assert subscriptions.active_subscriptions(prop) == [sub] and sub.amount_pence == 9000
    assert subscriptions.active_subscriptions(other) == []
    assert subscriptions.active_subscriptions(prop, sub.ends_on + timedelta(days=1)) == []


def test_renewal_opens_thirty_days_before_expiry(session):
    prop = factories.property_(streams=("garden",))
    with current_app.test_request_context():
        sub, payment = subscriptions.subscribe(prop, 1, False)
        paid(payment)
        with pytest.raises(subscriptions.SubscriptionRefused, match="already has a subscription"):
            subscriptions.subscribe(prop, 1, False)
        renewal, payment = subscriptions.subscribe(prop, 1, False, on=sub.ends_on - timedelta(days=30))
    assert renewal.kind == "renew" and renewal.starts_on == sub.ends_on + timedelta(days=1)


def test_amend_bins_charges_the_difference_and_cancel(session):
    prop = factories.property_(streams=("garden",))
    with current_app.test_request_context():
        sub, payment = subscriptions.subscribe(prop, 1, False)
        paid(payment)
        extra = subscriptions.amend_bins(sub, 2)
    assert extra.amount_pence == 3500 and sub.bins == 1
    paid(extra)
    assert sub.bins == 2 and sub.amount_pence == 9000
    assert subscriptions.amend_bins(sub, 1) is None and sub.bins == 1
    subscriptions.cancel(sub)
    assert subscriptions.active_subscriptions(prop) == []
    with pytest.raises(subscriptions.SubscriptionRefused):
        subscriptions.cancel(sub)


def test_renewal_invitations_go_once_when_the_window_opens(session):
    from frontdoor.models import OutboxMessage

    customer = factories.customer("Rene", "Wall")
    customer.email = "rene@example.com"
    prop = factories.property_(streams=("garden",))
    quiet = factories.property_(streams=("garden",))  # no customer: nobody to invite
    with current_app.test_request_context():
        sub, payment = subscriptions.subscribe(prop, 1, False, customer_id=customer.id)
        paid(payment)
        other, payment = subscriptions.subscribe(quiet, 1, False)
        paid(payment)

    def invitations():
        return [m for m in db.session.query(OutboxMessage).filter_by(kind="booking_email")
                if m.payload["template"] == "garden_renewal"]

    opens = sub.ends_on - timedelta(days=30)
    assert subscriptions.send_renewal_invitations(on=opens - timedelta(days=1)) == 0  # window not open yet
    assert sub.renewal_invited_at is None
    assert subscriptions.send_renewal_invitations(on=opens) == 1
    assert subscriptions.send_renewal_invitations(on=opens + timedelta(days=2)) == 0  # sent once
    [message] = invitations()
    assert message.payload["to"] == "rene@example.com" and message.payload["values"]["reference"] == sub.reference
    assert message.payload["values"]["link"].endswith("/garden-waste/")
    assert other.renewal_invited_at is not None  # looked at, nothing to send, not looked at again


def test_no_invitation_for_an_address_already_renewed(session):
    customer = factories.customer("Early", "Bird")
    customer.email = "early@example.com"
    prop = factories.property_(streams=("garden",))
    with current_app.test_request_context():
        sub, payment = subscriptions.subscribe(prop, 1, False, customer_id=customer.id)
        paid(payment)
        renewal, payment = subscriptions.subscribe(prop, 1, False, customer_id=customer.id,
                                                   on=sub.ends_on - timedelta(days=20))
        paid(payment)
        assert subscriptions.send_renewal_invitations(on=sub.ends_on - timedelta(days=10)) == 0
