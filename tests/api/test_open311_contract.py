"""GeoReport v2 contract: every call in XML and JSON, the error shapes, and bad input refused
with the right status, a specific message and nothing written."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import ApiCallLog, Case, CaseEvent, Contact, OutboxMessage
from frontdoor.services import api_keys
from tests.api.helpers import key, request_form, setup_property, xml


def counts():
    return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in (Case, CaseEvent, Contact, OutboxMessage)}


def test_service_list_xml_is_the_default_and_json_by_suffix(client):
    for url in ("/open311/v2/services", "/open311/v2/services.xml"):
        root = xml(client.get(url))
        assert root.tag == "services"
        codes = [s.findtext("service_code") for s in root.findall("service")]
        assert "missed_bin" in codes
        missed = root.find("service[service_code='missed_bin']")
        assert missed.findtext("metadata") == "true" and missed.findtext("type") == "realtime"
    data = client.get("/open311/v2/services.json").get_json()
    assert {"service_code": "missed_bin", "metadata": True}.items() <= next(s for s in data if s["service_code"] == "missed_bin").items()


def test_service_definition_lists_attributes_with_values(client):
    data = client.get("/open311/v2/services/missed_bin.json").get_json()
    assert data["service_code"] == "missed_bin"
    (container,) = data["attributes"]  # address and contact details travel in GeoReport's own fields
    assert container["code"] == "container" and container["datatype"] == "singlevaluelist" and container["required"]
    assert {"key": "refuse", "name": "Refuse"} in container["values"]
    assert "stream" in container["description"]
    root = xml(client.get("/open311/v2/services/missed_bin.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("attributes/attribute/code") == "container"
    assert [v.findtext("key") for v in root.findall("attributes/attribute/values/value")][:2] == ["refuse", "recycling"]


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_service_code_is_404_in_the_error_shape(client, fmt):
    response = client.get(f"/open311/v2/services/potholes.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert response.get_json() == [{"code": 404, "description": "service_code 'potholes' was not found"}]
    else:
        root = xml(response)
        assert root.tag == "errors" and root.findtext("error/code") == "404"
        assert root.findtext("error/description") == "service_code 'potholes' was not found"


def test_post_request_json_creates_an_api_case_with_contact_then_lookups(client, session):
    prop = setup_property()
    secret = key()
    response = client.post("/open311/v2/requests.json", data=request_form(prop, secret))
    assert response.status_code == 200, response.get_data(as_text=True)
    (created,) = response.get_json()
    ref, token = created["service_request_id"], created["token"]
    case = db.session.scalar(select(Case).where(Case.reference == ref))
    assert case.channel == "api" and case.property_id == prop.id
    assert case.answers["container"] == str(prop.containers[0].id)  # the stream name mapped to the container id
    contact = db.session.scalar(select(Contact).where(Contact.case_id == case.id))
    assert (contact.channel, contact.outcome) == ("api", "self_served")
    assert case.customer.email_normalised == "sam@example.com"

    # missed_bin is about a household, so not public on Open311: looked up with a staff system's key.
    staff = {"X-Api-Key": key("Ops", ("read", "internal"))}
    (one,) = client.get(f"/open311/v2/requests/{ref}.json", headers=staff).get_json()
    assert one["service_request_id"] == ref and one["status"] == "open" and one["address_id"] == prop.uprn
    assert one["description"] == "Bin left on the pavement" and "email" not in one
    root = xml(client.get(f"/open311/v2/requests/{ref}.xml", headers=staff))
    assert root.tag == "service_requests" and root.findtext("request/service_request_id") == ref
    assert root.findtext("request/status") == "open"

    assert client.get(f"/open311/v2/tokens/{token}.json").get_json() == [{"service_request_id": ref, "token": token}]
    assert xml(client.get(f"/open311/v2/tokens/{token}.xml")).findtext("request/service_request_id") == ref
    assert client.get("/open311/v2/tokens/tok_nope.json").status_code == 404


def test_post_request_xml_and_lat_long_nearest_property(client, session):
    prop = setup_property()
    secret = key()
    form = request_form(prop, secret, address_id=None, lat=str(prop.latitude + 0.0001), long=str(prop.longitude))
    response = client.post("/open311/v2/requests", data=form)  # no suffix: XML
    assert response.status_code == 200, response.get_data(as_text=True)
    root = xml(response)
    ref = root.findtext("request/service_request_id")
    assert db.session.scalar(select(Case).where(Case.reference == ref)).property_id == prop.id


def test_request_list_filters(client, session):
    prop = setup_property()
    secret = key()
    ref = client.post("/open311/v2/requests.json", data=request_form(prop, secret)).get_json()[0]["service_request_id"]
    assert client.get("/open311/v2/requests.json").get_json() == []  # missed_bin is not public: a key lists it
    client.environ_base["HTTP_X_API_KEY"] = secret
    assert [r["service_request_id"] for r in client.get("/open311/v2/requests.json").get_json()] == [ref]
    assert [r.findtext("service_request_id") for r in xml(client.get("/open311/v2/requests.xml")).findall("request")] == [ref]
    assert client.get("/open311/v2/requests.json?status=closed").get_json() == []
    assert len(client.get("/open311/v2/requests.json?status=open&service_code=missed_bin").get_json()) == 1
    assert len(client.get(f"/open311/v2/requests.json?service_request_id={ref},ZZZZ-ZZZZ").get_json()) == 1
    old = (datetime.now(timezone.utc) - timedelta(days=200)).strftime("%Y-%m-%dT%H:%M:%SZ")
    older = (datetime.now(timezone.utc) - timedelta(days=150)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert client.get(f"/open311/v2/requests.json?start_date={old}&end_date={older}").get_json() == []


@pytest.mark.parametrize("query, message", [
    ("status=pending", "status must be open or closed"),
    ("start_date=yesterday", "start_date must be a W3C date and time, like 2026-11-23T09:00:00Z"),
    ("start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z", "The date range must be 90 days or fewer"),
])
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_request_list_bad_filters(client, query, message, fmt):
    response = client.get(f"/open311/v2/requests.{fmt}?{query}")
    assert response.status_code == 400
    if fmt == "json":
        assert response.get_json() == [{"code": 400, "description": message}]
    else:
        assert xml(response).findtext("error/description") == message


def test_unknown_request_is_404(client):
    assert client.get("/open311/v2/requests/ABCD-EFGH.json").get_json() == [
        {"code": 404, "description": "service_request_id 'ABCD-EFGH' was not found"}]
    assert xml(client.get("/open311/v2/requests/ABCD-EFGH.xml")).findtext("error/code") == "404"


BAD = [
    ({"service_code": "potholes"}, 404, "service_code 'potholes' was not found"),
    ({"service_code": ""}, 400, "service_code is required"),
    ({"attribute[container]": None}, 400, "attribute[container] is required: Which bin was not emptied?"),
    ({"attribute[container]": "glass"}, 400, "attribute[container]: this property has no 'glass' container (it has: refuse, recycling)"),
    ({"attribute[colour]": "red"}, 400, "attribute[colour] is not an attribute of service 'missed_bin'"),
    ({"address_id": None, "lat": "abc", "long": "-1.5"}, 400, "lat must be a number"),
    ({"address_id": None, "lat": "95", "long": "-1.5"}, 400, "lat must be between -90 and 90"),
    ({"address_id": None, "lat": "52.0"}, 400, "lat and long must be given together"),
    ({"address_id": None, "lat": "10.0", "long": "10.0"}, 400, "No property within 250 metres of lat/long"),
    ({"address_id": "999999999999"}, 400, "address_id '999999999999' is not a UPRN we know"),
    ({"address_id": None}, 400, "A location is required: address_id (UPRN), lat and long, or address_string"),
    ({"description": "x" * 4001}, 400, "description must be 4000 characters or fewer"),
    ({"email": "not-an-email"}, 400, "email: Enter an email address in the correct format, like name@example.com"),
    ({"api_key": None}, 403, "An api_key is required for this call"),
    ({"api_key": "fd_wrong"}, 403, "The api_key is not valid"),
]


@pytest.mark.parametrize("change, status, message", BAD)
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bad_requests_are_refused_and_write_nothing(client, session, change, status, message, fmt):
    prop = setup_property()
    secret = key()
    before = counts()
    response = client.post(f"/open311/v2/requests.{fmt}", data=request_form(prop, secret, **change))
    assert response.status_code == status, response.get_data(as_text=True)
    if fmt == "json":
        assert response.get_json() == [{"code": status, "description": message}]
    else:
        root = xml(response)
        assert root.tag == "errors"
        assert (root.findtext("error/code"), root.findtext("error/description")) == (str(status), message)
    assert counts() == before


def test_revoked_key_is_refused(client, session):
    prop = setup_property()
    key_row, secret = api_keys.create("Old app", ["read", "write"])
    api_keys.revoke(key_row.id)
    db.session.commit()
    before = counts()
    response = client.post("/open311/v2/requests.json", data=request_form(prop, secret))
    assert response.status_code == 403
    assert response.get_json() == [{"code": 403, "description": "The api_key has been revoked"}]
    assert counts() == before
    logged = db.session.scalars(select(ApiCallLog).where(ApiCallLog.api_key_id == key_row.id)).all()
    assert [(c.method, c.status) for c in logged] == [("POST", 403)]


def test_read_only_key_cannot_create(client, session):
    prop = setup_property()
    secret = key(scopes=("read",))
    response = client.post("/open311/v2/requests.json", data=request_form(prop, secret))
    assert response.get_json() == [{"code": 403, "description": "The api_key does not have the 'write' scope"}]


def test_jurisdiction_checked_when_configured(client, session, app, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN311_JURISDICTION_ID", "demo-borough.example")
    prop = setup_property()
    secret = key()
    response = client.post("/open311/v2/requests.json", data=request_form(prop, secret, jurisdiction_id="elsewhere"))
    assert response.status_code == 404
    assert response.get_json()[0]["description"] == "jurisdiction_id 'elsewhere' was not found"
    ok = client.post("/open311/v2/requests.json", data=request_form(prop, secret, jurisdiction_id="demo-borough.example"))
    assert ok.status_code == 200


def test_fixmystreet_style_post_is_accepted(client, session):
    """The fields FixMyStreet's Open311.pm sends, including its own extra attributes."""
    prop = setup_property()
    secret = key()
    form = request_form(prop, secret, address_id=None, lat=str(prop.latitude), long=str(prop.longitude),
                        **{"attribute[fixmystreet_id]": "1234", "attribute[title]": "Missed bin",
                           "attribute[report_url]": "https://fms.example/report/1234", "address_string": "somewhere",
                           "media_url": "https://fms.example/photo/1234.jpeg", "jurisdiction_id": "demo"})
    response = client.post("/open311/v2/requests.xml", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)
    ref = xml(response).findtext("request/service_request_id")
    case = db.session.scalar(select(Case).where(Case.reference == ref))
    note = next(e for e in case.events if e.kind == "note")
    assert note.data["attributes"]["fixmystreet_id"] == "1234"
    staff = {"X-Api-Key": key("Ops", ("read", "internal"))}
    assert client.get(f"/open311/v2/requests/{ref}.json", headers=staff).get_json()[0]["media_url"] == "https://fms.example/photo/1234.jpeg"


