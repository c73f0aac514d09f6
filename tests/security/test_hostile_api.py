"""Hostile input at every Open311 and JSON API field and every question of every web service:
arbitrary strings, sizes, JSON types and encodings never give a 500, answers stay well-formed
(JSON parses, XML parses) and nothing comes back unescaped. The API takes no uploads (Open311
media_url is a link and must be http(s)), so upload content checks live with the portal's tests."""
from __future__ import annotations

import json
import time
from xml.etree import ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from frontdoor.extensions import limiter
from frontdoor.services import webhooks
from frontdoor.services.registry import registry
from tests.api.helpers import key, request_form, setup_property
from tests.conftest import csrf_from
from tests.security.test_hostile_input import PAYLOAD, SETTINGS, TEXT, _assert_safe

OPEN311_FIELDS = ["service_code", "address_id", "address_string", "lat", "long", "attribute[container]", "first_name",
                  "last_name", "email", "phone", "description", "media_url", "jurisdiction_id", "device_id",
                  "account_id", "api_key"]
# Any JSON value: wrong types, nesting, huge and hostile strings.
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
BACK_OFFICE_SECRET = "hostile-back-office"


def _well_formed(response, fmt: str):
    """The API's answers are data, not pages: escaped means they parse (JSON echoing a '<script' in an
    error is inert: application/json with nosniff). HTML pages are checked with _assert_safe."""
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if fmt == "xml":
        assert response.mimetype == "text/xml"
        ET.fromstring(response.get_data())
    else:
        assert response.mimetype == "application/json" and response.get_json() is not None
        assert response.headers.get("X-Content-Type-Options") == "nosniff"


def test_every_open311_field(client, session):
    prop = setup_property()
    secret = key("Hostile")

    @SETTINGS
    @given(field=st.sampled_from(OPEN311_FIELDS), value=TEXT, fmt=st.sampled_from(["json", "xml"]))
    def run(field, value, fmt):
        limiter.reset()
        response = client.post(f"/open311/v2/requests.{fmt}", data=request_form(prop, secret, **{field: value}))
        _well_formed(response, fmt)
        if response.status_code in (200, 201):
            created = response.get_json()[0] if fmt == "json" else ET.fromstring(response.get_data())[0]
            reference = created["service_request_id"] if fmt == "json" else created.findtext("service_request_id")
            for shape in ("json", "xml"):
                shown = client.get(f"/open311/v2/requests/{reference}.{shape}")
                _well_formed(shown, shape)

    run()


def test_every_open311_query_parameter(client, session):
    setup_property()

    @SETTINGS
    @given(name=st.sampled_from(["service_request_id", "service_code", "status", "start_date", "end_date",
                                 "jurisdiction_id"]), value=TEXT, fmt=st.sampled_from(["json", "xml"]))
    def run(name, value, fmt):
        limiter.reset()
        response = client.get(f"/open311/v2/requests.{fmt}", query_string={name: value})
        _well_formed(response, fmt)

    run()


def test_script_sent_through_open311_is_escaped_on_every_page_that_shows_it(client, session, login_as):
    prop = setup_property()
    secret = key("Hostile")
    fields = {"first_name": PAYLOAD, "last_name": PAYLOAD, "description": PAYLOAD, "address_string": PAYLOAD}
    response = client.post("/open311/v2/requests.json", data=request_form(prop, secret, **fields))
    assert response.status_code in (200, 201), response.get_data(as_text=True)
    reference = response.get_json()[0]["service_request_id"]
    xml = client.get(f"/open311/v2/requests/{reference}.xml")
    assert PAYLOAD not in xml.get_data(as_text=True)  # XML escapes it
    login_as("caseworker")
    for url in (f"/staff/cases/{reference}", "/staff/"):
        page = client.get(url)
        assert page.status_code == 200
        _assert_safe(page, PAYLOAD)


