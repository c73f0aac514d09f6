"""In the browser: "I can't find my address" (typed address) and "Use my current location", each page
checked with axe; the location page without JavaScript still offers the typed map point."""
from __future__ import annotations

from frontdoor.extensions import db
from tests import factories


def test_a_typed_address_by_keyboard_with_errors_first(live_server, page, axe_check):
    factories.team("revenues")
    prop = factories.property_(postcode="DB1 1AA")
    db.session.commit()
    page.goto(f"{live_server.url}/services/council_tax_moving_in/begin")
    page.get_by_label("Postcode").fill(prop.postcode)
    page.get_by_role("button", name="Find address").click()
    axe_check(page)
    page.get_by_role("link", name="I cannot find my address in the list").click()
    axe_check(page)
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.get_by_text("Enter address line 1, typically the building and street").first.is_visible()
    axe_check(page)
    page.get_by_label("Address line 1").fill("Plot 4, Mill Lane")
    page.get_by_label("Town or city").fill("Dunbury")
    page.get_by_label("Postcode").fill("DB9 9ZZ")
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/services/council_tax_moving_in/move_date"), page.url


def _to_the_where_page(live_server, page):
    factories.team("environment")
    db.session.commit()
    base = f"{live_server.url}/services/fly_tipping"
    page.goto(f"{base}/begin")
    page.get_by_label("Household rubbish or bags").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("About a small van load").check()
    page.locator('[name="hazardous"][value="no"]').check()
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/where"), page.url


def test_use_my_current_location_fills_the_map_point(live_server, browser, axe_check):
    context = browser.new_context(geolocation={"latitude": 52.0123, "longitude": -1.4987}, permissions=["geolocation"])
    page = context.new_page()
    try:
        _to_the_where_page(live_server, page)
        page.get_by_text("Add a map point (optional)").click()
        page.get_by_role("button", name="Use my current location").click()
        page.get_by_text("Map point added: 52.012300, -1.498700").wait_for()
        assert page.locator("#location-lat").input_value() == "52.012300"
        axe_check(page)
        # Never map-only: without a description the page says so.
        page.get_by_role("button", name="Continue").click()
        assert page.get_by_text("Describe where it is").first.is_visible()
        page.locator("#location").fill("By the bottle bank")
        page.get_by_role("button", name="Continue").click()
        assert page.url.endswith("/photo"), page.url
    finally:
        context.close()


def test_without_javascript_the_map_point_is_typed_and_the_button_hidden(live_server, browser, axe_check):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        _to_the_where_page(live_server, page)
        assert page.get_by_role("button", name="Use my current location").count() == 0
        page.get_by_text("Add a map point (optional)").click()
        page.locator("#location").fill("By the bottle bank")
        page.locator("#location-lat").fill("52.1")
        page.locator("#location-lng").fill("-1.5")
        page.get_by_role("button", name="Continue").click()
        assert page.url.endswith("/photo"), page.url
    finally:
        context.close()
