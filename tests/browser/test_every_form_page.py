"""Every form page of every shipped service: no axe violations, and filled in with the keyboard alone
(Tab to each field, type or press Space, Tab to the button, press Enter)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from frontdoor.extensions import db
from frontdoor.services.registry import registry
from tests import factories
from tests.integration.helpers import property_collected_yesterday_evening

SERVICES = ["missed_bin", "missed_garden_waste", "replacement_container", "fly_tipping", "council_tax_moving_in",
            "council_tax_moving_out", "complaint", "foi_request"]


def tab_to(page, predicate: str, what: str, limit: int = 80):
    """Press Tab until document.activeElement matches the JS predicate `el => ...`: reachable by keyboard."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({predicate})(el); }})()"):
            return
    raise AssertionError(f"could not reach {what} with the Tab key on {page.url}")


def tab_to_id(page, element_id: str):
    tab_to(page, f"el => el.id === {element_id!r}", f"#{element_id}")


def press_button(page, text: str):
    tab_to(page, f"el => el.tagName === 'BUTTON' && el.textContent.trim() === {text!r}", f"the {text} button")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def answer_by_keyboard(page, q):
    first = page.locator(f'[name="{q.id}"]').first
    if q.type in ("radios", "yes_no", "checkboxes"):
        tab_to_id(page, first.get_attribute("id"))
        page.keyboard.press("Space")
    elif q.type == "date":
        offset = max(q.min_days or -30, min(q.max_days if q.max_days is not None else 0, 0))
        day = date.today() + timedelta(days=offset)
        for locator, value in zip(page.locator(f'[name="{q.id}"]').all(), (day.day, day.month, day.year)):
            tab_to_id(page, locator.get_attribute("id"))
            page.keyboard.type(str(value))
    elif q.type == "file":
        return  # optional everywhere it is used; a file picker is the browser's own dialog
    else:
        tab_to_id(page, first.get_attribute("id"))
        value = {"email": "sam@example.com", "phone": "020 7946 0018", "number": str(int(q.minimum or 1)),
                 "location": "Behind the bus shelter on Mill Road"}.get(q.type, "Sam Resident")
        page.keyboard.type(value)


@pytest.mark.parametrize("service_id", SERVICES)
def test_every_form_page_passes_axe_and_works_by_keyboard(service_id, live_server, page, axe_check):
    for slug in ("waste", "environment", "revenues", "complaints", "foi"):
        factories.team(slug)
    prop = property_collected_yesterday_evening()
    postcode = prop.postcode
    db.session.commit()
    definition = registry().get(service_id)

    page.goto(f"{live_server.url}/services/{service_id}")
    axe_check(page)
    tab_to(page, "el => el.textContent.trim().startsWith('Start now')", "Start now")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    answers: dict = {}
    for _ in range(len(definition.pages) + 2):
        if "/check" in page.url or page.locator("form").count() == 0:
            break
        page_id = page.url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        current = definition.page(page_id)
        assert current is not None, page.url
        axe_check(page)
        if current.is_address:
            tab_to_id(page, "postcode")
            page.keyboard.type(postcode)
            press_button(page, "Find address")
            axe_check(page)
            tab_to_id(page, "uprn")
            page.keyboard.press("ArrowDown")
            press_button(page, "Continue")
            continue
        # Submitting the empty page first shows the errors, which must pass axe too.
        press_button(page, "Continue")
        if page.locator(".govuk-error-summary").count():
            axe_check(page)
        for q in definition.visible_questions(current, answers):
            if q.asks:
                answer_by_keyboard(page, q)
                answers[q.id] = "yes" if q.type == "yes_no" else "x"
        press_button(page, "Continue")
    if service_id == "missed_garden_waste":
        # No subscription at this address: the rule's page explains what to do instead.
        assert page.get_by_text("This address does not have a garden waste subscription").first.is_visible()
        axe_check(page)
        return
    assert "/check" in page.url, page.url
    axe_check(page)
    press_button(page, "Accept and send")
    assert page.locator(".govuk-panel").is_visible()
    axe_check(page)
