"""In headless Chromium: a resident reports a missed bin and tracks it; a caseworker moves it.
axe-core checks every page visited."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from frontdoor.extensions import db
from tests import factories
from tests.integration.helpers import property_collected_yesterday_evening


def test_resident_reports_and_tracks_then_caseworker_moves_it(live_server, page, axe_check):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    caseworker = factories.staff(role="caseworker", teams=("waste",))
    db.session.commit()
    base = live_server.url

    page.goto(base + "/")
    axe_check(page)
    page.get_by_role("link", name="Report a missed bin collection").click()
    axe_check(page)
    page.get_by_role("button", name="Start now").click()

    axe_check(page)
    page.get_by_label("Postcode").fill(prop.postcode.lower())
    page.get_by_role("button", name="Find address").click()
    axe_check(page)
    page.get_by_label("Select an address").select_option(prop.uprn)
    page.get_by_role("button", name="Continue").click()

    axe_check(page)
    page.get_by_label(re.compile("Black general waste bin")).check()
    page.get_by_role("button", name="Continue").click()

    axe_check(page)
    page.get_by_role("button", name="Continue").click()  # nothing filled in: the error state
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe_check(page)
    page.get_by_label("Full name").fill("Sam Resident")
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_role("button", name="Continue").click()

    axe_check(page)
    expect(page.get_by_role("heading", name="Check your answers before sending")).to_be_visible()
    page.get_by_role("button", name="Accept and send").click()

    axe_check(page)
    panel = page.locator(".govuk-panel__body strong")
    reference = panel.inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", reference)

    page.get_by_role("link", name="Track your request").click()
    axe_check(page)
    page.get_by_label("Reference").fill(reference)
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_role("button", name="Find my request").click()
    axe_check(page)
    expect(page.get_by_text("We have received your request.")).to_be_visible()

    # The caseworker finds it in the queue and moves it.
    page.goto(base + "/staff/sign-in")
    axe_check(page)
    page.get_by_label("Email address").fill(caseworker.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    axe_check(page)
    page.get_by_role("link", name=reference).click()
    axe_check(page)
    page.get_by_label("Arrange a return collection").check()
    page.get_by_role("button", name="Save").click()
    axe_check(page)
    expect(page.get_by_text("moved to 'Return collection arranged'")).to_be_visible()

    # The resident sees the public update.
    page.goto(base + "/track")
    page.get_by_label("Reference").fill(reference)
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_role("button", name="Find my request").click()
    expect(page.get_by_text("We have asked the crew to come back and empty your bin.")).to_be_visible()
    axe_check(page)
    assert len(axe_check.pages) >= 15


def test_error_pages_pass_axe(live_server, page, axe_check):
    page.goto(live_server.url + "/services/nope")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    axe_check(page)
    page.goto(live_server.url + "/accessibility")
    axe_check(page)