def test_unknown_resource_and_format(client):
    assert client.get("/open311/v2/nothing.json").get_json()[0]["code"] == 404
    assert client.get("/open311/v2/services/missed_bin.csv").status_code == 400


def test_every_call_is_logged_with_its_key(client, session):
    prop = setup_property()
    key_row, secret = api_keys.create("Logger", ["read", "write"])
    db.session.commit()
    client.post("/open311/v2/requests.json", data=request_form(prop, secret))
    client.get("/open311/v2/services.json", headers={"X-Api-Key": secret})
    logged = db.session.scalars(select(ApiCallLog).where(ApiCallLog.api_key_id == key_row.id).order_by(ApiCallLog.id)).all()
    assert [(c.method, c.path, c.status) for c in logged] == [
        ("POST", "/open311/v2/requests.json", 200), ("GET", "/open311/v2/services.json", 200)]


def test_rate_limited_per_key(client, session, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3/minute")
    a, b = key("A"), key("B")
    for _ in range(3):
        assert client.get("/open311/v2/services.json", headers={"X-Api-Key": a}).status_code == 200
    limited = client.get("/open311/v2/services.json", headers={"X-Api-Key": a})
    assert limited.status_code == 429 and limited.get_json()[0]["code"] == 429
    assert client.get("/open311/v2/services.json", headers={"X-Api-Key": b}).status_code == 200


def test_unroutable_api_paths_answer_in_the_api_shape_and_pages_stay_html(client):
    odd = client.get("/open311/v2/requests/a%0Ab.json")
    assert odd.status_code == 404 and odd.mimetype in ("application/json", "text/xml")
    assert client.get("/api/v1/nothing").get_json()["errors"][0]["code"] == 404
    assert client.delete("/api/openapi.json").get_json()["errors"][0]["code"] == 405
    page = client.get("/no-such-page")
    assert page.status_code == 404 and page.mimetype == "text/html"
