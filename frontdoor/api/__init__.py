"""Open311 GeoReport v2 (/open311/v2), the JSON API (/api/v1) and their OpenAPI document.

Clients authenticate with an API key, not a session, so the blueprint is exempt from CSRF.
"""
from __future__ import annotations

from flask import Blueprint, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from frontdoor.api import keys
from frontdoor import unit_of_work
from frontdoor.extensions import csrf, limiter

bp = Blueprint("api", __name__)
csrf.exempt(bp)
limiter.limit(keys.rate_limit, key_func=keys.rate_limit_key)(bp)
bp.after_request(keys.log_call)


@bp.errorhandler(HTTPException)
def api_http_error(exc):
    """Errors in the caller's format: Open311's list of {code, description}, or the JSON API's object."""
    from frontdoor.api.formats import errors
    from frontdoor.api.v1 import problem

    unit_of_work.rollback()
    code = exc.code or 500
    description = exc.description or exc.name
    if code == 429:
        description = "Too many requests for this API key; slow down and try again in a minute"
    if request.path.startswith("/open311/"):
        return errors(requested_format(), code, description)
    return problem(code, description)


@bp.errorhandler(Exception)
def api_unexpected(exc):
    """A bug still answers in the caller's format (never the HTML error page); the detail is logged."""
    from frontdoor.api.formats import errors
    from frontdoor.api.v1 import problem

    unit_of_work.rollback()
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    description = "Something went wrong on our side; the error has been logged"
    if request.path.startswith("/open311/"):
        return errors(requested_format(), 500, description)
    return problem(500, description)


def requested_format() -> str:
    """Open311's extension: .json asks for JSON, anything else (or none) the spec's default XML."""
    return "json" if request.path.rsplit("/", 1)[-1].endswith(".json") else "xml"


def _unrouted(exc):
    """A URL under the API that matched no route never reaches the blueprint's handler; answer it in
    the API's shape too, and leave every other path to the app's own error page."""
    if request.path.startswith(("/open311/", "/api/")):
        return api_http_error(exc)
    return current_app.error_handler_spec[None][None][HTTPException](exc)


def init_app(app):
    from frontdoor.api import admin, cli, open311, openapi, v1  # noqa: F401  registers routes

    app.register_blueprint(bp)
    app.register_error_handler(NotFound, _unrouted)
    app.register_error_handler(MethodNotAllowed, _unrouted)
    app.register_blueprint(admin.bp, url_prefix="/staff")
    cli.init_app(app)
