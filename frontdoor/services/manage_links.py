"""Signed links that let a resident manage what they booked from any browser: the link in the
confirmation email names one reference, is signed with the app's secret and lasts a year and a
bit (a subscription's life), so no table is needed. Holding it is as good as giving the reference
with the email on /track: the link only ever went to that email.
"""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from frontdoor.services.references import normalise_issued_reference

SALT = "manage-booking-link"
DEFAULT_DAYS = 400


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token_for(reference: str) -> str:
    return _signer().dumps(reference)


def link_for(reference: str) -> str:
    """The absolute link for an email (services build no routes: the path is fixed by portal/manage.py)."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/manage/" + token_for(reference)


def reference_for(token: str) -> str | None:
    """The reference a link names, or None for a link that was altered or has expired."""
    days = int(current_app.config.get("MANAGE_LINK_DAYS", DEFAULT_DAYS))
    try:
        reference = _signer().loads(token, max_age=days * 86400)
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    return normalise_issued_reference(reference) if isinstance(reference, str) else None
