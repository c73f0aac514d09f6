"""Issue 21 in the browser: an admin sets up an authenticator app at first sign-in (QR code, key,
recovery codes once), signs out, signs in again with a fresh code; every page passes axe.
The codes are what the app would show: pyotp (RFC 6238) from the key the page gave."""
from __future__ import annotations

import re
import time

import pyotp
import pytest

from frontdoor.extensions import db
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]


def _password(page, base, user):
    page.goto(base + "/staff/sign-in")
    page.get_by_label("Email address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_admin_sets_up_two_factors_and_signs_in_with_a_code(live_server, page, axe_check):
    admin = factories.staff("admin", two_factor=False)
    db.session.commit()
    _password(page, live_server.url, admin)

    assert page.get_by_role("heading", name="Set up two-factor sign-in").is_visible()
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()
    axe_check(page)
    page.get_by_label("Code from your authenticator app").fill("123")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert page.locator(".govuk-error-summary").get_by_text("Enter the 6-digit code your authenticator app shows now").is_visible()
    axe_check(page)

    secret = page.locator("#two-factor-key").inner_text().strip()
    page.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    assert page.get_by_role("heading", name="Your recovery codes").is_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{5}-[a-z2-7]{5}", c.strip()) for c in codes)
    axe_check(page)
    page.get_by_role("button", name="I have saved my recovery codes").click()
    assert page.url.endswith("/staff/")

    page.get_by_role("link", name=re.compile("^Sign out")).click()
    page.get_by_role("button", name="Sign out").click()
    _password(page, live_server.url, admin)
    assert page.get_by_role("heading", name="Enter your code").is_visible()
    axe_check(page)
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    assert page.locator(".govuk-error-summary").is_visible()
    axe_check(page)
    # The code used to enrol cannot be used again: wait for the app's next code if need be.
    totp = pyotp.TOTP(secret)
    while _used(admin) >= int(time.time()) // 30:
        time.sleep(1)
    page.get_by_label("Code from your authenticator app").fill(totp.now())
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith("/staff/")
    assert page.get_by_role("link", name=re.compile("^Sign out")).is_visible()


def _used(user) -> int:
    db.session.expire_all()
    step = db.session.get(type(user), user.id).totp_last_step or 0
    db.session.commit()  # end the read: on SQLite an open read would lock out the sign-in's write
    return step
