"""Open311 GeoReport v2 at /open311/v2: XML by default (the spec's required format), JSON by suffix."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from flask import current_app, request
from sqlalchemy import select

from frontdoor import unit_of_work
from frontdoor.api import bp
from frontdoor.api.formats import errors, respond, split_format
from frontdoor.api.georeport import (
    Open311Error, api_definition, api_definitions, audience, create_request, listed_codes, service_definition,
    service_entry, service_request,
)
from frontdoor.api.keys import optional, require
from frontdoor.extensions import db
from frontdoor.models import Case
from frontdoor.models.base import utcnow
from frontdoor.services.api_keys import KeyRefused
from frontdoor.services.references import normalise_reference

PREFIX = "/open311/v2"
WINDOW_DAYS = 90  # the spec's default and largest date range
MAX_REQUESTS = 1000  # the spec's largest page
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9000, 1, 1, tzinfo=timezone.utc)
TOKEN = re.compile(r"tok_[A-Za-z0-9_-]{1,60}")  # what create_request issues: anything else cannot match


def _fmt(name: str = "") -> str | None:
    return request.view_args.get("fmt") or split_format(name)[1]


def _fail(fmt, status, description):
    return errors(fmt or "xml", status, description)


@bp.get(f"{PREFIX}/discovery")
@bp.get(f"{PREFIX}/discovery.<any(xml, json):fmt>")
def discovery(fmt="xml"):
    base = current_app.config["PUBLIC_URL"].rstrip("/") + PREFIX + "/"
    data = {"changeset": "2026-11-23T00:00:00Z", "contact": current_app.config["COUNCIL_EMAIL"],
            "key_service": "Ask the council for an API key",
            "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": base,
                           "changeset": "2026-11-23T00:00:00Z", "type": "production",
                           "formats": ["text/xml", "application/json"]}]}
    return respond(fmt, "discovery", data)


@bp.get(f"{PREFIX}/services")
@bp.get(f"{PREFIX}/services.<any(xml, json):fmt>")
def services(fmt="xml"):
    return respond(fmt, "services", [service_entry(d) for d in api_definitions()])


@bp.get(f"{PREFIX}/services/<path:name>")
@bp.get(f"{PREFIX}/service/<path:name>")  # the singular path some clients (and the spec's examples) use
def service(name):
    code, fmt = split_format(name)
    if fmt is None:
        return _fail("xml", 400, "The format must be .xml or .json")
    try:
        return respond(fmt, "service_definition", service_definition(api_definition(code)))
    except Open311Error as exc:
        return _fail(fmt, exc.status, exc.description)


@bp.post(f"{PREFIX}/requests")
@bp.post(f"{PREFIX}/requests.<any(xml, json):fmt>")
def create(fmt="xml"):
    try:
        key = require("write")
        case, token = create_request(request.form, key)
    except KeyRefused as exc:
        unit_of_work.rollback()
        return _fail(fmt, exc.status, str(exc))
    except Open311Error as exc:
        unit_of_work.rollback()
        return _fail(fmt, exc.status, exc.description)
    return respond(fmt, "service_requests", [{"service_request_id": case.reference, "token": token,
                                              "service_notice": "", "account_id": ""}])


def _reader() -> str:
    """The audience of a read: anonymous without a key (KeyRefused for a bad one)."""
    return audience(optional())


@bp.get(f"{PREFIX}/requests/<path:name>")
def request_one(name):
    reference, fmt = split_format(name)
    if fmt is None:
        return _fail("xml", 400, "The format must be .xml or .json")
    try:
        who = _reader()
    except KeyRefused as exc:
        return _fail(fmt, exc.status, str(exc))
    ref = normalise_reference(reference)
    case = db.session.scalar(select(Case).where(Case.reference == ref, Case.workflow_id.in_(listed_codes(who)))) if ref else None
    if case is None:  # one answer for unknown and not-yours, so a reference's existence is not revealed
        return _fail(fmt, 404, f"service_request_id '{_printable(reference)}' was not found")
    return respond(fmt, "service_requests", [service_request(case, who)])


def _printable(text: str, limit: int = 20) -> str:
    return "".join(c if c.isprintable() else "\ufffd" for c in text[:limit])


def _parse_date(name: str) -> datetime | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise Open311Error(400, f"{name} must be a W3C date and time, like 2026-11-23T09:00:00Z") from None
    value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    # A window of WINDOW_DAYS either side must stay inside the calendar (9999-12-31 would overflow).
    if not EARLIEST <= value <= LATEST:
        raise Open311Error(400, f"{name} must be between {EARLIEST:%Y} and {LATEST:%Y}")
    return value


@bp.get(f"{PREFIX}/requests")
@bp.get(f"{PREFIX}/requests.<any(xml, json):fmt>")
def request_list(fmt="xml"):
    try:
        who = _reader()
        query = _list_query(who)
    except KeyRefused as exc:
        return _fail(fmt, exc.status, str(exc))
    except Open311Error as exc:
        return _fail(fmt, exc.status, exc.description)
    cases = db.session.scalars(query.order_by(Case.created_at.desc(), Case.id.desc()).limit(MAX_REQUESTS)).all()
    return respond(fmt, "service_requests", [service_request(c, who) for c in cases])


def _list_query(who: str):
    query = select(Case).where(Case.workflow_id.in_(listed_codes(who)))
    raw_ids = [i for i in (request.args.get("service_request_id") or "").split(",") if i.strip()]
    if raw_ids:
        ids = [normalise_reference(i) for i in raw_ids[:MAX_REQUESTS]]  # the spec: with ids, every other filter is ignored
        return query.where(Case.reference.in_([i for i in ids if i]))
    codes = [c.strip() for c in (request.args.get("service_code") or "").split(",") if c.strip()]
    if codes:
        for code in codes:
            api_definition(code)  # 404 for an unknown code, with its name
        query = query.where(Case.workflow_id.in_(codes))
    status = (request.args.get("status") or "").strip().lower()
    if status:
        wanted = set(status.split(","))
        if not wanted <= {"open", "closed"}:
            raise Open311Error(400, "status must be open or closed")
        if wanted == {"closed"}:
            query = query.where(Case.state_category == "closed")
        elif wanted == {"open"}:
            query = query.where(Case.state_category != "closed")
    start, end = _parse_date("start_date"), _parse_date("end_date")
    if start and end and end < start:
        raise Open311Error(400, "end_date must be after start_date")
    if start and end and end - start > timedelta(days=WINDOW_DAYS):
        raise Open311Error(400, f"The date range must be {WINDOW_DAYS} days or fewer")
    if end is None:
        end = start + timedelta(days=WINDOW_DAYS) if start else utcnow()
    if start is None:
        start = end - timedelta(days=WINDOW_DAYS)
    return query.where(Case.created_at >= start, Case.created_at <= end)


@bp.get(f"{PREFIX}/tokens/<path:name>")
def token(name):
    value, fmt = split_format(name)
    if fmt is None:
        return _fail("xml", 400, "The format must be .xml or .json")
    case = db.session.scalar(select(Case).where(Case.submission_key == value)) if TOKEN.fullmatch(value) else None
    if case is None:
        return _fail(fmt, 404, f"token '{_printable(value, 30)}' was not found")
    return respond(fmt, "service_requests", [{"service_request_id": case.reference, "token": value}])


@bp.route(f"{PREFIX}/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest):
    fmt = "json" if rest.endswith(".json") else "xml"
    return _fail(fmt, 404, f"There is no GeoReport v2 resource at {PREFIX}/{rest[:60]}")
