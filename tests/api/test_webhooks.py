"""Outbound webhooks against a real HTTP server in the test: signed, retried until the receiver
accepts, recognisable by idempotency key, and not lost when Redis restarts between attempts."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import select

from frontdoor import unit_of_work
from frontdoor import jobs
from frontdoor.extensions import db
from frontdoor.models import OutboxMessage
from frontdoor.services import outbox, webhooks
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from frontdoor.services.transitions import transition
from tests import factories, faketime_compat
from tests.integration.helpers import answers_for, property_collected_yesterday_evening

SECRET = "test-shared-secret"


class Receiver:
    """A back office: answers 500 for the first `fail_first` deliveries, then 200."""

    def __init__(self, fail_first=0):
        self.fail_first = fail_first
        self.received = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": self.headers, "body": body})
                status = 500 if len(receiver.received) <= receiver.fail_first else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/frontdoor"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def verified(self):
        """Every delivery's signature checked the way a receiver would."""
        for r in self.received:
            h = r["headers"]
            webhooks.verify(SECRET, h["X-FrontDoor-Timestamp"], h["X-FrontDoor-Signature"], r["body"], max_age=300)
        return True


@pytest.fixture
def webhook_app(app, redis_url):
    saved = {k: app.config[k] for k in ("REDIS_URL", "WEBHOOK_TARGETS")}
    app.config["REDIS_URL"] = redis_url
    Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(redis_url)).empty()
    yield app
    app.config.update(saved)


def _case_ready_for_return():
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    case = submit(definition("missed_bin"), answers_for(prop), "web", None, Actor.resident()).case
    unit_of_work.commit()
    return case


def _webhook_row(case):
    return db.session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == case.id, OutboxMessage.kind == "webhook"))


def test_failing_receiver_is_retried_until_it_accepts_with_one_idempotency_key(webhook_app, session, redis_url):
    receiver = Receiver(fail_first=2)
    try:
        webhook_app.config["WEBHOOK_TARGETS"] = {"waste_back_office": {"url": receiver.url, "secret": SECRET}}
        case = _case_ready_for_return()
        transition(case, "schedule_return", Actor.system("Test"))
        unit_of_work.commit()  # enqueued after the commit
        message = _webhook_row(case)
        assert message is not None and message.status == "pending"

        connection = Redis.from_url(redis_url)
        queue = Queue(webhook_app.config["RQ_QUEUE"], connection=connection)
        SimpleWorker([queue], connection=connection).work(burst=True)
        db.session.expire_all()
        message = db.session.get(OutboxMessage, message.id)
        assert (message.status, message.attempts) == ("pending", 1)
        assert "answered 500" in message.last_error
        # RQ scheduled a retry with back-off; run it now as the scheduler would when it is due.
        job = queue.fetch_job(jobs.delivery_job_id(message.id))
        assert job.retries_left == len(jobs.RETRY_INTERVALS) - 1
        with pytest.raises(webhooks.WebhookFailed):
            jobs.deliver_outbox(message.id)
        assert jobs.deliver_outbox(message.id) is True
        assert jobs.deliver_outbox(message.id) is False  # a late duplicate job sends nothing
        db.session.expire_all()
        message = db.session.get(OutboxMessage, message.id)
        assert (message.status, message.attempts) == ("sent", 3)

        assert len(receiver.received) == 3 and receiver.verified()
        keys = {r["headers"]["Idempotency-Key"] for r in receiver.received}
        assert keys == {f"outbox-{message.id}"}
        body = json.loads(receiver.received[-1]["body"])
        assert body["id"] == message.id and body["transition"] == "schedule_return"
        assert body["case"]["reference"] == case.reference and body["to_state"] == "return_scheduled"
        queue.delete(delete_jobs=True)
    finally:
        receiver.close()


def test_tampered_body_fails_verification():
    ts = str(int(time.time()))
    signature = webhooks.sign(SECRET, ts, b'{"a":1}')
    webhooks.verify(SECRET, ts, signature, b'{"a":1}', max_age=300)
    with pytest.raises(webhooks.SignatureRefused, match="does not match"):
        webhooks.verify(SECRET, ts, signature, b'{"a":2}', max_age=300)
    old = str(int(time.time()) - 301)
    with pytest.raises(webhooks.SignatureRefused, match="older than 5 minutes"):
        webhooks.verify(SECRET, old, webhooks.sign(SECRET, old, b"{}"), b"{}", max_age=300)


def test_dead_letter_after_every_retry_then_admin_retry(webhook_app, session):
    receiver = Receiver(fail_first=100)
    try:
        webhook_app.config["WEBHOOK_TARGETS"] = {"waste_back_office": {"url": receiver.url, "secret": SECRET}}
        webhook_app.config["REDIS_URL"] = None  # inline: each attempt is a direct job call here
        case = _case_ready_for_return()
        transition(case, "schedule_return", Actor.system("Test"))
        unit_of_work.commit()
        message = _webhook_row(case)
        for _ in range(outbox.MAX_ATTEMPTS):  # the inline attempt at commit is not counted
            with pytest.raises(webhooks.WebhookFailed):
                jobs.deliver_outbox(message.id)
        db.session.expire_all()
        assert db.session.get(OutboxMessage, message.id).status == "failed"
        assert [m.id for m in webhooks.dead_letters()] == [message.id]
        receiver.fail_first = 0
        webhooks.retry_dead_letter(message.id)
        unit_of_work.commit()  # inline dispatch delivers it now
        db.session.expire_all()
        assert db.session.get(OutboxMessage, message.id).status == "sent"
        assert webhooks.dead_letters() == []
    finally:
        receiver.close()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_redis(port, folder):
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(folder)], stdout=subprocess.DEVNULL,
                               env=faketime_compat.real_clock_env())
    for _ in range(100):
        try:
            if Redis(port=port).ping():
                return process
        except Exception:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_nothing_lost_when_redis_restarts_between_attempts(webhook_app, session, tmp_path):
    port = _free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis_process = _start_redis(port, tmp_path)
    receiver = Receiver()
    try:
        webhook_app.config["WEBHOOK_TARGETS"] = {"waste_back_office": {"url": receiver.url, "secret": SECRET}}
        webhook_app.config["REDIS_URL"] = url
        case = _case_ready_for_return()  # acknowledgement enqueued while Redis is up
        redis_process.terminate()
        redis_process.wait(10)
        transition(case, "schedule_return", Actor.system("Test"))
        unit_of_work.commit()  # the commit succeeds; the enqueue fails and the row stays pending
        message = _webhook_row(case)
        db.session.expire_all()
        assert db.session.get(OutboxMessage, message.id).status == "pending"
        assert receiver.received == []

        redis_process = _start_redis(port, tmp_path)  # a fresh, empty Redis: the queue was lost
        assert jobs.sweep_outbox(older_than_seconds=0) >= 1
        connection = Redis.from_url(url)
        SimpleWorker([Queue(webhook_app.config["RQ_QUEUE"], connection=connection)], connection=connection).work(burst=True)
        db.session.expire_all()
        assert db.session.get(OutboxMessage, message.id).status == "sent"
        assert len(receiver.received) == 1 and receiver.verified()
        assert receiver.received[0]["headers"]["Idempotency-Key"] == f"outbox-{message.id}"
    finally:
        receiver.close()
        redis_process.terminate()
        redis_process.wait(10)
