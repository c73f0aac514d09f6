"""Issue 18: the single view shows the customer's payments and refunds, and the messages sent to them
(stored notifications for their cases and their email), under the team-visibility rule."""
from __future__ import annotations

import re

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import AuditLog, Notification, OutboxMessage
from frontdoor.services.customers import find_or_create
from tests import factories
from tests.integration.test_caseworker import make_case
from tests.integration.test_single_view import _services_for


def _table(html: str, testid: str) -> str:
    found = re.search(rf'data-testid="{testid}">(.*?)</table>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))) if found else ""


def _message(case_id, recipient, subject, template="case_update"):
    row = OutboxMessage(kind="notification", payload={}, case_id=case_id, status="sent")
    db.session.add(row)
    db.session.flush()
    n = Notification(outbox_id=row.id, case_id=case_id, channel="email", recipient=recipient, template=template,
                     subject=subject, body="...", provider="stored")
    db.session.add(n)
    db.session.flush()
    return n


def _customer_with_history():
    case = make_case("money@example.com")
    customer = find_or_create("Chloe Fraser", "chloe@example.com", "020 7946 0444", case.property)
    case.customer_id = customer.id
    _services_for(customer, case.property, case)
    revenues_case = make_case("other-team@example.com", index=1)
    revenues_case.customer_id = customer.id
    revenues_case.team_id = factories.team("revenues").id
    about_case = _message(case.id, "chloe@example.com", "Your missed bin report")
    hidden = _message(revenues_case.id, "chloe@example.com", "Your council tax query")
    account = _message(None, "chloe@example.com", "Confirm your email address", template="account_confirm")
    stranger = _message(None, "someone@example.com", "Not theirs")
    db.session.commit()
    return customer, case, revenues_case, (about_case, hidden, account, stranger)


def test_single_view_lists_payments_and_refunds(client, login_as):
    user = login_as("caseworker", teams=("waste",))
    customer, _, _, _ = _customer_with_history()
    page = client.get(f"/staff/customers/{customer.id}").get_data(as_text=True)
    payments = _table(page, "payments")
    assert "Bulky waste collection (PAY-BULKY1) £32.50 Success" in payments
    assert "Refund £10.00" in payments and "One item not collected" in payments
    assert "Garden waste subscription (PAY-GARDEN1) £90.00" in payments
    read = db.session.scalar(select(AuditLog).where(AuditLog.staff_id == user.id, AuditLog.what == "customer.view")
                             .order_by(AuditLog.id.desc()))
    assert len(read.detail["payment_ids"]) == 2


def test_single_view_lists_messages_the_viewer_may_see(client, login_as):
    user = login_as("caseworker", teams=("waste",))
    customer, case, _, (about_case, hidden, account, stranger) = _customer_with_history()
    page = client.get(f"/staff/customers/{customer.id}").get_data(as_text=True)
    messages = _table(page, "messages")
    assert f"Email to chloe@example.com Your missed bin report {case.reference}" in messages
    # Another team's case, and account emails (no case), are not for a team caseworker: the messages page's rule.
    assert "council tax" not in messages and "Confirm your email address" not in messages and "Not theirs" not in messages
    read = db.session.scalar(select(AuditLog).where(AuditLog.staff_id == user.id, AuditLog.what == "customer.view")
                             .order_by(AuditLog.id.desc()))
    shown = set(read.detail["notification_ids"])  # embedded, the case's own confirmation was delivered too
    assert about_case.id in shown and not shown & {hidden.id, account.id, stranger.id}


def test_an_advisor_sees_every_message_to_the_customer(client, login_as):
    login_as("advisor", teams=("contact_centre",))
    customer, _, _, _ = _customer_with_history()
    messages = _table(client.get(f"/staff/customers/{customer.id}").get_data(as_text=True), "messages")
    assert "Your missed bin report" in messages and "Your council tax query" in messages
    assert "Confirm your email address" in messages and "Not theirs" not in messages
