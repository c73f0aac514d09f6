"""Issue 16 (High 4): the rate limiter's counters live in Redis; with Redis stopped mid-run the app
keeps taking submissions (the limits fall back to per-process memory, logged and shown in /readyz),
the rows wait in the outbox, and each is delivered once when Redis is back.

A real gunicorn serves the app in its own process with the limiter on a private Redis this test
starts and stops; the test talks to it over HTTP like a browser."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from frontdoor import jobs
from frontdoor.extensions import db
from frontdoor.models import Case, Notification, OutboxMessage
from tests import factories
from tests.conftest import CSRF_RE
from tests.faults.servers import RedisServer, _wait_for_port, free_port
from tests.integration.helpers import property_collected_yesterday_evening
from tests.integration.test_portal_journey import walk_to_check

pytestmark = pytest.mark.faults
ROOT = Path(__file__).resolve().parents[2]


class HttpClient:
    """The few calls walk_to_check makes of Flask's test client, over real HTTP."""

    class Response:
        def __init__(self, r):
            self.status_code, self.location, self.headers = r.status_code, r.headers.get("Location"), r.headers
            self.text = r.text

        def get_data(self, as_text=False):
            return self.text

    def __init__(self, base):
        self.base, self.http = base, requests.Session()

    def get(self, url, **_):
        return self.Response(self.http.get(urljoin(self.base, url), allow_redirects=False, timeout=20))

    def post(self, url, data=None, follow_redirects=False, **_):
        return self.Response(self.http.post(urljoin(self.base, url), data=data, allow_redirects=follow_redirects, timeout=20))


def _post_form(client, url, data):
    token = CSRF_RE.search(client.get(url).get_data(as_text=True)).group(1)
    return client.post(url, data={**data, "csrf_token": token})


@pytest.fixture
def gunicorn_on_private_redis(app, committed, tmp_path):
    redis = RedisServer(tmp_path).start()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": redis.url,
           "RATELIMIT_STORAGE_URI": redis.url, "RQ_QUEUE": app.config["RQ_QUEUE"], "FRONTDOOR_ENV": "test",
           "FRONTDOOR_INSTANCE_PATH": app.instance_path, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
           "GUNICORN_ACCESS_LOG": "/dev/null", "LOG_LEVEL": "WARNING"}
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for_port(port, timeout=60)
        yield HttpClient(f"http://127.0.0.1:{port}"), redis, tmp_path / "gunicorn.log"
    finally:
        server.terminate()
        server.wait(20)
        log.close()
        redis.stop()


def _count(model):
    db.session.expire_all()
    try:
        return db.session.scalar(select(func.count()).select_from(model))
    finally:
        db.session.rollback()


def _submit(client, prop, email):
    walk_to_check(client, prop, email)
    return _post_form(client, "/services/missed_bin/check", {})


def test_redis_stopped_mid_run_rate_limits_fall_back_and_nothing_is_lost(app, gunicorn_on_private_redis):
    client, redis, log = gunicorn_on_private_redis
    factories.team("waste")
    props = [property_collected_yesterday_evening() for _ in range(3)]
    db.session.commit()
    r = _submit(client, props[0], "before@example.com")
    assert r.status_code == 302 and "/done/" in r.location
    assert client.get("/readyz").status_code == 200

    redis.stop()
    for i, prop in enumerate(props[1:]):  # Redis down: submissions and tracking still work
        r = _submit(client, prop, f"during{i}@example.com")
        assert r.status_code == 302 and "/done/" in r.location, r.get_data()[:500]
    assert client.get("/track").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 503 and '"rate_limits"' in ready.text and "memory" in ready.text
    assert b"falling back to in-memory" in log.read_bytes()
    assert _count(Case) == 3 and _count(OutboxMessage) == 3

    # The fallback still limits: the sign-in limit (5 a minute) holds in memory.
    codes = [_post_form(client, "/account/sign-in", {"email": "x@example.com", "password": "wrong"}).status_code
             for _ in range(7)]
    assert 429 in codes

    redis.start()
    app.config["REDIS_URL"], previous = redis.url, app.config["REDIS_URL"]
    try:
        deadline = time.monotonic() + 30
        while client.get("/readyz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert client.get("/readyz").status_code == 200
        assert jobs.sweep_outbox(older_than_seconds=0) >= 2
        connection = Redis.from_url(redis.url)
        for _ in range(2):  # a second sweep and a second drain send nothing twice
            SimpleWorker([Queue(app.config["RQ_QUEUE"], connection=connection)], connection=connection).work(burst=True)
            jobs.sweep_outbox(older_than_seconds=0)
        assert _count(Notification) == 3
        assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {"sent"}
    finally:
        app.config["REDIS_URL"] = previous
        db.session.rollback()
