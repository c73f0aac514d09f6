"""Issue 18, keeping the caller in view: every page of a contact shows who is on the line (name,
flags, open requests, last contacts, payments), audited; an anonymous contact is attached to the
caller once identified, without starting again."""
from __future__ import annotations

import re

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import AuditLog, Contact
from frontdoor.services.customers import find_or_create
from tests import factories
from tests.conftest import post_form
from tests.integration.test_caseworker import make_case
from tests.integration.test_single_view import _services_for


def _panel(html: str) -> str:
    found = re.search(r'data-testid="caller-in-view">(.*?)</dl>', html, re.S)
    assert found, "the caller is in view"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


def _caller():
    case = make_case("caller@example.com")
    customer = find_or_create("Chloe Fraser", "chloe@example.com", "020 7946 0999", case.property)
    case.customer_id = customer.id
    customer.flags = {"vulnerable": True, "call_back": True}
    _services_for(customer, case.property, case)
    db.session.commit()
    return customer, case


def _start(client, customer=None, reason="general_enquiry"):
    data = {"channel": "phone", "reason": reason}
    if customer is not None:
        data["customer"] = str(customer.id)
    r = post_form(client, "/staff/contacts/new", data,
                  get_url=f"/staff/contacts/new?customer={customer.id}" if customer else "/staff/contacts/new")
    assert r.status_code == 302


def test_the_caller_stays_in_view_on_every_page_of_the_contact(client, login_as):
    user = login_as("advisor", teams=("waste",))
    customer, case = _caller()
    _start(client, customer)
    post_form(client, "/staff/contacts/current/answer", {"note": ""}, get_url="/staff/contacts/current")
    pages = ["/staff/contacts/current", "/staff/contacts/current/raise/missed_bin", "/staff/contacts/current/raise/complaint",
             "/staff/contacts/current/raise/missed_bin/address?postcode=" + case.property.postcode.replace(" ", "+")]
    for url in pages:
        r = client.get(url, follow_redirects=True)
        assert r.status_code == 200, url
        panel = _panel(r.get_data(as_text=True))
        assert "On the line: Chloe Fraser" in panel and "Vulnerable" in panel and "Needs a call back" in panel, url
        assert case.reference in panel, url
        assert f"{case.reference} Report a missed bin collection (" in panel, url  # the service's own title
        assert "submitted)" not in panel and "(success" not in panel, url  # labels, not stored values
        assert "general enquiry (Resolved at first contact)" in panel, url
        assert "£32.50 Bulky waste collection (Paid, £10.00 refunded)" in panel, url
    reads = db.session.scalars(select(AuditLog).where(AuditLog.staff_id == user.id, AuditLog.what == "customer.caller_summary")).all()
    assert len(reads) >= len(pages) and all(r.customer_id == customer.id for r in reads)


def test_no_caller_panel_outside_a_contact(client, login_as):
    login_as("advisor", teams=("waste",))
    customer, _ = _caller()
    assert 'data-testid="caller-in-view"' not in client.get(f"/staff/customers/{customer.id}").get_data(as_text=True)


def test_an_anonymous_contact_is_attached_to_the_caller_once_identified(client, login_as):
    user = login_as("advisor", teams=("waste",))
    customer, _ = _caller()
    _start(client)
    post_form(client, "/staff/contacts/current/answer", {"note": ""}, get_url="/staff/contacts/current")
    page = client.get("/staff/contacts/current").get_data(as_text=True)
    assert "Anonymous caller" in page and "Find the caller" in page and 'data-testid="caller-in-view"' not in page
    results = client.get("/staff/customers?q=Chloe+Fraser").get_data(as_text=True)
    assert "This is the caller" in results
    r = post_form(client, "/staff/contacts/current/caller", {"customer": str(customer.id)}, get_url="/staff/customers?q=Chloe+Fraser")
    assert r.status_code == 302 and r.location.endswith("/staff/contacts/current")
    page = client.get("/staff/contacts/current").get_data(as_text=True)
    assert "Chloe Fraser: General enquiry" in page
    assert "On the line: Chloe Fraser" in _panel(page)
    mine = db.session.scalars(select(Contact).where(Contact.staff_id == user.id)).all()
    assert len(mine) == 1 and mine[0].customer_id == customer.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.what == "contact.attach_caller", AuditLog.customer_id == customer.id))
    # Wrapping up goes to their record: the contact was theirs all along.
    r = post_form(client, "/staff/contacts/current/wrap-up", {}, get_url="/staff/contacts/current")
    assert r.location.endswith(f"/staff/customers/{customer.id}")


def test_a_contact_with_a_caller_is_not_moved_to_someone_else(client, login_as):
    login_as("advisor", teams=("waste",))
    customer, _ = _caller()
    other = find_or_create("Someone Else", "else@example.com", None, None)
    db.session.commit()
    _start(client, customer)
    r = post_form(client, "/staff/contacts/current/caller", {"customer": str(other.id)}, get_url="/staff/contacts/current")
    assert r.status_code == 302
    assert "already has a caller" in client.get("/staff/contacts/current").get_data(as_text=True)
