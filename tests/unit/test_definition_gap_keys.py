"""The newer definition keys (manual_entry, duplicate, prefill, bounds): refused with file and path
when wrong, and the engine pieces behind them."""
from __future__ import annotations

import copy
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from workflows.calendar import WorkingCalendar
from workflows.errors import DefinitionError
from workflows.loader import load_file, load_text
from workflows import prefill
from workflows.display import display_answer, display_lines
from workflows.rules import duplicate_key, duplicate_window_start
from workflows.validation import check_answer, check_manual_address, parse_bounds

DEFINITIONS = Path(__file__).resolve().parents[2] / "workflows" / "definitions"
MISSED_BIN = yaml.safe_load((DEFINITIONS / "missed_bin.yaml").read_text())
MOVING_IN = yaml.safe_load((DEFINITIONS / "council_tax_moving_in.yaml").read_text())
FLY = yaml.safe_load((DEFINITIONS / "fly_tipping.yaml").read_text())


def question(d, qid):
    return next(q for p in d["pages"] for q in p["questions"] if q["id"] == qid)


def problems(base, name, mutate):
    data = copy.deepcopy(base)
    mutate(data)
    with pytest.raises(DefinitionError) as info:
        load_text(yaml.safe_dump(data, sort_keys=False), f"{name}.yaml")
    return info.value.problems


def _generic_duplicate(d, match):
    del d["dedupe"]
    d["duplicate"] = {"match": match, "within_working_days": 2}


BROKEN = [
    (MISSED_BIN, "missed_bin", lambda d: question(d, "full_name").update(manual_entry=True),
     "missed_bin.yaml: pages[2].questions[0].manual_entry: a text question cannot have manual_entry"),
    (MISSED_BIN, "missed_bin", lambda d: question(d, "address").update(manual_entry=True),
     "missed_bin.yaml: pages[0].questions[0].manual_entry: a typed address cannot be used here: 'container' needs the address's records"),
    (FLY, "fly_tipping", lambda d: d["pages"][0]["questions"].append({"id": "home", "type": "address", "label": "Postcode", "manual_entry": True}),
     "fly_tipping.yaml: pages[0].questions[1].manual_entry: only the property_question can take a typed address"),
    (MISSED_BIN, "missed_bin", lambda d: _generic_duplicate(d, ["property", "contaner"]),
     "missed_bin.yaml: duplicate.match[1]: unknown field 'contaner'; use 'property' or one of: address, container, email, full_name, phone"),
    (MISSED_BIN, "missed_bin", lambda d: d.update(duplicate={"match": ["property"], "within_working_days": 2}),
     "missed_bin.yaml: duplicate: use either dedupe (a named rule) or duplicate, not both"),
    (MISSED_BIN, "missed_bin", lambda d: (_generic_duplicate(d, ["container"]), d.pop("duplicate_state")),
     "missed_bin.yaml: (top level): 'duplicate_state' is a dependency of 'duplicate'"),
    (MISSED_BIN, "missed_bin", lambda d: (_generic_duplicate(d, ["container"]), d["duplicate"].update(within_working_days=-1)),
     "missed_bin.yaml: duplicate.within_working_days: -1 is less than the minimum of 0"),
    (FLY, "fly_tipping", lambda d: d.update(duplicate={"match": ["property"], "within_working_days": 1}, duplicate_state="closed_no_action"),
     "fly_tipping.yaml: duplicate.match[0]: 'property' needs a property_question"),
    (FLY, "fly_tipping", lambda d: d.update(duplicate={"match": ["photo"], "within_working_days": 1}, duplicate_state="closed_no_action"),
     "fly_tipping.yaml: duplicate.match[0]: question 'photo' is a file question and cannot be matched"),
    (MISSED_BIN, "missed_bin", lambda d: question(d, "phone").update(prefill={"from": "customer.email"}),
     "missed_bin.yaml: pages[2].questions[2].prefill.from: 'customer.email' cannot fill a phone question (it suits email, text)"),
    (MISSED_BIN, "missed_bin", lambda d: question(d, "email").update(prefill={"from": "customer.shoe_size"}),
     "missed_bin.yaml: pages[2].questions[1].prefill.from: 'customer.shoe_size' is not one of"),
    (MISSED_BIN, "missed_bin", lambda d: question(d, "email").update(prefill="customer.email"),
     "missed_bin.yaml: pages[2].questions[1].prefill: 'customer.email' is not of type 'object'"),
    (FLY, "fly_tipping", lambda d: question(d, "location").update(bounds=[52.1, 51.9, -1.1, -0.9]),
     "fly_tipping.yaml: pages[3].questions[0].bounds: must be [south, north, west, east] with south < north and west < east"),
    (FLY, "fly_tipping", lambda d: question(d, "location").update(bounds=[52.1, 51.9]),
     "fly_tipping.yaml: pages[3].questions[0].bounds: [52.1, 51.9] is too short"),
    (MISSED_BIN, "missed_bin", lambda d: question(d, "full_name").update(bounds=[1, 2, 3, 4]),
     "missed_bin.yaml: pages[2].questions[0].bounds: a text question cannot have bounds"),
]


@pytest.mark.parametrize("base,name,mutate,expected", BROKEN, ids=[b[3].split(": ")[1] + str(i) for i, b in enumerate(BROKEN)])
def test_a_wrong_new_key_names_the_file_and_the_path(base, name, mutate, expected):
    found = problems(base, name, mutate)
    assert any(p.startswith(expected) for p in found), found


