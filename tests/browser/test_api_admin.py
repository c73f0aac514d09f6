"""An admin creates an API key in the browser: the secret is shown once; pages pass axe."""
from __future__ import annotations

import pytest

from frontdoor.extensions import db
from tests import factories
from tests.browser.staff_sign_in import answer_two_factor

# pytest-base-url (pulled in by pytest-playwright) defines a session fixture pytest 9 warns about.
pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]


def test_admin_creates_and_revokes_a_key(live_server, page, axe_check):
    admin = factories.staff(role="admin")
    db.session.commit()
    page.goto(f"{live_server.url}/staff/sign-in")
    page.get_by_label("Email address").fill(admin.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    answer_two_factor(page, admin)
    page.goto(f"{live_server.url}/staff/api-keys")
    axe_check(page)
    page.get_by_role("button", name="Create key").click()
    assert page.locator(".govuk-error-summary").is_visible()
    axe_check(page)
    page.get_by_label("Client name").fill("FixMyStreet")
    page.get_by_label("write", exact=True).check()
    page.get_by_role("button", name="Create key").click()
    assert "Copy this secret now" in page.content()
    axe_check(page)
    page.locator("button", has_text="Revoke").click()
    assert "Revoked" in page.locator("table").inner_text()
    page.goto(f"{live_server.url}/staff/dead-letters")
    axe_check(page)
