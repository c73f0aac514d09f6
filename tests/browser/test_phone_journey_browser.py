"""On a phone-sized screen: a resident sends an FOI request by post, goes back, and sees that it is
already sent. Screenshots are kept for people to look at; axe on every page."""
from __future__ import annotations

import os

from playwright.sync_api import expect

from frontdoor.extensions import db
from tests import factories


def test_foi_by_post_on_a_phone(live_server, page, axe_check, tmp_path):
    factories.team("foi")
    db.session.commit()
    page.set_viewport_size({"width": 375, "height": 740})
    shots = os.environ.get("SCREENSHOT_DIR") or str(tmp_path)
    page.goto(live_server.url + "/services/foi_request/begin")
    page.get_by_label("What information do you want?").fill("Gritting routes for winter 2026")
    page.get_by_label("By post").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe_check(page)
    page.screenshot(path=f"{shots}/foi-details-errors.png", full_page=True)
    page.get_by_label("Full name").fill("Pat Writer")
    page.get_by_label("Email address").fill("pat@example.com")
    page.get_by_label("Postal address").fill("1 High Street\nDemo Town\nDB1 1AA")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("1 High Street")).to_be_visible()
    page.get_by_role("button", name="Accept and send").click()
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    page.go_back()
    expect(page.get_by_role("heading", name="You have already sent this")).to_be_visible()
    expect(page.get_by_text(reference)).to_be_visible()
    axe_check(page)
    page.screenshot(path=f"{shots}/foi-already-sent.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing wider than the phone
