"""Resident notifications: rendered from the case, stored (embedded) or sent through GOV.UK Notify."""
from __future__ import annotations

import re

from flask import current_app

from frontdoor.extensions import db
from frontdoor.models import Case, Notification, OutboxMessage
from frontdoor.services import outbox
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
}


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
        "reference": case.reference,
        "name": case.customer.full_name if case.customer else "",
        "service": definition.title if definition else case.workflow_id,
        "address": case.property.single_line if case.property else "",
        "container": container,
        "due_date": due,
        "track_url": current_app.config["PUBLIC_URL"].rstrip("/") + "/track",
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


@outbox.handler("notification")
def deliver_notification(message: OutboxMessage) -> None:
    case = db.session.get(Case, message.payload["case_id"])
    customer = case.customer
    template_name = message.payload["template"]
    definition = get_definition(case.workflow_id)
    template = DEFAULT_TEMPLATES[template_name]
    if template_name == "acknowledgement" and definition and definition.acknowledgement:
        template = definition.acknowledgement
    values = case_values(case, message.payload.get("extra"))
    channel = "sms" if customer.contact_preference == "sms" else "email"
    recipient = customer.phone_e164 if channel == "sms" else customer.email
    subject = render(template["subject"], values)
    body = render(template["body"], values)
    provider, provider_id = "stored", None
    if current_app.config.get("NOTIFY_API_KEY"):
        provider, provider_id = "notify", _send_with_notify(channel, recipient, template_name, subject, body, message.id)
    db.session.add(
        Notification(
            outbox_id=message.id,
            case_id=case.id,
            channel=channel,
            recipient=recipient,
            template=template_name,
            subject=subject,
            body=body,
            provider=provider,
            provider_id=provider_id,
        )
    )


def _send_with_notify(channel, recipient, template_name, subject, body, outbox_id) -> str:
    from notifications_python_client.notifications import NotificationsAPIClient

    client = NotificationsAPIClient(current_app.config["NOTIFY_API_KEY"], base_url=current_app.config["NOTIFY_BASE_URL"])
    template_id = current_app.config.get(f"NOTIFY_TEMPLATE_{channel.upper()}", "")
    personalisation = {"subject": subject, "body": body}
    reference = f"outbox-{outbox_id}"  # Notify's own record of which outbox row this was
    if channel == "sms":
        response = client.send_sms_notification(recipient, template_id, personalisation=personalisation, reference=reference)
    else:
        response = client.send_email_notification(recipient, template_id, personalisation=personalisation, reference=reference)
    return response.get("id")
