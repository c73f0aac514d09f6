"""Managing a booking or subscription from any browser: the signed link in the confirmation email
(/manage/<token>) grants this session the reference (portal/access.py) and opens the page that
already shows it, with its change and cancel links. No new pages: the existing ones do the work.
"""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for

from frontdoor.services import manage_links, subscriptions
from frontdoor.services.queues import case_by_reference
from frontdoor.services.references import is_subscription_reference
from frontdoor.services.tracking import booking_for_case
from portal.access import grant_booking, grant_subscription, grant_tracked

bp = Blueprint("manage", __name__, template_folder="templates")


@bp.get("/<token>")
def open_link(token):
    reference = manage_links.reference_for(token)
    if reference is None:
        return render_template("portal/manage_link_problem.html", title="This link cannot be used"), 404
    if is_subscription_reference(reference):
        sub = subscriptions.by_reference(reference)
        if sub is None:
            abort(404)
        grant_subscription(sub)
        return redirect(url_for("garden.subscription", reference=sub.reference))
    case = case_by_reference(reference)
    if case is None:
        abort(404)
    booking = booking_for_case(case)
    if booking is not None:
        grant_booking(booking)
        return redirect(url_for("bulky.booking_page", reference=booking.reference))
    grant_tracked(case.reference)
    return redirect(url_for("portal.tracked", reference=case.reference))
