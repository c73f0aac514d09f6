"""Issue 16 (Medium 12): a copied session cookie stops working after sign-out, a password change
and deactivation, for staff and residents alike (a session version on the person, checked on each request)."""
from __future__ import annotations

import uuid

from frontdoor.extensions import db
from frontdoor.models import Customer, ResidentAccount
from frontdoor.models.base import utcnow
from flask import g

from tests import factories
from tests.conftest import post_form

RESIDENT_PASSWORD = "correct horse battery staple"


def _forget():
    # The test's app context is shared by every request it makes, and Flask-Login (the user) and
    # Flask-WTF (the CSRF token) cache in g: forget them, so each browser's request reads its own cookie.
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


def _get(client, url):
    _forget()
    return client.get(url)


def _post(client, url, data):
    _forget()
    r = post_form(client, url, data)
    _forget()
    return r


def _copy_of(app, client):
    """A second browser holding a copy of the first one's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _staff_signed_in(client, role="caseworker"):
    user = factories.staff(role=role)
    r = _post(client, "/staff/sign-in", {"email": user.email, "password": factories.PASSWORD})
    assert r.status_code == 302
    if r.location.endswith("/staff/sign-in/code"):  # admins answer their authenticator app (issue 21)
        assert _post(client, "/staff/sign-in/code", {"code": factories.totp_code(user)}).status_code == 302
    return user


def _resident_signed_in(client):
    email = f"res-{uuid.uuid4().hex[:8]}@example.com"
    account = ResidentAccount(email_normalised=email, email_verified_at=utcnow())
    account.set_password(RESIDENT_PASSWORD)
    account.customer = Customer(first_name="Res", last_name="Ident", email=email, email_normalised=email)
    db.session.add(account)
    db.session.flush()
    r = _post(client, "/account/sign-in", {"email": email, "password": RESIDENT_PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return account


def test_staff_sign_out_ends_a_copied_session(app, client, session):
    _staff_signed_in(client)
    thief = _copy_of(app, client)
    assert _get(thief, "/staff/").status_code == 200
    assert _post(client, "/staff/sign-out", {}).status_code == 302
    assert _get(thief, "/staff/").status_code == 302  # to sign-in


def test_staff_password_change_and_deactivation_end_every_session(app, client, session):
    user = _staff_signed_in(client)
    thief = _copy_of(app, client)
    admin_client = app.test_client()
    _staff_signed_in(admin_client, role="admin")
    data = {"name": user.name, "email": user.email, "role": user.role, "teams": "waste", "active": "yes",
            "password": "a brand new long password"}
    assert _post(admin_client, f"/staff/admin/staff/{user.id}", data).status_code == 302
    assert _get(thief, "/staff/").status_code == 302
    assert _get(client, "/staff/").status_code == 302

    _post(client, "/staff/sign-in", {"email": user.email, "password": "a brand new long password"})
    assert _get(client, "/staff/").status_code == 200
    thief = _copy_of(app, client)
    data.update(active="no", password="")
    assert _post(admin_client, f"/staff/admin/staff/{user.id}", data).status_code == 302
    data.update(active="yes")
    assert _post(admin_client, f"/staff/admin/staff/{user.id}", data).status_code == 302  # back on
    assert _get(thief, "/staff/").status_code == 302  # the session from before stays ended


def test_resident_sign_out_ends_a_copied_session(app, client, session):
    _resident_signed_in(client)
    thief = _copy_of(app, client)
    assert _get(thief, "/account/requests").status_code == 200
    _post(client, "/account/sign-out", {})
    assert _get(thief, "/account/requests").status_code == 302
