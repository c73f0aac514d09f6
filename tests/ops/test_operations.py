"""Health, readiness, request ids, JSON logs and metrics."""
from __future__ import annotations

import json
import logging

from frontdoor import unit_of_work
from frontdoor.app import create_app
from frontdoor.ops import JsonFormatter, RequestIdFilter


def test_healthz_and_readyz(app, committed):
    # committed, not session: the savepoint harness holds SQLite's write lock, and readyz's own
    # SELECT 1 goes to the engine.
    client = app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.get_json()["checks"]["database"] == "ok"


def test_readyz_reports_a_dead_redis_and_database(tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "RATELIMIT_STORAGE_URI": "memory://",
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:1/none",
                      "REDIS_URL": "redis://127.0.0.1:1/0"})
    r = app.test_client().get("/readyz")
    assert r.status_code == 503
    checks = r.get_json()["checks"]
    assert checks["database"].startswith("error") and checks["redis"].startswith("error")


def test_readyz_pings_a_live_redis(app, committed, redis_url):
    app.config["REDIS_URL"], saved = redis_url, app.config["REDIS_URL"]
    try:
        assert app.test_client().get("/readyz").get_json()["checks"]["redis"] == "ok"
    finally:
        app.config["REDIS_URL"] = saved


def test_request_id_in_and_out(client):
    r = client.get("/", headers={"X-Request-ID": "abc-123"})
    assert r.headers["X-Request-ID"] == "abc-123"
    generated = client.get("/").headers["X-Request-ID"]
    assert len(generated) == 32
    # A hostile id (header injection, huge) is replaced, not echoed.
    r = client.get("/", headers={"X-Request-ID": "<script>" + "x" * 500})
    assert "<" not in r.headers["X-Request-ID"] and len(r.headers["X-Request-ID"]) == 32


def test_json_log_line_carries_the_request_id(app):
    record = logging.LogRecord("frontdoor.test", logging.INFO, __file__, 1, "hello %s", ("there",), None)
    with app.test_request_context("/"):
        from flask import g

        g.request_id = "req-42"
        RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "hello there" and line["request_id"] == "req-42" and line["level"] == "info"


def test_metrics_count_requests_by_endpoint_and_status(app, committed):
    client = app.test_client()
    client.get("/no-such-page")
    client.get("/accessibility")
    body = client.get("/metrics").get_data(as_text=True)
    assert 'frontdoor_http_requests_total{endpoint="accessibility",method="GET",status="200"}' in body
    assert 'endpoint="unmatched",method="GET",status="404"' in body
    assert "frontdoor_http_request_duration_seconds_bucket" in body
    assert "frontdoor_outbox_pending " in body


def test_metrics_count_outbox_rows_delivered(app, committed):
    """Jobs send rows in batches, so rows delivered are counted on their own (here inline, as embedded)."""
    from prometheus_client import REGISTRY

    from frontdoor.services.actors import Actor
    from frontdoor.services.registry import definition
    from frontdoor.services.submissions import submit
    from tests import factories
    from tests.integration.helpers import answers_for, property_collected_yesterday_evening

    previous = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = None  # delivered inline after the commit
    try:
        factories.team("waste")
        delivered = lambda: REGISTRY.get_sample_value("frontdoor_outbox_delivered_total") or 0  # noqa: E731
        before = delivered()
        submit(definition("missed_bin"), answers_for(property_collected_yesterday_evening()), "web", None,
               Actor.resident())
        unit_of_work.commit()
        assert delivered() == before + 1
    finally:
        app.config["REDIS_URL"] = previous
    body = app.test_client().get("/metrics").get_data(as_text=True)
    assert "frontdoor_outbox_delivered_total " in body
