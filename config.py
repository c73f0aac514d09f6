"""Every setting, read from the environment, with the embedded defaults.

This is the only module that reads os.environ. No DATABASE_URL means a SQLite file under
instance/; no REDIS_URL means jobs run inline after commit, so the app runs with no servers.
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from flask import Config as FlaskConfig

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET = "dev-only-not-secret-change-me"


class ConfigError(RuntimeError):
    pass


log = logging.getLogger(__name__)
# The FRONTDOOR_* variables we read; any other is a misspelling or a setting that no longer exists.
KNOWN_FRONTDOOR_VARIABLES = frozenset({"FRONTDOOR_ENV", "FRONTDOOR_INSTANCE_PATH", "FRONTDOOR_BENCH_ENDPOINTS"})


def warn_unknown(env: Mapping[str, str]) -> list[str]:
    """Log each FRONTDOOR_* variable we do not read (a typo would otherwise be silently ignored)."""
    unknown = sorted(k for k in env if k.startswith("FRONTDOOR_") and k not in KNOWN_FRONTDOOR_VARIABLES)
    for name in unknown:
        log.warning("unknown setting %s in the environment is ignored (known: %s)", name,
                    ", ".join(sorted(KNOWN_FRONTDOOR_VARIABLES)))
    return unknown


class FrozenConfig(FlaskConfig):
    """The app's config: after start-up (freeze()) the settings load() made are read-only, so nothing
    changes a setting behind the back of the code that read it. Flask's and the extensions' own keys
    stay writable (Flask's CLI sets DEBUG after the factory). Tests (TESTING) may still patch."""

    _frozen_keys: frozenset = frozenset()

    def freeze(self, keys) -> None:
        self._frozen_keys = frozenset(keys)

    def _check(self, key) -> None:
        if key in self._frozen_keys and not dict.get(self, "TESTING"):
            raise TypeError(f"setting {key} is read-only after start-up: set it in the environment "
                            "(or pass it to create_app)")

    def __setitem__(self, key, value):
        self._check(key)
        super().__setitem__(key, value)

    def __delitem__(self, key):
        self._check(key)
        super().__delitem__(key)

    def update(self, *args, **kwargs):
        for key in dict(*args, **kwargs):
            self._check(key)
        super().update(*args, **kwargs)

    def setdefault(self, key, default=None):
        if key not in self:
            self._check(key)
        return super().setdefault(key, default)

    def pop(self, key, *default):
        self._check(key)
        return super().pop(key, *default)


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _json(value: str | None, name: str) -> dict:
    if not value or not value.strip():
        return {}
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise ConfigError(f"{name} is not valid JSON: {exc}") from exc
    if not isinstance(parsed, dict):
        raise ConfigError(f"{name} must be a JSON object")
    return parsed


def _database_url(env: dict, instance_path: Path) -> str:
    url = env.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'frontdoor.sqlite3'}"
    # psycopg 3 is the driver we install; accept the common spellings.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _replica_url(replica: str | None, primary: str, instance_path: Path) -> str:
    return _database_url({"DATABASE_URL": replica}, instance_path) if replica else primary


ENVIRONMENTS = ("development", "test", "staging", "production")
PAYMENT_PROVIDERS = ("test", "govuk_pay", "none")
# Who must sign in with a second factor (an authenticator app's code): "admins", "all" staff, or "off"
# (nobody is made to enrol; anyone who has enrolled is still asked). Production refuses "off".
STAFF_TWO_FACTOR_POLICIES = ("admins", "all", "off")  # who must give a second factor at sign-in


def _environment(value: str | None) -> str:
    """FRONTDOOR_ENV, whatever its case; a name we do not know is an error, never development."""
    name = (value or "development").strip().lower()
    if name not in ENVIRONMENTS:
        raise ConfigError(f"FRONTDOOR_ENV must be one of {', '.join(ENVIRONMENTS)}, not {value!r}")
    return name


# Dashboard targets, as shares (0.9 is 90%): digital share, FCR and SLA are "at least", avoidable
# contact "at most". Amber is within DASHBOARD_AMBER_MARGIN of the target on the wrong side.
DEFAULT_DASHBOARD_TARGETS = {"digital_share": 0.90, "fcr": 0.80, "avoidable_share": 0.20, "sla": 0.95}


