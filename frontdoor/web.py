"""Cross-cutting web concerns: error pages, template globals, the request's unit of work."""
from __future__ import annotations

import logging

from flask import abort, current_app, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.services import links

log = logging.getLogger(__name__)

TITLES = {
    400: "There is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "The files you chose are too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


ROLE_NAMES = {"advisor": "advisor", "caseworker": "caseworker", "team_lead": "team lead", "admin": "administrator"}


def _signed_in_staff() -> bool:
    from frontdoor.auth import is_staff

    return is_staff()


def _who_to_ask() -> list[str]:
    """The team leads of the signed-in person's teams (then the administrators): who can change a role or a team."""
    from flask_login import current_user
    from sqlalchemy import select

    from frontdoor.models import StaffUser, Team

    team_ids = [t.id for t in current_user.teams]
    leads = db.session.scalars(select(StaffUser).where(StaffUser.active.is_(True), StaffUser.role == "team_lead",
                                                       StaffUser.id != current_user.id,
                                                       StaffUser.teams.any(Team.id.in_(team_ids or [-1])))
                               .order_by(StaffUser.name).limit(5)).all()
    if not leads:
        leads = db.session.scalars(select(StaffUser).where(StaffUser.active.is_(True), StaffUser.role == "admin",
                                                           StaffUser.id != current_user.id)
                                   .order_by(StaffUser.name).limit(3)).all()
    return [f"{u.name} ({ROLE_NAMES.get(u.role, u.role)})" for u in leads]


def _period_in_words(seconds: int) -> str:
    for size, unit in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            count = round(seconds / size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def too_many_attempts(exc) -> str:
    """When to try again, in words ("Wait 10 minutes"), never the limit's notation ("5 per 1 minute")."""
    item = getattr(getattr(exc, "limit", None), "limit", None)
    wait = _period_in_words(item.get_expiry()) if item is not None else "a few minutes"
    return (f"You have tried this too many times in a short time. Wait {wait} and try again. "
            f"Nothing you sent before this was lost.")


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
    from workflows.forms import error_summary

    app.add_template_global(error_summary, "wtforms_errors")  # a date's summary link goes to its Day box

    app.add_template_filter(status_label, "status_label")
    from workflows.guidance import render_guidance

    app.add_template_filter(render_guidance, "guidance")
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
        message = exc.description if code in (400, 405) else None
        if code == 429:
            message = too_many_attempts(exc)
        if code == 413:  # werkzeug's own words ("exceeds the capacity limit") are not for people
            mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
            message = (f"Together the files you chose are more than {mb}MB, so we could not take them. "
                       "Go back, choose fewer or smaller photos and send the page again.")
        if code == 403 and _signed_in_staff():
            return render_template("error.html", title="You cannot open this page with your role", message=None,
                                   status=code, staff=True, ask=_who_to_ask()), code
        return render_template("error.html", title=TITLES.get(code, exc.name), message=message, status=code), code

    @app.errorhandler(Exception)
    def unexpected(exc):
        unit_of_work.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_template("error.html", title=TITLES[500], message=None, status=500), 500