@pytest.fixture
def api_case(client, session, app, monkeypatch):
    prop = setup_property()
    response = client.post("/open311/v2/requests.json", data=request_form(prop, key("Creator")))
    monkeypatch.setitem(app.config, "WEBHOOK_TARGETS", {"Hostile": {"url": "http://127.0.0.1:9/", "secret": BACK_OFFICE_SECRET}})
    return response.get_json()[0]["service_request_id"], key("Hostile", ("read", "write", "events"))


def test_every_json_api_body(client, api_case):
    reference, secret = api_case

    @SETTINGS
    @given(path=st.sampled_from(["updates", "transitions", "events"]),
           body=st.one_of(JSON_VALUE, st.fixed_dictionaries({}, optional={
               "message": JSON_VALUE, "transition": JSON_VALUE, "data": JSON_VALUE, "event": JSON_VALUE,
               "id": JSON_VALUE})))
    def run(path, body):
        limiter.reset()
        raw = json.dumps(body).encode()
        headers = {"X-Api-Key": secret, "Content-Type": "application/json"}
        if path == "events":  # signed, so the body reaches the event handling rather than the signature check
            ts = str(int(time.time()))
            headers.update({"X-FrontDoor-Timestamp": ts, "X-FrontDoor-Signature": webhooks.sign(BACK_OFFICE_SECRET, ts, raw)})
        response = client.post(f"/api/v1/cases/{reference}/{path}", data=raw, headers=headers)
        _well_formed(response, "json")
        if response.status_code >= 400:
            assert response.get_json()["errors"][0]["description"]

    run()


def test_raw_bodies_and_encodings_at_the_json_api(client, api_case):
    reference, secret = api_case

    @SETTINGS
    @given(path=st.sampled_from(["updates", "transitions", "events"]), raw=st.one_of(
        st.binary(max_size=400), TEXT.map(lambda t: t.encode("utf-8")), TEXT.map(lambda t: t.encode("utf-16")),
        st.just(b'{"message": "\xff\xfe"}'), st.just(b'{"message": "\\ud800"}'), st.just(b"[" * 5000)),
        content_type=st.sampled_from(["application/json", "text/plain", "application/json; charset=latin-1", ""]))
    def run(path, raw, content_type):
        limiter.reset()
        response = client.post(f"/api/v1/cases/{reference}/{path}", data=raw,
                               headers={"X-Api-Key": secret, "Content-Type": content_type})
        _well_formed(response, "json")

    run()


def test_every_question_of_every_web_service(client, session):
    """Each page of each service's form, reached with a draft that answers the pages before it."""
    token = csrf_from(client.get("/track"))
    pages = [(d, p) for d in registry().all() if "web" in d.channels for p in d.pages if not p.is_address]
    assert pages

    @SETTINGS
    @given(target=st.sampled_from(pages), value=TEXT)
    def run(target, value):
        definition, page = target
        limiter.reset()
        with client.session_transaction() as s:
            s["drafts"] = {definition.id: {"version": definition.version, "key": "hostile",
                                           "answers": {q.id: "1" for p in definition.pages for q in p.questions}}}
        data = {q.id: value for q in page.questions if q.type != "file"}
        response = client.post(f"/services/{definition.id}/{page.id}", data={**data, "csrf_token": token})
        _assert_safe(response, value)
        _assert_safe(client.get(f"/services/{definition.id}/check"), value)

    run()


def test_resident_account_forms(client, session):
    forms = {"/account/register": ("full_name", "email", "password"), "/account/sign-in": ("email", "password"),
             "/account/forgot-password": ("email",)}
    token = csrf_from(client.get("/track"))

    @SETTINGS
    @given(url=st.sampled_from(sorted(forms)), value=TEXT, which=st.integers(min_value=0, max_value=2))
    def run(url, value, which):
        limiter.reset()
        fields = forms[url]
        data = {f: ("sam@example.com" if f == "email" else "correct horse battery") for f in fields}
        data[fields[which % len(fields)]] = value
        _assert_safe(client.post(url, data={**data, "csrf_token": token}), value)

    run()
