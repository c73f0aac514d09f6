"""The caller in view: while a contact is in progress, every page of it shows who is on the line
(caseworker/templates/caseworker/_caller.html). The summary is a read of personal data, so the
page that showed it is audited, once, after it is rendered."""
from __future__ import annotations

from flask import g, request
from flask_login import current_user

from caseworker import contact_session
from caseworker.routes import bp
from frontdoor.auth import is_staff
from frontdoor.extensions import db
from frontdoor.models import Customer
from frontdoor.services import audit, single_view


@bp.app_template_global()
def caller_in_view():
    """The summary of the contact's caller, or None (no contact, an anonymous caller, not staff)."""
    current = contact_session.current() if is_staff() else None
    customer_id = current.get("customer_id") if current else None
    customer = db.session.get(Customer, customer_id) if customer_id else None
    if customer is None:
        return None
    g.caller_shown = customer.id
    return single_view.caller_summary(customer, current_user)


@bp.after_app_request
def audit_caller_shown(response):
    customer_id = g.pop("caller_shown", None)
    if customer_id is not None and response.status_code < 500:
        if db.session.new or db.session.dirty or db.session.deleted:
            db.session.rollback()  # what the page left unsaved was refused; the read is committed on its own
        audit.record_read(current_user, "customer.caller_summary", customer_id=customer_id, page=request.endpoint)
    return response
