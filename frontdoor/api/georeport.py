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
from workflows.validation import normalise_phone

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


# Who is asking, from the key's scopes: what they may see of a request.
ANONYMOUS, PARTNER, STAFF = "anonymous", "partner", "staff"


def audience(api_key) -> str:
    """No key (or one without 'read'): anonymous. 'read': a partner. 'read' and 'internal': staff systems."""
    scopes = set(api_key.scopes or []) if api_key is not None else set()
    if "read" not in scopes:
        return ANONYMOUS
    return STAFF if "internal" in scopes else PARTNER


def listed_codes(who: str) -> list[str]:
    """The services whose requests this audience may list or look up: anonymous callers only the
    services a definition makes public (`open311: {public: true}`), keyed readers every API service."""
    return [d.id for d in api_definitions() if who != ANONYMOUS or d.open311_public]


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
        if not q.asks:  # an information block: shown to the person, never answered (GeoReport's variable=false)
            attributes.append({"variable": False, "code": q.id, "datatype": "text", "required": False,
                               "datatype_description": "", "order": order,
                               "description": f"{q.label}. {q.content or ''}".strip(), "values": []})
            continue
        if q.options_from == "property_containers":
            values = [{"key": s, "name": s.title()} for s in STREAMS]
            description += (" The value is the container's stream (one of the property's own containers, e.g. "
                            "'refuse'), or its container id.")
        elif q.type == "yes_no":
            values = [{"key": "yes", "name": "Yes"}, {"key": "no", "name": "No"}]
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


FLAG_NOTES = {"phone_not_checked": "The phone number was kept as the client sent it ({phone}): it did not pass our "
                                   "format check, so it is not on the customer's record until someone confirms it"}


def _attribute_key(key: str) -> str | None:
    """'attribute[what]' and the spec's multi-valued 'attribute[what][]' -> 'what'."""
    if not key.startswith("attribute["):
        return None
    name = key[len("attribute["):]
    for tail in ("][]", "]"):
        if name.endswith(tail):
            return name[: -len(tail)]
    return None


def attribute_answers(d: Definition, form, prop: Property | None) -> tuple[dict, dict]:
    """The attribute[...] fields as submit() answers, and FixMyStreet's extras kept aside. A
    multivaluelist comes as repeated attribute[code][] (or attribute[code]) fields; an
    informational attribute (variable=false) is never answered, so anything sent for it is ignored."""
    questions = {q.id: q for q in attribute_questions(d)}
    answers: dict = {}
    extras: dict = {}
    for key in form:
        name = _attribute_key(key)
        if name is None:
            continue
        values = [(v or "").strip() for v in (form.getlist(key) if hasattr(form, "getlist") else [form[key]])]
        values = [v for v in values if v]
        q = questions.get(name)
        if q is not None and not q.asks:
            continue
        if q is not None and q.type == "checkboxes":
            answers[name] = answers.get(name, []) + values
        elif q is not None:
            if len(values) > 1:
                raise Open311Error(400, f"attribute[{q.id}] takes one value")
            answers[name] = _attribute_value(q, values[0], prop) if values else ""
        elif name in FIXMYSTREET_EXTRAS:
            extras[name] = (values[0] if values else "")[:500]
        else:
            raise Open311Error(400, f"attribute[{name[:40]}] is not an attribute of service '{d.id}'")
    for q in questions.values():
        if q.asks and q.required and not answers.get(q.id):
            raise Open311Error(400, f"attribute[{q.id}] is required: {q.label}")
        if q.type == "location" and answers.get(q.id):
            answers[q.id] = _with_point(answers[q.id], form)
    return answers, extras


def _with_point(described: str, form) -> dict:
    """A location attribute is the place described; the request's lat/long is its map point."""
    lat = _coordinate(form.get("lat"), "lat", -90, 90)
    lon = _coordinate(form.get("long"), "long", -180, 180)
    return {"description": described, **({"lat": lat, "lng": lon} if lat is not None and lon is not None else {})}


