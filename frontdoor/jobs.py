"""RQ job functions: thin (take ids, load, call a service, in one unit of work). Safe to run twice."""
from __future__ import annotations

import contextlib
import logging
import re

from flask import current_app, has_app_context

log = logging.getLogger(__name__)
_worker_app = None

RETRY_INTERVALS = [5, 30, 120, 600, 1800]


def _app_context():
    """Inside a test or a request there is already an app; a worker process makes its own once."""
    global _worker_app
    if has_app_context():
        return contextlib.nullcontext()
    if _worker_app is None:
        from frontdoor.app import create_app

        _worker_app = create_app()
    return _worker_app.app_context()


def redis_connection():
    """One client (so one connection pool) per process and URL: a request that enqueues reuses a
    connection instead of opening one. redis-py's pool is thread-safe and starts afresh after a fork."""
    from redis import Redis

    url = current_app.config["REDIS_URL"]
    clients = current_app.extensions.setdefault("frontdoor.redis", {})
    if url not in clients:
        clients[url] = Redis.from_url(url)
    return clients[url]


def queue():
    from rq import Queue

    return Queue(current_app.config["RQ_QUEUE"], connection=redis_connection())


def _rollups_mark() -> str:
    return f"frontdoor:rollups-scheduled:{current_app.config['RQ_QUEUE']}"


def delivery_job_id(message_id: int) -> str:
    """Named for the row and the queue: databases sharing one Redis use their own queue names, so
    their row numbers cannot meet in one job id."""
    return f"outbox-{message_id}-" + re.sub(r"[^A-Za-z0-9_-]", "_", current_app.config["RQ_QUEUE"])


def enqueue_delivery(message_id: int) -> None:
    enqueue_deliveries([message_id])


def enqueue_deliveries(message_ids: list[int]) -> None:
    """The delivery jobs of a commit's outbox rows, in one round trip to Redis (one pipeline).

    Each job's hash is deleted first, in the same pipeline: a job id can be left in Redis by an
    earlier row with the same id on the same queue (a restored backup; a database made afresh, like
    the load test's, whose rows start at 1 each run). Enqueued over a finished job's hash, the new
    job keeps that hash's expiry and stale fields: the hash expires while the job waits, the worker
    drops the id without a word and the row waits for the sweep. A job still waiting when its row is
    dispatched again (by the sweep) is simply queued twice: delivery is idempotent."""
    from rq import Queue, Retry
    from rq.job import Job

    if not message_ids:
        return
    q = queue()
    retry = Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS)
    with q.connection.pipeline() as pipe:
        pipe.delete(*[Job.key_for(delivery_job_id(m)) for m in message_ids])
        q.enqueue_many([Queue.prepare_data(deliver_outbox, (m,), job_id=delivery_job_id(m), retry=retry,
                                           failure_ttl=7 * 24 * 3600) for m in message_ids], pipeline=pipe)
        pipe.execute()


def deliver_outbox(message_id: int) -> bool:
    """Deliver the row, and with it a batch of rows waiting (outbox.deliver_batch); True if this row
    was sent now. The jobs of the others are taken off the queue after the commit: each would only
    find its row sent."""
    from frontdoor import unit_of_work
    from frontdoor.ops import job_finished, outbox_delivered
    from frontdoor.services import outbox

    with _app_context():
        try:
            with unit_of_work.unit():
                sent = outbox.deliver_batch(message_id, current_app.config["OUTBOX_BATCH_SIZE"])
        except Exception as exc:
            with unit_of_work.unit():  # the try is counted in a unit of its own
                outbox.record_failure(message_id, repr(exc))
            job_finished("deliver_outbox", "failed")
            raise
        job_finished("deliver_outbox", "sent" if sent else "skipped")
        outbox_delivered(len(sent))
        if len(sent) > 1:
            _unqueue_deliveries(sent[1:])
        return bool(sent)


def _unqueue_deliveries(message_ids: list[int]) -> None:
    """Take the waiting delivery jobs of rows a batch sent off the queue, and delete them. A job a
    worker has already taken is not in the queue list: it runs and finds its row sent."""
    from rq.job import Job

    try:
        connection = redis_connection()
        key = queue().key
        job_ids = [delivery_job_id(m) for m in message_ids]
        with connection.pipeline(transaction=False) as pipe:
            for job_id in job_ids:
                pipe.lrem(key, 1, job_id)
            removed = pipe.execute()
        taken = [Job.key_for(job_id) for job_id, count in zip(job_ids, removed) if count]
        if taken:
            connection.delete(*taken)
    except Exception:  # the rows are sent; their jobs, if left, only find them sent
        log.warning("could not take delivered rows' jobs off the queue", exc_info=True)


