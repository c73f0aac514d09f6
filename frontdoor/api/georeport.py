"""Open311 GeoReport v2 in terms of our services: service list and definitions from the workflow
registry, requests turned into submit() answers, cases turned into service requests."""
from __future__ import annotations

import math
import secrets
from datetime import datetime, timezone

from flask import current_app

from frontdoor.extensions import db
from frontdoor.models import Case, CaseEvent, Property
from frontdoor.models.properties import STREAMS
from frontdoor.services import locations, properties
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition as get_definition
from frontdoor.services.registry import registry
from frontdoor.services.submissions import SubmissionRejected, submit
from workflows import Definition

DESCRIPTION_MAX = 4000
# Question type -> Open311 datatype. Types another issue adds fall back to string.
DATATYPES = {"text": "string", "email": "string", "phone": "string", "textarea": "text", "radios": "singlevaluelist",
             "checkboxes": "multivaluelist", "number": "number", "date": "datetime", "yes_no": "singlevaluelist"}
# Attributes FixMyStreet's Open311 client adds to every request; accepted and kept with the request.
FIXMYSTREET_EXTRAS = {"fixmystreet_id", "title", "description", "report_url", "easting", "northing", "closest_address",
                      "category", "group", "report_title", "asset_details", "external_id", "usrn", "uprn"}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def api_definitions() -> list[Definition]:
    return [d for d in registry().all() if "api" in d.channels]


def api_definition(code: str) -> Definition:
    found = get_definition(code)
    if found is None or "api" not in found.channels:
        raise Open311Error(404, f"service_code '{code}' was not found")
    return found


def attribute_questions(definition: Definition):
    """The questions an Open311 client answers as attribute[...]: not the address or the contact
    details, which GeoReport carries in its own fields."""
    skip = set(definition.customer_fields.values()) | {definition.property_question}
    for page in definition.pages:
        for q in page.questions:
            if q.id not in skip and q.type != "address":
                yield q


def service_entry(d: Definition) -> dict:
    return {
        "service_code": d.id,
        "service_name": d.title,
        "description": d.summary,
        "metadata": any(True for _ in attribute_questions(d)),
        "type": "realtime",
        "keywords": f"lgsl:{d.lgsl}" if d.lgsl else "",
        "group": d.team,
    }


def service_definition(d: Definition) -> dict:
    attributes = []
    for order, q in enumerate(attribute_questions(d), start=1):
        description = q.label + (f" {q.hint}" if q.hint else "")
        if q.options_from == "property_containers":
            values = [{"key": s, "name": s.title()} for s in STREAMS]
            description += (" The value is the container's stream (one of the property's own containers, e.g. "
                            "'refuse'), or its container id.")
        else:
            values = [{"key": k, "name": label} for k, label in q.options]
        attributes.append({
            "variable": True,
            "code": q.id,
            "datatype": DATATYPES.get(q.type, "string"),
            "required": q.required,
            "datatype_description": f"At most {q.max_length} characters" if q.max_length else "",
            "order": order,
            "description": description,
            "values": values,
        })
    return {"service_code": d.id, "attributes": attributes}


