"""The API key on a request: where clients put it, per-key rate limits, and the log of every call."""
from __future__ import annotations

from flask import current_app, g, request

from frontdoor import unit_of_work
from frontdoor.services import api_keys


def presented_key() -> str | None:
    """Open311 clients send api_key as a form or query field; JSON clients may use a header."""
    header = request.headers.get("X-Api-Key") or ""
    auth = request.headers.get("Authorization", "")
    if auth.lower().startswith("bearer "):
        header = header or auth[7:].strip()
    return header or request.form.get("api_key") or request.args.get("api_key") or None


def known_key():
    """The stored key the caller presented (live or revoked), or None; looked up once per request."""
    # On the request, not g: an app context (and its g) can outlive one request, as in tests.
    if "frontdoor.api_key" not in request.environ:
        request.environ["frontdoor.api_key"] = api_keys.find(presented_key())
    return request.environ["frontdoor.api_key"]


def rate_limit_key() -> str:
    """Limit per key we issued (hashed, so the secret is never a storage key); anonymous calls and
    made-up keys per address, so inventing a key per call buys no extra allowance."""
    found = known_key()
    return "key:" + found.key_hash if found is not None else "ip:" + (request.remote_addr or "?")


def rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def require(scope: str):
    """The ApiKey for this call, or KeyRefused (the view shapes the error)."""
    key = api_keys.authenticate(presented_key(), scope)
    g.api_key_id = key.id
    return key


def optional():
    """The key on a call that anyone may make (what it shows depends on the key): None without one;
    a key that is presented but unknown or revoked is refused, not treated as no key."""
    if not presented_key():
        return None
    return require(None)


def log_call(response):
    """Every call, answered or refused, in its own small unit of work after the request's own."""
    try:
        key_id = g.get("api_key_id")
        if key_id is None and presented_key():
            found = known_key()
            if found is None:
                return response  # a made-up key: refused (or limited) by address, and no row written per guess
            key_id = found.id
        with unit_of_work.unit():
            api_keys.log_call(key_id, request.method, request.path, response.status_code, request.remote_addr)
    except Exception:  # the log must never turn an answer into an error
        unit_of_work.rollback()
        current_app.logger.exception("could not log API call")
    return response
