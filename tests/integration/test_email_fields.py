"""Every email address field is type=email with autocomplete (the phone's email keyboard, and the
browser offers the resident's address): accounts, bulky waste, garden waste, a service's own page,
staff sign-in. Fields for someone else's address say autocomplete="off"."""
import re

from tests import factories
from tests.conftest import post_form
from tests.integration.bulky_helpers import bulky_slot
from tests.integration.test_bulky_photos import to_details as to_bulky_details

INPUT = re.compile(r"<input\b[^>]*>")


def email_inputs(html: str) -> list[dict]:
    found = []
    for tag in INPUT.findall(html):
        attrs = dict(re.findall(r'([a-z-]+)="([^"]*)"', tag))
        if attrs.get("name") in ("email", "reporter_email") or attrs.get("type") == "email":
            found.append(attrs)
    return found


def assert_email_fields(html: str, autocomplete: str = "email"):
    inputs = email_inputs(html)
    assert inputs, "no email field on the page"
    for attrs in inputs:
        assert (attrs.get("type"), attrs.get("autocomplete"), attrs.get("spellcheck")) == ("email", autocomplete, "false"), attrs


def test_resident_email_fields(client, session):
    for path in ("/account/register", "/account/sign-in", "/account/forgot-password"):
        assert_email_fields(client.get(path).get_data(as_text=True))
    prop = factories.property_(postcode="DE1 1AA", streams=("garden",))
    to_bulky_details(client, prop, bulky_slot(capacity=3))
    assert_email_fields(client.get("/bulky-waste/details").get_data(as_text=True))
    post_form(client, "/garden-waste/address", {"postcode": prop.postcode})
    post_form(client, f"/garden-waste/address?postcode={prop.postcode}", {"uprn": prop.uprn})
    post_form(client, "/garden-waste/bins", {"bins": "1", "concession": "no"})
    assert_email_fields(client.get("/garden-waste/details").get_data(as_text=True))
    client.get("/services/foi_request/begin")
    post_form(client, "/services/foi_request/request", {"request": "Minutes of the parks committee", "format": "email"})
    assert_email_fields(client.get("/services/foi_request/details").get_data(as_text=True))


def test_staff_sign_in_email_field(client, session):
    assert_email_fields(client.get("/staff/sign-in").get_data(as_text=True), autocomplete="username")
