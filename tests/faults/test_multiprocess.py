"""Two app processes and two RQ workers on one database and one queue: every submission is one
case, every side effect is delivered once, and no job runs twice."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from redis import Redis
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import func, select

from frontdoor import jobs
from frontdoor.extensions import db
from frontdoor.models import Case, Notification, OutboxMessage
from tests import factories
from tests.faults.servers import RedisServer, _wait_for_port, free_port
from tests.integration.helpers import property_collected_yesterday_evening

pytestmark = pytest.mark.faults
ROOT = Path(__file__).resolve().parents[2]
CSRF = __import__("re").compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _env(app, redis_url):
    return {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": redis_url,
            "RQ_QUEUE": app.config["RQ_QUEUE"], "FRONTDOOR_INSTANCE_PATH": app.instance_path,
            "SECRET_KEY": "multi-process-test-secret-" + "x" * 20, "RATELIMIT_STORAGE_URI": "memory://",
            "LOG_LEVEL": "WARNING"}


def _journey(urls, prop, n):
    """Alternate the two app processes page by page, as a load balancer without stickiness would."""
    client = httpx.Client(timeout=30)
    hop = iter(urls * 20)

    def form(path, data, get_path=None):
        base = next(hop)
        token = CSRF.search(client.get(base + (get_path or path)).text).group(1)
        return client.post(next(hop) + path, data={**data, "csrf_token": token})

    client.get(next(hop) + "/services/missed_bin/begin")
    r = form("/services/missed_bin/address", {"postcode": prop["postcode"]})
    location = r.headers["location"]
    form(location, {"uprn": prop["uprn"]})
    form("/services/missed_bin/container", {"container": prop["container"]})
    form("/services/missed_bin/details", {"full_name": f"Multi {n}", "email": f"m{n}@example.com", "phone": ""})
    r = form("/services/missed_bin/check", {})
    assert r.status_code == 302 and "/done/" in r.headers["location"], r.text[:300]
    return r.headers["location"].rsplit("/", 1)[1]


def test_two_app_processes_and_two_workers(app, committed, tmp_path):
    redis = RedisServer(tmp_path).start()
    procs = []
    try:
        factories.team("waste")
        props = []
        for _ in range(6):
            p = property_collected_yesterday_evening()
            props.append({"uprn": p.uprn, "postcode": p.postcode, "container": str(p.containers[0].id)})
        db.session.commit()
        env = _env(app, redis.url)
        urls = []
        log = (tmp_path / "procs.log").open("ab")
        for _ in range(2):
            port = free_port()
            procs.append(subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "run", "--port", str(port),
                                           "--no-reload", "--without-threads"], cwd=ROOT, env=env, stdout=log, stderr=log))
            urls.append(f"http://127.0.0.1:{port}")
        rq = str(Path(sys.executable).parent / "rq")
        for _ in range(2):
            procs.append(subprocess.Popen([rq, "worker", "-w", "rq.worker.SimpleWorker", "--url", redis.url,
                                           app.config["RQ_QUEUE"]], cwd=ROOT, env=env, stdout=log, stderr=log))
        for url in urls:
            _wait_for_port(int(url.rsplit(":", 1)[1]), 60)
        references = [_journey(urls, prop, n) for n, prop in enumerate(props)]
        assert len(set(references)) == len(props)

        queue = Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(redis.url))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            db.session.expire_all()
            sent = db.session.scalar(select(func.count()).select_from(Notification))
            db.session.rollback()
            if sent >= len(props) and queue.count == 0:
                break
            time.sleep(0.2)
        assert db.session.scalar(select(func.count()).select_from(Case)) == len(props)
        messages = db.session.scalars(select(OutboxMessage)).all()
        assert len(messages) == len(props) and {m.status for m in messages} == {"sent"}
        assert db.session.scalar(select(func.count()).select_from(Notification)) == len(props)
        message_ids = [m.id for m in messages]
        db.session.rollback()  # and no reading rows after it: on SQLite that would hold the lock a worker needs
        # No job ran twice. A row's job ran once (True if it sent; False if another job's batch had
        # sent the row first), or a batch that sent the row took the job off the queue unrun.
        ran = 0
        for message_id in message_ids:
            try:
                job = Job.fetch(jobs.delivery_job_id(message_id), connection=queue.connection)
            except NoSuchJobError:
                continue
            finish_by = time.monotonic() + 30  # a job that found its row sent by a batch may still be ending
            while job.get_status(refresh=True) not in ("finished", "failed") and time.monotonic() < finish_by:
                time.sleep(0.1)
            results = job.results()
            assert len(results) == 1, (message_id, job.get_status(), results)
            ran += 1
        assert ran >= 1
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(15)
        redis.stop()
        if procs:
            log.close()
