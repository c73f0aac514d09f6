"""Periodic jobs for bookings and payments (run every few minutes by the scheduler; each is safe to run twice).

- release_expired_holds: unpaid holds past their 30 minutes give their place back.
- confirm_pending_payments: asks the provider about payments whose payer never came back to the
  return page (closed the tab); a success books (or refunds, if the date filled) and tells the resident.
- send_bulky_reminders: the 3-day and 1-day reminders, each recorded on the booking so sent once.
- lapse_garden_subscriptions: subscriptions past their end date become lapsed.
- invite_garden_renewals: subscribers are emailed once when their renewal window opens.
"""
from __future__ import annotations

from frontdoor import unit_of_work
from frontdoor.jobs import _app_context


def release_expired_holds() -> int:
    from frontdoor.services import slots

    with _app_context(), unit_of_work.unit():
        return slots.release_expired()


def confirm_pending_payments(older_than_seconds: int = 120) -> int:
    from flask import current_app

    from frontdoor.extensions import db
    from frontdoor.models import Payment
    from frontdoor.services import payments

    with _app_context():
        settled = 0
        for payment_id in payments.pending(older_than_seconds):
            # One unit per payment, as before: each settled payment is committed on its own.
            with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]), unit_of_work.unit():
                payment = payments.confirm(db.session.get(Payment, payment_id))
                settled += payment.status != "created"
        return settled


def send_bulky_reminders() -> int:
    from frontdoor.services import bulky

    with _app_context(), unit_of_work.unit():
        return bulky.send_due_reminders()


def lapse_garden_subscriptions() -> int:
    from frontdoor.services import subscriptions

    with _app_context(), unit_of_work.unit():
        return subscriptions.lapse_expired()


def invite_garden_renewals() -> int:
    from frontdoor.services import subscriptions

    with _app_context(), unit_of_work.unit():
        return subscriptions.send_renewal_invitations()
