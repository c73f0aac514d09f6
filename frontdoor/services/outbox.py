"""The outbox: side effects written with the change, delivered after the commit, exactly once.

add() is called inside a service (same transaction). The unit of work (frontdoor.unit_of_work) takes
the new rows' ids before its commit (take_pending) and, after it, frontdoor.jobs hands them to RQ
(or, embedded, delivers them inline).
deliver() claims the row (one UPDATE locks it and marks it sent, only if pending) and does nothing
if it was already delivered, so a job run twice, or enqueued twice, sends once. deliver_batch() is
what the job calls: the same for its row, then a few more rows waiting in one transaction, so a
backlog costs one job and one commit per batch.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm.util import identity_key

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import Case, OutboxMessage
from frontdoor.models.base import utcnow

log = logging.getLogger(__name__)
HANDLERS: dict[str, Callable[["Claimed"], None]] = {}
PREFETCH: dict[str, Callable[[list], object]] = {}
_PENDING_KEY = "frontdoor.outbox.new"
# The first try plus RQ's retries (jobs.RETRY_INTERVALS); after that a row is a dead letter.
MAX_ATTEMPTS = 6
# deliver_batch() starts no further row after this long: the job stays short whatever the handlers do.
BATCH_SECONDS = 2.0


def handler(kind: str, prefetch: Callable[[list], object] | None = None):
    """Register the handler for a kind: it gets the row as Claimed. prefetch, if given, loads what a
    batch of rows of that kind needs in one go, from rows with .id and .payload (deliver_batch keeps
    what it returns while the handlers run)."""
    def register(func):
        HANDLERS[kind] = func
        if prefetch is not None:
            PREFETCH[kind] = prefetch
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


def take_pending(session) -> list[int]:
    """Before the commit (a unit_of_work hook): the ids of the rows this transaction wrote."""
    messages = session.info.pop(_PENDING_KEY, [])
    if messages:
        session.flush()
    return [m.id for m in messages if m.id is not None]


def discard_pending(session) -> None:
    session.info.pop(_PENDING_KEY, None)


# Routes that catch a refusal roll back what it left (outbox.rollback()); it is the unit of work's.
rollback = unit_of_work.rollback


def deliver(message_id: int) -> bool:
    """Deliver one row if still pending. Flushes; the caller commits. True if it sent now."""
    return _claim_and_send(message_id) is not None


def deliver_batch(message_id: int, size: int, seconds: float = BATCH_SECONDS) -> list[int]:
    """deliver(message_id), then up to size - 1 more rows of its kind that nothing has tried yet, in the
    same transaction: one job and one commit for several rows. Flushes; the caller commits. Returns the
    ids sent now, this row first ([] if it was not pending).

    Each further row is locked (rows another worker holds are skipped), checked pending and marked
    sent once, like this one, and handled in a savepoint: one that fails is rolled back alone and
    left pending, untried, for its own job, which counts the try and retries. Rows that have failed
    before (attempts > 0) wait for their own retry. No further row is started after `seconds`, so a
    slow handler cannot hold the job long.
    """
    first = _claim_and_send(message_id)
    if first is None:
        return []
    started = time.monotonic()
    kind = first.kind
    more = db.session.execute(  # ids and payloads (what a prefetch reads), not ORM rows
        select(OutboxMessage.id, OutboxMessage.payload)
        .where(OutboxMessage.status == "pending", OutboxMessage.attempts == 0, OutboxMessage.kind == kind,
               OutboxMessage.id != message_id)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
        .limit(size - 1)
        .with_for_update(skip_locked=True)
    ).all() if size > 1 else []
    # Held while the handlers run: the session keeps only weak references to rows it has not changed.
    prefetched = PREFETCH[kind](more) if more and kind in PREFETCH else None
    sent = [message_id]
    for message in more:
        if time.monotonic() - started > seconds:
            break
        try:
            with db.session.begin_nested():
                claimed = _claim_and_send(message.id)
        except Exception:  # noqa: BLE001  its own job delivers it, or counts the failure and retries
            log.warning("outbox %s failed in a batch; left for its own job", message.id, exc_info=True)
        else:
            if claimed is not None:
                sent.append(message.id)
    del prefetched
    return sent


@dataclass(frozen=True)
class Claimed:
    """A row claimed for delivery: what a handler reads (not the ORM row, which would need loading)."""

    id: int
    kind: str
    payload: dict
    case_id: int | None
    # Sent before, perhaps: a try failed, or the row waited past a first dispatch (a worker killed
    # mid-send leaves no trace of its try). A sender with a provider-side record looks there first.
    may_have_been_sent: bool = False


_T = OutboxMessage.__table__
# One statement locks the row, checks it is still pending and marks it sent (one try counted). A
# handler that raises rolls the claim back with the rest of the transaction (or its savepoint), so
# the row is pending again for the retry; a second job for the row waits on the lock, then finds it
# sent and gets no row back.
_CLAIM = (text("UPDATE outbox SET status = 'sent', attempts = attempts + 1, delivered_at = :now, last_error = NULL"
               " WHERE id = :id AND status = 'pending' RETURNING kind, payload, case_id, attempts, created_at")
          .bindparams(bindparam("now", type_=_T.c.delivered_at.type))
          .columns(_T.c.kind, _T.c.payload, _T.c.case_id, _T.c.attempts, _T.c.created_at))
# A row first dispatched longer ago than this may have been sent by a worker that died before its commit.
FIRST_DISPATCH_SECONDS = 30


def _claim(message_id: int) -> Claimed | None:
    row = db.session.execute(_CLAIM, {"id": message_id, "now": utcnow()}).one_or_none()
    held = db.session.identity_map.get(identity_key(OutboxMessage, message_id))
    if held is not None:  # loaded earlier in this session: read it afresh next time, not as it was
        db.session.expire(held)
    if row is None:
        return None
    waited = (utcnow() - row.created_at).total_seconds() > FIRST_DISPATCH_SECONDS if row.created_at else False
    return Claimed(message_id, row.kind, row.payload, row.case_id, may_have_been_sent=row.attempts > 1 or waited)


def _claim_and_send(message_id: int) -> Claimed | None:
    """The row, claimed and handled; None if it is not there or no longer pending."""
    message = _claim(message_id)
    if message is not None:
        HANDLERS[message.kind](message)
        db.session.flush()  # the handler's own writes, inside the caller's savepoint if it has one
    return message


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
