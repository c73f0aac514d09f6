"""Hostile input at every field of the missed bin journey and the track and sign-in forms:
arbitrary strings, sizes and encodings never give a 500 and never come back unescaped."""
from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdoor.extensions import limiter
from tests import factories
from tests.conftest import csrf_from, post_form
from tests.integration.helpers import property_collected_yesterday_evening
from tests.integration.test_portal_journey import walk_to_check

PAYLOAD = "<script>alert('x')</script>"
# Any text a browser could send (no lone surrogates: those cannot be encoded at all), sometimes
# with markup spliced in, sometimes very long.
TEXT = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300),
    st.builds(lambda a, b: a + PAYLOAD + b, st.text(max_size=20, alphabet=st.characters(blacklist_categories=("Cs",))),
              st.text(max_size=20, alphabet=st.characters(blacklist_categories=("Cs",)))),
    st.integers(min_value=1000, max_value=20000).map(lambda n: "A" * n),
    st.sampled_from(["", " ", "\x00", "\r\n", "%00", "' OR 1=1 --", "${7*7}", "{{7*7}}", "../../etc/passwd", "\u202e"]),
)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def _assert_safe(response, value: str):
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    if "<script" in value:
        assert value not in body, "a submitted <script> came back unescaped"
        assert "alert('x')</script>" not in body


def _post_with_token(client, url, token, data):
    limiter.reset()
    return client.post(url, data={**data, "csrf_token": token})


def test_postcode_and_address_choice(client, session):
    client.get("/services/missed_bin/begin")
    token = csrf_from(client.get("/services/missed_bin/address"))

    @SETTINGS
    @given(value=TEXT)
    def run(value):
        _assert_safe(_post_with_token(client, "/services/missed_bin/address", token, {"postcode": value}), value)
        r = client.get("/services/missed_bin/address", query_string={"postcode": value})
        _assert_safe(r, value)

    run()


def test_details_page_fields(client, session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    walk_to_check(client, prop)
    token = csrf_from(client.get("/services/missed_bin/details"))

    @SETTINGS
    @given(name=TEXT, email=TEXT, phone=TEXT)
    def run(name, email, phone):
        r = _post_with_token(client, "/services/missed_bin/details", token, {"full_name": name, "email": email, "phone": phone})
        _assert_safe(r, name)
        _assert_safe(r, email)
        _assert_safe(r, phone)
        _assert_safe(client.get("/services/missed_bin/check"), name)

    run()


def test_container_choice(client, session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    walk_to_check(client, prop)
    token = csrf_from(client.get("/services/missed_bin/container"))

    @SETTINGS
    @given(value=TEXT)
    def run(value):
        _assert_safe(_post_with_token(client, "/services/missed_bin/container", token, {"container": value}), value)

    run()


def test_track_form(client, session):
    token = csrf_from(client.get("/track"))

    @SETTINGS
    @given(reference=TEXT, email=TEXT)
    def run(reference, email):
        r = _post_with_token(client, "/track", token, {"reference": reference, "email": email})
        assert r.status_code in ((200, 404) if "\x00" not in reference + email else (400,))
        _assert_safe(r, reference)

    run()


def test_staff_sign_in_form(client, session):
    token = csrf_from(client.get("/staff/sign-in"))

    @SETTINGS
    @given(email=TEXT, password=TEXT)
    def run(email, password):
        r = _post_with_token(client, "/staff/sign-in", token, {"email": email, "password": password})
        # never signed in; a NUL (which PostgreSQL cannot store) is refused with a 400 page
        assert r.status_code == (200 if "\x00" not in email + password else 400)
        _assert_safe(r, email)

    run()


def test_invalid_utf8_and_odd_encodings(client, session):
    factories.team("waste")
    walk_to_check(client, property_collected_yesterday_evening())
    token = csrf_from(client.get("/services/missed_bin/details"))
    for body in (b"full_name=%FF%FE%00&email=\xff\xfe&phone=%C0%AF&csrf_token=" + token.encode(),
                 b"\xff\xff\xff=\x00&csrf_token=" + token.encode()):
        r = client.post("/services/missed_bin/details", data=body, content_type="application/x-www-form-urlencoded")
        assert r.status_code < 500
    r = client.post("/services/missed_bin/details", data=b"%%%", content_type="multipart/form-data; boundary=x")
    assert r.status_code == 400


def test_a_body_over_the_limit_is_413_not_500(client, session, app):
    r = client.post("/track", data={"reference": "A" * (app.config["MAX_CONTENT_LENGTH"] + 10)})
    assert r.status_code == 413


def test_a_script_in_a_name_is_stored_but_shown_escaped_everywhere(client, session, login_as):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    client.get("/services/missed_bin/begin")
    r = post_form(client, "/services/missed_bin/address", {"postcode": prop.postcode})
    post_form(client, r.location, {"uprn": prop.uprn})
    post_form(client, "/services/missed_bin/container", {"container": str(prop.containers[0].id)})
    r = post_form(client, "/services/missed_bin/details", {"full_name": PAYLOAD, "email": "x@example.com", "phone": ""})
    assert r.status_code == 302
    check = client.get("/services/missed_bin/check").get_data(as_text=True)
    assert PAYLOAD not in check and "&lt;script&gt;" in check
    r = post_form(client, "/services/missed_bin/check", {})
    reference = r.location.rsplit("/", 1)[1]
    login_as("caseworker")
    staff_page = client.get(f"/staff/cases/{reference}").get_data(as_text=True)
    assert reference in staff_page or re.sub("-", "", reference) in staff_page
    assert PAYLOAD not in staff_page and "&lt;script&gt;" in staff_page
