"""The engine's newer features end to end: "I can't find my address", the generic duplicate rule,
prefill declarations, the council's box for a map point, and readable answers on the case page."""
from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from flask import current_app
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Case
from frontdoor.services.actors import Actor
from frontdoor.services.customers import find_or_create
from frontdoor.services.registry import definition
from frontdoor.services.submissions import SubmissionRejected, submit
from frontdoor.services.transitions import transition
from tests import factories
from tests.conftest import post_form
from tests.integration.test_versions import definitions_in_force
from workflows.loader import load_data

BASE = "/services/council_tax_moving_in"
TYPED = {"line1": "Plot 4, Mill Lane", "line2": "Riverside development", "town": "Dunbury", "postcode": "db9 9zz"}


def _start_moving_in(client):
    client.get(f"{BASE}/begin")
    page = client.get(f"{BASE}/address").get_data(as_text=True)
    assert "Enter the address manually" in page
    return page


def _finish_moving_in(client):
    r = post_form(client, f"{BASE}/move_date", {"move_in_date": ["1", "11", "2026"], "previous_address": "1 Old Road",
                                               "adults": "2"})
    assert r.location.endswith(f"{BASE}/details"), r.get_data(as_text=True)[:800]
    r = post_form(client, f"{BASE}/details", {"full_name": "Robin Newhome", "email": "robin@example.com"})
    assert r.location.endswith(f"{BASE}/check")


def test_a_resident_who_cannot_find_their_address_types_it(client, session):
    factories.team("revenues")
    prop = factories.property_(postcode="DB1 1AA")
    _start_moving_in(client)
    # The list for the postcode offers the way out too.
    r = post_form(client, f"{BASE}/address", {"postcode": prop.postcode})
    chooser = client.get(r.location).get_data(as_text=True)
    assert "I cannot find my address in the list" in chooser
    # Blank and wrong fields: the GOV.UK error summary, one message per field, nothing saved.
    r = post_form(client, f"{BASE}/address?manual=1", {"line1": "", "line2": "", "town": "", "postcode": "nope"})
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "There is a problem" in body
    for message in ("Enter address line 1, typically the building and street", "Enter town or city",
                    "Enter a real postcode, like DB1 2AB"):
        assert message in body
    assert 'autocomplete="address-line1"' in body and 'autocomplete="postal-code"' in body
    r = post_form(client, f"{BASE}/address?manual=1", TYPED)
    assert r.location.endswith(f"{BASE}/move_date")
    _finish_moving_in(client)
    check = client.get(f"{BASE}/check").get_data(as_text=True)
    assert "Plot 4, Mill Lane<br>Riverside development<br>Dunbury<br>DB9 9ZZ" in check
    r = post_form(client, f"{BASE}/check", {})
    assert r.status_code == 302, r.get_data(as_text=True)[:800]
    case = db.session.scalar(select(Case).where(Case.workflow_id == "council_tax_moving_in"))
    assert case.property_id is None
    assert case.answers["address"] == {"manual": True, "line1": "Plot 4, Mill Lane", "line2": "Riverside development",
                                       "town": "Dunbury", "postcode": "DB9 9ZZ"}


def test_the_chosen_address_path_still_works_and_stores_the_uprn(client, session):
    factories.team("revenues")
    prop = factories.property_(postcode="DB1 1AA")
    _start_moving_in(client)
    r = post_form(client, f"{BASE}/address", {"postcode": prop.postcode})
    r = post_form(client, r.location, {"uprn": prop.uprn})
    assert r.location.endswith(f"{BASE}/move_date")
    _finish_moving_in(client)
    assert post_form(client, f"{BASE}/check", {}).status_code == 302
    case = db.session.scalar(select(Case).where(Case.workflow_id == "council_tax_moving_in"))
    assert (case.answers["address"], case.property_id) == (prop.uprn, prop.id)


def test_no_manual_link_where_the_service_needs_the_addresss_records(client, session):
    client.get("/services/missed_bin/begin")
    assert "manually" not in client.get("/services/missed_bin/address").get_data(as_text=True)
    # and a typed address sent anyway is not accepted
    client.get("/services/missed_bin/address?manual=1")
    with pytest.raises(SubmissionRejected) as info:
        submit(definition("missed_bin"), {"address": {"manual": True, "line1": "1 A St", "town": "T", "postcode": "DB1 2AB"},
                                         "container": "1", "full_name": "A", "email": "a@example.com"},
               "web", None, Actor.resident())
    assert info.value.errors["address"] == "Choose an address"


