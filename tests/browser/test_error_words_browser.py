"""In headless Chromium: the complaint page sent empty shows the definition's own words for each
question (never "Enter what happened?"), and the date's summary link puts focus in the Day box."""
from __future__ import annotations

from playwright.sync_api import expect


def test_complaint_errors_are_written_for_their_questions(live_server, page, axe_check):
    base = live_server.url
    page.goto(base + "/services/complaint/begin")
    page.get_by_label("Council tax").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Continue").click()  # nothing filled in
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    axe_check(page)
    for words in ("Tell us what happened", "Enter the date it happened", "Tell us what you would like us to do"):
        expect(summary.get_by_role("link", name=words)).to_be_visible()
    expect(page.get_by_text("Enter what happened?")).to_have_count(0)
    summary.get_by_role("link", name="Enter the date it happened").click()
    expect(page.locator("#happened_on-day")).to_be_focused()
