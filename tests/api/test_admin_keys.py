"""Admin pages and CLI for API keys and dead letters: admins only, secret shown once, stored hashed."""
from __future__ import annotations

import re

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import ApiKey
from frontdoor.services import api_keys
from tests.conftest import post_form


def test_admin_creates_key_shown_once_and_stored_hashed(client, login_as):
    login_as("admin")
    response = post_form(client, "/staff/api-keys", {"client": "FixMyStreet", "scopes": ["read", "write"]})
    assert response.status_code == 200
    secret = re.search(r"(fd_[A-Za-z0-9_-]{20,})", response.get_data(as_text=True)).group(1)
    key = db.session.scalar(select(ApiKey).where(ApiKey.client == "FixMyStreet"))
    assert key.key_hash == api_keys.hash_secret(secret) and secret not in (key.key_hash, key.prefix)
    assert key.scopes == ["read", "write"]
    assert secret not in client.get("/staff/api-keys").get_data(as_text=True)  # never shown again
    revoke = post_form(client, f"/staff/api-keys/{key.id}/revoke", {}, get_url="/staff/api-keys")
    assert revoke.status_code == 302
    db.session.expire_all()
    assert db.session.get(ApiKey, key.id).revoked_at is not None


def test_admin_form_errors(client, login_as):
    login_as("admin")
    response = post_form(client, "/staff/api-keys", {"client": ""})
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and "Enter the client name" in body and "Select at least one scope" in body
    assert db.session.scalar(select(ApiKey)) is None


def test_non_admins_are_refused(client, login_as):
    assert client.get("/staff/api-keys").status_code == 302  # not signed in: to sign-in
    login_as("caseworker")
    assert client.get("/staff/api-keys").status_code == 403
    assert client.get("/staff/dead-letters").status_code == 403
    assert client.post("/staff/api-keys", data={"client": "x", "scopes": ["read"]}).status_code in (400, 403)
    assert db.session.scalar(select(ApiKey)) is None


def test_revoke_without_csrf_is_refused(client, login_as):
    login_as("admin")
    key, _ = api_keys.create("Victim", ["read"])
    db.session.commit()
    assert client.post(f"/staff/api-keys/{key.id}/revoke").status_code == 400
    db.session.expire_all()
    assert db.session.get(ApiKey, key.id).revoked_at is None


def test_dead_letters_page(client, login_as):
    login_as("admin")
    assert "There are no dead letters" in client.get("/staff/dead-letters").get_data(as_text=True)


def test_cli_create_list_revoke(app, committed):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["api-keys", "create", "--client", "Bartec", "--scope", "events"])
    assert result.exit_code == 0, result.output
    secret = re.search(r"secret \(shown once\): (\S+)", result.output).group(1)
    key = api_keys.find(secret)
    assert key.client == "Bartec" and key.scopes == ["events"]
    assert "Bartec" in runner.invoke(args=["api-keys", "list"]).output
    assert runner.invoke(args=["api-keys", "revoke", str(key.id)]).exit_code == 0
    db.session.expire_all()
    assert api_keys.find(secret).revoked_at is not None
    assert runner.invoke(args=["api-keys", "create", "--client", "X", "--scope", "admin"]).exit_code != 0


def test_cli_create_with_transitions(app, committed):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["api-keys", "create", "--client", "Lead", "--scope", "write",
                                 "--transition", "reopen", "--transition", "mark_collected"])
    assert result.exit_code == 0, result.output
    secret = re.search(r"secret \(shown once\): (\S+)", result.output).group(1)
    assert api_keys.find(secret).transitions == ["mark_collected", "reopen"]
    bad = runner.invoke(args=["api-keys", "create", "--client", "X", "--transition", "Re Open"])
    assert bad.exit_code != 0 and "lower-case words" in bad.output
