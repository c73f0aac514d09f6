"""Each question type: clean values pass, bad values get the GOV.UK message for that kind of field."""
from __future__ import annotations

from datetime import date

import pytest

from workflows.conditions import holds
from workflows.definition import Question
from workflows.uploads import check_upload, sniff
from workflows.validation import check_answer

TODAY = date(2026, 11, 23)
ADULTS = Question(id="adults", type="number", label="How many adults live there?", summary_label="Adults", minimum=1, maximum=20)
PRICE = Question(id="price", type="number", label="Price", decimals=True, minimum=0)
MOVED = Question(id="moved", type="date", label="Moving in date", min_days=-365, max_days=60)
PAST = Question(id="when", type="date", label="Date it happened", max_days=0)
YES_NO = Question(id="danger", type="yes_no", label="Does it look dangerous?")
WHAT = Question(id="what", type="checkboxes", label="What has been dumped?",
                options=(("bags", "Bags"), ("sofa", "Sofa"), ("tyres", "Tyres")))
WHERE = Question(id="where", type="location", label="Where is it?", max_length=50)
PHOTO = Question(id="photo", type="file", label="Photo", accept=("jpeg", "png"), max_size_mb=1, max_files=2)
INFO = Question(id="info", type="information", label="Stay safe", content="Do not touch it.")

from tests.files import JPEG, PNG


@pytest.mark.parametrize("raw, clean", [("3", 3), (" 20 ", 20), ("1", 1), ("1,0", 10)])
def test_number_accepts_whole_numbers_in_bounds(raw, clean):
    assert check_answer(ADULTS, raw) == (clean, None)


@pytest.mark.parametrize("raw, message", [
    ("", "Enter your answer to ‘How many adults live there?’"),
    ("three", "Adults must be a number"),
    ("2.5", "Adults must be a whole number"),
    ("0", "Adults must be 1 or more"),
    ("21", "Adults must be 20 or less"),
    ("NaN", "Adults must be a number"),
    ("1e999", "Adults must be 20 or less"),
])
def test_number_rejects_bad_values(raw, message):
    assert check_answer(ADULTS, raw) == (None, message)


def test_a_stored_number_passes_again_at_submission():
    assert check_answer(ADULTS, 8) == (8, None)
    assert check_answer(PRICE, 12.5) == (12.5, None)
    assert check_answer(ADULTS, True) == (None, "Adults is not valid")


def test_decimal_numbers_when_allowed():
    assert check_answer(PRICE, "12.50") == (12.5, None)
    assert check_answer(PRICE, "-1") == (None, "Price must be 0 or more")


def test_date_from_parts_and_iso():
    assert check_answer(MOVED, {"day": "1", "month": "11", "year": "2026"}, today=TODAY) == ("2026-11-01", None)
    assert check_answer(MOVED, "2026-11-01", today=TODAY) == ("2026-11-01", None)


@pytest.mark.parametrize("parts, message", [
    ({"day": "", "month": "", "year": ""}, "Enter moving in date"),
    ({"day": "1", "month": "", "year": "2026"}, "Moving in date must include a month"),
    ({"day": "", "month": "", "year": "2026"}, "Moving in date must include a day and month"),
    ({"day": "31", "month": "2", "year": "2026"}, "Moving in date must be a real date"),
    ({"day": "x", "month": "2", "year": "2026"}, "Moving in date must be a real date"),
    ({"day": "1", "month": "2", "year": "26"}, "Moving in date must be a real date"),
    ({"day": "1", "month": "1", "year": "2030"}, "Moving in date must be the same as or before 22 January 2027"),
    ({"day": "1", "month": "1", "year": "2020"}, "Moving in date must be the same as or after 23 November 2025"),
])
def test_date_rejects_bad_values(parts, message):
    assert check_answer(MOVED, parts, today=TODAY) == (None, message)


def test_date_in_the_past_only():
    assert check_answer(PAST, "2026-11-24", today=TODAY) == (None, "Date it happened must be today or in the past")
    assert check_answer(PAST, "2026-11-23", today=TODAY) == ("2026-11-23", None)
    assert check_answer(PAST, "not-a-date", today=TODAY) == (None, "Date it happened must be a real date")


def test_yes_no():
    assert check_answer(YES_NO, "yes") == ("yes", None)
    assert check_answer(YES_NO, "") == (None, "Select yes or no")
    assert check_answer(YES_NO, "maybe") == (None, "Select yes or no")


def test_checkboxes_keep_the_definition_order_once_each():
    assert check_answer(WHAT, ["tyres", "bags", "tyres"]) == (["bags", "tyres"], None)
    assert check_answer(WHAT, "sofa") == (["sofa"], None)


