"""Issue 21: two factors for local staff accounts. Codes are computed by pyotp from the secret the
page gave us: the same RFC 6238 algorithm an authenticator app runs, not a stand-in for our code."""
from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import select

import config
from frontdoor.extensions import db
from frontdoor.models import AuditLog, StaffRecoveryCode
from tests import factories
from tests.conftest import post_form as _post_form
from tests.security.test_sessions import _forget

KEY_RE = re.compile(r'id="two-factor-key">([A-Z2-7]+)<')


def post_form(client, url, data, **kwargs):
    # Several browsers in one test share the app context, whose g caches the user and the CSRF token.
    _forget()
    response = _post_form(client, url, data, **kwargs)
    _forget()
    return response


def _password(client, user):
    return post_form(client, "/staff/sign-in", {"email": user.email, "password": factories.PASSWORD})


def _enrol_at_sign_in(client, user):
    r = _password(client, user)
    assert r.status_code == 302 and r.location.endswith("/staff/sign-in/two-factor")
    page = client.get("/staff/sign-in/two-factor")
    body = page.get_data(as_text=True)
    assert "<svg" in body and 'aria-label="QR code to scan with your authenticator app"' in body
    secret = KEY_RE.search(body).group(1)
    return secret, page


def test_an_admin_without_an_app_must_set_one_up_before_the_console_opens(client, session):
    admin = factories.staff("admin", two_factor=False)
    secret, _ = _enrol_at_sign_in(client, admin)
    assert client.get("/staff/").status_code == 302  # not signed in yet
    wrong = post_form(client, "/staff/sign-in/two-factor", {"code": "000000"})
    assert wrong.status_code == 400 and "Enter the 6-digit code your authenticator app shows now" in wrong.get_data(as_text=True)
    done = post_form(client, "/staff/sign-in/two-factor", {"code": pyotp.TOTP(secret).now()})
    body = done.get_data(as_text=True)
    assert done.status_code == 200 and "Your recovery codes" in body and "shown only once" in body
    codes = re.findall(r"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>", body)
    assert len(codes) == 10
    stored = list(db.session.scalars(select(StaffRecoveryCode.code_hash).where(StaffRecoveryCode.staff_id == admin.id)))
    assert len(stored) == 10 and not set(codes) & set(stored) and all(len(h) == 64 for h in stored)
    assert client.get("/staff/").status_code == 200
    assert admin.totp_secret == secret


def test_an_enrolled_admin_signs_in_with_a_code_and_a_seen_code_fails(app, client, session):
    admin = factories.staff("admin")
    r = _password(client, admin)
    assert r.location.endswith("/staff/sign-in/code")
    assert client.get("/staff/").status_code == 302  # the password alone signs nobody in
    code = pyotp.TOTP(admin.totp_secret).now()
    r = post_form(client, "/staff/sign-in/code", {"code": code})
    assert r.status_code == 302 and r.location.endswith("/staff/")
    assert client.get("/staff/").status_code == 200

    other = app.test_client()
    post_form(other, "/staff/sign-in", {"email": admin.email, "password": factories.PASSWORD})
    replay = post_form(other, "/staff/sign-in/code", {"code": code})
    assert replay.status_code == 400
    assert "Enter a correct code from your authenticator app" in replay.get_data(as_text=True)


