"""Issue 16, Low: no open redirect from sign-in, and no caching of pages that show a person."""
from __future__ import annotations

import pytest
from flask import g

from tests.conftest import post_form
from tests.security.test_sessions import _resident_signed_in


@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\\evil.example", "/ok\r\nSet-Cookie: x=1",
                                    "//evil.example", "https://evil.example/"])
def test_resident_sign_in_never_redirects_off_site(client, session, target):
    from urllib.parse import quote

    account = _resident_signed_in(client)
    g.pop("_login_user", None)
    client.get("/account/sign-out")
    post_form(client, "/account/sign-out", {})
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    r = post_form(client, "/account/sign-in?next=" + quote(target, safe=""),
                  {"email": account.email_normalised, "password": "correct horse battery staple"},
                  get_url="/account/sign-in")
    assert r.status_code == 302
    location = r.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location
    assert "\r" not in location and "\n" not in location and "evil" not in location


def test_staff_and_account_pages_are_not_cached(client, session, login_as):
    _resident_signed_in(client)
    assert "no-store" in client.get("/account/requests").headers.get("Cache-Control", "")
    assert "no-store" in client.get("/account").headers.get("Cache-Control", "")
    g.pop("_login_user", None)
    login_as("caseworker")
    g.pop("_login_user", None)
    assert "no-store" in client.get("/staff/").headers.get("Cache-Control", "")
