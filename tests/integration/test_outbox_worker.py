"""A real RQ worker on real Redis delivers the acknowledgement once, even when enqueued twice."""
from __future__ import annotations

import pytest
from redis import Redis
from rq import Queue, SimpleWorker
from rq.job import Job
from sqlalchemy import select

from frontdoor import jobs
from frontdoor.extensions import db
from frontdoor.models import Notification, OutboxMessage
from frontdoor.services import outbox
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from tests import factories
from tests.integration.helpers import answers_for, property_collected_yesterday_evening


@pytest.fixture
def rq_app(app, redis_url):
    """The app with REDIS_URL set, so commit() hands outbox rows to RQ instead of delivering inline."""
    previous = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = redis_url
    Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(redis_url)).empty()
    yield app
    app.config["REDIS_URL"] = previous


def test_worker_delivers_acknowledgement_once_when_enqueued_twice(rq_app, committed, redis_url):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    result = submit(definition("missed_bin"), answers_for(prop), "web", None, Actor.resident())
    outbox.commit()  # enqueues the job once, after the commit
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == result.case.id))
    assert message.status == "pending"  # nothing sent before a worker runs

    connection = Redis.from_url(redis_url)
    queue = Queue(rq_app.config["RQ_QUEUE"], connection=connection)
    assert jobs.delivery_job_id(message.id) in queue.job_ids
    # Enqueue it again under another job id, as a retry or a sweep would.
    queue.enqueue(jobs.deliver_outbox, message.id, job_id=f"again-{message.id}")
    assert queue.job_ids.count(jobs.delivery_job_id(message.id)) == 1 and f"again-{message.id}" in queue.job_ids
    worker = SimpleWorker([queue], connection=connection)
    worker.work(burst=True)
    db.session.expire_all()
    sent = db.session.scalars(select(Notification).where(Notification.outbox_id == message.id)).all()
    assert len(sent) == 1
    assert db.session.get(OutboxMessage, message.id).status == "sent"
    assert queue.count == 0
    # Both jobs ran to success: the first sent, the second found the row delivered and did nothing.
    results = sorted(Job.fetch(j, connection=connection).return_value() for j in (jobs.delivery_job_id(message.id), f"again-{message.id}"))
    assert results == [False, True]
    queue.delete(delete_jobs=True)


def test_sweep_redispatches_rows_left_pending(rq_app, committed, redis_url):
    """Redis was down at commit: the row stays pending and the sweep hands it to RQ later."""
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    rq_app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    submit(definition("missed_bin"), answers_for(prop), "web", None, Actor.resident())
    outbox.commit()  # the enqueue fails; the case is saved anyway
    pending = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
    assert len(pending) == 1
    rq_app.config["REDIS_URL"] = redis_url
    assert jobs.sweep_outbox(older_than_seconds=0) == 1
    connection = Redis.from_url(redis_url)
    queue = Queue(rq_app.config["RQ_QUEUE"], connection=connection)
    SimpleWorker([queue], connection=connection).work(burst=True)
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage)).status == "sent"
    assert len(db.session.scalars(select(Notification)).all()) == 1
    queue.delete(delete_jobs=True)
