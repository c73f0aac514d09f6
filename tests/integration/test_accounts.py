"""Resident accounts: registration rules, verification, sign-in, reset, change email, closing."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

import config as settings
from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import AccountAudit, AccountToken, Case, Customer, ResidentAccount
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from portal.account_routes import SENT
from tests.conftest import post_form
from tests.integration.account_helpers import PASSWORD, last_link, register, register_and_verify, sign_in
from tests.integration.helpers import answers_for, property_collected_yesterday_evening


class E:
    """This test's email addresses, unique per test (see unique_emails)."""


@pytest.fixture(autouse=True)
def unique_emails():
    tag = uuid.uuid4().hex[:10]
    for name in ("pat", "new", "other", "victim", "nobody"):
        setattr(E, name, f"{name}-{tag}@example.com")


pytestmark = pytest.mark.usefixtures("inline_jobs")  # deliver outbox rows inline, whatever the pass


def count_accounts(*emails):
    emails = emails or (E.pat,)
    return db.session.scalar(select(func.count()).select_from(ResidentAccount)
                             .where(ResidentAccount.email_normalised.in_(emails)))


@pytest.mark.parametrize(
    "data, message",
    [
        ({"full_name": "Pat", "email": "not-an-email", "password": PASSWORD}, "Enter an email address in the correct format"),
        ({"full_name": "Pat", "email": "", "password": PASSWORD}, "Enter your email address"),
        ({"full_name": "Pat", "email": "PAT", "password": "short"}, "10 characters or more"),
        ({"full_name": "Pat", "email": "PAT", "password": "password123"}, "too common"),
        ({"full_name": "Pat", "email": "PAT", "password": "Password1234"}, "too common"),
        ({"full_name": "", "email": "PAT", "password": PASSWORD}, "Enter your full name"),
    ],
)
def test_registration_refuses_bad_input_clearly_and_saves_nothing(client, session, data, message):
    data = {k: (E.pat if v == "PAT" else v) for k, v in data.items()}
    r = post_form(client, "/account/register", data)
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and message in body and "govuk-error-summary" in body
    assert count_accounts() == 0


def test_missing_csrf_is_a_clear_400_and_saves_nothing(client, session):
    r = client.post("/account/register", data={"full_name": "Pat", "email": E.pat, "password": PASSWORD})
    assert r.status_code == 400 and "Your form has expired" in r.get_data(as_text=True)
    assert count_accounts() == 0
    r = client.post("/account/sign-in", data={"email": E.pat, "password": PASSWORD})
    assert r.status_code == 400


def test_register_verify_and_sign_in(client, session):
    r = register(client, E.pat)
    assert r.status_code == 302 and r.location.endswith("/account/check-your-email")
    # Not usable before the email is confirmed.
    assert sign_in(client, E.pat).status_code == 200
    link = last_link(E.pat, "verify_email")
    r = post_form(client, link, {})
    assert r.status_code == 302
    account = db.session.scalar(select(ResidentAccount).where(ResidentAccount.email_normalised == E.pat))
    assert account.email_verified_at is not None and account.customer.email_normalised == E.pat
    assert client.get("/account").status_code == 200
    assert client.get(link).status_code == 400  # used once
    post_form(client, "/account/sign-out", {})
    assert client.get("/account").status_code == 302
    assert sign_in(client, E.pat).status_code == 302
    assert client.get("/account/requests").status_code == 200
    assert db.session.scalar(select(AccountAudit).where(AccountAudit.action == "verified")) is not None


def test_same_words_whether_or_not_an_email_has_an_account(client, session):
    register_and_verify(client, E.pat)
    post_form(client, "/account/sign-out", {})
    again = register(client, E.pat, password="another good password")
    new = register(client, email=E.other)
    assert again.status_code == new.status_code == 302 and again.location == new.location
    assert count_accounts(E.pat, E.other) == 2  # no second account for the same email
    assert last_link(E.pat, "already_registered")
    known = post_form(client, "/account/forgot-password", {"email": E.pat}).get_data(as_text=True)
    unknown = post_form(client, "/account/forgot-password", {"email": E.nobody}).get_data(as_text=True)
    assert SENT in known and SENT in unknown
    bad_known = sign_in(client, E.pat, password="wrong password here").get_data(as_text=True)
    bad_unknown = sign_in(client, email=E.nobody).get_data(as_text=True)
    assert "Enter a correct email address and password" in bad_known and "Enter a correct email address and password" in bad_unknown


