"""The house rules that a grep can check: no commit() in route modules, no url_for in services,
no setting read outside config.py; and the loaded config is read-only, unknown FRONTDOOR_* warned."""
import logging
import re
from pathlib import Path

import pytest

import config

ROOT = Path(__file__).resolve().parents[2]
ROUTE_MODULES = [*ROOT.glob("portal/**/*.py"), *ROOT.glob("caseworker/**/*.py"), *ROOT.glob("frontdoor/api/**/*.py"),
                 ROOT / "frontdoor/metrics/views.py", *ROOT.glob("**/*routes*.py")]


def _hits(paths, pattern):
    found = []
    for path in sorted(set(paths)):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(pattern, line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_route_module_commits():
    assert _hits(ROUTE_MODULES, r"commit\(\)") == []


def test_no_service_builds_a_url():
    assert _hits(ROOT.glob("frontdoor/services/**/*.py"), r"\burl_for\(|import.*\burl_for\b") == []


def test_no_setting_is_read_outside_config():
    app_code = [p for d in ("frontdoor", "portal", "caseworker", "workflows") for p in ROOT.glob(f"{d}/**/*.py")]
    app_code += [ROOT / "wsgi.py", ROOT / "gunicorn.conf.py"]
    assert _hits(app_code, r"os\.environ|os\.getenv|getenv\(") == []


def test_loaded_settings_are_read_only():
    cfg = config.load(env={})
    with pytest.raises(TypeError):
        cfg["REDIS_URL"] = "redis://elsewhere"  # type: ignore[index]


def test_the_apps_settings_are_read_only_after_start_up(tmp_path):
    from frontdoor.app import create_app

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    with pytest.raises(TypeError, match="read-only"):
        app.config["PAYMENT_PROVIDER"] = "govuk_pay"
    app.config["DEBUG"] = True  # Flask's own keys (its CLI sets DEBUG after the factory) stay writable
    assert app.config["PAYMENT_PROVIDER"] == "test"


def test_unknown_frontdoor_variables_are_warned_about(caplog):
    with caplog.at_level(logging.WARNING, logger="config"):
        config.load(env={"FRONTDOOR_ENV": "development", "FRONTDOOR_ENVIRONMENT": "production"})
    assert [r.getMessage().split(" in ")[0] for r in caplog.records] == ["unknown setting FRONTDOOR_ENVIRONMENT"]


def test_gunicorn_settings_come_from_config():
    settings = config.gunicorn_settings({"GUNICORN_WORKERS": "3", "GUNICORN_BIND": "0.0.0.0:9000"})
    assert settings["workers"] == 3 and settings["bind"] == "0.0.0.0:9000" and settings["threads"] == 4
