"""Issue 16 (Low): an account is locked out after repeated failed sign-ins (10 in 15 minutes locks
it for 15 minutes: config.py), counted per account and caller's address together, so a contact
centre behind one address is not locked out by someone else; the page says when to try again in
words; an admin sees and clears a lock-out (audited)."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from frontdoor.extensions import db, limiter
from frontdoor.models import AuditLog, SignInLockout
from frontdoor.models.base import utcnow
from tests import factories
from tests.conftest import csrf_from
from tests.integration.account_helpers import PASSWORD, register_and_verify

HOME, CENTRE = {"REMOTE_ADDR": "203.0.113.7"}, {"REMOTE_ADDR": "198.51.100.20"}


@pytest.fixture(autouse=True)
def no_rate_limits(app, monkeypatch):
    """The per-address rate limits would answer 429 first; this is about the lock-out itself."""
    monkeypatch.setattr(limiter, "enabled", False)
    previous = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = None
    yield
    app.config["REDIS_URL"] = previous


def _post(client, url, data, environ):
    page = client.get(url, environ_base=environ)
    return client.post(url, data={**data, "csrf_token": csrf_from(page)}, environ_base=environ)


def test_staff_lock_out_per_account_and_address_and_an_admin_clears_it(app, client, session):
    user = factories.staff(role="caseworker", teams=("waste",))
    for _ in range(9):
        r = _post(client, "/staff/sign-in", {"email": user.email, "password": "wrong guess"}, HOME)
        assert "Try again" not in r.get_data(as_text=True)
    r = _post(client, "/staff/sign-in", {"email": user.email, "password": "wrong guess"}, HOME)
    assert "Try again in 15 minutes" in r.get_data(as_text=True)
    r = _post(client, "/staff/sign-in", {"email": user.email, "password": factories.PASSWORD}, HOME)
    assert r.status_code == 200 and "Try again in 15 minutes" in r.get_data(as_text=True)  # even the right password
    # Another address (the contact centre) is not locked out by this.
    assert _post(client, "/staff/sign-in", {"email": user.email, "password": factories.PASSWORD}, CENTRE).status_code == 302
    client.post("/staff/sign-out", data={"csrf_token": csrf_from(client.get("/staff/sign-out"))})

    admin = factories.staff(role="admin", teams=("waste",))
    r = _post(client, "/staff/sign-in", {"email": admin.email, "password": factories.PASSWORD}, CENTRE)
    assert r.status_code == 302 and "/staff/sign-in/code" in r.location  # admins have a second factor
    assert _post(client, "/staff/sign-in/code", {"code": factories.totp_code(admin)}, CENTRE).status_code == 302
    page = client.get("/staff/admin/lockouts")
    assert page.status_code == 200 and user.email in page.get_data(as_text=True)
    lockout = db.session.scalar(select(SignInLockout).where(SignInLockout.account_id == user.id))
    r = client.post(f"/staff/admin/lockouts/{lockout.id}/clear", data={"csrf_token": csrf_from(page)})
    assert r.status_code == 302
    assert db.session.scalar(select(AuditLog).where(AuditLog.what == "sign_in_lockout.clear")) is not None
    client.post("/staff/sign-out", data={"csrf_token": csrf_from(client.get("/staff/sign-out"))})
    assert _post(client, "/staff/sign-in", {"email": user.email, "password": factories.PASSWORD}, HOME).status_code == 302


def test_resident_lock_out_says_when_and_ends(client, session):
    email = f"pat-{uuid.uuid4().hex[:8]}@example.com"
    register_and_verify(client, email)
    client.post("/account/sign-out", data={"csrf_token": csrf_from(client.get("/account/sign-out"))})
    for i in range(10):
        r = _post(client, "/account/sign-in", {"email": email, "password": f"wrong guess {i}"}, HOME)
    assert "Try again in 15 minutes" in r.get_data(as_text=True)
    r = _post(client, "/account/sign-in", {"email": email, "password": PASSWORD}, HOME)
    assert r.status_code == 200 and "Try again in 15 minutes" in r.get_data(as_text=True)
    db.session.execute(update(SignInLockout).values(locked_until=utcnow() + timedelta(seconds=90)))
    r = _post(client, "/account/sign-in", {"email": email, "password": PASSWORD}, HOME)
    assert "Try again in 2 minutes" in r.get_data(as_text=True)
    db.session.execute(update(SignInLockout).values(locked_until=utcnow() - timedelta(seconds=1)))
    assert _post(client, "/account/sign-in", {"email": email, "password": PASSWORD}, HOME).status_code == 302