def test_fly_tipping_location_question_is_where_the_tests_say():
    assert FLY["pages"][3]["questions"][0]["id"] == "location"
    assert question(FLY, "photo")["type"] == "file"


def test_the_shipped_files_use_the_new_keys():
    moving_in = load_file(DEFINITIONS / "council_tax_moving_in.yaml")
    assert moving_in.question("address").manual_entry
    replacement = load_file(DEFINITIONS / "replacement_container.yaml")
    assert replacement.duplicate["match"] == ["property", "request_type", "container_stream"]
    assert replacement.question("email").prefill == "customer.email"


# --- typed addresses -------------------------------------------------------------------------------

def test_a_typed_address_is_checked_field_by_field():
    assert check_manual_address({}) == (None, {
        "line1": "Enter address line 1, typically the building and street",
        "town": "Enter town or city", "postcode": "Enter postcode"})
    assert check_manual_address({"line1": "x" * 101, "town": "Dunbury", "postcode": "nope"})[1] == {
        "line1": "Address line 1 must be 100 characters or fewer", "postcode": "Enter a real postcode, like DB1 2AB"}
    clean, errors = check_manual_address({"line1": " Plot 4, Mill Lane ", "line2": "", "town": "Dunbury", "postcode": "db12ab"})
    assert errors == {} and clean == {"manual": True, "line1": "Plot 4, Mill Lane", "town": "Dunbury", "postcode": "DB1 2AB"}


def test_a_typed_address_is_shown_as_lines_and_says_it_was_typed():
    q = load_file(DEFINITIONS / "council_tax_moving_in.yaml").question("address")
    value = {"manual": True, "line1": "Plot 4", "line2": "Mill Lane", "town": "Dunbury", "postcode": "DB1 2AB"}
    assert display_lines(q, value)[:4] == ["Plot 4", "Mill Lane", "Dunbury", "DB1 2AB"]
    assert "typed in" in display_lines(q, value)[4]


# --- the generic duplicate rule --------------------------------------------------------------------

class Spec:
    id = "replacement_container"
    duplicate = {"match": ["property", "container_stream"], "within_working_days": 2}


def test_duplicate_key_matches_the_named_fields_only():
    a = duplicate_key(Spec, {"container_stream": "general", "email": "a@example.com"}, {"uprn": "1"})
    b = duplicate_key(Spec, {"container_stream": "general", "email": "b@example.com"}, {"uprn": "1"})
    assert a == b and a.startswith("replacement_container:match:")
    assert duplicate_key(Spec, {"container_stream": "recycling"}, {"uprn": "1"}) != a
    assert duplicate_key(Spec, {"container_stream": "general"}, {"uprn": "2"}) != a
    assert duplicate_key(Spec, {"container_stream": "general"}, None) is None  # typed address: nothing to match


def test_the_window_counts_working_days_back_across_a_bank_holiday():
    cal = WorkingCalendar("ENG")
    # Tue 29 Dec 2026, 2 working days back: Thu 24 Dec (25 and 28 Dec are bank holidays, 26/27 a weekend).
    start = duplicate_window_start(cal, datetime(2026, 12, 29, 12, tzinfo=timezone.utc), 2)
    assert start.date().isoformat() == "2026-12-23"
    start = duplicate_window_start(cal, datetime(2026, 12, 29, 12, tzinfo=timezone.utc), 1)
    assert start.date().isoformat() == "2026-12-24"
    assert duplicate_window_start(cal, datetime(2026, 12, 29, 12, tzinfo=timezone.utc), 0).date().isoformat() == "2026-12-29"


# --- prefill and readable answers ------------------------------------------------------------------

def test_prefill_fills_declared_questions_from_known_facts():
    definition = load_file(DEFINITIONS / "council_tax_moving_in.yaml")
    got = prefill.values(definition, {"customer.full_name": "Sam", "customer.email": "sam@example.com",
                                      "property.uprn": "100"})
    assert got == {"full_name": "Sam", "email": "sam@example.com", "address": "100"}
    assert prefill.values(definition, {}) == {}


def test_lists_files_and_places_read_as_lines():
    fly = load_file(DEFINITIONS / "fly_tipping.yaml")
    assert display_lines(fly.question("what"), ["household", "furniture"]) == [
        "Household rubbish or bags", "Furniture or mattresses"]
    assert display_lines(fly.question("location"), {"description": "By the shops", "lat": 52.1, "lng": -1.5}) == [
        "By the shops", "Map point 52.1, -1.5"]
    assert display_lines(fly.question("photo"), [{"id": "x" * 20, "name": "tip.png", "kind": "png", "size": 2048}]) == ["tip.png (2 KB)"]
    assert display_answer(fly.question("location"), {"description": "By the shops"}) == "By the shops"


# --- the council's box for a map point -------------------------------------------------------------

def test_a_map_point_outside_the_councils_box_is_refused_with_a_clear_message():
    where = load_file(DEFINITIONS / "fly_tipping.yaml").question("location")
    box = parse_bounds("51.9,52.3,-1.8,-1.2")
    assert check_answer(where, {"description": "x", "lat": "52.1", "lng": "-1.5"}, bounds=box)[1] is None
    assert check_answer(where, {"description": "x", "lat": "53.5", "lng": "-1.5"}, bounds=box) == (
        None, "The map point must be in the council's area. Describe where it is instead, or move the point")
    assert parse_bounds("") is None
    with pytest.raises(ValueError, match="COUNCIL_BOUNDS"):
        parse_bounds("52,51,-1,-2")
