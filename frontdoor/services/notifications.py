"""Resident notifications: rendered from the case, stored (embedded) or sent through GOV.UK Notify."""
from __future__ import annotations

import functools
import re

from flask import current_app
from sqlalchemy import insert, select
from sqlalchemy.orm import joinedload, lazyload

from frontdoor.extensions import db
from frontdoor.models import Case, Notification, OutboxMessage, Property
from frontdoor.models.base import utcnow
from frontdoor.services import manage_links, outbox, properties
from frontdoor.services.registry import definition as get_definition
from frontdoor.services.registry import working_calendar

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

DEFAULT_TEMPLATES = {
    "acknowledgement": {
        "subject": "We have received your request {reference}",
        "body": "Dear {name},\n\nThank you for your request: {service}. Your reference is {reference}.\n\n"
        "Track it at any time: {track_url}",
    },
    "transition": {
        "subject": "Update on your request {reference}",
        "body": "Dear {name},\n\n{message}\n\nYour reference is {reference}. Track it: {track_url}",
    },
    "more_information": {
        "subject": "We need more information about your request {reference}",
        "body": "Dear {name},\n\n{message}\n\nPlease add the information to your request: {track_url}\n\n"
        "Your reference is {reference}.",
    },
    "closure": {
        "subject": "Your request {reference} is finished",
        "body": "Dear {name},\n\n{message}\n\nTell us how we did: {track_url}\n\nYour reference is {reference}.",
    },
}

LINK_REMOVED = "[link removed]"
# Emails about the account itself (no case). {link} is the single-use link, if any.
ACCOUNT_TEMPLATES = {
    "verify_email": {
        "subject": "Confirm your email address",
        "body": "Confirm your email address to finish creating your account:\n\n{link}\n\n"
        "The link works once and for 24 hours. If you did not ask for an account, ignore this email.",
    },
    "already_registered": {
        "subject": "You already have an account",
        "body": "Someone tried to create an account with this email address, but you already have one.\n\n"
        "If it was you and you have forgotten your password, reset it here: {link}\n\n"
        "If it was not you, you do not need to do anything.",
    },
    "no_account": {
        "subject": "You do not have an account",
        "body": "Someone asked to reset the password of an account with this email address, but there is no "
        "account for it.\n\nIf it was you, you can create an account: {link}\n\n"
        "If it was not you, you do not need to do anything.",
    },
    "reset_password": {
        "subject": "Reset your password",
        "body": "Use this link to choose a new password:\n\n{link}\n\n"
        "The link works once and for 1 hour. If you did not ask for this, ignore this email: your password has not changed.",
    },
    "confirm_email_change": {
        "subject": "Confirm your new email address",
        "body": "Confirm this is your new email address for your account:\n\n{link}\n\nThe link works once and for 24 hours.",
    },
    "email_changed": {
        "subject": "Your email address has changed",
        "body": "The email address on your account has been changed. If this was not you, call us.",
    },
}


# Emails about a booking or subscription with no case (a payment link, a receipt). Each service adds its own.
BOOKING_TEMPLATES: dict[str, dict[str, str]] = {}


def render(template: str, values: dict[str, str]) -> str:
    """Fill {placeholders} from plain values; unknown ones are left empty. Never evaluates anything."""
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), template)


def case_values(case: Case, extra: dict | None = None) -> dict[str, str]:
    definition = get_definition(case.workflow_id)
    container = ""
    if case.property and case.answers.get("container"):
        for c in case.property.containers:
            if str(c.id) == str(case.answers["container"]):
                container = c.label.lower()
    due = ""
    if case.sla_due_at:
        day = working_calendar().local(case.sla_due_at).date()
        due = f"{day:%A} {day.day} {day:%B %Y}"
    values = {
        "council_phone": current_app.config["COUNCIL_PHONE"],
        "reference": case.reference,
        "name": case.customer.full_name if case.customer else "",
        "service": definition.title if definition else case.workflow_id,
        "address": properties.case_address(case, definition),
        "container": container,
        "due_date": due,
        "track_url": current_app.config["PUBLIC_URL"].rstrip("/") + "/track",
        # Opens the request (and a booking's change and cancel pages) in any browser: the link went only to them.
        "manage_url": manage_links.link_for(case.reference),
        "council": current_app.config["COUNCIL_NAME"],
    }
    values.update(extra or {})
    return values


def queue_for_case(case: Case, template: str, extra: dict | None = None) -> OutboxMessage | None:
    """Write the outbox row for a notification, if the customer can and wants to be reached."""
    customer = case.customer
    if customer is None or customer.contact_preference == "none":
        return None
    if customer.contact_preference == "sms" and not customer.phone_e164:
        return None
    if customer.contact_preference == "email" and not customer.email:
        return None
    return outbox.add("notification", {"template": template, "case_id": case.id, "extra": extra or {}}, case)


