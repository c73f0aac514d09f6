"""The JSON API at /api/v1: what Open311 lacks. Case history, public updates, transitions by name,
signed events from a back office, and bin-day feeds."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from flask import Response, current_app, request
from sqlalchemy import select

from frontdoor import unit_of_work
from frontdoor.api import bp
from frontdoor.api.georeport import w3c
from frontdoor.api.keys import require
from frontdoor.extensions import db
from frontdoor.ids import whole_number
from frontdoor.models import Case, CaseEvent
from frontdoor.services import api_keys, bin_days, properties, webhooks
from frontdoor.services.actors import Actor
from frontdoor.services.api_keys import KeyRefused
from frontdoor.services.references import normalise_reference
from frontdoor.services.registry import definition as get_definition
from frontdoor.services.registry import working_calendar
from frontdoor.services.transitions import TransitionForbidden, TransitionRefused, available, transition

MESSAGE_MAX = 2000


class ApiError(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def problem(status: int, description: str) -> Response:
    body = {"errors": [{"code": status, "description": description}]}
    return Response(json.dumps(body), status=status, mimetype="application/json")


def ok(data, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")


def _handled(view):
    """Refusals become JSON errors and leave nothing written."""
    from functools import wraps

    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except KeyRefused as exc:
            unit_of_work.rollback()
            return problem(exc.status, str(exc))
        except ApiError as exc:
            unit_of_work.rollback()
            return problem(exc.status, exc.description)
        except TransitionForbidden as exc:
            unit_of_work.rollback()
            return problem(403, str(exc))
        except TransitionRefused as exc:
            unit_of_work.rollback()
            return problem(409, str(exc))

    return wrapped


def _case(reference: str) -> Case:
    ref = normalise_reference(reference)
    case = db.session.scalar(select(Case).where(Case.reference == ref)) if ref else None
    if case is None:
        raise ApiError(404, f"Case '{reference[:20]}' was not found")
    return case


def _json_body() -> dict:
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # nesting deeper than the parser goes ("[[[[..."): silent= does not cover it
        body = None
    if not isinstance(body, dict):
        raise ApiError(400, "The body must be a JSON object")
    try:
        # JSON may spell a lone surrogate ("\ud800"): Python keeps it, PostgreSQL cannot store it.
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, "The body must be Unicode text: it holds an unpaired surrogate escape") from None
    return body


def _text(body: dict, name: str, *, required: bool, limit: int = MESSAGE_MAX) -> str:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise ApiError(400, f"'{name}' is required")
        return ""
    if not isinstance(value, str):
        raise ApiError(400, f"'{name}' must be a string")
    value = value.strip()
    if required and not value:
        raise ApiError(400, f"'{name}' is required")
    if len(value) > limit:
        raise ApiError(400, f"'{name}' must be {limit} characters or fewer")
    return value


def event_json(event: CaseEvent, internal: bool) -> dict:
    data = {"id": event.id, "at": w3c(event.created_at), "kind": event.kind, "actor_type": event.actor_type,
            "from_state": event.from_state, "to_state": event.to_state, "transition": event.transition,
            "message": event.public_message}
    if internal:
        data["actor"] = event.actor_label
        data["internal_note"] = event.internal_note
    return data


def case_json(case: Case, internal: bool, actor: Actor | None = None) -> dict:
    """actor: the key's, so `transitions` lists only what this client may make."""
    d = get_definition(case.workflow_id)
    state = d.states.get(case.state) if d else None
    events = [e for e in case.events if internal or e.public_message]
    address = (properties.case_address(case, d) or None) if internal else None
    return {
        "reference": case.reference,
        "service_code": case.workflow_id,
        "service_name": d.title if d else case.workflow_id,
        "state": case.state,
        "state_label": state.label if state else case.state,
        "category": case.state_category,
        "status": "closed" if case.state_category == "closed" else "open",
        "resolution": case.resolution,
        "channel": case.channel,
        "address_id": case.property.uprn if case.property else None,
        # Staff keys only: the address on one line, the gazetteer's or, with no UPRN, as the resident typed it.
        **({"address": address, "address_typed": case.property is None and address is not None} if internal else {}),
        "created_at": w3c(case.created_at),
        "updated_at": w3c(case.updated_at),
        "closed_at": w3c(case.closed_at),
        "expected_at": w3c(case.sla_due_at),
        "transitions": [t.name for t in (available(case, actor) if actor else [])],
        "history": [event_json(e, internal) for e in events],
    }


@bp.get("/api/v1/cases/<reference>")
@_handled
def case_detail(reference):
    key = require("read")
    case = _case(reference)
    return ok(case_json(case, "internal" in key.scopes, api_keys.actor(key)))


@bp.post("/api/v1/cases/<reference>/updates")
@_handled
def case_update(reference):
    key = require("write")
    case = _case(reference)
    message = _text(_json_body(), "message", required=True)
    event = CaseEvent(kind="note", actor_type="system", actor_label=f"API client {key.client}",
                      public_message=message, data={"source": key.client})
    case.events.append(event)
    db.session.flush()
    return ok(event_json(event, "internal" in key.scopes), 201)


