"""The OpenAPI 3 document for Open311 GeoReport v2 and the JSON API, kept beside the routes."""
from __future__ import annotations

import json

from flask import Response

from frontdoor.api import bp

S = {"type": "string"}
NS = {"type": ["string", "null"]}
ERRORS = {"type": "array", "items": {"type": "object", "required": ["code", "description"],
                                     "properties": {"code": {"type": "integer"}, "description": S}}}
JSON_ERRORS = {"type": "object", "required": ["errors"], "properties": {"errors": ERRORS}}
SERVICE = {"type": "object", "required": ["service_code", "service_name", "metadata", "type"],
           "properties": {"service_code": S, "service_name": S, "description": S, "metadata": {"type": "boolean"},
                          "type": {"enum": ["realtime", "batch", "blackbox"]}, "keywords": S, "group": S}}
ATTRIBUTE = {"type": "object", "required": ["variable", "code", "datatype", "required", "order", "description"],
             "properties": {"variable": {"type": "boolean"}, "code": S,
                            "datatype": {"enum": ["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]},
                            "required": {"type": "boolean"}, "datatype_description": S, "order": {"type": "integer"},
                            "description": S,
                            "values": {"type": "array", "items": {"type": "object", "properties": {"key": S, "name": S}}}}}
REQUEST = {"type": "object", "required": ["service_request_id", "status", "service_code", "requested_datetime"],
           "properties": {"service_request_id": S, "status": {"enum": ["open", "closed"]}, "status_notes": S,
                          "service_name": S, "service_code": S, "description": S, "agency_responsible": S,
                          "service_notice": S, "requested_datetime": S, "updated_datetime": NS, "expected_datetime": NS,
                          "address": S, "address_id": S, "zipcode": S, "lat": {"type": ["number", "null"]},
                          "long": {"type": ["number", "null"]}, "media_url": S}}
CREATED = {"type": "array", "items": {"type": "object", "required": ["service_request_id"],
                                      "properties": {"service_request_id": S, "token": S, "service_notice": S,
                                                     "account_id": S}}}
EVENT = {"type": "object", "required": ["id", "at", "kind"],
         "properties": {"id": {"type": "integer"}, "at": S, "kind": S, "actor_type": S, "from_state": NS, "to_state": NS,
                        "transition": NS, "message": NS, "actor": S, "internal_note": NS}}
CASE = {"type": "object", "required": ["reference", "service_code", "state", "status", "history"],
        "properties": {"reference": S, "service_code": S, "service_name": S, "state": S, "state_label": S,
                       "category": {"enum": ["open", "waiting", "closed"]}, "status": {"enum": ["open", "closed"]},
                       "resolution": NS, "channel": S, "address_id": NS,
                       "address": {**NS, "description": "Staff keys only: the address on one line; with no UPRN "
                                   "(address_id null), the address the resident typed"},
                       "address_typed": {"type": "boolean", "description": "Staff keys only: true when the "
                                         "address was typed in (\"I can't find my address\"), so has no UPRN"},
                       "created_at": NS, "updated_at": NS,
                       "closed_at": NS, "expected_at": NS, "transitions": {"type": "array", "items": S},
                       "history": {"type": "array", "items": EVENT}}}
COLLECTIONS = {"type": "object", "required": ["uprn", "collections"],
               "properties": {"uprn": S, "address": S, "collections": {"type": "array", "items": {
                   "type": "object", "required": ["date", "stream"],
                   "properties": {"date": {"type": "string", "format": "date"}, "stream": S, "label": S,
                                  "container_id": {"type": "integer"}, "frequency_weeks": {"type": "integer"}}}}}}


def _fmt_param():
    return {"name": "format", "in": "path", "required": True, "schema": {"enum": ["xml", "json"]}}


def _open311(schema, *codes):
    """Responses in both formats; XML carries the same data (described by the spec, not here)."""
    out = {}
    codes = sorted(set(codes) | {400, 404, 429})  # bad format or filter, unknown resource, rate limit
    for code, body in ((200, schema), *((c, ERRORS) for c in codes)):
        out[str(code)] = {"description": "OK" if code == 200 else "Errors",
                          "content": {"application/json": {"schema": body}, "text/xml": {"schema": {"type": "string"}}}}
    return out


def _json(status, schema, *codes, description="OK"):
    out = {str(status): {"description": description, "content": {"application/json": {"schema": schema}}}}
    for c in sorted(set(codes) | {400, 404, 429}):
        out[str(c)] = {"description": "Error", "content": {"application/json": {"schema": JSON_ERRORS}}}
    return out


REF = {"name": "reference", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 20}}
UPRN = {"name": "uprn", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 20}}
KEY = [{"apiKeyHeader": []}]
ATTR_BODY = {"type": "object", "required": ["service_code"], "properties": {
    "api_key": S, "service_code": S, "jurisdiction_id": S, "lat": S, "long": S, "address_string": S,
    "address_id": S, "email": S, "device_id": S, "account_id": S, "first_name": S, "last_name": S, "phone": S,
    "description": S, "media_url": S, "attribute[container]": S}}

