"""schemathesis against /api/openapi.json through the WSGI app: no server errors, and every
response matches the status codes, content types and schemas the document declares."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from frontdoor.api.openapi import DOCUMENT
from tests.api.helpers import key, request_form, setup_property

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_secret(app, session, monkeypatch):
    """Real data to hit: a property with collections and a case, and a key with every scope."""
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "100000/minute")
    monkeypatch.setitem(app.config, "WEBHOOK_TARGETS", {"Schema": {"url": "http://127.0.0.1:9/", "secret": "s"}})
    prop = setup_property()
    secret = key("Schema", ("read", "write", "events", "internal"))
    app.test_client().post("/open311/v2/requests.json", data=request_form(prop, secret))
    return secret


# The document the app serves is this dict; the test checks it is served unchanged, then fuzzes it.
schema = schemathesis.openapi.from_dict(DOCUMENT)


def test_served_document_is_the_one_tested(client):
    assert client.get("/api/openapi.json").get_json() == DOCUMENT


@schema.parametrize()
# Derandomised so a CI run is repeatable; raise max_examples locally to explore further.
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_matches_its_openapi_document(case, app, api_secret):
    case.call_and_validate(app=app, headers={"X-Api-Key": api_secret}, checks=CHECKS)
