"""In a real browser: a resident books and pays for a bulky collection, gets the confirmation; a
caseworker sees it on the manifest; the resident cancels and sees the refund. axe on every page."""
import re

import pytest

from frontdoor.extensions import db
from tests import factories
from tests.integration.bulky_helpers import bulky_slot


@pytest.fixture(scope="session")
def base_url():
    """Replaces pytest-base-url's fixture, which pytest 9 warns about (warnings are errors); we use live_server.url."""
    return None


def test_resident_books_pays_cancels_and_caseworker_sees_the_manifest(live_server, committed, page, axe_check, browser):
    prop = factories.property_(postcode="DB9 9ZZ", street="Browser Road", number=7)
    slot = bulky_slot(capacity=10)
    staff = factories.staff("caseworker")
    db.session.commit()
    day_label = f"{slot.day:%A} {slot.day.day} {slot.day:%B %Y}"
    round_id, day, staff_email = slot.round_id, slot.day.isoformat(), staff.email

    page.goto(live_server.url + "/bulky-waste/")
    axe_check(page)
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Postcode").fill("DB9 9ZZ")
    axe_check(page)
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("Select an address").select_option(prop.uprn)
    axe_check(page)
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("button", name="Continue").click()  # no items chosen: an error, not a 500
    assert "Choose at least one item" in page.inner_text(".govuk-error-summary")
    axe_check(page)
    page.get_by_label("Table").fill("1")
    page.get_by_label("Sofa (extra £15.00 each)").fill("1")
    page.get_by_role("button", name="Continue").click()

    page.get_by_label(day_label).check()
    axe_check(page)
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Where will the items be left?").fill("On the drive")
    page.get_by_label("Full name").fill("Robin Browser")
    page.get_by_label("Email address").fill("robin@example.com")
    axe_check(page)
    page.get_by_role("button", name="Continue").click()

    assert "£40.00" in page.inner_text("main")
    axe_check(page)
    page.get_by_role("button", name="Continue to payment").click()

    assert "Enter card details" in page.inner_text("h1")
    axe_check(page)
    page.get_by_label("Card accepted").check()
    page.get_by_role("button", name="Confirm payment").click()

    assert "Collection booked" in page.inner_text("main")
    reference = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}", page.inner_text(".govuk-panel")).group(0)
    axe_check(page)
    page.reload()  # the return page loaded twice makes one booking
    assert "Collection booked" in page.inner_text("main")

    staff_page = browser.new_context().new_page()
    staff_page.goto(live_server.url + "/staff/sign-in")
    staff_page.get_by_label("Email address").fill(staff_email)
    staff_page.locator("#password").fill(factories.PASSWORD)
    staff_page.get_by_role("button", name="Sign in").click()
    staff_page.goto(f"{live_server.url}/staff/bulky/manifest?round={round_id}&day={day}")
    manifest = staff_page.inner_text("main")
    assert reference in manifest and "1 x Sofa" in manifest and "On the drive" in manifest
    axe_check(staff_page)
    assert "1 collections" in manifest

    page.get_by_role("link", name="Cancel this collection").click()
    axe_check(page)
    page.get_by_role("button", name="Cancel the collection").click()
    text = page.inner_text("main")
    assert "Your collection is cancelled" in text and "-£40.00" in text
    axe_check(page)