def test_a_recovery_code_works_once(app, client, session):
    admin = factories.staff("admin", two_factor=False)
    secret, _ = _enrol_at_sign_in(client, admin)
    body = post_form(client, "/staff/sign-in/two-factor", {"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    code = re.findall(r"<li><code>([a-z2-7]{5}-[a-z2-7]{5})</code></li>", body)[0]
    for attempt, want in ((1, 302), (2, 400)):
        browser = app.test_client()
        _password(browser, admin)
        r = post_form(browser, "/staff/sign-in/code", {"code": code.upper()}, follow_redirects=False)
        assert r.status_code == want, attempt
    assert browser.get("/staff/").status_code == 302


def test_code_entry_is_rate_limited_per_person(client, session):
    admin = factories.staff("admin")
    db.session.commit()  # to the test's savepoint: the 429 page rolls back the request
    _password(client, admin)
    statuses = [post_form(client, "/staff/sign-in/code", {"code": f"00000{i}"}).status_code for i in range(6)]
    assert statuses[:5] == [400] * 5 and statuses[5] == 429
    right = post_form(client, "/staff/sign-in/code", {"code": pyotp.TOTP(admin.totp_secret).now()})
    assert right.status_code == 429  # even the right code waits: guessing a million codes is not on


def test_caseworkers_sign_in_with_a_password_under_the_admins_policy(client, session, login_as):
    worker = factories.staff("caseworker")
    r = _password(client, worker)
    assert r.status_code == 302 and r.location.endswith("/staff/")


def test_policy_all_asks_every_member_of_staff(app, client, session):
    worker = factories.staff("caseworker")
    app.config["STAFF_TWO_FACTOR"] = "all"
    try:
        r = _password(client, worker)
        assert r.location.endswith("/staff/sign-in/two-factor")
    finally:
        app.config["STAFF_TWO_FACTOR"] = "admins"


def test_an_admin_resets_a_lost_device_with_an_audit_entry(app, client, session, login_as):
    lost = factories.staff("admin")
    lost_browser = app.test_client()
    _password(lost_browser, lost)
    post_form(lost_browser, "/staff/sign-in/code", {"code": pyotp.TOTP(lost.totp_secret).now()})
    assert lost_browser.get("/staff/").status_code == 200

    _forget()
    admin = login_as("admin")
    page = client.get(f"/staff/admin/staff/{lost.id}").get_data(as_text=True)
    assert "Reset two-factor sign-in" in page
    r = post_form(client, f"/staff/admin/staff/{lost.id}/two-factor/reset", {}, get_url=f"/staff/admin/staff/{lost.id}")
    assert r.status_code == 302
    assert "Not set up." in client.get(f"/staff/admin/staff/{lost.id}").get_data(as_text=True)
    row = db.session.scalar(select(AuditLog).where(AuditLog.what == "staff.two_factor_reset"))
    assert row.staff_id == admin.id and row.detail["staff_id"] == lost.id
    _forget()
    assert lost_browser.get("/staff/").status_code == 302  # their sessions ended
    assert _password(app.test_client(), lost).location.endswith("/staff/sign-in/two-factor")


def test_an_admin_cannot_reset_their_own(client, session, login_as):
    admin = login_as("admin")
    assert "Another admin can reset it" in client.get(f"/staff/admin/staff/{admin.id}").get_data(as_text=True)
    r = post_form(client, f"/staff/admin/staff/{admin.id}/two-factor/reset", {}, get_url="/staff/sign-in")
    assert r.status_code == 302 and admin.has_two_factor
    assert client.get("/staff/").status_code == 200  # still signed in


def test_a_caseworker_cannot_reset_anyone(client, session, login_as):
    target = factories.staff("admin")
    login_as("caseworker")
    r = post_form(client, f"/staff/admin/staff/{target.id}/two-factor/reset", {}, get_url="/staff/sign-in")
    assert r.status_code == 403


def test_the_code_page_without_a_password_sends_you_to_sign_in(client, session):
    r = client.get("/staff/sign-in/code")
    assert r.status_code == 302 and r.location.endswith("/staff/sign-in")


def test_policy_setting():
    assert config.load(env={})["STAFF_TWO_FACTOR"] == "off"  # the demo: password only
    assert config.load(env={"FRONTDOOR_ENV": "staging"})["STAFF_TWO_FACTOR"] == "admins"
    assert config.load(env={"STAFF_TWO_FACTOR": "ALL"})["STAFF_TWO_FACTOR"] == "all"
    with pytest.raises(config.ConfigError, match="STAFF_TWO_FACTOR must be one of"):
        config.load(env={"STAFF_TWO_FACTOR": "sometimes"})
    with pytest.raises(config.ConfigError, match="cannot be off in production"):
        config.load(env={"FRONTDOOR_ENV": "production", "STAFF_TWO_FACTOR": "off", "SECRET_KEY": "x" * 40,
                         "DATABASE_URL": "postgresql://db/x", "PAYMENT_PROVIDER": "none"})