def register_after_commit_hooks() -> None:
    """What a commit hands on: outbox rows to their delivery jobs, noted rollup rows to the rollup job."""
    from frontdoor import unit_of_work
    from frontdoor.metrics import rollups
    from frontdoor.services import outbox

    unit_of_work.after_commit("outbox", outbox.take_pending, dispatch_outbox, outbox.discard_pending)
    unit_of_work.after_commit("rollups", rollups.take_flag, lambda _noted: schedule_rollups(), rollups.discard_flag)


def dispatch_outbox(ids: list[int]) -> None:
    """After a commit: the rows' delivery jobs to RQ, or (no Redis) each row delivered inline now."""
    from frontdoor import unit_of_work
    from frontdoor.ops import outbox_delivered
    from frontdoor.services import outbox

    if not ids:
        return
    if current_app.config.get("REDIS_URL"):
        try:
            enqueue_deliveries(ids)
        except Exception:  # Redis down: the rows stay pending and the sweep sends them later.
            log.exception("could not enqueue outbox %s; left for the sweep", ids)
        return
    for message_id in ids:
        try:
            with unit_of_work.unit():  # each row its own unit: one that fails leaves the others sent
                sent = outbox.deliver(message_id)
            outbox_delivered(int(sent))
        except Exception:
            log.exception("inline delivery of outbox %s failed; left pending", message_id)


def sweep_outbox(older_than_seconds: int = 60) -> int:
    """Re-dispatch rows left pending (Redis was down, a worker died). Delivery is idempotent."""
    from frontdoor import unit_of_work
    from frontdoor.services import outbox

    with _app_context():
        with unit_of_work.unit():
            ids = outbox.pending_ids(older_than_seconds)
        dispatch_outbox(ids)
        return len(ids)


def schedule_rollups() -> None:
    """After a commit that noted contacts or case changes: fold them into the dashboards' rollups."""
    from frontdoor import unit_of_work

    if current_app.config.get("REDIS_URL"):
        try:
            # One waiting rollup job is enough, however many commits noted rows: it applies them all.
            # The job clears the mark as it starts, so rows noted after that get a job of their own;
            # the expiry covers a mark left by an enqueue that failed half way.
            if queue().connection.set(_rollups_mark(), 1, nx=True, ex=300):
                queue().enqueue(apply_rollups, failure_ttl=24 * 3600)
            return
        except Exception:  # Redis down: the rows stay pending; the next job, the CLI or a dashboard read applies them.
            log.exception("could not enqueue the rollup job; left pending")
            return
    try:
        apply_rollups()
    except Exception:
        unit_of_work.rollback()
        log.exception("inline rollup failed; rows left pending")


def apply_rollups() -> int:
    """Apply pending rollup rows. Safe to run twice and in two workers at once (see metrics.rollups)."""
    from frontdoor.metrics import rollups

    with _app_context():
        if current_app.config.get("REDIS_URL"):
            try:
                redis_connection().delete(_rollups_mark())
            except Exception:  # the mark expires on its own; the rows are applied either way
                log.exception("could not clear the rollup mark")
        return rollups.catch_up()


def anonymise_expired_cases() -> int:
    """Daily: anonymise closed cases past their service's retention period. Safe to run twice."""
    from frontdoor import unit_of_work
    from frontdoor.services import retention

    with _app_context(), unit_of_work.unit():  # after the commit, the files of the anonymised cases are removed
        return retention.anonymise_expired()


def sweep_draft_uploads() -> int:
    """Every 15 minutes: delete the files of forms that expired unsubmitted. Safe to run twice."""
    from frontdoor import unit_of_work
    from frontdoor.services import uploads

    with _app_context():
        with unit_of_work.unit():
            count = uploads.sweep_expired_drafts()
        return count


def snapshot_past_due() -> int:
    """Each minute: count open cases past their due time for the dashboards (metrics.snapshots)."""
    from frontdoor import unit_of_work
    from frontdoor.metrics import snapshots

    with _app_context(), unit_of_work.unit():
        return snapshots.take_past_due()