def _contact(d: Definition, form, answers: dict) -> tuple[dict, list[str]]:
    """Name, email and phone into the definition's customer fields. A phone that fails our format
    check does not refuse the report: it is kept as sent, on the case only, and flagged."""
    fields = d.customer_fields
    typed = {f: (form.get(f) or "").strip() for f in ("first_name", "last_name", "email", "phone")}
    name = " ".join(p for p in (typed["first_name"], typed["last_name"]) if p)
    flags: list[str] = []
    for field, value in (("name", name), ("email", typed["email"]), ("phone", typed["phone"])):
        if not (fields.get(field) and value):
            continue
        if field == "phone" and normalise_phone(value) is None:
            flags.append("phone_not_checked")
            continue
        answers[fields[field]] = value
    return {"phone": typed["phone"]}, flags


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
    answers, extras = attribute_answers(d, form, prop)
    contact, flags = _contact(d, form, answers)
    if d.property_question and prop is not None:
        answers[d.property_question] = prop.uprn
    token = "tok_" + secrets.token_urlsafe(18)
    try:
        result = submit(d, answers, "api", None, Actor.system(f"API client {api_key.client}"), submission_key=token)
    except SubmissionRejected as exc:
        raise Open311Error(400, rejection_message(d, exc)) from None
    if description or media_url or extras or flags:
        data = {"description": description, "media_url": media_url, "attributes": extras}
        if flags:
            data.update(contact_as_given=contact, flags=flags)
        checks = "; ".join(FLAG_NOTES[f].format(**contact) for f in flags)
        result.case.events.append(CaseEvent(
            kind="note", actor_type="system", actor_label=f"API client {api_key.client}",
            internal_note="\n\n".join(t for t in (description, checks) if t) or None, data=data,
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


def service_request(case: Case, who: str = ANONYMOUS) -> dict:
    """A case as GeoReport sees it, cut to the audience: free text (the reporter's description, staff's
    status_notes) and, for a service about a person, the exact address are personal data. Anonymous
    callers get neither; a partner key gets a public service's description; staff keys get all."""
    d = get_definition(case.workflow_id)
    public = bool(d and d.open311_public)
    show_place = public or who == STAFF
    show_text = who == STAFF or (who == PARTNER and public)
    notes = [e.public_message for e in case.events if e.public_message] if who == STAFF else []
    prop = case.property if show_place else None
    description = ""
    for e in case.events:
        if e.kind == "note" and (e.data or {}).get("description"):
            description = e.data["description"]
            break
    media = next((e.data.get("media_url") for e in case.events if e.kind == "note" and (e.data or {}).get("media_url")), "")
    point = _place(d, case) if show_place and prop is None else {}
    return {
        "service_request_id": case.reference,
        "status": "closed" if case.state_category == "closed" else "open",
        "status_notes": notes[-1] if notes else "",
        "service_name": d.title if d else case.workflow_id,
        "service_code": case.workflow_id,
        "description": description if show_text else "",
        "agency_responsible": case.team.name if case.team else current_app.config["COUNCIL_NAME"],
        "service_notice": "",
        "requested_datetime": w3c(case.created_at),
        "updated_datetime": w3c(case.updated_at),
        "expected_datetime": w3c(case.sla_due_at),
        "address": prop.single_line if prop else (point.get("description", "") if show_text else ""),
        "address_id": prop.uprn if prop else "",
        "zipcode": prop.postcode if prop else "",
        "lat": prop.latitude if prop else point.get("lat"),
        "long": prop.longitude if prop else point.get("lng"),
        "media_url": (media or "") if show_text else "",
    }


def _place(d: Definition | None, case: Case) -> dict:
    """A service with no property (a street report): its location answer, {description, lat?, lng?}."""
    for q in attribute_questions(d) if d else ():
        value = (case.answers or {}).get(q.id)
        if q.type == "location" and isinstance(value, dict):
            return value
    return {}
