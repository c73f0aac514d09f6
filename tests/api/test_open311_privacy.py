"""Issue 16, High 1: who sees which Open311 requests, and with what. A service is public on Open311
only when its definition says `open311: {public: true}`; anonymous callers see only those, and
never personal data or staff's free text; keyed clients see what their key's scopes allow."""
from __future__ import annotations

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Case, CaseEvent
from frontdoor.services.registry import definition
from tests.api.helpers import key, setup_property, xml

NAME, EMAIL, PHONE = "Alice Privacy", "alice.privacy@example.com", "07700 900123"


def fly_tipping_form(prop, secret, **extra):
    form = {"api_key": secret, "service_code": "fly_tipping", "lat": str(prop.latitude), "long": str(prop.longitude),
            "attribute[what]": "household", "attribute[amount]": "single", "attribute[hazardous]": "no",
            "attribute[location]": "Behind the bus shelter", "first_name": "Alice", "last_name": "Privacy",
            "email": EMAIL, "description": "Bags dumped, call Alice on 07700 900123"}
    form.update(extra)
    return {k: v for k, v in form.items() if v is not None}


def _a_month_ago() -> str:
    """A date the complaint rule accepts whatever day the suite runs (it refuses the future and over a year ago)."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    return (datetime.now(ZoneInfo("Europe/London")).date() - timedelta(days=30)).isoformat()


def complaint_form(secret, **extra):
    form = {"api_key": secret, "service_code": "complaint", "address_string": "1 Test Street",
            "attribute[service]": "council_tax", "attribute[what_happened]": "My bill went to my ex-partner",
            "attribute[happened_on]": _a_month_ago(), "attribute[outcome]": "An apology",
            "first_name": "Alice", "last_name": "Privacy", "email": EMAIL, "phone": PHONE}
    form.update(extra)
    return {k: v for k, v in form.items() if v is not None}


def _staff_note(ref, message):
    case = db.session.scalar(select(Case).where(Case.reference == ref))
    case.events.append(CaseEvent(kind="note", actor_type="system", actor_label="Officer",
                                 public_message=message))
    db.session.commit()


def _post(client, form):
    response = client.post("/open311/v2/requests.json", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()[0]["service_request_id"]


def test_definitions_are_private_on_open311_unless_they_say_public(session):
    assert definition("fly_tipping").open311_public is True
    for private in ("complaint", "council_tax_moving_in", "council_tax_moving_out", "foi_request", "missed_bin"):
        assert definition(private).open311_public is False, private


def test_anonymous_list_shows_only_public_services_and_no_personal_data(client, session):
    prop = setup_property()
    secret = key()
    street = _post(client, fly_tipping_form(prop, secret))
    person = _post(client, complaint_form(secret))
    _staff_note(street, "Spoke to Alice Privacy on 07700 900123")

    listed = client.get("/open311/v2/requests.json").get_json()
    assert [r["service_request_id"] for r in listed] == [street]
    (one,) = listed
    text = repr(one)
    for secret_bit in (NAME, "Alice", EMAIL, "07700", "Privacy"):
        assert secret_bit not in text, secret_bit
    assert one["status_notes"] == "" and one["description"] == ""
    assert one["lat"] is not None  # a street report's place is public
    # Asking for the private one by id, in either format, finds nothing.
    assert client.get(f"/open311/v2/requests.json?service_request_id={person},{street}").get_json() == [one]
    assert xml(client.get(f"/open311/v2/requests.xml?service_code=complaint")).findall("request") == []


def test_anonymous_lookup_only_for_public_services(client, session):
    prop = setup_property()
    secret = key()
    street = _post(client, fly_tipping_form(prop, secret))
    person = _post(client, complaint_form(secret))
    assert client.get(f"/open311/v2/requests/{street}.json").status_code == 200
    for fmt in ("json", "xml"):
        refused = client.get(f"/open311/v2/requests/{person}.{fmt}")
        assert refused.status_code == 404, fmt
    assert client.get(f"/open311/v2/requests/{person}.json").get_json() == [
        {"code": 404, "description": f"service_request_id '{person}' was not found"}]


def test_keyed_clients_see_what_their_scopes_allow(client, session):
    prop = setup_property()
    writer = key()
    person = _post(client, complaint_form(writer))
    _staff_note(person, "Spoke to Alice Privacy on 07700 900123")
    case = db.session.scalar(select(Case).where(Case.reference == person))

    reader = key("Partner", ("read",))
    (seen,) = client.get(f"/open311/v2/requests/{person}.json", query_string={"api_key": reader}).get_json()
    assert seen["status"] == "open" and seen["service_code"] == "complaint"
    assert seen["status_notes"] == "" and seen["description"] == "" and seen["address"] == ""
    assert NAME not in repr(seen) and "07700" not in repr(seen)
    listed = client.get("/open311/v2/requests.json", query_string={"api_key": reader}).get_json()
    assert [r["service_request_id"] for r in listed] == [person]

    staff = key("Ops", ("read", "internal"))
    (full,) = client.get(f"/open311/v2/requests/{person}.json", headers={"X-Api-Key": staff}).get_json()
    assert full["status_notes"] == "Spoke to Alice Privacy on 07700 900123"
    assert full["service_request_id"] == case.reference

    bogus = client.get(f"/open311/v2/requests/{person}.json", query_string={"api_key": "fd_made_up"})
    assert bogus.status_code == 403 and bogus.get_json() == [{"code": 403, "description": "The api_key is not valid"}]
