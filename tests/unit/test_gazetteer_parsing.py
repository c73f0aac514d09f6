"""Reading gazetteer records without a database: the address line, the format, the grid conversion."""
from __future__ import annotations

import pytest

from frontdoor.services.gazetteer import (ABP_COLUMNS, DTF_LAYOUTS, Rejected, _dtf_record, _first_line,
                                          detect_format, grid_to_lat_long)


def lpi(**values):
    fields = {name: "" for name in DTF_LAYOUTS["24"]}
    fields.update(values)
    return fields


def test_the_first_line_puts_the_flat_the_building_and_the_number_on_the_street_in_order():
    assert _first_line(lpi(PAO_START_NUMBER="14"), "Mill Lane") == "14 Mill Lane"
    assert _first_line(lpi(SAO_TEXT="FLAT", SAO_START_NUMBER="2", PAO_TEXT="ROSE COURT", PAO_START_NUMBER="16"),
                       "Mill Lane") == "Flat 2, Rose Court, 16 Mill Lane"
    assert _first_line(lpi(PAO_START_NUMBER="3", PAO_START_SUFFIX="B", PAO_END_NUMBER="5"), "Elm Grove") == "3B-5 Elm Grove"
    with pytest.raises(Rejected, match="no address"):
        _first_line(lpi(), "")


def test_the_format_is_told_from_the_first_record():
    assert detect_format(["10", "DEMO", "9999"]) == "dtf"
    assert detect_format([""] * len(ABP_COLUMNS)) == "abp"
    with pytest.raises(Rejected, match="cannot tell the format"):
        detect_format(["uprn", "address"])


def test_a_record_with_an_epoch_field_is_read_and_one_of_the_wrong_length_is_not():
    row = ["32", "I", "1", "100", "K1", "RD04", "AddressBase Premium Classification Scheme", "1.0",
           "2001-04-01", "", "2026-11-01", "2001-04-01"]
    assert _dtf_record("32", row)[3] == {"classification": "RD04", "address_kind": "residential"}
    assert _dtf_record("32", row + ["93"])[3]["classification"] == "RD04"
    with pytest.raises(Rejected, match="record 32: 11 fields, expected 12"):
        _dtf_record("32", row[:11])


def test_british_national_grid_converts_to_wgs84_within_metres():
    # Nelson's Column: TQ 30015 80415 is about 51.50773 N, 0.12797 W.
    latitude, longitude = grid_to_lat_long(530015, 180415)
    assert latitude == pytest.approx(51.50773, abs=0.0002) and longitude == pytest.approx(-0.12797, abs=0.0003)
