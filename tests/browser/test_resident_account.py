"""A resident in a real browser: register, verify from the stored email, a guest request joins,
a request prefilled from the account, the update when a caseworker moves it, feedback after closure.
Every page visited is checked with axe."""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import Case, Notification, OutboxMessage
from frontdoor.services import accounts, outbox
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from frontdoor.services.transitions import transition
from tests import factories
from tests.integration.helpers import answers_for, property_collected_yesterday_evening

PASSWORD = "kettle river orange"
# pytest-base-url (pulled in by pytest-playwright) trips a pytest deprecation that filterwarnings=error makes fatal.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")


def stored_link(address: str, template: str) -> str:
    db.session.expire_all()
    note = db.session.scalar(select(Notification).where(Notification.recipient == address, Notification.template == template)
                             .order_by(Notification.id.desc()))
    assert note is not None, f"no {template} email stored for {address}"
    assert "[link removed]" in note.body  # the stored copy never holds the single-use link
    row = db.session.get(OutboxMessage, note.outbox_id)
    link = accounts.token_link(row.payload["token"]["id"], row.payload["token"]["endpoint"])
    db.session.rollback()  # end the read: on SQLite an open transaction would block the server thread
    return link


def test_resident_account_end_to_end(inline_jobs, live_server, page, axe_check):
    factories.team("waste")
    caseworker = factories.staff()
    prop = property_collected_yesterday_evening()
    address = f"pat-{uuid.uuid4().hex[:8]}@example.com"
    guest = submit(definition("missed_bin"), answers_for(prop, address), "web", None, Actor.resident()).case
    unit_of_work.commit()
    guest_ref, guest_id = guest.reference, guest.id  # plain values: touching an expired object would open a transaction
    base = live_server.url

    page.goto(f"{base}/account/sign-in")
    axe_check(page)
    page.click("text=Create an account")
    axe_check(page)
    page.fill("#full_name", "Pat Resident")
    page.fill("#email", address)
    page.fill("#password", "password123")
    page.click("button:has-text('Create account')")
    expect(page.locator(".govuk-error-summary")).to_contain_text("too common")
    axe_check(page)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Create account')")
    expect(page.locator("h1")).to_have_text("Check your email")
    axe_check(page)

    link = stored_link(address, "verify_email").replace("http://127.0.0.1:5000", base)
    page.goto(link)
    axe_check(page)
    page.click("button:has-text('Confirm my email address')")
    expect(page.locator("h1")).to_have_text("Your account")
    axe_check(page)

    # The guest request made with the same email has joined the account.
    page.click(".govuk-service-navigation >> text=My requests")
    expect(page.locator("main")).to_contain_text(guest_ref)
    axe_check(page)

    # A new request: the address and details come from the account.
    page.goto(f"{base}/services/missed_bin/begin")
    expect(page).to_have_url(re.compile(r"/services/missed_bin/container$"))
    axe_check(page)
    page.get_by_label("Blue recycling bin").check()
    page.click("button:has-text('Continue')")
    expect(page).to_have_url(re.compile(r"/services/missed_bin/check$"))
    expect(page.locator("main")).to_contain_text(address)
    axe_check(page)
    page.click("button:has-text('Accept and send')")
    reference = page.locator(".govuk-panel__body strong, .govuk-panel__body").first.inner_text()
    db.session.expire_all()
    new_case = db.session.scalars(select(Case).where(Case.customer_id == db.session.get(Case, guest_id).customer_id)
                                  .order_by(Case.id.desc())).first()
    assert new_case.id != guest_id and new_case.reference in reference
    new_ref, new_id = new_case.reference, new_case.id
    db.session.rollback()

    page.goto(f"{base}/account/requests")
    expect(page.locator("main")).to_contain_text(new_ref)
    page.click(f"text={new_ref}")
    expect(page.locator("main")).to_contain_text("What happens next")
    axe_check(page)

    # A caseworker moves it; the resident sees the update, then closes it and rates it.
    transition(db.session.get(Case, new_id), "schedule_return", Actor.for_staff(caseworker), {})
    unit_of_work.commit()
    page.reload()
    expect(page.locator("main")).to_contain_text("We have asked the crew to come back")
    transition(db.session.get(Case, new_id), "mark_collected", Actor.for_staff(caseworker), {})
    unit_of_work.commit()
    page.reload()
    axe_check(page)
    page.get_by_label("Satisfied", exact=True).check()
    page.fill("#comment", "Quick return, thank you")
    page.click("button:has-text('Send feedback')")
    expect(page.locator("main")).to_contain_text("You rated this request 4 out of 5")
    axe_check(page)

    for path in ("/account", "/account/details", "/account/change-email", "/account/your-data", "/account/close"):
        page.goto(base + path)
        axe_check(page)
    page.goto(f"{base}/account/requests/{new_ref}".replace(new_ref, "2345-6789"))
    expect(page.locator("h1")).to_have_text("Page not found")

    # Signed out, tracking works with the reference and email; the other account pages are checked too.
    page.goto(f"{base}/account/sign-out")
    page.click("button:has-text('Sign out')")
    axe_check(page)
    page.goto(f"{base}/track")
    axe_check(page)
    page.fill("#reference", new_ref)
    page.fill("#email", address)
    page.click("button:has-text('Find my request')")
    expect(page.locator("main")).to_contain_text("You rated this request 4 out of 5")
    axe_check(page)
    page.goto(f"{base}/account/forgot-password")
    axe_check(page)
    page.fill("#email", address)
    page.click("button:has-text('Send the link')")
    axe_check(page)
    page.goto(stored_link(address, "reset_password").replace("http://127.0.0.1:5000", base))
    axe_check(page)
