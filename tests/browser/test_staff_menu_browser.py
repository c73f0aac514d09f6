"""In a browser: the staff menu on the pages that used to show the residents' header, and ranked
name search results, with axe on each page and screenshots to look at."""
from __future__ import annotations

from pathlib import Path

from frontdoor.extensions import db
from frontdoor.services.customers import find_or_create
from tests import factories
from tests.browser.test_staff_console import _sign_in

SHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"


def test_staff_menu_on_every_kind_of_staff_page(page, live_server, axe_check):
    factories.team("waste")
    admin = factories.staff("admin")
    db.session.commit()
    _sign_in(page, live_server, axe_check, admin)
    page.wait_for_url("**/staff/**")
    menu = page.get_by_role("navigation", name="Menu")
    for path in ("/staff/dashboards/", "/staff/api-keys", "/staff/dead-letters", "/staff/bulky/manifest",
                 "/staff/garden-waste", "/staff/bulky/book", "/staff/bulky/income"):
        page.goto(f"{live_server.url}{path}")
        axe_check(page)
        for item in ("Queue", "Tasks", "Customers", "Bookings", "Garden waste", "Dashboards", "Admin"):
            assert menu.get_by_role("link", name=item, exact=True).is_visible(), (path, item)
        assert page.get_by_role("link", name="Sign in", exact=True).count() == 0, path
    page.goto(f"{live_server.url}/staff/dashboards/")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "staff-menu.png"))


def test_advisor_finds_the_caller_first_by_initial_and_surname(page, live_server, axe_check):
    factories.team("waste")
    for i, name in enumerate(("Colin Frazer", "Anna Fraser", "Chloe Fraser", "Fraser Cox", "Chloe Frasier")):
        find_or_create(name, f"person{i}@example.com", None, None)
    advisor = factories.staff("advisor")
    db.session.commit()
    _sign_in(page, live_server, axe_check, advisor)
    page.wait_for_url("**/staff/**")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Customers").click()
    page.get_by_label("Name, email, phone, postcode, address, UPRN or case reference").fill("C Fraser")
    page.get_by_role("button", name="Search").click()
    axe_check(page)
    rows = page.locator("table.govuk-table tbody tr td:first-child")
    assert rows.nth(0).inner_text() == "Chloe Fraser"
    assert rows.nth(1).inner_text() == "Fraser Cox"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "search-results.png"), full_page=True)
