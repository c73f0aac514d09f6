"""Outbound webhooks (declared per transition) and the signature both directions share.

Signature: hex HMAC-SHA256 over "<timestamp>.<raw body>" with the target's secret, sent as
`X-FrontDoor-Signature: sha256=<hex>` beside `X-FrontDoor-Timestamp` (Unix seconds). The receiver
recomputes it and refuses timestamps older than a few minutes, so a captured request cannot be
replayed later. `Idempotency-Key` is the outbox row id: every retry of one delivery carries the same
key, so a receiver that saw it already can answer 200 and do nothing.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request

from flask import current_app
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Case, CaseEvent, OutboxMessage
from frontdoor.services import outbox

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-FrontDoor-Signature"
TIMESTAMP_HEADER = "X-FrontDoor-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"


class WebhookFailed(Exception):
    """The receiver did not accept the delivery; the job raises so RQ retries it."""


class SignatureRefused(Exception):
    """An inbound body whose signature or timestamp does not check out."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str | None, signature: str | None, body: bytes, *, max_age: int, now: float | None = None) -> None:
    """Raise SignatureRefused with a message that says what is wrong."""
    if not timestamp or not signature:
        raise SignatureRefused(f"Send the {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers")
    try:
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
            raise ValueError(timestamp)  # a 400-digit number parses, then overflows a float below
        sent_at = int(timestamp)
    except ValueError:
        raise SignatureRefused(f"{TIMESTAMP_HEADER} must be Unix seconds") from None
    now = time.time() if now is None else now
    if now - sent_at > max_age:
        raise SignatureRefused(f"The timestamp is older than {max_age // 60} minutes: refused as a possible replay")
    if sent_at - now > 60:
        raise SignatureRefused("The timestamp is in the future")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        raise SignatureRefused("The signature does not match the body")


def target(name: str) -> dict | None:
    found = current_app.config.get("WEBHOOK_TARGETS", {}).get(name)
    return found if isinstance(found, dict) and found.get("url") and found.get("secret") else None


def queue_for_transition(case: Case, event: CaseEvent, target_name: str) -> OutboxMessage | None:
    if target(target_name) is None:
        # A definition may declare a target this council has not configured: nothing to send.
        log.warning("webhook target %r is not configured; %s not sent", target_name, event.transition)
        return None
    payload = {
        "target": target_name,
        "event": "case.transition",
        "case": {"reference": case.reference, "service_code": case.workflow_id, "state": case.state,
                 "status": "closed" if case.state_category == "closed" else "open",
                 "uprn": case.property.uprn if case.property else None},
        "transition": event.transition,
        "from_state": event.from_state,
        "to_state": event.to_state,
        "occurred_at": event.created_at.isoformat(),
    }
    return outbox.add("webhook", payload, case)


def body_for(message: OutboxMessage) -> bytes:
    return json.dumps({"id": message.id, **message.payload}, sort_keys=True, separators=(",", ":")).encode()


@outbox.handler("webhook")
def deliver_webhook(message: outbox.Claimed) -> None:
    config = target(message.payload["target"])
    if config is None:
        raise WebhookFailed(f"webhook target {message.payload['target']!r} is not configured")
    body = body_for(message)
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        config["url"],
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "FrontDoor-Webhooks/1",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(config["secret"], timestamp, body),
            IDEMPOTENCY_HEADER: f"outbox-{message.id}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=current_app.config["WEBHOOK_TIMEOUT_SECONDS"]) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the open response
        raise WebhookFailed(f"{config['url']} answered {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise WebhookFailed(f"{config['url']} could not be reached: {exc}") from None
    if not 200 <= status < 300:
        raise WebhookFailed(f"{config['url']} answered {status}")


def dead_letters(limit: int = 200) -> list[OutboxMessage]:
    """Rows that used up their retries, newest first: what an admin looks at and may retry."""
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "failed").order_by(OutboxMessage.id.desc()).limit(limit)
    ))


def retry_dead_letter(message_id: int) -> OutboxMessage | None:
    """Put a dead letter back to pending with fresh attempts; the caller's unit of work dispatches it after its commit."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.status != "failed":
        return None
    message.status = "pending"
    message.attempts = 0
    db.session.flush()
    outbox.dispatch_after_commit(message)
    return message
