"""Browser: an advisor takes an anonymous call, identifies the caller and keeps them in view on every
page of the contact; axe on every page (0 violations). Saves the screenshot the issue asks for."""
from __future__ import annotations

import re
from pathlib import Path

from frontdoor.extensions import db
from frontdoor.services.customers import find_or_create
from tests import factories
from tests.browser.test_staff_console import _sign_in
from tests.integration.test_caseworker import make_case
from tests.integration.test_single_view import _services_for

SCREENSHOT = Path(__file__).resolve().parents[2] / "instance" / "screenshots" / "contact-caller-in-view.png"


def test_advisor_attaches_an_anonymous_call_and_keeps_the_caller_in_view(page, live_server, axe_check):
    case = make_case("caller@example.com")
    customer = find_or_create("Chloe Fraser", "chloe@example.com", "020 7946 0999", case.property)
    case.customer_id = customer.id
    customer.flags = {"vulnerable": True}
    _services_for(customer, case.property, case)
    advisor = factories.staff("advisor")
    db.session.commit()

    _sign_in(page, live_server, axe_check, advisor)
    page.wait_for_url(re.compile(r"/staff/customers"))
    page.get_by_role("link", name="Take a contact from an anonymous caller").click()
    axe_check(page)
    page.get_by_label("Phone").check()
    page.get_by_label("What is it about?").select_option("general_enquiry")
    page.get_by_role("button", name="Start").click()
    axe_check(page)
    page.get_by_role("button", name="Answered: resolved at first contact").click()
    page.get_by_label("Know who is calling now? Find them to attach this contact").fill("020 7946 0999")
    page.get_by_role("button", name="Find the caller").click()
    axe_check(page)
    assert "This is the caller" in page.content(), page.inner_text("main")[:800]
    page.get_by_role("button", name=re.compile(r"This is the caller.*Chloe Fraser")).click()
    page.wait_for_url(re.compile(r"/staff/contacts/current$"))
    axe_check(page)
    caller = page.get_by_role("region", name=re.compile("On the line: Chloe Fraser"))
    assert caller.is_visible()
    text = caller.inner_text()
    assert "Vulnerable" in text and case.reference in text and "£32.50 Bulky waste collection" in text
    assert "general enquiry (Resolved at first contact)" in text
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    page.get_by_role("link", name="Make a complaint").click()
    axe_check(page)
    caller = page.get_by_role("region", name=re.compile("On the line: Chloe Fraser"))
    page.mouse.wheel(0, 2000)
    assert caller.is_visible() and case.reference in caller.inner_text()
    assert caller.bounding_box()["y"] < 5  # still at the top of the window after scrolling (sticky)


def test_team_lead_merges_a_flagged_duplicate_without_typing_a_number(page, live_server, axe_check):
    from tests.integration.helpers import property_collected_yesterday_evening

    prop = property_collected_yesterday_evening()
    chloe = find_or_create("Chloe Fraser", "chloe@example.com", "020 7946 0111", prop)
    twin = find_or_create("Chloe Fraser", "c.fraser@example.com", None, prop)
    lead = factories.staff("team_lead")
    db.session.commit()

    _sign_in(page, live_server, axe_check, lead)
    page.goto(f"{live_server.url}/staff/customers/{chloe.id}")
    axe_check(page)
    banner = page.get_by_role("region", name="Possible duplicates")
    assert f"customer {twin.id}; same name and address" in banner.inner_text()
    banner.get_by_role("link", name=re.compile("Merge into this record")).click()
    axe_check(page)
    page.get_by_role("button", name=f"Merge customer {twin.id} into {chloe.id}").click()
    page.wait_for_url(re.compile(rf"/staff/customers/{chloe.id}$"))
    axe_check(page)
    assert page.get_by_role("region", name="Possible duplicates").count() == 0


def test_search_results_appear_as_the_advisor_types(page, live_server, axe_check):
    find_or_create("Chloe Fraser", "chloe@example.com", "020 7946 0555", None)
    advisor = factories.staff("advisor")
    db.session.commit()
    _sign_in(page, live_server, axe_check, advisor)
    page.wait_for_url(re.compile(r"/staff/customers"))
    page.get_by_label("Name, email, phone, postcode, address, UPRN or case reference").press_sequentially("Chloe Fr", delay=40)
    results = page.locator("#search-results")
    results.get_by_role("link", name="Chloe Fraser").wait_for()  # no button pressed
    assert "q=Chloe+Fr" in page.url
    axe_check(page)
