"""Security headers (flask-talisman): a strict CSP with a per-request nonce, HSTS in production,
frame denial, and the session cookie flags config.py chose.

Our own JavaScript is external module files under /assets; the only inline script is the one in
govuk_frontend_jinja's template.html, which carries the nonce base.html passes as cspNonce.
"""
from __future__ import annotations

import secrets

from flask import has_request_context, request
from flask_talisman import Talisman

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}

def init_app(app) -> Talisman:
    """One Talisman per app: it keeps its options on the instance, so a shared one would let the
    last app created decide for all of them."""
    production = app.config["ENV_NAME"] == "production"
    talisman = Talisman(
        app,
        # Behind a TLS-terminating proxy in production; plain HTTP in development and tests.
        force_https=production and app.config.get("FORCE_HTTPS", True),
        strict_transport_security=production,
        strict_transport_security_max_age=365 * 24 * 3600,
        strict_transport_security_include_subdomains=True,
        frame_options="DENY",
        content_security_policy=CSP,
        content_security_policy_nonce_in=["script-src"],
        referrer_policy="strict-origin-when-cross-origin",
        # Talisman would otherwise overwrite config.py's choices with its own defaults.
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=app.config["SESSION_COOKIE_HTTPONLY"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
    # Talisman's csp_nonce() reads the request; templates rendered by a job have none.
    app.jinja_env.globals["csp_nonce"] = _nonce
    app.extensions["talisman"] = talisman
    return talisman


def _nonce() -> str:
    """The request's nonce. An error raised before Talisman's own before_request (a body too large,
    refused while CSRF reads the form) still gets one, and Talisman's header then names it."""
    if not has_request_context():
        return ""
    if not getattr(request, "csp_nonce", None):
        request.csp_nonce = secrets.token_urlsafe(16)
    return request.csp_nonce
