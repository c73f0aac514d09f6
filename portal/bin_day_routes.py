"""'Check your bin collection day': postcode, address, then the next collections per container with
the calendar's changes, alerts for the area, the iCalendar feed and links to report or order.
Also the answer to an alert's "Did this answer your question?". Thin: services hold the rules."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from frontdoor.services import properties, service_alerts
from frontdoor.services.collection_calendar import by_container, format_day, upcoming
from frontdoor.services.registry import definition as get_definition
from frontdoor.services.registry import working_calendar
from portal import journey
from portal.address_finder import address_step

bp = Blueprint("bin_day", __name__, template_folder="templates")

TITLE = "Check your bin collection day"
WEEKS = 4
ADDRESS_PAGE = SimpleNamespace(title="What is your address?")
ADDRESS_QUESTION = SimpleNamespace(label="Postcode", hint="For example, DB1 2AB")
# The journeys the page links to, prefilled with the address: (definition id, link text).
FOLLOW_ON = (("missed_bin", "Report a missed bin collection"), ("replacement_container", "Order a new or replacement bin"))
# Whose alerts the bin-day page shows for the address's ward.
COLLECTION_SERVICES = (service_alerts.BIN_COLLECTIONS, "missed_bin", "missed_garden_waste", "replacement_container")


@bp.app_context_processor
def _alerts_helper():
    """Service start pages show that service's current alerts (`service_alerts_for(id)`)."""
    return {"service_alerts_for": lambda service_id: service_alerts.current(service_ids=[service_id])}


def _today():
    return working_calendar().local(datetime.now(timezone.utc)).date()


@bp.get("/")
def start():
    return render_template("bin_day/start.html", title=TITLE,
                           alerts=service_alerts.current(service_ids=COLLECTION_SERVICES))


@bp.route("/address", methods=["GET", "POST"])
def address():
    return address_step(ADDRESS_PAGE, ADDRESS_QUESTION, None, lambda uprn: redirect(url_for(".collections", uprn=uprn)))


def _property_or_404(uprn: str):
    prop = properties.by_uprn(uprn) if uprn.isdigit() and len(uprn) <= 12 else None
    if prop is None:
        abort(404)
    return prop


@bp.get("/<uprn>")
def collections(uprn):
    prop = _property_or_404(uprn)
    today = _today()
    containers = by_container(prop, upcoming(prop, today, WEEKS))
    links = [(text, url_for(".follow_on", uprn=prop.uprn, service_id=sid))
             for sid, text in FOLLOW_ON if _offered(sid)]
    return render_template("bin_day/collections.html", title=f"Bin collection days for {prop.address_line1}",
                           prop=prop, containers=containers, weeks=WEEKS, format_day=format_day, links=links,
                           alerts=service_alerts.current(service_ids=COLLECTION_SERVICES, ward=prop.ward),
                           ics_url=url_for("api.collections_ics", uprn=prop.uprn, weeks=12, _external=True))


def _offered(service_id: str):
    definition = get_definition(service_id)
    return definition if definition is not None and "web" in definition.channels else None


@bp.get("/<uprn>/<service_id>")
def follow_on(uprn, service_id):
    """Start a report or order with this address chosen: the resident lands on its address list with
    the address selected, so the journey's own checks run as usual."""
    definition = _offered(service_id) if service_id in dict(FOLLOW_ON) else None
    if definition is None or not definition.property_question:
        abort(404)
    prop = _property_or_404(uprn)
    journey.save_answers(definition, {definition.property_question: prop.uprn})
    address_page = next(p for p in definition.pages if p.is_address)
    return redirect(url_for("portal.page", service_id=definition.id, page_id=address_page.id, postcode=prop.postcode))


@bp.post("/alerts/<int:alert_id>/answer")
def alert_answer(alert_id):
    alert = service_alerts.by_id(alert_id)
    form = FlaskForm()
    if alert is None or not form.validate_on_submit() or request.form.get("answer") not in ("yes", "no"):
        abort(400)
    service_alerts.answered(alert, request.form["answer"] == "yes")
    flash("Thank you for your feedback.", "success")
    back = request.form.get("back", "")
    # Only a path on this site: never an open redirect.
    return redirect(back if back.startswith("/") and not back.startswith("//") else url_for(".start"))
