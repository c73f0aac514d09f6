"""Start-up refuses settings that would be unsafe or silently wrong (issue 16: High 2, Low)."""
from __future__ import annotations

import pytest

import config

STRONG = "s" * 40
PRODUCTION = {"FRONTDOOR_ENV": "production", "SECRET_KEY": STRONG, "DATABASE_URL": "postgresql://u@db/frontdoor"}


@pytest.mark.parametrize("provider", [None, "", "test", "govuk-pay", "GOVUK_PAY", "stripe"])
def test_production_refuses_to_start_without_a_real_payment_provider(provider):
    env = dict(PRODUCTION)
    if provider is not None:
        env["PAYMENT_PROVIDER"] = provider
    with pytest.raises(config.ConfigError, match="PAYMENT_PROVIDER"):
        config.load(env=env)


def test_production_with_govuk_pay_needs_its_key():
    with pytest.raises(config.ConfigError, match="GOVUK_PAY_API_KEY"):
        config.load(env={**PRODUCTION, "PAYMENT_PROVIDER": "govuk_pay"})
    cfg = config.load(env={**PRODUCTION, "PAYMENT_PROVIDER": "govuk_pay", "GOVUK_PAY_API_KEY": "api_live_x"})
    assert cfg["PAYMENT_PROVIDER"] == "govuk_pay" and cfg["PAYMENTS_ENABLED"]


def test_production_may_switch_payments_off():
    cfg = config.load(env={**PRODUCTION, "PAYMENT_PROVIDER": "none"})
    assert cfg["PAYMENTS_ENABLED"] is False


@pytest.mark.parametrize("provider", ["govuk-pay", "Test", "stripe"])
def test_an_unknown_payment_provider_is_an_error_in_any_environment(provider):
    with pytest.raises(config.ConfigError, match="PAYMENT_PROVIDER"):
        config.load(env={"PAYMENT_PROVIDER": provider})


def test_development_keeps_the_test_payment_page_by_default():
    cfg = config.load(env={})
    assert cfg["PAYMENT_PROVIDER"] == "test" and cfg["PAYMENTS_ENABLED"]


@pytest.mark.parametrize("name", ["Production", "PRODUCTION", " production "])
def test_the_environment_name_is_not_case_sensitive(name):
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):  # production's checks apply
        config.load(env={"FRONTDOOR_ENV": name})
    cfg = config.load(env={**PRODUCTION, "FRONTDOOR_ENV": name, "PAYMENT_PROVIDER": "none"})
    assert cfg["ENV_NAME"] == "production" and cfg["SESSION_COOKIE_SECURE"]


@pytest.mark.parametrize("name", ["prod", "live", "staging-ish"])
def test_an_unknown_environment_name_is_an_error(name):
    with pytest.raises(config.ConfigError, match="FRONTDOOR_ENV"):
        config.load(env={"FRONTDOOR_ENV": name})


def test_forwarded_headers_are_trusted_only_for_the_configured_proxy_count():
    assert config.load(env={})["PROXY_FIX_HOPS"] == 0
    assert config.load(env={**PRODUCTION, "PAYMENT_PROVIDER": "none"})["PROXY_FIX_HOPS"] == 1
    assert config.load(env={"PROXY_FIX_HOPS": "2"})["PROXY_FIX_HOPS"] == 2
    with pytest.raises(config.ConfigError, match="PROXY_FIX_HOPS"):
        config.load(env={"PROXY_FIX_HOPS": "-1"})


def test_gunicorn_binds_to_loopback_by_default(monkeypatch):
    import runpy

    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    settings = runpy.run_path(str(config.BASE_DIR / "gunicorn.conf.py"))
    assert settings["bind"] == "127.0.0.1:8000"


def test_retention_batch_size_is_a_setting():
    assert config.load(env={})["RETENTION_BATCH_SIZE"] == 500
    assert config.load(env={"RETENTION_BATCH_SIZE": "7"})["RETENTION_BATCH_SIZE"] == 7


@pytest.fixture
def payments_off(app):
    saved = app.config["PAYMENT_PROVIDER"], app.config["PAYMENTS_ENABLED"]
    app.config["PAYMENT_PROVIDER"], app.config["PAYMENTS_ENABLED"] = "none", False
    yield
    app.config["PAYMENT_PROVIDER"], app.config["PAYMENTS_ENABLED"] = saved


def test_with_payments_off_chargeable_services_are_not_offered(client, payments_off):
    page = client.get("/").get_data(as_text=True)
    assert "/bulky-waste/" not in page and "/garden-waste/" not in page
    for url in ("/bulky-waste/", "/bulky-waste/address", "/garden-waste/", "/garden-waste/address", "/pay/test/abc"):
        assert client.get(url).status_code == 404, url


def test_with_payments_on_chargeable_services_are_offered(client):
    page = client.get("/").get_data(as_text=True)
    assert "/bulky-waste/" in page and client.get("/bulky-waste/").status_code == 200