@functools.cache  # built once: the options are immutable and cost more to build than the look-up they steer
def _case_options():
    # One query for everything a message shows (customer, address, bins), not one per relation;
    # not the case's history either (Case.events loads eagerly elsewhere), which no template shows.
    return (joinedload(Case.customer), joinedload(Case.property).joinedload(Property.containers),
            lazyload(Case.events))


def _load_cases(messages: list) -> list[Case]:
    """A batch's cases in one query; each handler then finds its case in the session."""
    ids = {m.payload["case_id"] for m in messages}
    return list(db.session.scalars(select(Case).where(Case.id.in_(ids)).options(*_case_options())).unique())


@outbox.handler("notification", prefetch=_load_cases)
def deliver_notification(message: outbox.Claimed) -> None:
    case = db.session.get(Case, message.payload["case_id"], options=_case_options())
    if case is None:
        raise LookupError(f"case {message.payload['case_id']} not found")
    customer = case.customer
    if customer is None:  # no one to tell: a case with no customer (an anonymous report)
        return
    template_name = message.payload["template"]
    definition = get_definition(case.workflow_id)
    template = DEFAULT_TEMPLATES[template_name]
    if template_name == "acknowledgement" and definition and definition.acknowledgement:
        template = definition.acknowledgement
    values = case_values(case, message.payload.get("extra"))
    channel = "sms" if customer.contact_preference == "sms" else "email"
    recipient = customer.phone_e164 if channel == "sms" else customer.email
    if not recipient:  # anonymised (account closed) since the row was written: nobody to tell
        return
    subject = render(template["subject"], values)
    body = render(template["body"], values)
    _store_and_send(message, case.id, channel, recipient, template_name, subject, body)


@outbox.handler("account_email")
def deliver_account_email(message: outbox.Claimed) -> None:
    template_name = message.payload["template"]
    template = ACCOUNT_TEMPLATES[template_name]
    values = {"council": current_app.config["COUNCIL_NAME"], **message.payload.get("values", {})}
    token = message.payload.get("token")
    stored_body = None
    if token:  # a single-use link: built now from the token's id, sent, and never stored
        from frontdoor.services.accounts import token_link

        stored_body = render(template["body"], {**values, "link": LINK_REMOVED})
        values["link"] = token_link(token["id"], token["endpoint"])
    _store_and_send(message, None, "email", message.payload["to"], template_name,
                    render(template["subject"], values), render(template["body"], values), stored_body)


@outbox.handler("booking_email")
def deliver_booking_email(message: outbox.Claimed) -> None:
    template_name = message.payload["template"]
    template = BOOKING_TEMPLATES[template_name]
    values = {"council": current_app.config["COUNCIL_NAME"], **message.payload.get("values", {})}
    _store_and_send(message, None, "email", message.payload["to"], template_name,
                    render(template["subject"], values), render(template["body"], values))


_INSERT_NOTIFICATION = insert(Notification.__table__)


def _store_and_send(message: outbox.Claimed, case_id, channel, recipient, template_name, subject, body,
                    stored_body: str | None = None) -> None:
    """Send through Notify when configured, and always keep a copy staff can see (stored_body, if
    given, is the copy to keep: the message with its single-use link removed).

    A Notify error propagates: the outbox row stays pending and is retried, the copy is not written.
    """
    provider, provider_id = "stored", None
    if current_app.config.get("NOTIFY_API_KEY"):
        provider, provider_id = "notify", _send_with_notify(channel, recipient, template_name, subject, body, message.id,
                                                            look_first=message.may_have_been_sent)
    # A plain INSERT: nothing reads the row back here, so the unit of work would only add cost.
    db.session.execute(_INSERT_NOTIFICATION, dict(
        outbox_id=message.id, case_id=case_id, channel=channel, recipient=recipient, template=template_name,
        subject=subject, body=body if stored_body is None else stored_body, provider=provider, provider_id=provider_id, created_at=utcnow()))


def _send_with_notify(channel, recipient, template_name, subject, body, outbox_id, look_first: bool = False) -> str:
    from notifications_python_client.notifications import NotificationsAPIClient

    client = NotificationsAPIClient(current_app.config["NOTIFY_API_KEY"], base_url=current_app.config["NOTIFY_BASE_URL"])
    template_id = current_app.config.get(f"NOTIFY_TEMPLATE_{channel.upper()}", "")
    personalisation = {"subject": subject, "body": body}
    reference = f"outbox-{outbox_id}"  # Notify's own record of which outbox row this was
    if look_first:
        # A retry, or a row a dead worker may have sent before its commit: Notify keeps the
        # reference, so a message it already has is not sent a second time.
        already = client.get_all_notifications(reference=reference).get("notifications") or []
        if already:
            return already[0].get("id")
    if channel == "sms":
        response = client.send_sms_notification(recipient, template_id, personalisation=personalisation, reference=reference)
    else:
        response = client.send_email_notification(recipient, template_id, personalisation=personalisation, reference=reference)
    return response.get("id")
