"""Faults on real servers each test starts on private ports: Redis stopped during submissions,
an RQ worker killed mid-job, PostgreSQL restarted under a running app."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue, Retry
from rq.registry import StartedJobRegistry
from sqlalchemy import func, select

from frontdoor import unit_of_work
from frontdoor import jobs
from frontdoor.extensions import db
from frontdoor.models import Case, Notification, OutboxMessage
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from tests import factories
from tests.conftest import post_form
from tests.faults.servers import PostgresServer, RedisServer
from tests.integration.helpers import answers_for, property_collected_yesterday_evening
from tests.integration.test_portal_journey import walk_to_check

pytestmark = pytest.mark.faults
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def private_redis(tmp_path, app):
    server = RedisServer(tmp_path).start()
    previous = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = server.url
    yield server
    app.config["REDIS_URL"] = previous
    server.stop()


def _count(model):
    """Count, then end the read: on SQLite an open transaction holds the write lock a worker needs."""
    db.session.expire_all()
    try:
        return db.session.scalar(select(func.count()).select_from(model))
    finally:
        db.session.rollback()


def _drain(app, redis_url):
    from rq import SimpleWorker

    connection = Redis.from_url(redis_url)
    SimpleWorker([Queue(app.config["RQ_QUEUE"], connection=connection)], connection=connection).work(burst=True)


def test_redis_stopped_during_submissions(app, committed, private_redis):
    factories.team("waste")
    props = [property_collected_yesterday_evening() for _ in range(3)]
    db.session.commit()
    client = app.test_client()
    walk_to_check(client, props[0], "before@example.com")
    assert post_form(client, "/services/missed_bin/check", {}).status_code == 302  # Redis up: enqueued
    private_redis.stop()
    assert client.get("/readyz").status_code == 503
    for i, prop in enumerate(props[1:]):  # Redis down: the resident still gets a reference
        walk_to_check(client, prop, f"during{i}@example.com")
        r = post_form(client, "/services/missed_bin/check", {})
        assert r.status_code == 302 and "/done/" in r.location
    assert _count(Case) == 3
    assert _count(OutboxMessage) == 3
    private_redis.start()
    assert client.get("/readyz").status_code == 200
    _drain(app, private_redis.url)  # the job enqueued before the outage (lost: Redis kept nothing)
    assert jobs.sweep_outbox(older_than_seconds=0) >= 2
    _drain(app, private_redis.url)
    assert _count(Notification) == 3
    # A second sweep, and a duplicate enqueue, send nothing twice.
    jobs.sweep_outbox(older_than_seconds=0)
    for message_id in db.session.scalars(select(OutboxMessage.id)):
        jobs.enqueue_delivery(message_id)
    _drain(app, private_redis.url)
    assert _count(Notification) == 3
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {"sent"}


def _worker(app, redis_url, log, *extra):
    env = {**os.environ, "REDIS_URL": redis_url, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "RQ_QUEUE": app.config["RQ_QUEUE"], "FRONTDOOR_INSTANCE_PATH": app.instance_path, "LOG_LEVEL": "WARNING"}
    rq = str(Path(sys.executable).parent / "rq")
    return subprocess.Popen([rq, "worker", "-w", "rq.worker.SimpleWorker", "--url", redis_url, "--path", str(ROOT),
                             *extra, app.config["RQ_QUEUE"]], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=log)


def test_worker_killed_mid_job_is_retried_and_delivers_once(app, committed, private_redis, tmp_path):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    # Commit with an unreachable Redis so the row stays pending; the test enqueues its own job below.
    app.config["REDIS_URL"], url = "redis://127.0.0.1:1/0", private_redis.url
    submit(definition("missed_bin"), answers_for(prop), "web", None, Actor.resident())
    unit_of_work.commit()
    app.config["REDIS_URL"] = url
    message_id = db.session.scalar(select(OutboxMessage.id))
    db.session.rollback()
    connection = Redis.from_url(url)
    queue = Queue(app.config["RQ_QUEUE"], connection=connection)
    from tests.faults.fault_jobs import deliver_then_hang_once

    job = queue.enqueue(deliver_then_hang_once, message_id, str(tmp_path), job_id=jobs.delivery_job_id(message_id),
                        retry=Retry(max=3))
    with (tmp_path / "worker.log").open("ab") as log:
        worker = _worker(app, url, log)
        try:
            _kill_mid_job_then_retry(app, url, log, queue, job, message_id, tmp_path, worker)
        finally:
            if worker.poll() is None:
                worker.kill()
            worker.wait(10)
    job.refresh()
    assert job.get_status() == "finished"


def test_postgres_restarted_and_the_app_recovers(tmp_path):
    from flask_migrate import upgrade

    from frontdoor.app import create_app

    server = PostgresServer().init().start()
    try:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": server.url, "RATELIMIT_STORAGE_URI": "memory://",
                          "INSTANCE_PATH": str(tmp_path / "instance"), "REDIS_URL": None})
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
        client = app.test_client()
        assert client.get("/readyz").status_code == 200  # the pool now holds a connection
        server.stop()
        assert client.get("/readyz").status_code == 503
        server.start()
        # No restart of the app: pool_pre_ping replaces the dead pooled connection.
        assert client.get("/readyz").status_code == 200
        with app.app_context():
            factories.team("waste")
            prop = property_collected_yesterday_evening()
            db.session.commit()
        walk_to_check(client, prop)
        r = post_form(client, "/services/missed_bin/check", {})
        assert r.status_code == 302 and "/done/" in r.location
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Case)) == 1
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
    finally:
        try:
            server.stop()
        finally:
            server.remove()


def _kill_mid_job_then_retry(app, url, log, queue, job, message_id, tmp_path, worker):
    marker = tmp_path / f"attempt-{message_id}"
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), "the worker never started the job: " + (tmp_path / "worker.log").read_text()[-3000:]
    assert int(marker.read_text()) == worker.pid  # the job runs in the worker process itself
    os.kill(worker.pid, signal.SIGKILL)  # mid-job, with the delivery written but not committed
    worker.wait(10)
    assert _count(Notification) == 0
    registry = StartedJobRegistry(queue=queue)
    assert job.id in registry.get_job_ids(cleanup=False)
    # What the next worker's maintenance does once the dead worker's heartbeat has lapsed.
    registry.cleanup(timestamp=time.time() + 24 * 3600)
    assert job.id in queue.job_ids  # back in the queue: retried, not lost
    second = _worker(app, url, log, "--burst")
    try:
        assert second.wait(60) == 0
    finally:
        if second.poll() is None:
            second.kill()
            second.wait(10)
    assert _count(Notification) == 1
    assert db.session.get(OutboxMessage, message_id).status == "sent"
    db.session.rollback()