# Optional on reads: without it only public services' requests, without free text; with it what its scopes allow.
API_KEY_QUERY = {"name": "api_key", "in": "query", "required": False, "schema": S,
                 "description": "Optional: anonymous callers see only public services' requests, without personal data"}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "Front Door: Open311 GeoReport v2 and JSON API", "version": "1.0.0",
             "description": "Open311 answers XML by default and JSON with the .json suffix; errors are a list of "
                            "{code, description}. Write calls need an api_key (form field, X-Api-Key header or "
                            "Bearer token)."},
    "components": {"securitySchemes": {"apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}}},
    "paths": {
        "/open311/v2/services.{format}": {"get": {"operationId": "services", "parameters": [_fmt_param()],
                                                  "responses": _open311({"type": "array", "items": SERVICE})}},
        "/open311/v2/services/{service_code}.{format}": {"get": {
            "operationId": "serviceDefinition",
            "parameters": [{"name": "service_code", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[a-z_]{1,40}$"}}, _fmt_param()],
            "responses": _open311({"type": "object", "required": ["service_code", "attributes"],
                                   "properties": {"service_code": S, "attributes": {"type": "array", "items": ATTRIBUTE}}}, 400, 404)}},
        "/open311/v2/requests.{format}": {
            "get": {"operationId": "listRequests", "parameters": [
                _fmt_param(),
                {"name": "service_request_id", "in": "query", "schema": S},
                {"name": "service_code", "in": "query", "schema": S},
                {"name": "start_date", "in": "query", "schema": S},
                {"name": "end_date", "in": "query", "schema": S},
                {"name": "status", "in": "query", "schema": S},
                API_KEY_QUERY],
                "responses": _open311({"type": "array", "items": REQUEST}, 400, 403, 404)},
            "post": {"operationId": "createRequest", "parameters": [_fmt_param()],
                     "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": ATTR_BODY}}},
                     "responses": _open311(CREATED, 400, 403, 404, 429)}},
        "/open311/v2/requests/{service_request_id}.{format}": {"get": {
            "operationId": "getRequest",
            "parameters": [{"name": "service_request_id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[A-Za-z0-9-]{1,20}$"}}, _fmt_param(), API_KEY_QUERY],
            "responses": _open311({"type": "array", "items": REQUEST}, 400, 403, 404)}},
        "/open311/v2/tokens/{token}.{format}": {"get": {
            "operationId": "getToken",
            "parameters": [{"name": "token", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}}, _fmt_param()],
            "responses": _open311(CREATED, 400, 404)}},
        "/api/v1/cases/{reference}": {"get": {"operationId": "getCase", "security": KEY, "parameters": [REF],
                                             "responses": _json(200, CASE, 403, 404, 429)}},
        "/api/v1/cases/{reference}/updates": {"post": {
            "operationId": "postUpdate", "security": KEY, "parameters": [REF],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["message"], "properties": {"message": {"type": "string", "maxLength": 2000}}}}}},
            "responses": _json(201, EVENT, 400, 403, 404, 429, description="Created")}},
        "/api/v1/cases/{reference}/transitions": {"post": {
            "operationId": "postTransition", "security": KEY, "parameters": [REF],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["transition"],
                "properties": {"transition": S, "note": {"type": "string", "maxLength": 2000}}}}}},
            "responses": _json(201, {"type": "object", "properties": {"case": CASE, "event": EVENT}}, 400, 403, 404, 409, 429,
                               description="Created")}},
        "/api/v1/cases/{reference}/events": {"post": {
            "operationId": "postBackOfficeEvent", "security": KEY,
            "description": "A signed event from a back office. Headers X-FrontDoor-Timestamp (Unix seconds, at most "
                           "5 minutes old) and X-FrontDoor-Signature: sha256=HMAC-SHA256(secret, timestamp + '.' + body). "
                           "The body names the case ('case': the reference in the URL), so the signature covers it "
                           "and a replay to another case is refused (401).",
            "parameters": [REF,
                           {"name": "X-FrontDoor-Timestamp", "in": "header", "schema": S},
                           {"name": "X-FrontDoor-Signature", "in": "header", "schema": S}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["case", "event"],
                "properties": {"case": S, "event": S, "id": S, "note": S}}}}},
            "responses": {**_json(201, {"type": "object"}, 400, 401, 403, 404, 409, 429, description="Applied"),
                          "200": {"description": "Already applied (same id)", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/api/v1/properties/{uprn}/collections.json": {"get": {
            "operationId": "collectionsJson",
            "parameters": [UPRN, {"name": "weeks", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 12}}],
            "responses": _json(200, COLLECTIONS, 400, 404, 429)}},
        "/api/v1/properties/{uprn}/collections.ics": {"get": {
            "operationId": "collectionsIcs",
            "parameters": [UPRN, {"name": "weeks", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 12}}],
            "responses": {"200": {"description": "iCalendar", "content": {"text/calendar": {"schema": {"type": "string"}}}},
                          **{str(c): {"description": "Error", "content": {"application/json": {"schema": JSON_ERRORS}}} for c in (400, 403, 404, 429)}}}},
    },
}


@bp.get("/api/openapi.json")
def openapi_document():
    return Response(json.dumps(DOCUMENT), mimetype="application/json")
