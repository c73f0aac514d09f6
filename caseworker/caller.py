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
from frontdoor.metrics.definitions import CHANNEL_LABELS, OUTCOME_LABELS
from frontdoor.services import audit, single_view
from frontdoor.services.registry import definition as current_definition
from frontdoor.services.workflow_versions import for_case


@bp.app_template_global()
def case_in_words(case) -> str:
    """"Missed bin collection (Return scheduled)": the service and state as the definition names them."""
    found = for_case(case)
    state = found.states.get(case.state) if found else None
    title = found.title if found else case.workflow_id.replace("_", " ")
    return f"{title} ({state.label if state else case.state.replace('_', ' ')})"


@bp.app_template_global()
def contact_in_words(contact) -> str:
    """"Phone, missed bin collection (Resolved at first contact)"."""
    reason = "General enquiry" if contact.reason == "general_enquiry" else (
        getattr(current_definition(contact.reason), "title", None) or contact.reason.replace("_", " "))
    return (f"{CHANNEL_LABELS.get(contact.channel, contact.channel)}, {reason[:1].lower() + reason[1:]} "
            f"({OUTCOME_LABELS.get(contact.outcome, contact.outcome)})")


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
