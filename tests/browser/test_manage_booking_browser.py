"""In a real browser on a phone-sized screen: a guest books a bulky collection, then in another
browser finds it on Track with the reference and email, changes the date (a success banner),
and cancels (the refund and the reference still shown). axe on every page."""
import re

import pytest

from frontdoor.extensions import db
from tests import factories
from tests.integration.bulky_helpers import bulky_slot, first_days

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="session")
def base_url():
    """Replaces pytest-base-url's fixture, which pytest 9 warns about (warnings are errors); we use live_server.url."""
    return None


def test_guest_manages_a_booking_from_another_browser(live_server, committed, page, axe_check, browser, tmp_path):
    prop = factories.property_(postcode="DB8 8MM", street="Phone Road", number=5)
    first, second = first_days(2)
    bulky_slot(capacity=10, day=first)
    bulky_slot(capacity=10, day=second)
    db.session.commit()
    second_label = f"{second:%A} {second.day} {second:%B %Y}"

    page.goto(live_server.url + "/bulky-waste/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Postcode").fill("DB8 8MM")
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("Select an address").select_option(prop.uprn)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Table").fill("1")
    page.get_by_label("Sofa (extra £15.00 each)").fill("1")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label(f"{first:%A} {first.day} {first:%B %Y}").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Where will the items be left?").fill("By the gate")
    page.get_by_label("Full name").fill("Pat Phone")
    page.get_by_label("Email address").fill("pat@example.com")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue to payment").click()
    paying_for = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}", page.inner_text("main")).group(0)
    page.get_by_label("Card accepted").check()
    page.get_by_role("button", name="Confirm payment").click()
    reference = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}", page.inner_text(".govuk-panel")).group(0)
    assert reference == paying_for  # one reference, from the payment page on

    phone = browser.new_context(**PHONE).new_page()  # another browser: nothing of the first session
    phone.goto(f"{live_server.url}/bulky-waste/booking/{reference}")
    assert "Page not found" in phone.inner_text("main")
    phone.goto(live_server.url + "/track")
    axe_check(phone)
    phone.get_by_label("Reference").fill(reference.lower())
    phone.get_by_label("Email address or phone number").fill("pat@example.com")
    phone.get_by_role("button", name="Find my request").click()
    assert f"Request {reference}" in phone.inner_text("h1")
    axe_check(phone)
    phone.get_by_role("link", name="See, change or cancel your bulky waste collection").click()
    assert "Collection booked" in phone.inner_text("main") and "Booked" in phone.inner_text(".govuk-summary-list")
    axe_check(phone)

    phone.get_by_role("link", name="Change the collection date").click()
    axe_check(phone)
    phone.get_by_label(second_label).check()
    phone.get_by_role("button", name="Continue").click()
    assert f"Your collection date is changed to {second_label}" in phone.inner_text(".govuk-notification-banner")
    axe_check(phone)
    phone.screenshot(path=str(tmp_path / "changed.png"), full_page=True)

    phone.get_by_role("link", name="Cancel this collection").click()
    phone.get_by_role("button", name="Cancel the collection").click()
    text = phone.inner_text("main")
    assert "Your collection is cancelled" in text and f"Your reference is {reference}" in text
    assert f"Your collection {reference} is cancelled. We have refunded £40.00." in text
    assert "confirmed" not in text and "success" not in text  # statuses in words
    axe_check(phone)
    phone.screenshot(path="/tmp/residents-cancelled.png", full_page=True)
    assert len(axe_check.pages) == 6
