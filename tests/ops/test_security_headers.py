"""Security headers, the CSP nonce on the one inline script, secure settings and secrets."""
from __future__ import annotations

import re

import pytest

import config
from frontdoor.app import create_app

STRONG = "x" * 40


def test_csp_has_no_unsafe_inline_and_nonce_matches_the_inline_script(client):
    r = client.get("/services/missed_bin")
    csp = r.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", r.get_data(as_text=True), re.S)
    inline = [attrs for attrs, body in scripts if body.strip()]
    assert inline and all(f'nonce="{nonce}"' in attrs for attrs in inline)
    assert all("src=" in attrs for attrs, body in scripts if not body.strip())
    # A fresh nonce every request.
    assert re.search(r"'nonce-([^']+)'", client.get("/").headers["Content-Security-Policy"]).group(1) != nonce


def test_frame_denial_and_no_hsts_in_development(client):
    r = client.get("/")
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in r.headers
    assert r.status_code == 200  # no redirect to https outside production


def test_error_pages_carry_the_headers_too(client):
    r = client.get("/no-such-page")
    assert r.status_code == 404 and "Content-Security-Policy" in r.headers


def _production_app(tmp_path, database_url):
    return create_app({"ENV_NAME": "production", "SECRET_KEY": STRONG, "PAYMENT_PROVIDER": "none", "STAFF_TWO_FACTOR": "admins", "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://x@127.0.0.1:1/none",
                       "SESSION_COOKIE_SECURE": True, "REMEMBER_COOKIE_SECURE": True, "INSTANCE_PATH": str(tmp_path),
                       "RATELIMIT_STORAGE_URI": "memory://", "LOG_FORMAT": "text", "TESTING": True})


def test_production_forces_https_and_sends_hsts(tmp_path, database_url):
    app = _production_app(tmp_path, database_url)
    c = app.test_client()
    r = c.get("/accessibility")
    assert r.status_code in (301, 302) and r.location.startswith("https://")
    r = c.get("/accessibility", headers={"X-Forwarded-Proto": "https"})
    assert r.status_code == 200
    assert "max-age=31536000" in r.headers["Strict-Transport-Security"]
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    # A load balancer's plain-HTTP health check is not redirected.
    assert c.get("/healthz").status_code == 200


def test_session_cookie_flags_in_development(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is False  # plain http locally


@pytest.mark.parametrize("secret", [None, config.DEFAULT_SECRET, "short"])
def test_production_refuses_a_default_or_weak_secret(secret):
    env = {"FRONTDOOR_ENV": "production", "DATABASE_URL": "postgresql://u@db/frontdoor"}
    if secret is not None:
        env["SECRET_KEY"] = secret
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        config.load(env=env)


def test_production_refuses_sqlite():
    with pytest.raises(config.ConfigError, match="PostgreSQL"):
        config.load(env={"FRONTDOOR_ENV": "production", "SECRET_KEY": STRONG})


def test_secret_comes_from_the_environment():
    cfg = config.load(env={"FRONTDOOR_ENV": "production", "SECRET_KEY": STRONG, "DATABASE_URL": "postgresql://u@db/f",
                           "PAYMENT_PROVIDER": "none"})
    assert cfg["SECRET_KEY"] == STRONG and cfg["SESSION_COOKIE_SECURE"] and cfg["LOG_FORMAT"] == "json"


def test_replica_bind_falls_back_to_the_primary():
    cfg = config.load(env={"DATABASE_URL": "postgresql://u@primary/f"})
    assert cfg["SQLALCHEMY_BINDS"]["replica"] == cfg["SQLALCHEMY_DATABASE_URI"]
    cfg = config.load(env={"DATABASE_URL": "postgresql://u@primary/f", "DATABASE_REPLICA_URL": "postgres://u@replica/f"})
    assert cfg["SQLALCHEMY_BINDS"]["replica"] == "postgresql+psycopg://u@replica/f"