def _coordinate(raw: str | None, name: str, low: float, high: float) -> float | None:
    if raw in (None, ""):
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Open311Error(400, f"{name} must be a number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise Open311Error(400, f"{name} must be between {low:g} and {high:g}")
    return value


def locate(d: Definition, form) -> Property | None:
    address_id = (form.get("address_id") or "").strip()
    lat = _coordinate(form.get("lat"), "lat", -90, 90)
    lon = _coordinate(form.get("long"), "long", -180, 180)
    address_string = (form.get("address_string") or "").strip()
    if (lat is None) != (lon is None):
        raise Open311Error(400, "lat and long must be given together")
    if not d.property_question:
        if not (address_id or lat is not None or address_string):
            raise Open311Error(400, "A location is required: lat and long, address_string or address_id")
        return None
    if address_id:
        prop = properties.by_uprn(address_id) if address_id.isdigit() and len(address_id) <= 12 else None
        if prop is None:
            raise Open311Error(400, f"address_id '{address_id[:20]}' is not a UPRN we know")
        return prop
    if lat is not None:
        prop, distance = locations.nearest(lat, lon)
        if prop is None:
            raise Open311Error(400, f"No property within {locations.MAX_DISTANCE_METRES} metres of lat/long")
        return prop
    if address_string:
        prop = locations.by_address_string(address_string[:300])
        if prop is None:
            raise Open311Error(400, "address_string does not match an address we know; send address_id (UPRN)")
        return prop
    raise Open311Error(400, "A location is required: address_id (UPRN), lat and long, or address_string")


def _attribute_value(q, raw: str, prop: Property | None):
    if q.options_from == "property_containers":
        containers = prop.containers if prop else []
        for c in containers:
            if raw == str(c.id) or raw.lower() == c.stream:
                return str(c.id)
        have = ", ".join(c.stream for c in containers) or "none"
        raise Open311Error(400, f"attribute[{q.id}]: this property has no '{raw[:40]}' container (it has: {have})")
    if DATATYPES.get(q.type) == "number":
        try:
            float(raw)
        except ValueError:
            raise Open311Error(400, f"attribute[{q.id}] must be a number") from None
    if DATATYPES.get(q.type) == "datetime":
        try:
            datetime.fromisoformat(raw)
        except ValueError:
            raise Open311Error(400, f"attribute[{q.id}] must be a date and time in ISO 8601") from None
    return raw


def create_request(form, api_key) -> tuple[Case, str]:
    """Translate a POST requests body to submit(); raise Open311Error (nothing written) if it is refused."""
    jurisdiction = current_app.config.get("OPEN311_JURISDICTION_ID")
    if jurisdiction and form.get("jurisdiction_id") not in (None, "", jurisdiction):
        raise Open311Error(404, f"jurisdiction_id '{form.get('jurisdiction_id')[:40]}' was not found")
    code = (form.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code is required")
    d = api_definition(code)
    description = form.get("description") or ""
    if len(description) > DESCRIPTION_MAX:
        raise Open311Error(400, f"description must be {DESCRIPTION_MAX} characters or fewer")
    media_url = (form.get("media_url") or "").strip()
    if media_url and (len(media_url) > 2000 or not media_url.startswith(("http://", "https://"))):
        raise Open311Error(400, "media_url must be an http or https URL of 2000 characters or fewer")
    prop = locate(d, form)
    questions = {q.id: q for q in attribute_questions(d)}
    answers: dict = {}
    extras: dict = {}
    for key in form:
        if not (key.startswith("attribute[") and key.endswith("]")):
            continue
        name = key[len("attribute["):-1]
        values = form.getlist(key) if hasattr(form, "getlist") else [form[key]]
        raw = (values[0] or "").strip() if values else ""
        if name in questions:
            answers[name] = _attribute_value(questions[name], raw, prop) if raw else ""
        elif name in FIXMYSTREET_EXTRAS:
            extras[name] = raw[:500]
        else:
            raise Open311Error(400, f"attribute[{name[:40]}] is not an attribute of service '{d.id}'")
    for q in questions.values():
        if q.required and not answers.get(q.id):
            raise Open311Error(400, f"attribute[{q.id}] is required: {q.label}")
    fields = d.customer_fields
    name = " ".join(p for p in ((form.get("first_name") or "").strip(), (form.get("last_name") or "").strip()) if p)
    for field, value in (("name", name), ("email", (form.get("email") or "").strip()), ("phone", (form.get("phone") or "").strip())):
        if fields.get(field) and value:
            answers[fields[field]] = value
    if d.property_question and prop is not None:
        answers[d.property_question] = prop.uprn
    token = "tok_" + secrets.token_urlsafe(18)
    try:
        result = submit(d, answers, "api", None, Actor.system(f"API client {api_key.client}"), submission_key=token)
    except SubmissionRejected as exc:
        raise Open311Error(400, rejection_message(d, exc)) from None
    if description or media_url or extras:
        result.case.events.append(CaseEvent(
            kind="note", actor_type="system", actor_label=f"API client {api_key.client}",
            internal_note=description or None,
            data={"description": description, "media_url": media_url, "attributes": extras},
        ))
        db.session.flush()
    return result.case, token


def rejection_message(d: Definition, exc: SubmissionRejected) -> str:
    if exc.rule is not None:
        return f"{exc.rule.title}. {exc.rule.message}".strip()
    fields = {v: k for k, v in d.customer_fields.items()}
    param = {"name": "first_name/last_name", "email": "email", "phone": "phone"}
    parts = []
    for qid, message in exc.errors.items():
        if qid == d.property_question:
            parts.append(f"address_id: {message}")
        elif qid in fields:
            parts.append(f"{param[fields[qid]]}: {message}")
        else:
            parts.append(f"attribute[{qid}]: {message}")
    return "; ".join(parts)


def w3c(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="seconds")


def service_request(case: Case) -> dict:
    d = get_definition(case.workflow_id)
    notes = [e.public_message for e in case.events if e.public_message]
    prop = case.property
    description = ""
    for e in case.events:
        if e.kind == "note" and (e.data or {}).get("description"):
            description = e.data["description"]
            break
    media = next((e.data.get("media_url") for e in case.events if e.kind == "note" and (e.data or {}).get("media_url")), "")
    return {
        "service_request_id": case.reference,
        "status": "closed" if case.state_category == "closed" else "open",
        "status_notes": notes[-1] if notes else "",
        "service_name": d.title if d else case.workflow_id,
        "service_code": case.workflow_id,
        "description": description,
        "agency_responsible": case.team.name if case.team else current_app.config["COUNCIL_NAME"],
        "service_notice": "",
        "requested_datetime": w3c(case.created_at),
        "updated_datetime": w3c(case.updated_at),
        "expected_datetime": w3c(case.sla_due_at),
        "address": prop.single_line if prop else "",
        "address_id": prop.uprn if prop else "",
        "zipcode": prop.postcode if prop else "",
        "lat": prop.latitude if prop else None,
        "long": prop.longitude if prop else None,
        "media_url": media or "",
    }
