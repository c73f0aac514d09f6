"""In a real browser: an advisor takes a call, raises bulky waste for the caller from the contact
page, picks items, a date and "free" (then, for a second caller, a payment link); the bookings
exist with their items, slot and status. axe on every page."""
import re

import pytest
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Booking, Case
from frontdoor.services.customers import find_or_create
from tests import factories
from tests.integration.bulky_helpers import bulky_slot

SHOTS = "/tmp/journey-shots"


@pytest.fixture(scope="session")
def base_url():
    """Replaces pytest-base-url's fixture, which pytest 9 warns about (warnings are errors); we use live_server.url."""
    return None


def _take_call(page, live_server, axe_check, customer_id):
    page.goto(f"{live_server.url}/staff/contacts/new?customer={customer_id}")
    axe_check(page)
    page.get_by_label("Phone").check()
    page.get_by_label("What is it about?").select_option("bulky_waste")
    page.get_by_role("button", name="Start").click()
    axe_check(page)
    page.get_by_role("link", name="Book a bulky waste collection").click()
    page.wait_for_url(re.compile(r"/staff/bulky/book"))
    axe_check(page)


def test_advisor_books_bulky_waste_for_callers_free_and_by_payment_link(page, live_server, axe_check):
    factories.team("waste")
    prop = factories.property_(postcode="DB7 7ZZ", street="Caller Road", number=3)
    other = factories.property_(postcode="DB7 7ZY", street="Linked Lane", number=9)
    slot = bulky_slot(capacity=10)
    first = find_or_create("Robin Caller", "robin@example.com", "020 7946 0018", prop)
    second = find_or_create("Sam Linker", "sam@example.com", "020 7946 0019", other)
    advisor = factories.staff("advisor")
    db.session.commit()
    day_label = f"{slot.day:%A} {slot.day.day} {slot.day:%B %Y}"
    slot_id, first_id, second_id, address = slot.id, first.id, second.id, prop.single_line

    page.goto(f"{live_server.url}/staff/sign-in")
    page.get_by_label("Email address").fill(advisor.email)
    page.locator("#password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/staff/"))

    _take_call(page, live_server, axe_check, first_id)
    assert page.get_by_label("Collect from").input_value() == prop.uprn  # the caller's address, known already
    assert page.get_by_label("Caller's full name").input_value() == "Robin Caller"
    assert page.get_by_test_id("advisor-guidance").count() >= 4
    page.screenshot(path=f"{SHOTS}-book.png", full_page=True)
    page.get_by_role("button", name="Book").click()  # nothing chosen: errors, not a 500
    assert "There is a problem" in page.inner_text(".govuk-error-summary")
    axe_check(page)
    page.get_by_label("Table").fill("1")
    page.get_by_label(re.compile("^Sofa")).fill("1")
    page.get_by_label(re.compile(re.escape(day_label))).check()
    page.get_by_label("Where the items will be left").fill("On the drive")
    page.get_by_role("radio", name="Free collection").check()
    page.get_by_label("Reason for a free collection").fill("Concession: pension credit")
    page.get_by_role("button", name="Book").click()
    page.wait_for_url(re.compile(r"/staff/contacts/current"))
    axe_check(page)
    flash = page.inner_text("main")
    assert "Free collection booked" in flash and "Read the reference to the caller" in flash
    page.screenshot(path=f"{SHOTS}-after.png", full_page=True)
    page.get_by_role("button", name="Wrap up contact").click()

    _take_call(page, live_server, axe_check, second_id)
    page.get_by_label("Washing machine").fill("1")
    page.get_by_label(re.compile(re.escape(day_label))).check()
    page.get_by_label("Where the items will be left").fill("By the side gate")
    page.get_by_label("Email the caller a link to pay").check()
    page.get_by_role("button", name="Book").click()
    page.wait_for_url(re.compile(r"/staff/contacts/current"))
    axe_check(page)
    assert "Payment link sent to sam@example.com" in page.inner_text("main")

    db.session.expire_all()
    free = db.session.scalar(select(Booking).where(Booking.customer_id == first_id))
    assert (free.status, free.items, free.slot_id, free.amount_pence) == ("confirmed", {"table": 1, "sofa": 1}, slot_id, 0)
    assert free.free_reason == "Concession: pension credit" and free.property.single_line == address
    case = db.session.get(Case, free.case_id)
    assert (case.channel, case.state, case.customer_id) == ("phone", "booked", first_id)
    held = db.session.scalar(select(Booking).where(Booking.property_id != free.property_id))
    assert (held.status, held.items, held.slot_id, held.case_id) == ("held", {"washing_machine": 1}, slot_id, None)