@pytest.mark.parametrize("raw, message", [
    ([], "Select at least one answer to ‘What has been dumped?’"),
    (["bags", "piano"], "Select from the options"),
    ([{"x": 1}], "Select from the options"),
])
def test_checkboxes_reject_bad_values(raw, message):
    assert check_answer(WHAT, raw) == (None, message)


def test_location_needs_a_description_and_a_map_point_is_optional():
    assert check_answer(WHERE, {"description": "By the bus stop"}) == ({"description": "By the bus stop"}, None)
    assert check_answer(WHERE, {"description": "By the bus stop", "lat": "52.5", "lng": "-1.9"}) == (
        {"description": "By the bus stop", "lat": 52.5, "lng": -1.9}, None)
    # Never map-only: a point without words is refused.
    assert check_answer(WHERE, {"description": "", "lat": "52.5", "lng": "-1.9"}) == (None, "Describe where it is")
    assert check_answer(WHERE, {"description": "x", "lat": "40", "lng": "-74"}) == (None, "The map point must be in the UK")
    assert check_answer(WHERE, {"description": "x", "lat": "north", "lng": "1"}) == (
        None, "The map point must be a latitude and longitude")
    assert check_answer(WHERE, {"description": "x" * 51}) == (None, "Where is it? must be 50 characters or fewer")
    assert check_answer(WHERE, 42) == (None, "Describe where it is")


def test_information_blocks_have_no_answer():
    assert check_answer(INFO, "anything") == (None, None)
    assert not INFO.asks


def test_file_records_are_checked_again_at_submission():
    good = {"id": "a" * 24, "name": "tip.png", "kind": "png", "size": 10}
    assert check_answer(PHOTO, [good]) == ([good], None)
    assert check_answer(PHOTO, [{**good, "kind": "pdf"}]) == (None, "The selected file must be a JPEG or PNG")
    assert check_answer(PHOTO, [{**good, "id": "../../etc/passwd"}]) == (None, "Photo is not valid")
    assert check_answer(PHOTO, [good, good, good]) == (None, "Select 2 files or fewer")
    assert check_answer(PHOTO, "text") == (None, "Photo is not valid")


def test_uploads_are_typed_by_content_not_name():
    assert sniff(PNG) == "png" and sniff(JPEG) == "jpeg" and sniff(b"%PDF-1.7") == "pdf"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert sniff(b"MZ\x90\x00 an exe") is None
    assert check_upload(PNG, ("jpeg", "png"), 1, "Photo") == ("png", None)
    assert check_upload(b"<?php echo 1; ?>", ("jpeg", "png"), 1, "Photo") == (None, "The selected file must be a JPEG or PNG")
    assert check_upload(b"%PDF-1.4", ("jpeg", "png"), 1, "Photo") == (None, "The selected file must be a JPEG or PNG")
    assert check_upload(PNG + b"\x00" * (1024 * 1024), ("png",), 1, "Photo") == (None, "The selected file must be smaller than 1MB")
    assert check_upload(b"", ("png",), 1, "Photo") == (None, "The selected file is empty")


@pytest.mark.parametrize("condition, answers, expected", [
    (None, {}, True),
    ({"question": "a", "equals": "yes"}, {"a": "yes"}, True),
    ({"question": "a", "equals": "yes"}, {"a": "no"}, False),
    ({"question": "a", "equals": "yes"}, {}, False),
    ({"question": "a", "equals": 3}, {"a": 3}, True),
    ({"question": "a", "in": ["x", "y"]}, {"a": "y"}, True),
    ({"question": "a", "in": ["x", "y"]}, {"a": ["z", "x"]}, True),
    ({"question": "a", "equals": "sofa"}, {"a": ["bags", "sofa"]}, True),
    ({"question": "a", "answered": True}, {"a": "q"}, True),
    ({"question": "a", "answered": False}, {"a": "q"}, False),
    ({"not": {"question": "a", "equals": "yes"}}, {"a": "yes"}, False),
    ({"all": [{"question": "a", "equals": "1"}, {"question": "b", "equals": "2"}]}, {"a": "1", "b": "2"}, True),
    ({"all": [{"question": "a", "equals": "1"}, {"question": "b", "equals": "2"}]}, {"a": "1", "b": "3"}, False),
    ({"any": [{"question": "a", "equals": "1"}, {"question": "b", "equals": "2"}]}, {"a": "0", "b": "2"}, True),
    ({"any": [{"question": "a", "equals": "1"}]}, {}, False),
])
def test_conditions(condition, answers, expected):
    assert holds(condition, answers) is expected


def test_a_condition_string_is_never_evaluated():
    # Data only: a string that looks like code is compared as a value, never run.
    assert holds({"question": "a", "equals": "__import__('os')"}, {"a": "x"}) is False
