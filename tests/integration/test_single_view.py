"""The single view's timeline: payments, bulky bookings and garden waste subscriptions beside cases and
contacts, for a customer and for a property; a page at a time, at a query count that does not grow."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import event

from frontdoor.extensions import db
from frontdoor.models import Booking, Contact, GardenSubscription, Payment, Refund
from frontdoor.models.base import utcnow
from frontdoor.services import single_view
from tests import factories
from tests.integration.bulky_helpers import bulky_slot
from tests.integration.test_caseworker import make_case


def naive(at):  # SQLite gives back naive UTC, PostgreSQL aware
    return at.replace(tzinfo=None)


def _services_for(customer, prop, case):
    """A paid bulky booking (with its case), a free one, a garden waste subscription and their payments."""
    slot = bulky_slot()
    now = utcnow()
    paid = Booking(reference="BK-PAID1", workflow_id="bulky_waste", case_id=case.id, slot_id=slot.id, property_id=prop.id,
                   customer_id=customer.id, items={"sofa": 1}, amount_pence=3250, status="confirmed",
                   created_at=now - timedelta(days=3))
    lapsed = Booking(reference="BK-LAPSED", workflow_id="bulky_waste", slot_id=slot.id, property_id=prop.id,
                     customer_id=customer.id, items={"sofa": 1}, amount_pence=3250, status="expired",
                     created_at=now - timedelta(days=4))
    sub = GardenSubscription(reference="GW-TEST-0001", property_id=prop.id, customer_id=customer.id, bins=2, starts_on=date(2026, 4, 1),
                             ends_on=date(2027, 3, 31), status="active", amount_pence=9000, created_at=now - timedelta(days=2))
    db.session.add_all([paid, lapsed, sub])
    db.session.flush()
    p1 = Payment(reference="PAY-BULKY1", provider="test", amount_pence=3250, status="success", service="bulky_waste",
                 fund_code="BULKY", description="Bulky waste collection", booking_id=paid.id, created_at=now - timedelta(days=3))
    p2 = Payment(reference="PAY-GARDEN1", provider="test", amount_pence=9000, status="success", service="garden_waste",
                 fund_code="GARDEN", description="Garden waste subscription", subscription_id=sub.id,
                 created_at=now - timedelta(days=2))
    db.session.add_all([p1, p2])
    db.session.flush()
    db.session.add(Refund(payment_id=p1.id, amount_pence=1000, status="success", reason="One item not collected"))
    db.session.flush()
    return paid, sub


def _setup():
    factories.team("waste")
    case = make_case("single@example.com")
    customer, prop = case.customer, case.property
    other = factories.customer("Someone", "Else")
    paid, sub = _services_for(customer, prop, case)
    # Someone else's subscription elsewhere: in neither view.
    elsewhere = factories.property_()
    db.session.add(GardenSubscription(property_id=elsewhere.id, customer_id=other.id, bins=5, starts_on=date(2026, 4, 1),
                                      ends_on=date(2027, 3, 31), status="active"))
    db.session.commit()
    return case, customer, prop


def test_customer_timeline_has_payments_bookings_and_subscriptions(session):
    case, customer, _ = _setup()
    page = single_view.timeline(single_view.customer_scope(customer))
    kinds = [e.kind for e in page.entries]
    assert {"case", "booking", "subscription", "payment"} <= set(kinds)
    assert kinds.count("payment") == 2 and kinds.count("booking") == 1  # a lapsed hold is not a booking
    titles = " | ".join(f"{e.title} {e.detail}" for e in page.entries)
    assert "Payment of £32.50: Bulky waste collection" in titles and "£10.00 refunded" in titles
    assert "Payment of £90.00: Garden waste subscription" in titles
    assert "Garden waste subscription taken out (2 bins)" in titles and "5 bins" not in titles
    booking = next(e for e in page.entries if e.kind == "booking")
    payment = next(e for e in page.entries if e.title.startswith("Payment of £32.50"))
    assert booking.reference == case.reference and payment.reference == case.reference  # linked to the case
    assert [naive(e.at) for e in page.entries] == sorted((naive(e.at) for e in page.entries), reverse=True)


def test_customer_and_property_pages_show_them_with_links(client, session, login_as):
    case, customer, prop = _setup()
    login_as("advisor")
    html = client.get(f"/staff/customers/{customer.id}").get_data(as_text=True)
    assert "Bulky waste collection booked for" in html and "Payment of £90.00" in html
    assert 'id="subscriptions"' in html and "2 bins, 1 Apr 2026 to 31 Mar 2027" in html
    assert 'id="bookings"' in html and f'href="/staff/cases/{case.reference}">BK-PAID1</a>' in html
    assert "BK-LAPSED" not in html
    # The subscription and its payment link to the subscription's staff page.
    assert html.count('href="/staff/garden-waste/GW-TEST-0001">GW-TEST-0001</a>') == 2
    html = client.get(f"/staff/properties/{prop.uprn}").get_data(as_text=True)
    assert "Garden waste subscription taken out (2 bins)" in html and "Payment of £32.50" in html
    assert "2 bins, 1 Apr 2026" in html and "5 bins" not in html
    assert f'href="/staff/cases/{case.reference}">BK-PAID1</a>' in html


@contextmanager
def count_queries():
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def _contacts(customer, n, start):
    db.session.add_all([Contact(customer_id=customer.id, channel="phone", reason="general_enquiry",
                                outcome="resolved_first_contact", started_at=start - timedelta(minutes=i)) for i in range(n)])
    db.session.commit()


def test_timeline_pages_and_its_query_count_does_not_grow_with_entries(client, session, login_as):
    factories.team("waste")
    few, many = factories.customer("Few", "Calls"), factories.customer("Many", "Calls")
    now = utcnow()
    _contacts(few, 3, now)
    _contacts(many, 130, now)
    login_as("advisor")
    db.session.commit()
    client.get(f"/staff/customers/{few.id}")  # warm caches (workflow registry, templates)
    with count_queries() as q_few:
        r = client.get(f"/staff/customers/{few.id}")
    assert r.status_code == 200
    with count_queries() as q_many:
        html = client.get(f"/staff/customers/{many.id}").get_data(as_text=True)
    assert len(q_many) == len(q_few), (len(q_few), len(q_many))
    assert html.count("app-timeline__item--contact") == single_view.PAGE_SIZE
    assert "Show older entries" in html and f"/staff/customers/{many.id}?page=2#timeline" in html

    pages = [single_view.timeline(single_view.Scope(customer_ids=[many.id]), page) for page in (1, 2, 3)]
    assert [len(p.entries) for p in pages] == [50, 50, 30] and [p.has_more for p in pages] == [True, True, False]
    seen = [naive(e.at) for p in pages for e in p.entries]
    assert len(set(seen)) == 130 and seen == sorted(seen, reverse=True)  # no entry twice, none lost

    html = client.get(f"/staff/customers/{many.id}?page=3").get_data(as_text=True)
    assert html.count("app-timeline__item--contact") == 30 and "Show older entries" not in html and "Newer" in html
    html = client.get(f"/staff/customers/{many.id}?page=9").get_data(as_text=True)
    assert "There are no older entries" in html
    assert client.get(f"/staff/customers/{many.id}?page=nonsense").status_code == 200
