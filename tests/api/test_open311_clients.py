"""Issue 16: Open311 as real clients use it (multi-valued attributes, the singular service path,
contact details as typed, informational attributes, every list's values) and errors that are
always in the Open311 format of the requested extension."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Case, CaseEvent
from tests.api.helpers import key, setup_property, xml
from tests.api.test_open311_privacy import complaint_form, fly_tipping_form


def test_multi_valued_attributes_in_the_spec_form(client, session):
    prop = setup_property()
    form = fly_tipping_form(prop, key(), **{"attribute[what]": None})
    form["attribute[what][]"] = ["household", "furniture"]
    response = client.post("/open311/v2/requests.json", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)
    ref = response.get_json()[0]["service_request_id"]
    case = db.session.scalar(select(Case).where(Case.reference == ref))
    assert case.answers["what"] == ["household", "furniture"]


def test_service_definition_at_the_singular_path_too(client):
    assert client.get("/open311/v2/service/missed_bin.json").get_json() == client.get("/open311/v2/services/missed_bin.json").get_json()
    assert xml(client.get("/open311/v2/service/missed_bin.xml")).tag == "service_definition"
    assert client.get("/open311/v2/service/potholes.json").get_json() == [
        {"code": 404, "description": "service_code 'potholes' was not found"}]


def test_informational_attributes_are_not_variable_nor_required_and_lists_have_values(client):
    attributes = {a["code"]: a for a in client.get("/open311/v2/services/fly_tipping.json").get_json()["attributes"]}
    info = attributes["danger_info"]
    assert (info["variable"], info["required"]) == (False, False)
    assert "Do not touch" in info["description"]
    for a in attributes.values():
        if a["datatype"] in ("singlevaluelist", "multivaluelist"):
            assert a["values"], a["code"]
    assert {"key": "yes", "name": "Yes"} in attributes["hazardous"]["values"]


def test_informational_attribute_never_blocks_a_report(client, session):
    prop = setup_property()
    response = client.post("/open311/v2/requests.json", data=fly_tipping_form(prop, key(), **{"attribute[hazardous]": "yes"}))
    assert response.status_code == 200, response.get_data(as_text=True)


def test_phone_as_typed_is_kept_and_flagged_not_refused(client, session):
    typed = "ring after 6pm: 0161 ext 22"
    response = client.post("/open311/v2/requests.json", data=complaint_form(key(), phone=typed))
    assert response.status_code == 200, response.get_data(as_text=True)
    case = db.session.scalar(select(Case).where(Case.reference == response.get_json()[0]["service_request_id"]))
    assert case.customer.email_normalised == "alice.privacy@example.com"
    assert "phone" not in case.answers or case.answers["phone"] != typed  # not passed off as a checked number
    note = next(e for e in case.events if e.kind == "note" and (e.data or {}).get("contact_as_given"))
    assert note.data["contact_as_given"] == {"phone": typed}
    assert note.data["flags"] == ["phone_not_checked"]
    assert "phone" in (note.internal_note or "")


@pytest.mark.parametrize("url, status", [
    ("/open311/v2/requests.{fmt}?start_date=9999-12-31T23:59:59Z", 400),
    ("/open311/v2/requests.{fmt}?end_date=0001-01-01T00:00:00Z", 400),
    ("/open311/v2/tokens/tok_%00.{fmt}", 404),
    ("/open311/v2/requests/%00%00.{fmt}", 404),
])
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_odd_input_is_an_open311_error_in_the_requested_format(client, url, status, fmt):
    response = client.get(url.format(fmt=fmt))
    assert response.status_code == status, response.get_data(as_text=True)
    if fmt == "json":
        (error,) = response.get_json()
        assert error["code"] == status and error["description"]
    else:
        root = xml(response)
        assert root.tag == "errors" and root.findtext("error/code") == str(status)


def test_wrong_method_on_an_open311_resource_is_in_its_format(client):
    response = client.delete("/open311/v2/services.xml")
    assert response.status_code in (404, 405) and xml(response).tag == "errors"
    response = client.put("/open311/v2/requests.json")
    assert response.status_code in (404, 405) and response.get_json()[0]["code"] == response.status_code
