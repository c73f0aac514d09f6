"""The JSON API: case history by scope, public updates, transitions by name, signed back-office
events (stale or forged ones refused), and bin-day feeds."""
from __future__ import annotations

import json
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import Case, CaseEvent, OutboxMessage
from frontdoor.services import webhooks
from tests.api.helpers import key, request_form, setup_property

SECRET = "back-office-secret"


@pytest.fixture
def case_ref(client, session):
    prop = setup_property()
    secret = key("Creator")
    response = client.post("/open311/v2/requests.json", data=request_form(prop, secret))
    return response.get_json()[0]["service_request_id"]


def test_case_detail_public_history_for_read_scope_and_notes_for_internal(client, case_ref):
    public = client.get(f"/api/v1/cases/{case_ref}", headers={"X-Api-Key": key("Reader", ("read",))}).get_json()
    assert public["reference"] == case_ref and public["status"] == "open" and public["state"] == "submitted"
    assert [e["kind"] for e in public["history"]] == ["submitted"]  # the description note is internal
    assert "internal_note" not in public["history"][0]
    internal = client.get(f"/api/v1/cases/{case_ref}", headers={"Authorization": "Bearer " + key("Ops", ("read", "internal"))}).get_json()
    assert [e["kind"] for e in internal["history"]] == ["submitted", "note"]
    assert internal["history"][1]["internal_note"] == "Bin left on the pavement"


def test_case_detail_refusals(client, case_ref):
    assert client.get(f"/api/v1/cases/{case_ref}").get_json() == {"errors": [{"code": 403, "description": "An api_key is required for this call"}]}
    writer = key("Writer", ("write",))
    assert client.get(f"/api/v1/cases/{case_ref}", headers={"X-Api-Key": writer}).status_code == 403
    missing = client.get("/api/v1/cases/ABCD-EFGH", headers={"X-Api-Key": key("R", ("read",))})
    assert missing.status_code == 404 and missing.get_json()["errors"][0]["description"] == "Case 'ABCD-EFGH' was not found"


def test_post_public_update(client, case_ref):
    secret = key("Updater", ("read", "write"))
    response = client.post(f"/api/v1/cases/{case_ref}/updates", json={"message": "Crew on the way"}, headers={"X-Api-Key": secret})
    assert response.status_code == 201 and response.get_json()["message"] == "Crew on the way"
    history = client.get(f"/api/v1/cases/{case_ref}", headers={"X-Api-Key": secret}).get_json()["history"]
    assert history[-1]["message"] == "Crew on the way"
    for body, message in (({}, "'message' is required"), ({"message": 5}, "'message' must be a string"),
                          ({"message": "x" * 2001}, "'message' must be 2000 characters or fewer")):
        bad = client.post(f"/api/v1/cases/{case_ref}/updates", json=body, headers={"X-Api-Key": secret})
        assert (bad.status_code, bad.get_json()["errors"][0]["description"]) == (400, message)
    bad = client.post(f"/api/v1/cases/{case_ref}/updates", data="not json", headers={"X-Api-Key": secret})
    assert bad.get_json()["errors"][0]["description"] == "The body must be a JSON object"


def test_transition_by_name(client, case_ref):
    secret = key("Ops", ("read", "write"))
    refused = client.post(f"/api/v1/cases/{case_ref}/transitions", json={"transition": "mark_collected"}, headers={"X-Api-Key": secret})
    assert refused.status_code == 409
    assert refused.get_json()["errors"][0]["description"] == "'mark_collected' is not possible while the case is 'Received'."
    done = client.post(f"/api/v1/cases/{case_ref}/transitions", json={"transition": "schedule_return"}, headers={"X-Api-Key": secret})
    assert done.status_code == 201 and done.get_json()["case"]["state"] == "return_scheduled"


def _signed(body: dict, secret=SECRET, age=0):
    raw = json.dumps(body).encode()
    ts = str(int(time.time()) - age)
    return raw, {"X-FrontDoor-Timestamp": ts, "X-FrontDoor-Signature": webhooks.sign(secret, ts, raw),
                 "Content-Type": "application/json"}


