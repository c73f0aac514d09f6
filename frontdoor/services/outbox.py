"""The outbox: side effects written with the change, delivered after the commit, exactly once.

add() is called inside a service (same transaction). commit() is what a request or job calls to
end its unit of work: it commits, then hands the new rows to RQ (or, embedded, delivers inline).
deliver() locks the row and does nothing if it was already delivered, so a job run twice, or
enqueued twice, sends once.
"""
from __future__ import annotations

import logging
from typing import Callable

from flask import current_app
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Case, OutboxMessage
from frontdoor.models.base import utcnow

log = logging.getLogger(__name__)
HANDLERS: dict[str, Callable[[OutboxMessage], None]] = {}
_PENDING_KEY = "frontdoor.outbox.new"
# The first try plus RQ's retries (jobs.RETRY_INTERVALS); after that a row is a dead letter.
MAX_ATTEMPTS = 6


def handler(kind: str):
    def register(func):
        HANDLERS[kind] = func
        return func

    return register


def add(kind: str, payload: dict, case: Case | None = None) -> OutboxMessage:
    if kind not in HANDLERS:
        raise ValueError(f"no outbox handler for {kind!r}")
    message = OutboxMessage(kind=kind, payload=payload, case_id=case.id if case else None, status="pending")
    db.session.add(message)
    dispatch_after_commit(message)
    return message


def dispatch_after_commit(message: OutboxMessage) -> None:
    """Hand the row to RQ once this unit of work commits. Not flushed here: its id is read at commit,
    after the one flush that writes it with everything else."""
    db.session.info.setdefault(_PENDING_KEY, []).append(message)


def commit() -> None:
    """End the unit of work: one commit, then dispatch what it wrote to the outbox."""
    from frontdoor.metrics.rollups import take_flag

    messages = db.session.info.pop(_PENDING_KEY, [])
    try:
        if messages:
            db.session.flush()
        ids = [m.id for m in messages if m.id is not None]
        rollups_flag = take_flag(db.session)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    dispatch(ids)
    if rollups_flag:
        from frontdoor import jobs

        jobs.schedule_rollups()


def rollback() -> None:
    db.session.info.pop(_PENDING_KEY, None)
    db.session.info.pop("frontdoor.rollups.pending", None)
    db.session.rollback()


def dispatch(ids: list[int]) -> None:
    if not ids:
        return
    from frontdoor import jobs

    if current_app.config.get("REDIS_URL"):
        for message_id in ids:
            try:
                jobs.enqueue_delivery(message_id)
            except Exception:  # Redis down: the row stays pending and the sweep sends it later.
                log.exception("could not enqueue outbox %s; left for the sweep", message_id)
    else:
        for message_id in ids:
            try:
                deliver(message_id)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("inline delivery of outbox %s failed; left pending", message_id)


def deliver(message_id: int) -> bool:
    """Deliver one row if still pending. Flushes; the caller commits. True if it sent now."""
    message = db.session.execute(
        select(OutboxMessage).where(OutboxMessage.id == message_id).with_for_update()
    ).scalar_one_or_none()
    if message is None or message.status != "pending":
        return False
    message.attempts += 1
    HANDLERS[message.kind](message)
    message.status = "sent"
    message.delivered_at = utcnow()
    message.last_error = None
    db.session.flush()
    return True


def record_failure(message_id: int, error: str) -> None:
    message = db.session.get(OutboxMessage, message_id)
    if message is not None and message.status == "pending":
        message.attempts += 1
        message.last_error = error[:2000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = "failed"  # the dead-letter list: an admin looks and may retry
        db.session.flush()


def pending_ids(older_than_seconds: int = 60, limit: int = 500) -> list[int]:
    from datetime import timedelta

    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    return list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == "pending", OutboxMessage.created_at < cutoff)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
