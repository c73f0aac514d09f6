"""What a submission hands to RQ: one delivery job per outbox row, and one waiting rollup job
however many commits noted rows for the dashboards; a request reuses its Redis connection."""
from __future__ import annotations

import time
import uuid

import pytest
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from frontdoor import unit_of_work
from frontdoor import jobs
from frontdoor.extensions import db
from frontdoor.models import OutboxMessage
from frontdoor.models.metrics import RollupPending
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from tests import factories
from tests.integration.helpers import answers_for, property_collected_yesterday_evening


@pytest.fixture
def own_queue(app, redis_url):
    previous = app.config["REDIS_URL"], app.config["RQ_QUEUE"]
    app.config["REDIS_URL"], app.config["RQ_QUEUE"] = redis_url, f"sched-{uuid.uuid4().hex[:8]}"
    queue = Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(redis_url))
    with app.app_context():
        mark = jobs._rollups_mark()
    yield queue
    queue.delete(delete_jobs=True)
    queue.connection.delete(mark)
    app.config["REDIS_URL"], app.config["RQ_QUEUE"] = previous


def _submit(prop, n):
    submit(definition("missed_bin"), answers_for(prop, email=f"r{n}@example.com"), "web", None, Actor.resident())
    unit_of_work.commit()


def _functions(queue):
    return sorted(job.func_name.rsplit(".", 1)[-1] for job in queue.jobs)


def test_many_commits_wait_on_one_rollup_job(app, committed, own_queue):
    factories.team("waste")
    props = [property_collected_yesterday_evening() for _ in range(4)]
    db.session.commit()
    for n, prop in enumerate(props[:3]):
        _submit(prop, n)
    assert _functions(own_queue) == ["apply_rollups", "deliver_outbox", "deliver_outbox", "deliver_outbox"]

    SimpleWorker([own_queue], connection=own_queue.connection).work(burst=True)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(RollupPending)) == 0
    assert set(db.session.scalars(select(OutboxMessage.status))) == {"sent"}
    db.session.rollback()
    # The job that ran cleared the mark: rows noted after it get a job of their own.
    _submit(props[3], 3)
    assert _functions(own_queue) == ["apply_rollups", "deliver_outbox"]


def test_requests_share_one_redis_client(app, own_queue):
    with app.app_context():
        first = jobs.queue().connection
    with app.app_context():
        assert jobs.queue().connection is first


def test_a_finished_job_with_the_same_id_does_not_swallow_the_delivery(app, committed, own_queue):
    """Another database on this Redis delivered its own outbox row 1 a moment ago (result kept 1 s)."""
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    db.session.commit()
    elsewhere = Queue(f"{own_queue.name}-elsewhere", connection=own_queue.connection)
    next_id = (db.session.scalar(select(func.max(OutboxMessage.id))) or 0) + 1
    elsewhere.enqueue("time.time", job_id=f"outbox-{next_id}", result_ttl=1)
    SimpleWorker([elsewhere], connection=own_queue.connection).work(burst=True)
    db.session.rollback()
    _submit(prop, 0)
    assert db.session.scalar(select(OutboxMessage.id)) == next_id
    time.sleep(1.5)  # the old job's result would have expired, taking the new job's hash with it
    SimpleWorker([own_queue], connection=own_queue.connection).work(burst=True)
    db.session.rollback()
    assert db.session.scalar(select(OutboxMessage.status)) == "sent"
    elsewhere.delete(delete_jobs=True)
