"""`flask gazetteer import`: AddressBase Plus and DTF 8.1 supplies (tests/fixtures/gazetteer/, written in
the published layouts) become properties; a second run changes nothing; a change-only file applies its
inserts, updates and deletions; bad lines are rejected with their line and reason; historic addresses
are not offered in the portal's postcode search but stay on the cases that name them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Case, Property, Street
from frontdoor.services import properties
from frontdoor.services.gazetteer import grid_to_lat_long
from tests import factories

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gazetteer"


def run(app, name, *extra):
    result = app.test_cli_runner().invoke(args=["gazetteer", "import", str(FIXTURES / name), *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def prop(uprn) -> Property:
    db.session.expire_all()
    return db.session.scalars(select(Property).where(Property.uprn == uprn)).one()


def case_at(property_: Property, reference: str) -> Case:
    case = Case(reference=reference, workflow_id="missed_bin", workflow_version=1, state="submitted",
                state_category="open", answers={}, property_id=property_.id, channel="web",
                team_id=factories.team().id)
    db.session.add(case)
    db.session.commit()
    return case


def test_addressbase_plus_imports_and_a_second_run_changes_nothing(app, session):
    result = run(app, "abp_full.csv")
    assert result.exit_code == 0, result.output
    assert "abp_full.csv (abp, 5 lines)" in result.output
    assert "address: 5 added" in result.output and "0 lines rejected" in result.output
    house = prop("100010000001")
    assert (house.address_line1, house.town, house.postcode) == ("14 Mill Lane", "Gazeton", "GZ1 1AA")
    assert (house.usrn, house.street, house.ward) == ("8800001", "Mill Lane", "E05000001")
    assert (house.classification, house.address_kind, house.logical_status) == ("RD04", "residential", "approved")
    assert (house.easting, house.northing, house.latitude) == (530047.0, 180418.0, 51.5077364)
    flat = prop("100010000002")
    assert flat.address_line1 == "Flat 1, Rose Court, 16 Mill Lane" and flat.parent_uprn == "100010000003"
    assert prop("100010000003").address_kind == "parent_shell"
    assert prop("100010000004").address_kind == "commercial"
    # No latitude/longitude in the row: converted from the grid reference.
    lane = prop("100010000005")
    assert lane.address_line1 == "20A Mill Lane"
    assert (lane.latitude, lane.longitude) == grid_to_lat_long(530200, 180500)
    assert lane.latitude == pytest.approx(51.5082, abs=0.001) and lane.longitude == pytest.approx(-0.1252, abs=0.001)

    again = run(app, "abp_full.csv")
    assert "address: 5 unchanged" in again.output, again.output


def test_an_addressbase_plus_change_only_file_applies_inserts_updates_and_deletions(app, session):
    run(app, "abp_full.csv")
    case = case_at(prop("100010000004"), "GAZ0001")
    result = run(app, "abp_changes.csv")
    assert "address: 1 added, 1 changed, 1 retired" in result.output, result.output
    assert prop("100010000001").classification == "RD02"
    assert prop("100010000006").address_line1 == "22 Mill Lane"
    shop = prop("100010000004")
    assert shop.logical_status == "historic" and shop.address_line1 == "The Mill Shop, Mill Lane"
    assert "The Mill Shop, Mill Lane" not in [p.address_line1 for p in properties.addresses_at("GZ1 1AA")]
    assert "The Mill Shop, Mill Lane" in [p.address_line1 for p in properties.addresses_at("GZ1 1AA", include_historic=True)]
    db.session.refresh(case)
    assert case.property.uprn == "100010000004" and case.property.logical_status == "historic"
    assert "address: 3 unchanged" in run(app, "abp_changes.csv").output


def test_bad_addressbase_plus_lines_are_rejected_with_line_and_reason(app, session):
    result = run(app, "abp_bad.csv")
    assert "address: 1 added" in result.output and "6 lines rejected" in result.output
    errors = result.stderr if hasattr(result, "stderr") else result.output
    for expected in ("abp_bad.csv:2: AddressBase Plus row: 40 fields, expected 77",
                     "abp_bad.csv:3: UPRN '10001X' is not a number of at most 12 digits",
                     "abp_bad.csv:4: CHANGE_TYPE 'X' is not I, U or D",
                     "abp_bad.csv:5: X_COORDINATE 'east' is not a number",
                     "abp_bad.csv:6: postcode 'NOT A PC' is not a postcode",
                     "abp_bad.csv:7: coordinates 9e+06, 180418 are outside the British National Grid"):
        assert expected in errors, errors


def test_a_dtf_supply_imports_streets_blpus_lpis_and_classifications(app, session):
    result = run(app, "dtf_full.csv")
    assert result.exit_code == 0, result.output
    assert "dtf_full.csv (dtf, 24 lines)" in result.output and "0 lines rejected" in result.output
    assert "BLPU: 5 added" in result.output and "LPI: 5 changed" in result.output
    assert "classification: 5 changed" in result.output
    assert db.session.get(Street, "8800102").description == "Church Street"
    first = prop("200010000001")
    # The approved LPI, not the property's former (historic) name; coordinates converted from the grid.
    assert first.address_line1 == "1 Station Road" and first.address_line2 == "Old Town" and first.town == "Gazeton"
    assert (first.usrn, first.street, first.postcode) == ("8800101", "Station Road", "GZ2 2AA")
    assert (first.latitude, first.longitude) == grid_to_lat_long(451000, 290000)
    assert prop("200010000002").address_line1 == "3 Station Road"  # not its alternative name
    assert prop("200010000004").address_line1 == "Flat 2, St. Mary's House, 5 Church Street"
    assert (prop("200010000004").parent_uprn, prop("200010000003").address_kind) == ("200010000003", "parent_shell")
    gone = prop("200010000005")
    assert (gone.logical_status, gone.address_line1) == ("historic", "7 Station Road")
    offered = [p.uprn for p in properties.addresses_at("GZ2 2AA")]
    assert offered == ["200010000001", "200010000002"]

    again = run(app, "dtf_full.csv")
    assert "BLPU: 5 unchanged" in again.output and "LPI: 5 unchanged" in again.output, again.output
    assert "classification: 5 unchanged" in again.output
    assert not re.search(r"\d+ (added|changed|retired)", again.output), again.output


def test_a_dtf_change_only_file_applies_and_historic_addresses_stay_on_cases(app, session):
    run(app, "dtf_full.csv")
    staff_case = case_at(prop("200010000002"), "GAZ0002")
    result = run(app, "dtf_changes.csv")
    assert "BLPU: 1 added, 1 changed, 1 retired" in result.output, result.output
    assert "0 lines rejected" in result.output
    assert prop("200010000002").logical_status == "historic"
    assert prop("200010000004").logical_status == "historic"
    assert prop("200010000001").address_line1 == "1A Station Road"
    new = prop("200010000006")
    assert (new.address_line1, new.address_kind, new.postcode) == ("9 Station Road", "commercial", "GZ2 2AD")
    assert [p.uprn for p in properties.addresses_at("GZ2 2AA")] == ["200010000001"]
    db.session.refresh(staff_case)
    assert staff_case.property.single_line.startswith("3 Station Road")
    again = run(app, "dtf_changes.csv")
    assert not re.search(r"\d+ (added|changed|retired)", again.output), again.output


def test_bad_dtf_lines_are_rejected_with_line_and_reason(app, session):
    result = run(app, "dtf_bad.csv")
    errors = result.stderr if hasattr(result, "stderr") else result.output
    for expected in ("dtf_bad.csv:4: BLPU LOGICAL_STATUS '4' is not 1, 6, 7 or 8",
                     "dtf_bad.csv:5: record 21: 10 fields, expected 22",
                     "dtf_bad.csv:7: record type '42' is not a DTF 8.1 record type",
                     "dtf_bad.csv:9: LPI for UPRN 200010000099, which has no BLPU",
                     "dtf_bad.csv:10: LPI on USRN 8800999, which has no street descriptor",
                     "dtf_bad.csv:10: no DTF trailer record (99): the file may be cut short"):
        assert expected in errors, errors
    assert "6 lines rejected" in result.output
    assert prop("200010000011").address_line1 == "11 Station Road"


def test_a_file_of_neither_format_stops_with_a_message(app, session, tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("uprn,address\n1,Somewhere\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["gazetteer", "import", str(odd)])
    assert result.exit_code == 1 and "cannot tell the format" in result.output


def test_the_portal_address_finder_offers_no_historic_address(app, client, session):
    from tests.conftest import post_form

    run(app, "dtf_full.csv")
    client.get("/services/missed_bin/begin")
    r = post_form(client, "/services/missed_bin/address", {"postcode": "gz22aa"})
    assert r.status_code == 302 and "postcode=" in r.location
    page = client.get(r.location).get_data(as_text=True)
    assert "1 Station Road" in page and "3 Station Road" in page
    assert "7 Station Road" not in page  # demolished: historic
    # Deleted in the change-only update: no longer offered, while the building it was in still is.
    assert "Flat 2, St. Mary&#39;s House" in client.get("/services/missed_bin/address?postcode=GZ2+2AB").get_data(as_text=True)
    run(app, "dtf_changes.csv")
    page = client.get("/services/missed_bin/address?postcode=GZ2+2AB").get_data(as_text=True)
    assert "Flat 2" not in page and "St. Mary&#39;s House, 5 Church Street" in page
