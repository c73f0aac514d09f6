"""Running it: request ids, JSON logs, Prometheus metrics, and health and readiness endpoints.

/healthz says the process answers (for a restart decision); /readyz says it can serve (database,
and Redis when configured) so a load balancer only sends traffic to hosts that can take it.
"""
from __future__ import annotations

import json
import logging
import re
import time
import uuid

from flask import Response, g, has_request_context, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select, text

from frontdoor.extensions import db

log = logging.getLogger(__name__)
REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

REQUESTS = Counter("frontdoor_http_requests_total", "HTTP requests", ["method", "endpoint", "status"])
LATENCY = Histogram(
    "frontdoor_http_request_duration_seconds", "HTTP request latency", ["method", "endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10),
)
JOBS = Counter("frontdoor_jobs_total", "Background jobs run", ["job", "outcome"])
# A delivery job sends a batch of rows, so jobs do not count deliveries: this does.
DELIVERED = Counter("frontdoor_outbox_delivered_total", "Outbox rows delivered (committed as sent)")


def request_id() -> str | None:
    return getattr(g, "request_id", None) if has_request_context() else None


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for a log shipper. Extra fields passed with extra={...} are kept."""

    _STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in self._STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


JsonFormatter.converter = time.gmtime


def configure_logging(fmt: str, level: str = "INFO") -> None:
    """JSON to stderr in production. Idempotent: create_app may run more than once in a process."""
    root = logging.getLogger()
    if any(getattr(h, "_frontdoor", False) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler._frontdoor = True
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)


def job_finished(job: str, outcome: str) -> None:
    JOBS.labels(job=job, outcome=outcome).inc()


def outbox_delivered(rows: int) -> None:
    """Called after the commit that marked `rows` outbox rows sent."""
    if rows:
        DELIVERED.inc(rows)


class BacklogCollector:
    """Gauges read at scrape time: outbox rows still pending and the RQ queue's depth."""

    def __init__(self, app):
        self.app = app

    def collect(self):
        from frontdoor.models import OutboxMessage

        pending = GaugeMetricFamily("frontdoor_outbox_pending", "Outbox rows not yet delivered")
        depth = GaugeMetricFamily("frontdoor_rq_queue_depth", "Jobs waiting in the RQ queue", labels=["queue"])
        with self.app.app_context():
            try:
                pending.add_metric([], db.session.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "pending")))
            except Exception:  # a scrape must not fail because the database blinked
                log.warning("metrics: could not count the outbox", exc_info=True)
            finally:
                db.session.remove()
            if self.app.config.get("REDIS_URL"):
                try:
                    from redis import Redis
                    from rq import Queue

                    name = self.app.config["RQ_QUEUE"]
                    conn = Redis.from_url(self.app.config["REDIS_URL"], socket_timeout=1, socket_connect_timeout=1)
                    depth.add_metric([name], Queue(name, connection=conn).count)
                except Exception:
                    log.warning("metrics: could not read the queue depth", exc_info=True)
        yield pending
        yield depth


def init_app(app) -> None:
    configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    if app.config.get("PROXY_FIX_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    @app.before_request
    def _start():
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        response.headers[REQUEST_ID_HEADER] = getattr(g, "request_id", "")
        started = getattr(g, "started", None)
        if started is not None and app.config["METRICS_ENABLED"]:
            endpoint = request.url_rule.endpoint if request.url_rule else "unmatched"
            LATENCY.labels(request.method, endpoint).observe(time.perf_counter() - started)
            REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
        return response

    talisman = app.extensions["talisman"]

    @app.get("/healthz")
    @talisman(force_https=False)
    def healthz():
        return jsonify(status="ok")

    @app.get("/readyz")
    @talisman(force_https=False)
    def readyz():
        checks = {}
        try:
            db.session.execute(text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            db.session.rollback()
            checks["database"] = f"error: {type(exc).__name__}"
        if app.config.get("REDIS_URL"):
            try:
                from redis import Redis

                Redis.from_url(app.config["REDIS_URL"], socket_timeout=1, socket_connect_timeout=1).ping()
                checks["redis"] = "ok"
            except Exception as exc:
                checks["redis"] = f"error: {type(exc).__name__}"
        ready = all(v == "ok" for v in checks.values())
        limits = _rate_limit_storage()
        if limits is not None:  # reported, not a reason to stop traffic: the fallback keeps limiting
            checks["rate_limits"] = limits
        return jsonify(status="ok" if ready else "unavailable", checks=checks), 200 if ready else 503

    backlog = BacklogCollector(app)

    @app.get("/metrics")
    @talisman(force_https=False)
    def metrics():
        if not app.config["METRICS_ENABLED"]:
            return Response("metrics disabled\n", status=404, mimetype="text/plain")
        registry = CollectorRegistry()
        if app.config["PROMETHEUS_MULTIPROC_DIR"]:
            # Several gunicorn workers (and RQ workers) on a host write to one folder.
            from prometheus_client import multiprocess

            multiprocess.MultiProcessCollector(registry)
        else:
            registry.register(_ProcessMetrics())
        registry.register(backlog)
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _rate_limit_storage() -> str | None:
    """Where this process counts rate limits: its shared storage, or memory while that is unreachable."""
    from frontdoor.extensions import limiter

    from limits.storage import MemoryStorage

    if not limiter.enabled or getattr(limiter, "_storage", None) is None:
        return None
    if isinstance(limiter.storage, MemoryStorage):
        return "ok (memory)"
    try:
        healthy = limiter.storage.check()
    except Exception:
        healthy = False
    return "ok" if healthy else "fallback: memory of this process (storage unreachable)"


class _ProcessMetrics:
    """This process's own counters (the default registry), without multiprocess mode."""

    def collect(self):
        from prometheus_client import REGISTRY

        yield from REGISTRY.collect()