def _targets(env: dict) -> dict[str, float]:
    """DASHBOARD_TARGETS as JSON, e.g. {"fcr": 0.75}; any target not given keeps its default."""
    given = _json(env.get("DASHBOARD_TARGETS"), "DASHBOARD_TARGETS")
    unknown = set(given) - set(DEFAULT_DASHBOARD_TARGETS)
    if unknown:
        raise ConfigError(f"DASHBOARD_TARGETS has unknown figures: {', '.join(sorted(unknown))} "
                          f"(known: {', '.join(DEFAULT_DASHBOARD_TARGETS)})")
    targets = dict(DEFAULT_DASHBOARD_TARGETS)
    for name, value in given.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 1:
            raise ConfigError(f"DASHBOARD_TARGETS {name} must be a share from 0 to 1 (0.9 is 90%), not {value!r}")
        targets[name] = float(value)
    return targets


def _share(env: dict, name: str, default: float) -> float:
    raw = env.get(name)
    try:
        value = float(raw) if raw not in (None, "") else default
    except ValueError:
        raise ConfigError(f"{name} must be a share from 0 to 1, not {raw!r}") from None
    if not 0 <= value <= 1:
        raise ConfigError(f"{name} must be a share from 0 to 1, not {value}")
    return value


def _whole(env: dict, name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    try:
        value = int(raw) if raw not in (None, "") else default
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be {minimum} or more, not {value}")
    return value


def load(overrides: dict | None = None, env: dict | None = None) -> Mapping:
    """The settings, read-only: environment first, then explicit overrides (tests)."""
    env = dict(os.environ if env is None else env)
    warn_unknown(env)
    overrides = dict(overrides or {})
    instance_path = Path(env.get("FRONTDOOR_INSTANCE_PATH", BASE_DIR / "instance"))
    environment = _environment(env.get("FRONTDOOR_ENV"))
    cfg = {
        "ENV_NAME": environment,
        "INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET),
        "SQLALCHEMY_DATABASE_URI": _database_url(env, instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Dashboards read from "replica"; without DATABASE_REPLICA_URL it is the primary.
        "DATABASE_REPLICA_URL": env.get("DATABASE_REPLICA_URL", "").strip() or None,
        "REDIS_URL": env.get("REDIS_URL", "").strip() or None,
        "RQ_QUEUE": env.get("RQ_QUEUE", "frontdoor"),
        # Rows one outbox delivery job may send in its one transaction: its own and waiting ones (1: its own).
        "OUTBOX_BATCH_SIZE": max(1, int(env.get("OUTBOX_BATCH_SIZE", 20))),
        "WORKFLOWS_DIR": env.get("WORKFLOWS_DIR", str(BASE_DIR / "workflows" / "definitions")),
        "PUBLIC_URL": env.get("PUBLIC_URL", "http://127.0.0.1:5000"),
        "COUNCIL_NAME": env.get("COUNCIL_NAME", "Demo Borough Council"),
        "SERVICE_NAME": env.get("SERVICE_NAME", "Contact the council"),
        "COUNCIL_PHONE": env.get("COUNCIL_PHONE", "01632 960 000"),
        "COUNCIL_EMAIL": env.get("COUNCIL_EMAIL", "contact@demo-borough.example"),
        # The box a location question's map point must fall in: "south,north,west,east" (blank: the UK).
        "COUNCIL_BOUNDS": env.get("COUNCIL_BOUNDS", ""),
        "WORKING_DAY_REGION": env.get("WORKING_DAY_REGION", "ENG"),
        "TIMEZONE": env.get("TIMEZONE", "Europe/London"),
        # How a bank holiday moves that week's collections: "next_day" (each collection on or after the
        # holiday moves one day later, DOMAIN.md's common rule) or "none". Revised dates the council
        # enters (collection_revisions) win over the rule.
        "COLLECTION_BANK_HOLIDAY_RULE": env.get("COLLECTION_BANK_HOLIDAY_RULE", "next_day"),
        # The council's own closure days (and bank holidays it works), as ISO dates, or a file of them.
        "COUNCIL_CLOSURE_DAYS": env.get("COUNCIL_CLOSURE_DAYS", ""),
        "COUNCIL_CLOSURE_DAYS_FILE": env.get("COUNCIL_CLOSURE_DAYS_FILE") or None,
        "COUNCIL_OPENING_DAYS": env.get("COUNCIL_OPENING_DAYS", ""),
        "COUNCIL_OPENING_DAYS_FILE": env.get("COUNCIL_OPENING_DAYS_FILE") or None,
        "NOTIFY_API_KEY": env.get("NOTIFY_API_KEY") or None,
        "NOTIFY_BASE_URL": env.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"),
        "NOTIFY_TEMPLATE_EMAIL": env.get("NOTIFY_TEMPLATE_EMAIL", ""),
        "NOTIFY_TEMPLATE_SMS": env.get("NOTIFY_TEMPLATE_SMS", ""),
        # Payments: "test" is the embedded hosted page (/pay/test/...), the default outside production
        # and refused in it; "govuk_pay" speaks GOV.UK Pay; "none" switches payments (and so the
        # chargeable services) off. Production has no default: it must say which.
        "PAYMENT_PROVIDER": env.get("PAYMENT_PROVIDER", "").strip() or (None if environment == "production" else "test"),
        "GOVUK_PAY_BASE_URL": env.get("GOVUK_PAY_BASE_URL", "https://publicapi.payments.service.gov.uk"),
        "GOVUK_PAY_API_KEY": env.get("GOVUK_PAY_API_KEY", ""),
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI") or env.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis unreachable: each process counts in its own memory (each route's own limits) and logs
        # "falling back to in-memory storage"; /readyz shows it; it goes back to Redis when Redis answers.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": _bool(env.get("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"), True),
        # Off by default only in development, so the demo (scripts/run) signs in with a password alone.
        "STAFF_TWO_FACTOR": (env.get("STAFF_TWO_FACTOR", "").strip().lower()
                             or ("off" if environment == "development" else "admins")),
        # The issuer name an authenticator app shows beside the code.
        "TWO_FACTOR_ISSUER": env.get("TWO_FACTOR_ISSUER", "").strip() or env.get("COUNCIL_NAME", "Demo Borough Council"),
        # Sign-in lock-out (issue 16): this many failures for one account from one address within the
        # window lock that account out from that address for the lock time (services/lockout.py).
        "SIGN_IN_LOCKOUT_FAILURES": int(env.get("SIGN_IN_LOCKOUT_FAILURES", 10)),
        "SIGN_IN_LOCKOUT_WINDOW_MINUTES": int(env.get("SIGN_IN_LOCKOUT_WINDOW_MINUTES", 15)),
        "SIGN_IN_LOCKOUT_MINUTES": int(env.get("SIGN_IN_LOCKOUT_MINUTES", 15)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": environment == "production",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": environment == "production",
        "PERMANENT_SESSION_LIFETIME": int(env.get("SESSION_LIFETIME_SECONDS", 8 * 3600)),
        "WTF_CSRF_ENABLED": True,
        "WTF_CSRF_TIME_LIMIT": int(env.get("CSRF_TIME_LIMIT_SECONDS", 8 * 3600)),
        # A phone photo is routinely 5-12 MB: each may be this large before the server makes it smaller,
        # and a request carries three of them (the most any form allows) with the rest of its answers.
        "PHOTO_UPLOAD_MAX_MB": _whole(env, "PHOTO_UPLOAD_MAX_MB", 15, minimum=1),
        "MAX_CONTENT_LENGTH": int(env.get("MAX_CONTENT_LENGTH",
                                          (3 * _whole(env, "PHOTO_UPLOAD_MAX_MB", 15, minimum=1) + 2) * 1024 * 1024)),
        "ASSETS_DIR": env.get("ASSETS_DIR", str(BASE_DIR / "frontdoor" / "static" / "build")),
        "LOG_FORMAT": env.get("LOG_FORMAT") or ("json" if environment == "production" else "text"),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO"),
        "FORCE_HTTPS": _bool(env.get("FORCE_HTTPS"), True),
        # Proxies in front whose X-Forwarded-For/Proto/Host are believed: 0 (none) unless set, 1 in production.
        "PROXY_FIX_HOPS": _whole(env, "PROXY_FIX_HOPS", 1 if environment == "production" else 0),
        # Closed cases one retention run reads at a time; a run goes on batch by batch to the end.
        "RETENTION_BATCH_SIZE": _whole(env, "RETENTION_BATCH_SIZE", 500, minimum=1),
        # Collection places held before payment (issue 16, Medium 9): a hold lasts at most this long
        # (the definition's hold_minutes if shorter); one address holds at most this many at once; unpaid
        # holds never take more than this percentage of a day's places (at least one), so a day cannot
        # be filled without paying.
        "SLOT_HOLD_MAX_MINUTES": _whole(env, "SLOT_HOLD_MAX_MINUTES", 15, minimum=1),
        "SLOT_HOLDS_PER_ADDRESS": _whole(env, "SLOT_HOLDS_PER_ADDRESS", 1, minimum=1),
        "SLOT_UNPAID_HOLD_SHARE_PERCENT": _whole(env, "SLOT_UNPAID_HOLD_SHARE_PERCENT", 25, minimum=1),
        # Residents' and staff files: a folder every app host shares (blank: instance/uploads).
        "UPLOAD_DIR": env.get("UPLOAD_DIR", "").strip() or None,
        # Uploads to a form not yet submitted (issue 16, Medium 10): files and bytes per draft, files per
        # caller's address per hour, and how long an unsubmitted draft's files are kept (the session's life).
        "DRAFT_UPLOAD_MAX_FILES": _whole(env, "DRAFT_UPLOAD_MAX_FILES", 10, minimum=1),
        "DRAFT_UPLOAD_MAX_BYTES": _whole(env, "DRAFT_UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1),
        "DRAFT_UPLOADS_PER_ADDRESS_PER_HOUR": _whole(env, "DRAFT_UPLOADS_PER_ADDRESS_PER_HOUR", 30, minimum=1),
        "DRAFT_UPLOAD_LIFETIME_SECONDS": _whole(env, "DRAFT_UPLOAD_LIFETIME_SECONDS",
                                                int(env.get("SESSION_LIFETIME_SECONDS", 8 * 3600)), minimum=60),
        "METRICS_ENABLED": _bool(env.get("METRICS_ENABLED"), True),
        "DASHBOARD_TARGETS": _targets(env),
        "DASHBOARD_AMBER_MARGIN": _share(env, "DASHBOARD_AMBER_MARGIN", 0.05),
        "BENCH_ENDPOINTS": _bool(env.get("FRONTDOOR_BENCH_ENDPOINTS")),
        # Open311 / JSON API: jurisdiction_id we answer to (none: any), and the per-key rate limit.
        "OPEN311_JURISDICTION_ID": env.get("OPEN311_JURISDICTION_ID", "").strip() or None,
        "API_RATE_LIMIT": env.get("API_RATE_LIMIT", "300/minute"),
        # Webhook targets per council, so no secret is in a workflow file: {"name": {"url": ..., "secret": ...}}.
        "WEBHOOK_TARGETS": _json(env.get("WEBHOOK_TARGETS"), "WEBHOOK_TARGETS"),
        "WEBHOOK_MAX_AGE_SECONDS": int(env.get("WEBHOOK_MAX_AGE_SECONDS", 300)),
        "WEBHOOK_TIMEOUT_SECONDS": float(env.get("WEBHOOK_TIMEOUT_SECONDS", 10)),
        # prometheus-client's multiprocess folder (it reads the variable itself; we read it here too).
        "PROMETHEUS_MULTIPROC_DIR": env.get("PROMETHEUS_MULTIPROC_DIR") or None,
        "TESTING": False,
    }
    cfg.update(overrides)
    cfg.setdefault("SQLALCHEMY_BINDS", {})
    cfg["SQLALCHEMY_BINDS"] = {
        **cfg["SQLALCHEMY_BINDS"],
        "replica": _replica_url(cfg["DATABASE_REPLICA_URL"], cfg["SQLALCHEMY_DATABASE_URI"], instance_path),
    }
    cfg["PAYMENTS_ENABLED"] = cfg["PAYMENT_PROVIDER"] not in (None, "none")
    check(cfg)
    return MappingProxyType(cfg)


def gunicorn_settings(env: Mapping[str, str] | None = None) -> dict:
    """gunicorn's own settings (gunicorn.conf.py), read here with the rest, so one image serves every host size."""
    import multiprocessing

    env = os.environ if env is None else env
    # The cores this process may run on (a container's cpuset), not the host's: on a 2-core host 5
    # workers. Python work per request holds the GIL, so processes use the cores; threads overlap
    # each worker's waits on PostgreSQL and Redis. Each worker's pool needs one connection per
    # thread (SQLAlchemy's default pool of 5 covers 4 threads).
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else multiprocessing.cpu_count()
    return {
        # Loopback unless told otherwise: only the TLS proxy on this host reaches gunicorn, so a client
        # cannot send its own X-Forwarded-For past it. GUNICORN_BIND=0.0.0.0:8000 when the proxy is elsewhere.
        "bind": env.get("GUNICORN_BIND", "127.0.0.1:8000"),
        "workers": int(env.get("GUNICORN_WORKERS", cores * 2 + 1)),
        "worker_class": env.get("GUNICORN_WORKER_CLASS", "gthread"),
        "threads": int(env.get("GUNICORN_THREADS", 4)),
        "timeout": int(env.get("GUNICORN_TIMEOUT", 30)),
        "graceful_timeout": int(env.get("GUNICORN_GRACEFUL_TIMEOUT", 30)),
        "keepalive": int(env.get("GUNICORN_KEEPALIVE", 5)),
        # Recycle workers now and then so a slow leak never takes a host down.
        "max_requests": int(env.get("GUNICORN_MAX_REQUESTS", 5000)),
        "max_requests_jitter": int(env.get("GUNICORN_MAX_REQUESTS_JITTER", 500)),
        # Trust X-Forwarded-* only from the load balancer in front.
        "forwarded_allow_ips": env.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "accesslog": env.get("GUNICORN_ACCESS_LOG", "-"),
        "loglevel": env.get("LOG_LEVEL", "info").lower(),
        "prometheus_multiproc_dir": env.get("PROMETHEUS_MULTIPROC_DIR") or None,
    }


def check(cfg: dict) -> None:
    """Refuse a production configuration that would be unsafe to run, and an unknown payment provider anywhere."""
    provider = cfg["PAYMENT_PROVIDER"]
    if provider is not None and provider not in PAYMENT_PROVIDERS:
        raise ConfigError(f"PAYMENT_PROVIDER must be one of {', '.join(PAYMENT_PROVIDERS)}, not {provider!r}")
    if cfg["STAFF_TWO_FACTOR"] not in STAFF_TWO_FACTOR_POLICIES:
        raise ConfigError(f"STAFF_TWO_FACTOR must be one of {', '.join(STAFF_TWO_FACTOR_POLICIES)}, "
                          f"not {cfg['STAFF_TWO_FACTOR']!r}")
    if cfg["ENV_NAME"] == "production":
        if cfg["STAFF_TWO_FACTOR"] == "off":
            raise ConfigError("STAFF_TWO_FACTOR cannot be off in production: admins must sign in with two factors")
        if cfg["SECRET_KEY"] in ("", DEFAULT_SECRET) or len(cfg["SECRET_KEY"]) < 32:
            raise ConfigError("SECRET_KEY must be set to a random value of at least 32 characters in production")
        if cfg["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            raise ConfigError("DATABASE_URL must point at PostgreSQL in production")
        if cfg["PAYMENT_PROVIDER"] in (None, "test"):
            raise ConfigError("PAYMENT_PROVIDER must be govuk_pay in production (or none to switch payments and "
                              "chargeable services off): the test payment page accepts any 'payment'")
        if cfg["PAYMENT_PROVIDER"] == "govuk_pay" and not cfg.get("GOVUK_PAY_API_KEY"):
            raise ConfigError("GOVUK_PAY_API_KEY must be set when PAYMENT_PROVIDER is govuk_pay in production")
