"""Cross-cutting web concerns: error pages, template globals, the request's unit of work."""
from __future__ import annotations

import logging

from flask import abort, current_app, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from frontdoor import unit_of_work
from frontdoor.services import links

log = logging.getLogger(__name__)

TITLES = {
    400: "There is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "The file you sent is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


def init_app(app):
    from frontdoor import fragments

    fragments.init_app(app)

    @app.before_request
    def refuse_nul_characters():
        # No person types a NUL; PostgreSQL cannot store one in text, so it would surface as a 500.
        if any("\x00" in key or "\x00" in value
               for values in (request.args, request.form) for key, value in values.items(multi=True)):
            abort(400, "Your request contained characters we cannot accept. Go back and check what you entered.")

    # How a service's Link becomes a URL: the web layer owns the routes (frontdoor.services.links).
    links.set_resolver(lambda link, external: url_for(link.endpoint, _external=external, **link.values))

    @app.template_filter("local")
    def local_time(moment):
        """A stored (UTC) moment in the council's time zone, for showing to a person."""
        from frontdoor.services.registry import working_calendar

        return working_calendar().local(moment) if moment is not None else None

    from frontdoor.labels import count_of, status_label

    app.add_template_filter(status_label, "status_label")
    app.add_template_global(count_of, "count_of")

    @app.after_request
    def no_store_for_people(response):
        # Staff pages and a resident's own pages show personal data: never kept by a browser or proxy cache.
        if request.path.startswith(("/staff", "/account")):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.context_processor
    def globals_():
        return {
            "council_name": current_app.config["COUNCIL_NAME"],
            "service_name": current_app.config["SERVICE_NAME"],
            "council_phone": current_app.config["COUNCIL_PHONE"],
            "council_email": current_app.config["COUNCIL_EMAIL"],
            "payments_enabled": current_app.config["PAYMENTS_ENABLED"],
        }

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        unit_of_work.rollback()
        return (
            render_template(
                "error.html",
                title="Your form has expired",
                message="For your security, forms expire after a while or when they are sent without their "
                "security token. Go back, refresh the page and try again. Nothing was saved.",
                status=400,
            ),
            400,
        )

    @app.errorhandler(HTTPException)
    def http_error(exc):
        unit_of_work.rollback()
        code = exc.code or 500
        message = exc.description if code in (400, 405, 413, 429) else None
        return render_template("error.html", title=TITLES.get(code, exc.name), message=message, status=code), code

    @app.errorhandler(Exception)
    def unexpected(exc):
        unit_of_work.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_template("error.html", title=TITLES[500], message=None, status=500), 500