def test_a_tampered_typed_address_is_refused_at_submission(session):
    factories.team("revenues")
    answers = {"address": {"manual": True, "line1": "", "town": "Dunbury", "postcode": "DB9 9ZZ"},
               "move_in_date": (datetime.now(timezone.utc).date() - timedelta(days=3)).isoformat(),
               "previous_address": "x", "adults": 1, "full_name": "R", "email": "r@example.com"}
    with pytest.raises(SubmissionRejected) as info:
        submit(definition("council_tax_moving_in"), answers, "web", None, Actor.resident())
    assert info.value.errors == {"address": "Enter address line 1, typically the building and street"}


def test_the_case_page_shows_a_typed_address_lists_and_places_as_lines(client, session, login_as):
    factories.team("revenues")
    factories.team("environment")
    moved = submit(definition("council_tax_moving_in"), {
        "address": {"manual": True, "line1": "Plot 4", "town": "Dunbury", "postcode": "DB9 9ZZ"},
        "move_in_date": (datetime.now(timezone.utc).date() - timedelta(days=3)).isoformat(),
        "previous_address": "1 Old Road", "adults": 2, "full_name": "Robin", "email": "robin@example.com"},
        "web", None, Actor.resident()).case
    fly = submit(definition("fly_tipping"), {
        "what": ["household", "furniture"], "amount": "car_boot", "hazardous": "no",
        "location": {"description": "Behind the shops", "lat": "52.1", "lng": "-1.5"},
        "full_name": "Sam", "email": "sam@example.com"}, "web", None, Actor.resident()).case
    db.session.commit()
    login_as("team_lead", teams=("revenues", "environment"))
    page = client.get(f"/staff/cases/{moved.reference}").get_data(as_text=True)
    assert "Plot 4<br>Dunbury<br>DB9 9ZZ<br>(typed in: not found in the address list)" in page
    page = client.get(f"/staff/cases/{fly.reference}").get_data(as_text=True)
    assert '<li>Household rubbish or bags</li><li>Furniture or mattresses</li>' in page
    assert "Behind the shops<br>Map point 52.1, -1.5" in page
    assert "{&#39;description&#39;" not in page and "[&#39;household" not in page  # never the raw value


# --- the generic duplicate rule (replacement bins: same address, request and bin within 10 working days)

def _order(prop, when, stream="general", email="sam@example.com"):
    answers = {"address": prop.uprn, "request_type": "additional", "container_stream": stream,
               "full_name": "Sam", "email": email}
    return submit(definition("replacement_container"), answers, "web", None, Actor.resident(), now=when)


def test_a_second_order_within_the_window_is_linked_to_the_first(session):
    factories.team("waste")
    prop = factories.property_()
    monday = datetime(2026, 12, 21, 10, tzinfo=timezone.utc)
    first = _order(prop, monday)
    assert first.duplicate_of is None and first.case.state == "ordered"
    # Tue 5 Jan 2027 is the 7th working day after 21 Dec (bank holidays 25, 28 Dec and 1 Jan): inside 10.
    again = _order(prop, datetime(2027, 1, 5, 10, tzinfo=timezone.utc), email="other@example.com")
    assert again.duplicate_of.id == first.case.id
    assert (again.case.state, again.case.resolution) == ("duplicate", "duplicate")
    assert again.case.events[0].public_message.startswith("You have already ordered this bin")
    assert any(e.kind == "duplicate" for e in first.case.events)
    # A different bin is not a duplicate.
    assert _order(prop, datetime(2027, 1, 5, 11, tzinfo=timezone.utc), stream="recycling").duplicate_of is None
    # Thu 7 Jan is the 10th working day after 21 Dec: still inside; Fri 8 Jan is the 11th: a new order.
    assert _order(prop, datetime(2027, 1, 7, 16, tzinfo=timezone.utc)).duplicate_of is not None
    assert _order(prop, datetime(2027, 1, 8, 9, tzinfo=timezone.utc)).duplicate_of is None


