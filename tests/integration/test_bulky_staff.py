"""Staff: the collection manifest (HTML and CSV), marking outcomes, booking for a caller, income report."""
from datetime import date

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Booking, Case, Payment
from frontdoor.services import bulky
from tests import factories
from tests.conftest import post_form
from tests.integration.bulky_helpers import bulky_slot, pay


def booked(slot, number=None):
    prop = factories.property_(number=number)
    booking = bulky.hold(prop, {"table": 1, "fridge": 1}, slot.id)
    pay(booking)
    return booking


def test_manifest_lists_items_and_locations_and_exports_csv(client, login_as):
    slot = bulky_slot()
    booking = booked(slot)
    login_as("caseworker")
    url = f"/staff/bulky/manifest?round={slot.round_id}&day={slot.day.isoformat()}"
    page = client.get(url).get_data(as_text=True)
    case = db.session.get(Case, booking.case_id)
    assert case.reference in page and "1 x Table, 1 x Fridge or freezer" in page and "Front garden by the gate" in page
    csv = client.get(url + "&format=csv")
    assert csv.mimetype == "text/csv" and case.reference in csv.get_data(as_text=True)
    assert "1 x Table; 1 x Fridge or freezer" in csv.get_data(as_text=True)
    assert client.get("/staff/bulky/manifest?day=not-a-date").status_code == 400


def test_marking_collected_and_not_collected_needs_a_reason(client, login_as):
    slot = bulky_slot()
    first, second = booked(slot), booked(slot)
    login_as("caseworker")
    manifest = f"/staff/bulky/manifest?round={slot.round_id}&day={slot.day.isoformat()}"
    post_form(client, f"/staff/bulky/bookings/{first.id}/mark", {"outcome": "collected"}, get_url=manifest)
    assert db.session.get(Booking, first.id).status == "collected"
    assert db.session.get(Case, first.case_id).state == "collected"
    r = post_form(client, f"/staff/bulky/bookings/{second.id}/mark", {"outcome": "not_collected"}, get_url=manifest)
    assert "Enter why the items were not collected" in client.get(r.location).get_data(as_text=True)
    assert db.session.get(Booking, second.id).status == "confirmed"
    post_form(client, f"/staff/bulky/bookings/{second.id}/mark", {"outcome": "not_collected", "reason": "Not out"},
              get_url=manifest)
    assert db.session.get(Booking, second.id).outcome_reason == "Not out"
    assert db.session.get(Case, second.case_id).state == "not_collected"


def test_residents_cannot_see_the_manifest_or_mark(client, session):
    slot = bulky_slot()
    booking = booked(slot)
    assert client.get("/staff/bulky/manifest").status_code == 302
    assert client.post(f"/staff/bulky/bookings/{booking.id}/mark", data={"outcome": "collected"}).status_code == 400


def test_advisor_records_a_free_collection_with_a_reason(client, login_as):
    slot = bulky_slot()
    prop = factories.property_()
    login_as("advisor")
    data = {"uprn": prop.uprn, "item-table": "1", "slot": str(slot.id), "location": "Drive", "full_name": "Pat Caller",
            "payment": "free"}
    r = post_form(client, "/staff/bulky/book", data)
    assert r.status_code == 400 and "Enter the reason the collection is free" in r.get_data(as_text=True)
    r = post_form(client, "/staff/bulky/book", {**data, "free_reason": "Concession"})
    assert r.status_code == 302
    booking = db.session.scalar(select(Booking))
    assert booking.status == "confirmed" and booking.free_reason == "Concession" and booking.amount_pence == 0
    assert db.session.get(Case, booking.case_id).channel == "phone"


def test_advisor_takes_payment_on_the_same_payment_page(client, login_as):
    slot = bulky_slot()
    prop = factories.property_()
    login_as("advisor")
    r = post_form(client, "/staff/bulky/book", {"uprn": prop.uprn, "item-table": "1", "slot": str(slot.id),
                                               "location": "Drive", "full_name": "Pat Caller", "payment": "card"})
    assert r.status_code == 302 and "/pay/test/" in r.location
    r = post_form(client, r.location, {"outcome": "success"})
    client.get(r.location)
    booking = db.session.scalar(select(Booking))
    assert booking.status == "confirmed" and db.session.get(Case, booking.case_id).channel == "phone"


def test_income_report_by_day_service_and_fund_code_for_team_leads_only(client, login_as):
    slot = bulky_slot()
    booking = booked(slot)
    payment = db.session.scalar(select(Payment))
    bulky.cancel(booking, bulky.Actor.resident())
    db.session.commit()  # the 403 below rolls back the request's unit of work; keep the set-up
    login_as("caseworker")
    assert client.get("/staff/bulky/income").status_code == 403
    client.get("/staff/sign-out")
    login_as("team_lead")
    today = date.today().isoformat()
    page = client.get("/staff/bulky/income").get_data(as_text=True)
    assert "BULKY-4101" in page and "bulky_waste" in page, page[page.find("<table"):][:1500]
    csv = client.get("/staff/bulky/income?format=csv").get_data(as_text=True).splitlines()
    assert csv[0] == "day,service,fund_code,payments,payments_pence,refunds,refunds_pence,net_pence"
    assert any(line.endswith(f"bulky_waste,BULKY-4101,1,{payment.amount_pence},1,{payment.amount_pence},0")
               for line in csv[1:]), csv
    assert client.get(f"/staff/bulky/income?start={today}&end=2000-01-01").status_code == 400


def test_raising_bulky_waste_from_a_call_books_through_the_booking_page_and_returns_to_the_contact(client, login_as):
    from frontdoor.models import Contact
    from frontdoor.services.customers import find_or_create

    slot = bulky_slot()
    prop = factories.property_()
    customer = find_or_create("Pat Caller", "pat@example.com", "020 7946 0018", prop)
    login_as("advisor")
    db.session.commit()
    post_form(client, "/staff/contacts/new", {"channel": "phone", "reason": "bulky_waste", "customer": str(customer.id)},
              get_url=f"/staff/contacts/new?customer={customer.id}")
    r = client.get("/staff/contacts/current/raise/bulky_waste")
    assert "/staff/bulky/book" in r.location  # never the generic form, which books nothing
    assert "/staff/bulky/book" in client.get("/staff/contacts/current/raise/bulky_waste/details").location
    page = client.get(r.location).get_data(as_text=True)
    assert prop.single_line in page and 'value="Pat Caller"' in page and "Say to the caller" in page
    r = post_form(client, "/staff/bulky/book", {"uprn": prop.uprn, "item-table": "1", "slot": str(slot.id),
                                               "location": "Drive", "full_name": "Pat Caller", "payment": "card"})
    r = post_form(client, r.location, {"outcome": "success"})
    r = client.get(r.location)
    assert r.status_code == 302 and r.location.endswith("/staff/contacts/current")
    booking = db.session.scalar(select(Booking))
    case = db.session.get(Case, booking.case_id)
    assert booking.status == "confirmed" and booking.items == {"table": 1} and booking.slot_id == slot.id
    assert (case.channel, case.customer_id) == ("phone", customer.id)
    contact = db.session.scalar(select(Contact).where(Contact.case_id == case.id))
    assert contact.staff_id is not None and contact.channel == "phone"
    assert case.reference in client.get("/staff/contacts/current").get_data(as_text=True)
