"""In a real browser: a resident subscribes to garden waste, pays on the hosted page and sees the
confirmation with its reference and receipt; a wrong answer shows the error summary. axe on every page."""
import re

import pytest

from frontdoor.extensions import db
from tests import factories


@pytest.fixture(scope="session")
def base_url():
    """Replaces pytest-base-url's fixture, which pytest 9 warns about (warnings are errors); we use live_server.url."""
    return None


def test_resident_subscribes_pays_and_sees_the_confirmation(live_server, committed, page, axe_check, browser):
    prop = factories.property_(postcode="DG9 9ZZ", street="Garden Lane", number=3, streams=("garden",))
    staff_email = factories.staff("advisor").email
    db.session.commit()

    page.goto(live_server.url + "/garden-waste/")
    assert "£55.00 a year for the first bin" in page.inner_text("main")
    axe_check(page)
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Postcode").fill("DG9 9ZZ")
    axe_check(page)
    page.get_by_role("button", name="Find address").click()
    page.get_by_label("Select an address").select_option(prop.uprn)
    axe_check(page)
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("button", name="Continue").click()  # nothing chosen: the error summary, not a 500
    assert "Choose how many bins you want" in page.inner_text(".govuk-error-summary")
    axe_check(page)
    page.get_by_label("2 bins: £90.00 a year").check()
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Continue").click()

    page.get_by_label("Full name").fill("Gina Browser")
    page.get_by_label("Email address").fill("gina@example.com")
    axe_check(page)
    page.get_by_role("button", name="Continue").click()

    assert "Check your answers" in page.inner_text("h1") and "£90.00" in page.inner_text("main")
    axe_check(page)
    page.get_by_role("button", name="Continue to payment").click()

    assert "Enter card details" in page.inner_text("h1")
    axe_check(page)
    page.get_by_label("Card accepted").check()
    page.get_by_role("button", name="Confirm payment").click()

    assert "Garden waste subscription confirmed" in page.inner_text("main")
    reference = re.search(r"GW-[2-9A-Z]{4}-[2-9A-Z]{4}", page.inner_text(".govuk-panel")).group(0)
    assert "£90.00" in page.inner_text("table")
    axe_check(page)
    page.reload()  # the confirmation still makes sense when reloaded or bookmarked
    assert "Garden waste subscription confirmed" in page.inner_text("main")

    page.get_by_role("link", name="Change the number of bins").click()
    axe_check(page)
    page.get_by_role("link", name="Back").click()
    page.get_by_role("link", name="Cancel this subscription").click()
    assert "We will refund £90.00" in page.inner_text("main")
    axe_check(page)

    staff_page = browser.new_context().new_page()
    staff_page.goto(live_server.url + "/staff/sign-in")
    staff_page.get_by_label("Email address").fill(staff_email)
    staff_page.locator("#password").fill(factories.PASSWORD)
    staff_page.get_by_role("button", name="Sign in").click()
    staff_page.goto(live_server.url + "/staff/garden-waste?q=DG9+9ZZ")
    axe_check(staff_page)
    staff_page.get_by_role("link", name=reference).click()
    assert "Gina Browser" in staff_page.inner_text("main")
    axe_check(staff_page)
    staff_page.get_by_role("button", name="Cancel the subscription").click()  # no reason: error summary
    assert "Enter the reason for cancelling" in staff_page.inner_text(".govuk-error-summary")
    axe_check(staff_page)
    staff_page.goto(live_server.url + "/staff/garden-waste/new")
    axe_check(staff_page)