def test_the_resident_is_told_their_order_was_already_made(client, session):
    factories.team("waste")
    prop = factories.property_()
    first = _order(prop, datetime.now(timezone.utc) - timedelta(minutes=5)).case
    again = _order(prop, datetime.now(timezone.utc)).case
    db.session.commit()
    page = client.get(f"/services/replacement_container/done/{again.reference}").get_data(as_text=True)
    assert "You have already ordered this bin for this address." in page and first.reference in page
    assert "collection" not in page.split("govuk-panel")[1].split("Track your request")[0]


def test_a_closed_first_order_does_not_swallow_a_new_one(session):
    factories.team("waste")
    prop = factories.property_()
    first = _order(prop, datetime(2026, 12, 21, 10, tzinfo=timezone.utc)).case
    transition(first, "deliver", Actor.for_staff(factories.staff()), {}, now=datetime(2026, 12, 22, 10, tzinfo=timezone.utc))
    assert _order(prop, datetime(2026, 12, 23, 10, tzinfo=timezone.utc)).duplicate_of is None


# --- prefill declared on questions ----------------------------------------------------------------

def _with_contact_postcode():
    data = copy.deepcopy(definition("council_tax_moving_in").raw)
    data["version"] = 99
    details = next(p for p in data["pages"] if p["id"] == "details")
    details["questions"].append({"id": "phone_number", "type": "phone", "label": "Phone number",
                                 "required": False, "prefill": {"from": "customer.phone"}})
    return load_data(data, "council_tax_moving_in.yaml")


def test_an_advisor_starting_a_form_for_a_known_caller_gets_the_declared_prefill(client, login_as):
    login_as("advisor")
    factories.team("revenues")
    prop = factories.property_()
    customer = find_or_create("Priya Patel", "priya@example.com", "020 7946 0018", prop)
    db.session.commit()
    post_form(client, "/staff/contacts/new", {"channel": "phone", "reason": "general_enquiry", "customer": str(customer.id)},
              get_url=f"/staff/contacts/new?customer={customer.id}")
    with definitions_in_force(_with_contact_postcode()):
        client.get("/staff/contacts/current/raise/council_tax_moving_in")
        # The advisor walks the pages in order, as the resident does (a page cannot be skipped by URL).
        moved = datetime.now(timezone.utc).date() - timedelta(days=3)
        post_form(client, "/staff/contacts/current/raise/council_tax_moving_in/move_date",
                  {"move_in_date": [str(moved.day), str(moved.month), str(moved.year)], "previous_address": "1 Old Road",
                   "adults": "1"})
        page = client.get("/staff/contacts/current/raise/council_tax_moving_in/details").get_data(as_text=True)
    assert 'value="020 7946 0018"' in page and 'value="priya@example.com"' in page and 'value="Priya Patel"' in page


def test_a_signed_in_resident_gets_the_declared_prefill(client, session):
    from tests.integration.account_helpers import register_and_verify

    factories.team("revenues")
    account = register_and_verify(client, name="Pat Resident", email="pat@example.com")
    account.customer.phone = "07911 123456"
    db.session.commit()
    with definitions_in_force(_with_contact_postcode()):
        client.get(f"{BASE}/begin")
    with client.session_transaction() as cookie:
        answers = cookie["drafts"]["council_tax_moving_in"]["answers"]
    assert answers == {"full_name": "Pat Resident", "email": "pat@example.com", "phone_number": "07911 123456"}


# --- the council's box for a map point -------------------------------------------------------------

@pytest.fixture
def council_box(app):
    app.config["COUNCIL_BOUNDS"] = "51.9,52.3,-1.8,-1.2"
    yield
    app.config["COUNCIL_BOUNDS"] = ""


