"""A real RQ worker on real Redis delivers the acknowledgement once, even when enqueued twice."""
from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from redis import Redis
from rq import Queue, SimpleWorker
from rq.job import Job
from sqlalchemy import select

from frontdoor import unit_of_work
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
    unit_of_work.commit()  # enqueues the job once, after the commit
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
    unit_of_work.commit()  # the enqueue fails; the case is saved anyway
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


def _submit_committed(count: int) -> list[int]:
    """count missed-bin cases, each in its own commit (which enqueues its delivery job); their rows' ids."""
    factories.team("waste")
    ids = []
    for n in range(count):
        prop = property_collected_yesterday_evening()
        result = submit(definition("missed_bin"), answers_for(prop, email=f"batch{n}@example.com"), "web", None,
                        Actor.resident())
        unit_of_work.commit()
        ids.append(db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.case_id == result.case.id)))
    return ids


def _job_result(connection, message_id: int):
    """A row's delivery job's return value, or "unrun" if a batch took the job off the queue."""
    from rq.exceptions import NoSuchJobError

    try:
        return Job.fetch(jobs.delivery_job_id(message_id), connection=connection).return_value()
    except NoSuchJobError:
        return "unrun"


def test_one_job_delivers_the_rows_waiting_and_takes_their_jobs_off_the_queue(rq_app, committed, redis_url):
    ids = _submit_committed(3)
    connection = Redis.from_url(redis_url)
    queue = Queue(rq_app.config["RQ_QUEUE"], connection=connection)
    assert all(jobs.delivery_job_id(i) in queue.job_ids for i in ids)
    delivered_before = REGISTRY.get_sample_value("frontdoor_outbox_delivered_total") or 0
    SimpleWorker([queue], connection=connection).work(burst=True)
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {"sent"}
    assert sorted(n.outbox_id for n in db.session.scalars(select(Notification))) == sorted(ids)
    assert [_job_result(connection, i) for i in ids] == [True, "unrun", "unrun"]
    # One job, three rows: the metric counts rows (the worker runs in this process).
    assert REGISTRY.get_sample_value("frontdoor_outbox_delivered_total") == delivered_before + 3
    assert all(m.attempts == 1 for m in db.session.scalars(select(OutboxMessage)))
    queue.delete(delete_jobs=True)


def test_a_row_failing_in_a_batch_is_rolled_back_alone_and_left_for_its_own_job(rq_app, committed, redis_url,
                                                                                 monkeypatch):
    ids = _submit_committed(3)
    real = outbox.HANDLERS["notification"]
    failed = []

    def fails_once_for_the_second(message):
        real(message)  # writes its notification, then fails: the savepoint takes the write back
        if message.id == ids[1] and not failed:
            failed.append(message.id)
            raise RuntimeError("Notify is down")

    monkeypatch.setitem(outbox.HANDLERS, "notification", fails_once_for_the_second)
    connection = Redis.from_url(redis_url)
    queue = Queue(rq_app.config["RQ_QUEUE"], connection=connection)
    SimpleWorker([queue], connection=connection).work(burst=True)
    db.session.expire_all()
    assert failed == [ids[1]]
    assert sorted(n.outbox_id for n in db.session.scalars(select(Notification))) == sorted(ids)  # once each
    # The first job sent rows 1 and 3; row 2's own job, still queued, sent it and counted one try.
    assert [_job_result(connection, i) for i in ids] == [True, True, "unrun"]
    assert {m.id: (m.status, m.attempts) for m in db.session.scalars(select(OutboxMessage))} == {
        i: ("sent", 1) for i in ids}
    queue.delete(delete_jobs=True)


def test_a_row_that_failed_before_waits_for_its_own_retry(rq_app, committed, redis_url):
    ids = _submit_committed(2)
    db.session.get(OutboxMessage, ids[1]).attempts = 1  # tried and failed once: its job is backing off
    db.session.commit()
    connection = Redis.from_url(redis_url)
    queue = Queue(rq_app.config["RQ_QUEUE"], connection=connection)
    SimpleWorker([queue], connection=connection).work(burst=True)
    assert [_job_result(connection, i) for i in ids] == [True, True]  # each sent by its own job
    db.session.expire_all()
    assert len(db.session.scalars(select(Notification)).all()) == 2
    queue.delete(delete_jobs=True)


def test_batch_size_one_sends_only_the_jobs_own_row(rq_app, committed, redis_url, monkeypatch):
    monkeypatch.setitem(rq_app.config, "OUTBOX_BATCH_SIZE", 1)
    ids = _submit_committed(2)
    connection = Redis.from_url(redis_url)
    queue = Queue(rq_app.config["RQ_QUEUE"], connection=connection)
    SimpleWorker([queue], connection=connection).work(burst=True)
    assert [_job_result(connection, i) for i in ids] == [True, True]
    queue.delete(delete_jobs=True)


def test_a_finished_job_left_with_the_same_id_does_not_swallow_the_new_one(rq_app, committed, redis_url):
    """A database made afresh (or restored) reuses row ids: the earlier row's finished job, with its
    expiry, must not lend that expiry or its fields to the new row's job."""
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    connection = Redis.from_url(redis_url)
    queue = Queue(rq_app.config["RQ_QUEUE"], connection=connection)
    result = submit(definition("missed_bin"), answers_for(prop), "web", None, Actor.resident())
    db.session.flush()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.case_id == result.case.id))
    stale_key = Job.key_for(jobs.delivery_job_id(message.id))
    connection.hset(stale_key, mapping={"status": "finished", "ended_at": "2026-01-01T00:00:00.000000Z"})
    connection.expire(stale_key, 2)
    unit_of_work.commit()  # enqueues over the stale hash
    assert connection.ttl(stale_key) == -1  # no expiry inherited: it waits as long as it must
    assert connection.hget(stale_key, "status") == b"queued" and connection.hget(stale_key, "ended_at") in (None, b"")
    SimpleWorker([queue], connection=connection).work(burst=True)
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == "sent"
    queue.delete(delete_jobs=True)