@pytest.fixture
def back_office(app, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_TARGETS", {"Whitespace": {"url": "http://127.0.0.1:9/", "secret": SECRET}})
    return key("Whitespace", ("events",))


def _state(ref):
    db.session.expire_all()
    return db.session.scalar(select(Case).where(Case.reference == ref)).state


def test_back_office_events_move_the_case(client, case_ref, back_office):
    raw, headers = _signed({"case": case_ref, "event": "schedule_return", "id": "ws-1"})
    response = client.post(f"/api/v1/cases/{case_ref}/events", data=raw, headers={**headers, "X-Api-Key": back_office})
    assert response.status_code == 201, response.get_data(as_text=True)
    raw, headers = _signed({"case": case_ref, "event": "collected", "id": "ws-2"})
    assert client.post(f"/api/v1/cases/{case_ref}/events", data=raw, headers={**headers, "X-Api-Key": back_office}).status_code == 201
    assert _state(case_ref) == "collected"
    again = client.post(f"/api/v1/cases/{case_ref}/events", data=raw, headers={**headers, "X-Api-Key": back_office})
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    event = db.session.scalars(select(CaseEvent).where(CaseEvent.transition == "mark_collected")).one()
    assert event.actor_type == "system" and event.actor_label == "Whitespace"


def test_not_presented_event(client, case_ref, back_office):
    raw, headers = _signed({"case": case_ref, "event": "not presented", "id": "ws-3"})
    assert client.post(f"/api/v1/cases/{case_ref}/events", data=raw, headers={**headers, "X-Api-Key": back_office}).status_code == 201
    assert _state(case_ref) == "not_presented"


@pytest.mark.parametrize("make, status, message", [
    (lambda ref: _signed({"case": ref, "event": "collected"}, age=301), 401, "The timestamp is older than 5 minutes: refused as a possible replay"),
    (lambda ref: _signed({"case": ref, "event": "collected"}, secret="wrong"), 401, "The signature does not match the body"),
    (lambda ref: (b"{}", {}), 401, "Send the X-FrontDoor-Timestamp and X-FrontDoor-Signature headers"),
    (lambda ref: _signed({"case": ref, "event": "collected"}), 409, "'collected' cannot happen while the case is 'submitted'"),
    (lambda ref: _signed({"case": ref, "event": ""}), 400, "'event' is required"),
])
def test_back_office_event_refusals_change_nothing(client, case_ref, back_office, make, status, message):
    raw, headers = make(case_ref)
    before = (db.session.scalar(select(func.count()).select_from(CaseEvent)), db.session.scalar(select(func.count()).select_from(OutboxMessage)))
    response = client.post(f"/api/v1/cases/{case_ref}/events", data=raw, headers={**headers, "X-Api-Key": back_office})
    assert (response.status_code, response.get_json()["errors"][0]["description"]) == (status, message)
    assert _state(case_ref) == "submitted"
    after = (db.session.scalar(select(func.count()).select_from(CaseEvent)), db.session.scalar(select(func.count()).select_from(OutboxMessage)))
    assert after == before


def test_collections_json_and_ics(plain_monday, client, session):
    """In a week with no bank holiday, so the first collection is on its usual day in both feeds."""
    prop = setup_property()
    data = client.get(f"/api/v1/properties/{prop.uprn}/collections.json").get_json()
    assert data["uprn"] == prop.uprn
    dates = [date.fromisoformat(c["date"]) for c in data["collections"]]
    assert len(dates) == 8 and dates == sorted(dates) and dates[0] >= plain_monday.date()
    assert {c["stream"] for c in data["collections"]} == {"refuse", "recycling"}
    assert all((b - a).days in (0, 7) for a, b in zip(dates, dates[1:]))
    ics = client.get(f"/api/v1/properties/{prop.uprn}/collections.ics?weeks=2")
    assert ics.mimetype == "text/calendar"
    text = ics.get_data(as_text=True)
    assert text.startswith("BEGIN:VCALENDAR") and text.count("BEGIN:VEVENT") == 4
    assert f"DTSTART;VALUE=DATE:{dates[0]:%Y%m%d}" in text
    assert client.get("/api/v1/properties/999999999999/collections.json").status_code == 404
    bad = client.get(f"/api/v1/properties/{prop.uprn}/collections.json?weeks=99")
    assert bad.get_json()["errors"][0]["description"] == "weeks must be a whole number from 1 to 12"


def test_openapi_document_is_served(client):
    doc = client.get("/api/openapi.json").get_json()
    assert doc["openapi"].startswith("3.") and "/open311/v2/requests.{format}" in doc["paths"]


def test_case_address_for_staff_keys_only_gazetteer_or_typed(client, case_ref):
    internal_key = key("Ops", ("read", "internal"))
    reader = client.get(f"/api/v1/cases/{case_ref}", headers={"X-Api-Key": key("Reader", ("read",))}).get_json()
    assert "address" not in reader and "address_typed" not in reader
    case = db.session.scalar(select(Case).where(Case.reference == case_ref))
    chosen = client.get(f"/api/v1/cases/{case_ref}", headers={"X-Api-Key": internal_key}).get_json()
    assert (chosen["address"], chosen["address_typed"]) == (case.property.single_line, False)
    # The same case as if the resident had typed the address ("I can't find my address"): no UPRN.
    case.property = None
    case.answers = {**case.answers, "address": {"manual": True, "line1": "Plot 4, Mill Lane", "town": "Dunbury",
                                                "postcode": "DB9 9ZZ"}}
    db.session.commit()
    typed = client.get(f"/api/v1/cases/{case_ref}", headers={"X-Api-Key": internal_key}).get_json()
    assert typed["address_id"] is None and typed["address_typed"] is True
    assert typed["address"] == "Plot 4, Mill Lane, Dunbury, DB9 9ZZ"