def test_a_map_point_outside_the_council_is_refused_on_the_page_and_at_submission(client, session, council_box):
    client.get("/services/fly_tipping/begin")
    post_form(client, "/services/fly_tipping/what", {"what": ["household"]})
    post_form(client, "/services/fly_tipping/amount", {"amount": "van", "hazardous": "no"})
    r = post_form(client, "/services/fly_tipping/where", {"location": "Mill Road", "location-lat": "53.5", "location-lng": "-1.5"})
    assert "The map point must be in the council&#39;s area" in r.get_data(as_text=True)
    r = post_form(client, "/services/fly_tipping/where", {"location": "Mill Road", "location-lat": "52.1", "location-lng": "-1.5"})
    assert r.status_code == 302
    with pytest.raises(SubmissionRejected) as info:
        submit(definition("fly_tipping"), {"what": ["household"], "amount": "van", "hazardous": "no",
                                           "location": {"description": "x", "lat": 55.0, "lng": -1.5},
                                           "full_name": "A", "email": "a@example.com"}, "web", None, Actor.resident())
    assert "council" in info.value.errors["location"]


def test_a_residents_photo_is_a_download_link_on_the_case_page(client, session, login_as):
    import re
    import secrets

    from frontdoor.services import uploads

    factories.team("environment")
    from tests.files import PNG as png
    saved = uploads.save([{"id": secrets.token_urlsafe(24), "name": "tip.png", "kind": "png", "size": len(png), "_bytes": png}])
    other = uploads.save([{"id": secrets.token_urlsafe(24), "name": "other.png", "kind": "png", "size": len(png), "_bytes": png}])
    case = submit(definition("fly_tipping"), {
        "what": ["household"], "amount": "van", "hazardous": "no", "location": {"description": "Mill Road"},
        "photo": saved, "full_name": "Sam", "email": "sam@example.com"}, "web", None, Actor.resident()).case
    db.session.commit()
    login_as("caseworker", teams=("environment",))
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    link = re.search(r'<a class="govuk-link" href="([^"]+)">tip.png \(1 KB\)</a>', page)
    assert link, page[page.find("Answers"):][:1500]
    got = client.get(link.group(1))
    try:
        assert got.status_code == 200 and got.data == png and got.mimetype == "image/png"
        assert got.headers["Content-Disposition"].startswith("attachment")
    finally:
        got.close()  # the file response holds the file open until closed
    # A file that is not this case's is not found through it.
    assert client.get(f"/staff/cases/{case.reference}/files/{other[0]['id']}").status_code == 404


def test_an_advisor_types_the_callers_address_when_the_list_lacks_it(client, login_as):
    login_as("advisor")
    factories.team("revenues")
    prop = factories.property_()
    db.session.commit()
    post_form(client, "/staff/contacts/new", {"channel": "phone", "reason": "general_enquiry"}, get_url="/staff/contacts/new")
    raise_url = "/staff/contacts/current/raise/council_tax_moving_in"
    client.get(raise_url)
    assert "Enter the address manually" in client.get(f"{raise_url}/address").get_data(as_text=True)
    r = post_form(client, f"{raise_url}/address", {"postcode": prop.postcode})
    assert "The address is not in the list" in client.get(r.location).get_data(as_text=True)
    r = post_form(client, f"{raise_url}/address?manual=1", {"line1": "", "town": "Dunbury", "postcode": "DB9 9ZZ"})
    assert r.status_code == 400 and "Enter address line 1, typically the building and street" in r.get_data(as_text=True)
    r = post_form(client, f"{raise_url}/address?manual=1", {"line1": "Plot 4", "town": "Dunbury", "postcode": "DB9 9ZZ"})
    assert r.location.endswith(f"{raise_url}/move_date")
    day = datetime.now(timezone.utc).date() - timedelta(days=2)
    post_form(client, f"{raise_url}/move_date", {"move_in_date": [str(day.day), str(day.month), str(day.year)],
                                                "previous_address": "1 Old Road", "adults": "1"})
    post_form(client, f"{raise_url}/details", {"full_name": "Robin Caller", "email": "robin@example.com"})
    check = client.get(f"{raise_url}/check").get_data(as_text=True)
    assert "Plot 4<br>Dunbury<br>DB9 9ZZ<br>(typed in: not found in the address list)" in check  # as the resident's check page
    r = post_form(client, f"{raise_url}/check", {})
    assert r.status_code == 302, r.get_data(as_text=True)[:1000]
    case = db.session.scalar(select(Case).where(Case.workflow_id == "council_tax_moving_in"))
    assert case.answers["address"] == {"manual": True, "line1": "Plot 4", "town": "Dunbury", "postcode": "DB9 9ZZ"}
    assert case.channel == "phone"
