"""API keys: a random secret shown once, stored as its SHA-256; scoped to a client; revocable."""
from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import ApiCallLog, ApiKey
from frontdoor.models.api import DEFAULT_KEY_ROLE, SCOPES
from frontdoor.models.base import utcnow
from frontdoor.services.actors import Actor


class KeyRefused(Exception):
    """Why a key may not be used; status is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.status = status


def hash_secret(secret: str) -> str:
    # The secret has 256 bits of randomness, so a fast hash is enough (no password stretching needed).
    return hashlib.sha256(secret.encode()).hexdigest()


TRANSITION_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


def create(client: str, scopes: list[str] | tuple[str, ...], created_by: str | None = None,
           transitions: list[str] | tuple[str, ...] | None = None) -> tuple[ApiKey, str]:
    """transitions: the names this key may make through the API (any service); None or empty means
    what a caseworker may make, so a key never has more than a role unless someone chose it."""
    client = (client or "").strip()
    if not client or len(client) > 100:
        raise ValueError("Enter a client name of 100 characters or fewer")
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise ValueError(f"Choose scopes from: {', '.join(SCOPES)}")
    names = sorted({t.strip() for t in transitions or () if t.strip()})
    if any(not TRANSITION_NAME.fullmatch(t) for t in names):
        raise ValueError("Transition names are lower-case words joined by underscores, like mark_collected")
    secret = "fd_" + secrets.token_urlsafe(32)
    key = ApiKey(client=client, prefix=secret[:10], key_hash=hash_secret(secret), scopes=sorted(set(scopes)),
                 created_by=created_by, transitions=names or None)
    db.session.add(key)
    db.session.flush()
    return key, secret


def revoke(key_id: int) -> ApiKey | None:
    key = db.session.get(ApiKey, key_id)
    if key is not None and key.revoked_at is None:
        key.revoked_at = utcnow()
        db.session.flush()
    return key


def all_keys() -> list[ApiKey]:
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.id.desc())))


def find(secret: str | None) -> ApiKey | None:
    if not secret:
        return None
    return db.session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_secret(secret)))


def authenticate(secret: str | None, scope: str | None) -> ApiKey:
    """The key, if it may be used for scope (any live key when scope is None); otherwise KeyRefused
    with a specific message."""
    if not secret:
        raise KeyRefused("An api_key is required for this call", 403)
    key = find(secret)
    if key is None:
        raise KeyRefused("The api_key is not valid", 403)
    if key.revoked_at is not None:
        raise KeyRefused("The api_key has been revoked", 403)
    if scope is not None and scope not in (key.scopes or []):
        raise KeyRefused(f"The api_key does not have the '{scope}' scope", 403)
    key.last_used_at = utcnow()
    return key


def actor(key: ApiKey, label: str | None = None) -> Actor:
    """Who a key acts as when it moves a case: its own list of transitions, or a caseworker's."""
    return Actor.api_client(label or f"API client {key.client}", key.transitions, DEFAULT_KEY_ROLE)


def log_call(key_id: int | None, method: str, path: str, status: int, remote_addr: str | None) -> None:
    db.session.add(ApiCallLog(api_key_id=key_id, method=method, path=path[:300], status=status,
                              remote_addr=(remote_addr or "")[:64] or None))
    db.session.flush()
