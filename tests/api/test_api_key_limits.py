"""Issue 16, Medium 7 and 8 and the signed-event findings: what an API key may move, made-up keys
against the rate limit, and a back office's signature bound to the case it is sent to."""
from __future__ import annotations

import json
import secrets
import time

import pytest
from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import ApiCallLog, Case, CaseEvent
from frontdoor.services import api_keys, webhooks
from tests.api.helpers import key, request_form, setup_property

SECRET = "back-office-secret"


@pytest.fixture
def case_ref(client, session):
    prop = setup_property()
    response = client.post("/open311/v2/requests.json", data=request_form(prop, key("Creator")))
    return response.get_json()[0]["service_request_id"]


def _move(client, ref, name, secret, note="because"):
    return client.post(f"/api/v1/cases/{ref}/transitions", json={"transition": name, "note": note},
                       headers={"X-Api-Key": secret})


def _close(client, ref, secret):
    assert _move(client, ref, "schedule_return", secret).status_code == 201
    assert _move(client, ref, "mark_collected", secret).status_code == 201


def test_write_key_cannot_run_a_team_lead_transition(client, case_ref):
    writer = key("Ops", ("read", "write"))
    _close(client, case_ref, writer)
    before = db.session.scalar(select(func.count()).select_from(CaseEvent))
    refused = _move(client, case_ref, "reopen", writer)
    assert refused.status_code == 403
    assert refused.get_json() == {"errors": [{"code": 403, "description":
                                              "This api_key may not 'reopen' (allowed: what a caseworker may do)"}]}
    db.session.expire_all()
    assert db.session.scalar(select(Case.state).where(Case.reference == case_ref)) == "collected"
    assert db.session.scalar(select(func.count()).select_from(CaseEvent)) == before
    listed = client.get(f"/api/v1/cases/{case_ref}", headers={"X-Api-Key": writer}).get_json()["transitions"]
    assert "reopen" not in listed


def test_a_key_configured_for_reopen_may_reopen(client, case_ref):
    row, secret = api_keys.create("Lead system", ["read", "write"], transitions=["schedule_return", "mark_collected", "reopen"])
    db.session.commit()
    assert row.transitions == ["mark_collected", "reopen", "schedule_return"]
    _close(client, case_ref, secret)
    assert _move(client, case_ref, "reopen", secret).status_code == 201
    only = key("Narrow", ("write",))
    row = api_keys.find(only)
    row.transitions = ["cancel"]
    db.session.commit()
    refused = _move(client, case_ref, "schedule_return", only)
    assert refused.status_code == 403
    assert refused.get_json()["errors"][0]["description"] == "This api_key may not 'schedule_return' (allowed: cancel)"


def test_unknown_transition_names_are_refused_when_creating_a_key(session):
    with pytest.raises(ValueError, match="Transition names are lower-case words"):
        api_keys.create("Bad", ["write"], transitions=["Re Open!"])


def test_made_up_keys_share_the_callers_limit_and_write_nothing(client, session, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3/minute")
    prop = setup_property()
    before = db.session.scalar(select(func.count()).select_from(ApiCallLog))
    statuses = [client.post("/open311/v2/requests.json",
                            data=request_form(prop, "fd_" + secrets.token_urlsafe(32))).status_code for _ in range(6)]
    assert statuses == [403, 403, 403, 429, 429, 429]
    assert db.session.scalar(select(func.count()).select_from(ApiCallLog)) == before
    # A real key keeps its own allowance.
    assert client.get("/open311/v2/services.json", headers={"X-Api-Key": key("Real")}).status_code == 200


def _signed(body: dict, secret=SECRET, ts=None):
    raw = json.dumps(body).encode()
    ts = ts or str(int(time.time()))
    return raw, {"X-FrontDoor-Timestamp": ts, "X-FrontDoor-Signature": webhooks.sign(secret, ts, raw),
                 "Content-Type": "application/json"}


@pytest.fixture
def back_office(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_TARGETS", {"Whitespace": {"url": "http://127.0.0.1:9/", "secret": SECRET}})
    return key("Whitespace", ("events",))


def test_signed_event_is_bound_to_its_case(client, session, back_office):
    prop = setup_property()
    creator = key("Creator")
    first = client.post("/open311/v2/requests.json", data=request_form(prop, creator)).get_json()[0]["service_request_id"]
    other = client.post("/open311/v2/requests.json",
                        data=request_form(prop, creator, **{"attribute[container]": "recycling"})).get_json()[0]["service_request_id"]
    raw, headers = _signed({"case": first, "event": "schedule_return", "id": "ws-1"})
    ok = client.post(f"/api/v1/cases/{first}/events", data=raw, headers={**headers, "X-Api-Key": back_office})
    assert ok.status_code == 201, ok.get_data(as_text=True)
    replayed = client.post(f"/api/v1/cases/{other}/events", data=raw, headers={**headers, "X-Api-Key": back_office})
    assert replayed.status_code == 401
    assert replayed.get_json()["errors"][0]["description"] == f"The signed body is for case '{first}', not '{other}'"
    db.session.expire_all()
    assert db.session.scalar(select(Case.state).where(Case.reference == other)) == "submitted"
    unbound, headers = _signed({"event": "schedule_return"})
    missing = client.post(f"/api/v1/cases/{other}/events", data=unbound, headers={**headers, "X-Api-Key": back_office})
    assert missing.status_code == 401
    assert missing.get_json()["errors"][0]["description"] == "The signed body must name its case: {\"case\": \"<reference>\", ...}"


def test_huge_event_timestamp_is_a_401_not_a_500(client, case_ref, back_office):
    raw, headers = _signed({"case": case_ref, "event": "schedule_return"}, ts="9" * 400)
    response = client.post(f"/api/v1/cases/{case_ref}/events", data=raw, headers={**headers, "X-Api-Key": back_office})
    assert response.status_code == 401
    assert response.get_json()["errors"][0]["description"] == "X-FrontDoor-Timestamp must be Unix seconds"