def test_sign_in_is_rate_limited(client, session):
    pages = [sign_in(client, E.pat, password=f"wrong password {i}") for i in range(6)]
    assert [p.status_code for p in pages[:5]] == [200] * 5 and pages[5].status_code == 429
    words = pages[5].get_data(as_text=True)
    assert "Too many attempts" in words and "Wait 1 minute and try again" in words  # issue 17: in words
    assert " per " not in words


def test_sign_in_is_rate_limited_per_email_across_addresses(app, client, session):
    codes = []
    for i in range(11):
        limiter_ip = {"REMOTE_ADDR": f"10.0.0.{i}"}
        page = client.get("/account/sign-in", environ_base=limiter_ip)
        from tests.conftest import csrf_from

        codes.append(client.post("/account/sign-in", data={"email": E.victim, "password": f"guess {i} xx",
                                                          "csrf_token": csrf_from(page)}, environ_base=limiter_ip).status_code)
    assert codes[:10] == [200] * 10 and codes[10] == 429


def test_reset_link_works_once_and_expires(client, session):
    register_and_verify(client, E.pat)
    post_form(client, "/account/sign-out", {})
    post_form(client, "/account/forgot-password", {"email": E.pat})
    link = last_link(E.pat, "reset_password")
    r = post_form(client, link, {"password": "password123"})
    assert "too common" in r.get_data(as_text=True)  # a refused password does not spend the link
    r = post_form(client, link, {"password": "a brand new passphrase"})
    assert r.status_code == 200 and "Your password has been changed" in r.get_data(as_text=True)
    assert client.get(link).status_code == 400
    assert sign_in(client, E.pat, password="a brand new passphrase").status_code == 302
    post_form(client, "/account/sign-out", {})
    # An expired link is refused.
    post_form(client, "/account/forgot-password", {"email": E.pat})
    link = last_link(E.pat, "reset_password")
    account = db.session.scalar(select(ResidentAccount).where(ResidentAccount.email_normalised == E.pat))
    for token in db.session.scalars(select(AccountToken).where(AccountToken.account_id == account.id, AccountToken.used_at.is_(None))):
        token.expires_at = token.expires_at - timedelta(hours=2)
    db.session.flush()
    assert client.get(link).status_code == 400
    assert client.get("/account/reset-password/made-up-token").status_code == 400


def test_change_email_needs_the_new_address_confirmed(client, session):
    account = register_and_verify(client, E.pat)
    r = post_form(client, "/account/change-email", {"email": "bad", "password": PASSWORD})
    assert "correct format" in r.get_data(as_text=True)
    r = post_form(client, "/account/change-email", {"email": E.new, "password": "not my password"})
    assert "password is not right" in r.get_data(as_text=True)
    r = post_form(client, "/account/change-email", {"email": E.new, "password": PASSWORD})
    assert r.status_code == 200
    db.session.refresh(account)
    assert account.email_normalised == E.pat  # not until confirmed
    link = last_link(E.new, "confirm_email_change")
    assert post_form(client, link, {}).status_code == 200
    db.session.refresh(account)
    assert account.email_normalised == E.new and account.customer.email == E.new


def test_guest_requests_join_the_account_when_the_email_is_verified(client, session):
    prop = property_collected_yesterday_evening()
    guest = submit(definition("missed_bin"), answers_for(prop, E.pat), "web", None, Actor.resident()).case
    unit_of_work.commit()
    register(client, E.pat)
    assert client.get("/account/requests").status_code == 302  # not yet
    account = register_and_verify(client, E.pat)
    db.session.expire_all()
    assert db.session.get(Case, guest.id).customer_id == account.customer_id
    assert guest.reference in client.get("/account/requests").get_data(as_text=True)
    # The account took the address and phone the guest gave.
    assert account.customer.property_id == prop.id and account.customer.phone_e164


