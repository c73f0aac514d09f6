"""In headless Chromium: a resident sends an FOI request, then goes back. Every page of the
journey says "You have already sent this" with the reference; sending the check page again makes
no second case; "Start a new request" gives a blank form. axe on every page."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import Case
from tests import factories


def _cases() -> int:
    db.session.rollback()
    count = db.session.scalar(select(func.count()).select_from(Case).where(Case.workflow_id == "foi_request"))
    db.session.rollback()  # end the read: on SQLite an open transaction would lock out the live server
    return count


def test_back_after_sending_shows_the_reference_not_a_blank_form(live_server, page, axe_check):
    factories.team("foi")
    db.session.commit()
    base = live_server.url
    page.goto(base + "/services/foi_request")
    page.get_by_role("button", name="Start now").click()
    axe_check(page)
    page.get_by_label("What information do you want?").fill("The number of potholes repaired in 2025.")
    page.get_by_label("By email").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Full name").fill("Sam Resident")
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Check your answers before sending")).to_be_visible()
    csrf = page.locator("input[name=csrf_token]").first.input_value()
    page.get_by_role("button", name="Accept and send").click()
    reference = page.locator(".govuk-panel__body strong").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}", reference)
    assert _cases() == 1

    page.go_back()  # the check page
    expect(page.get_by_role("heading", name="You have already sent this")).to_be_visible()
    expect(page.get_by_text(reference)).to_be_visible()
    axe_check(page)
    page.go_back()  # the details page
    expect(page.get_by_role("heading", name="You have already sent this")).to_be_visible()
    expect(page.get_by_label("Full name")).to_have_count(0)
    page.goto(base + "/services/foi_request/request")
    expect(page.get_by_text(reference)).to_be_visible()

    # The check page sent again, as a browser's "resend the form" would: still one case.
    status, html = page.evaluate("""async (csrf) => {
        const r = await fetch('/services/foi_request/check', {method: 'POST', body: new URLSearchParams({csrf_token: csrf})});
        return [r.status, await r.text()];
    }""", csrf)
    assert status == 200 and reference in html and "Request received" in html
    assert _cases() == 1

    page.get_by_role("link", name="Start a new request").click()
    axe_check(page)
    expect(page.get_by_label("What information do you want?")).to_have_value("")