@bp.post("/api/v1/cases/<reference>/transitions")
@_handled
def case_transition(reference):
    key = require("write")
    case = _case(reference)
    body = _json_body()
    name = _text(body, "transition", required=True, limit=64)
    note = _text(body, "note", required=False)
    actor = api_keys.actor(key)
    event = transition(case, name, actor, {"note": note, "source": key.client})
    return ok({"case": case_json(case, "internal" in key.scopes, actor), "event": event_json(event, "internal" in key.scopes)}, 201)


def _transition_for_event(case: Case, event_name: str) -> str:
    """A back office's event names a transition ("mark_collected") or the state it leads to
    ("collected", "not presented"), so each system can keep its own vocabulary's nouns."""
    d = get_definition(case.workflow_id)
    wanted = event_name.strip().lower().replace(" ", "_").replace("-", "_")
    steps = d.transitions_for(case.state, None) if d else []
    for step in steps:
        if step.name == wanted:
            return step.name
    for step in steps:
        if step.to == wanted:
            return step.name
    raise ApiError(409, f"'{event_name}' cannot happen while the case is '{case.state}'")


@bp.post("/api/v1/cases/<reference>/events")
@_handled
def case_event(reference):
    key = require("events")
    secret = (current_app.config.get("WEBHOOK_TARGETS", {}).get(key.client) or {}).get("secret")
    if not secret:
        raise ApiError(403, f"No signing secret is configured for client '{key.client}'")
    raw = request.get_data(cache=True)
    try:
        webhooks.verify(secret, request.headers.get(webhooks.TIMESTAMP_HEADER),
                        request.headers.get(webhooks.SIGNATURE_HEADER), raw,
                        max_age=current_app.config["WEBHOOK_MAX_AGE_SECONDS"])
    except webhooks.SignatureRefused as exc:
        raise ApiError(401, str(exc)) from None
    case = _case(reference)
    body = _json_body()
    _bound_to(body, case)
    event_name = _text(body, "event", required=True, limit=64)
    external_id = _text(body, "id", required=False, limit=100)
    note = _text(body, "note", required=False)
    actor = api_keys.actor(key, key.client)
    if external_id:
        for e in case.events:
            if (e.data or {}).get("external_id") == external_id and (e.data or {}).get("source") == key.client:
                return ok({"duplicate": True, "event": event_json(e, False), "case": case_json(case, False, actor)})
    name = _transition_for_event(case, event_name)
    event = transition(case, name, actor,
                       {"note": note or f"'{event_name}' reported by {key.client}", "source": key.client,
                        "external_id": external_id or None})
    return ok({"duplicate": False, "event": event_json(event, False), "case": case_json(case, False, actor)}, 201)


def _bound_to(body: dict, case: Case) -> None:
    """The signature covers the body, so the body names the case: a signed event replayed to
    another case's URL is refused, not applied there."""
    named = body.get("case")
    if not isinstance(named, str) or not named.strip():
        raise ApiError(401, 'The signed body must name its case: {"case": "<reference>", ...}')
    if normalise_reference(named) != case.reference:
        raise ApiError(401, f"The signed body is for case '{named[:20]}', not '{case.reference}'")


def _property(uprn: str):
    prop = properties.by_uprn(uprn) if uprn.isdigit() and len(uprn) <= 12 else None
    if prop is None:
        raise ApiError(404, f"UPRN '{uprn[:20]}' was not found")
    return prop


def _weeks() -> int:
    weeks = whole_number(request.args.get("weeks", "4"), minimum=1)
    if weeks is None or weeks > 12:
        raise ApiError(400, "weeks must be a whole number from 1 to 12")
    return weeks


def _today():
    return working_calendar().local(datetime.now(timezone.utc)).date()


@bp.get("/api/v1/properties/<uprn>/collections.json")
@_handled
def collections_json(uprn):
    prop = _property(uprn)
    items = bin_days.next_collections(prop, _today(), _weeks())
    return ok({"uprn": prop.uprn, "address": prop.single_line,
               "collections": [{**c, "date": c["date"].isoformat()} for c in items]})


@bp.get("/api/v1/properties/<uprn>/collections.ics")
@_handled
def collections_ics(uprn):
    from icalendar import Calendar, Event

    from frontdoor.services.collection_calendar import format_day, upcoming

    prop = _property(uprn)
    items = upcoming(prop, _today(), _weeks())  # on their revised days: bank holidays and the council's changes
    cal = Calendar()
    cal.add("prodid", f"-//{current_app.config['COUNCIL_NAME']}//Bin days//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Bin days: {prop.address_line1}")
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    for c in items:
        event = Event()
        # The uid names the usual day, so a calendar app updates a moved collection rather than adding one.
        event.add("uid", f"{prop.uprn}-{c.container_id}-{c.usual_date:%Y%m%d}@frontdoor")
        event.add("dtstamp", stamp)
        event.add("dtstart", c.date)
        event.add("summary", f"{c.label} collection")
        if c.moved:
            event.add("description", f"Moved from {format_day(c.usual_date)} {c.reason}")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return Response(cal.to_ical(), mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="bin-days-{prop.uprn}.ics"'})