def test_details_reject_bad_phone_and_store_preferences(client, session):
    register_and_verify(client, E.pat)
    r = post_form(client, "/account/details", {"full_name": "Pat Resident", "phone": "12", "contact_preference": "email"})
    assert r.status_code == 200 and "Enter a UK phone number" in r.get_data(as_text=True)
    r = post_form(client, "/account/details", {"full_name": "Pat Resident", "phone": "", "contact_preference": "sms"})
    assert "Enter a phone number to get text messages" in r.get_data(as_text=True)
    r = post_form(client, "/account/details", {"full_name": "Pat Q Resident", "phone": "07911 123456", "contact_preference": "sms"})
    assert r.status_code == 302
    customer = db.session.scalar(select(Customer).where(Customer.email_normalised == E.pat))
    assert customer.contact_preference == "sms" and customer.phone_e164 == "+447911123456" and customer.first_name == "Pat Q"


def test_download_my_data_and_close_account(client, session):
    prop = property_collected_yesterday_evening()
    account = register_and_verify(client, E.pat)
    case = submit(definition("missed_bin"), answers_for(prop, E.pat), "web", None, Actor.resident()).case
    unit_of_work.commit()
    data = client.get("/account/your-data.json")
    assert data.status_code == 200 and "attachment" in data.headers["Content-Disposition"]
    exported = data.get_json()
    assert set(exported) >= {"profile", "requests", "contacts", "messages"}
    assert exported["profile"]["email"] == E.pat
    assert [r["reference"] for r in exported["requests"]] == [case.reference]
    html = client.get("/account/your-data").get_data(as_text=True)
    assert case.reference in html and E.pat in html
    r = post_form(client, "/account/close", {"password": "wrong one here"})
    assert "password is not right" in r.get_data(as_text=True)
    r = post_form(client, "/account/close", {"password": PASSWORD})
    assert r.status_code == 200 and "Your account has been closed" in r.get_data(as_text=True)
    db.session.expire_all()
    account = db.session.get(ResidentAccount, account.id)
    customer = account.customer
    assert account.closed_at and account.email_normalised is None and account.password_hash is None
    assert customer.email is None and customer.phone is None and customer.first_name == "Closed"
    kept = db.session.get(Case, case.id)
    assert kept is not None and kept.answers["email"] == kept.answers["full_name"] == "[removed]"
    assert db.session.scalar(select(AccountAudit).where(AccountAudit.account_id == account.id, AccountAudit.action == "closed"))
    assert client.get("/account").status_code == 302
    assert sign_in(client, E.pat).status_code == 200


def test_session_cookies_are_httponly_samesite_and_secure_in_production():
    cfg = settings.load({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@db/frontdoor"},
                        env={"FRONTDOOR_ENV": "production", "SECRET_KEY": "x" * 40,
                             "DATABASE_URL": "postgresql://u@db/frontdoor", "PAYMENT_PROVIDER": "none"})
    assert cfg["SESSION_COOKIE_HTTPONLY"] and cfg["SESSION_COOKIE_SECURE"] and cfg["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert cfg["PERMANENT_SESSION_LIFETIME"] > 0


def test_signed_in_cookie_carries_the_production_flags(app, client, session):
    """With the production settings applied, the cookie a resident gets on sign-in is HttpOnly, SameSite and Secure."""
    production = settings.load({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@db/frontdoor"},
                               env={"FRONTDOOR_ENV": "production", "SECRET_KEY": "y" * 40,
                                    "PAYMENT_PROVIDER": "none"})
    keys = ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE")
    previous = {k: app.config[k] for k in keys}
    app.config.update({k: production[k] for k in keys})
    try:
        register_and_verify(client, E.pat)
        post_form(client, "/account/sign-out", {})
        page = client.get("/account/sign-in")
        from tests.conftest import csrf_from

        r = client.post("/account/sign-in", data={"email": E.pat, "password": PASSWORD,
                                                  "csrf_token": csrf_from(page)})
        cookie = r.headers["Set-Cookie"]
    finally:
        app.config.update(previous)
    assert r.status_code == 302
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
