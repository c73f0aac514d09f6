"""One rule per answer type (workflows.validation) and case references (frontdoor.services.references)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from frontdoor.services.references import ALPHABET, new_reference, normalise_reference
from workflows.definition import Question
from workflows.loader import load_file
from workflows.validation import check_answer, normalise_phone, normalise_postcode

DEFINITION = load_file(Path(__file__).resolve().parents[2] / "workflows" / "definitions" / "missed_bin.yaml")
FULL_NAME = DEFINITION.question("full_name")  # text, required, max 100
EMAIL = DEFINITION.question("email")  # email, required, max 254
PHONE = DEFINITION.question("phone")  # phone, optional, max 30
CONTAINER = DEFINITION.question("container")  # radios from the property's containers
ADDRESS = DEFINITION.question("address")

BIN_OPTIONS = [("1", "Black general waste bin (collected on Mondays)"), ("2", "Blue recycling bin (collected on Wednesdays)")]
PHONE_ERROR = "Enter a UK phone number, like 020 7946 0018 or 07911 123 456, or an international number starting with +"
EMAIL_FORMAT_ERROR = "Enter an email address in the correct format, like name@example.com"


def test_the_questions_are_the_ones_these_tests_assume():
    assert (FULL_NAME.type, FULL_NAME.required, FULL_NAME.max_length) == ("text", True, 100)
    assert (EMAIL.type, EMAIL.required, EMAIL.max_length) == ("email", True, 254)
    assert (PHONE.type, PHONE.required, PHONE.max_length) == ("phone", False, 30)
    assert (CONTAINER.type, CONTAINER.options_from) == ("radios", "property_containers")


# Text

def test_text_is_stripped():
    assert check_answer(FULL_NAME, "  Ada Lovelace  ") == ("Ada Lovelace", None)


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_required_text_needs_an_answer(empty):
    assert check_answer(FULL_NAME, empty) == (None, "Enter full name")


def test_required_message_is_written_for_the_question():
    # Issue 17: never "Enter what happened?" nor a summary label's note ("Enter outcome wanted").
    question = Question(id="where", type="textarea", label="Where exactly is it?", summary_label="Location")
    assert check_answer(question, "") == (None, "Enter your answer to ‘Where exactly is it?’")
    noun = Question(id="full_name", type="text", label="Full name")
    assert check_answer(noun, "") == (None, "Enter full name")
    own = Question(id="what", type="textarea", label="What happened?", error_if_missing="Tell us what happened")
    assert check_answer(own, "") == (None, "Tell us what happened")


def test_optional_text_may_be_empty():
    question = Question(id="notes", type="textarea", label="Anything else", required=False)
    assert check_answer(question, "  ") == (None, None)
    assert check_answer(question, None) == (None, None)


def test_text_max_length():
    assert check_answer(FULL_NAME, "a" * 100) == ("a" * 100, None)
    assert check_answer(FULL_NAME, "a" * 101) == (None, "Full name must be 100 characters or fewer")
    # Surrounding spaces do not count.
    assert check_answer(FULL_NAME, " " + "a" * 100 + " ") == ("a" * 100, None)


def test_text_with_a_null_character_is_refused():
    assert check_answer(FULL_NAME, "Ada\x00") == (None, "Full name contains characters we cannot accept")


def test_a_value_that_is_not_text_is_refused():
    assert check_answer(FULL_NAME, ["Ada"]) == (None, "Full name is not valid")
    assert check_answer(FULL_NAME, 42) == (None, "Full name is not valid")


# Email

@pytest.mark.parametrize(
    ("value", "clean"),
    [
        ("name@example.com", "name@example.com"),
        ("  ada.lovelace@example.co.uk ", "ada.lovelace@example.co.uk"),
        ("Name@Example.COM", "Name@example.com"),  # the domain is normalised to lower case
        ("first.last+bins@example.gov.uk", "first.last+bins@example.gov.uk"),
    ],
)
def test_good_email(value, clean):
    assert check_answer(EMAIL, value) == (clean, None)


@pytest.mark.parametrize("value", ["name@", "name", "name@example", "a b@example.com", "@example.com", "name@@example.com"])
def test_bad_email_gets_the_gov_uk_message(value):
    assert check_answer(EMAIL, value) == (None, EMAIL_FORMAT_ERROR)


def test_missing_email():
    assert check_answer(EMAIL, "") == (None, "Enter an email address")


def test_email_too_long():
    value = "a" * 250 + "@example.com"
    assert check_answer(EMAIL, value) == (None, "Email address must be 254 characters or fewer")


# Phone

@pytest.mark.parametrize(
    "value",
    ["+44 20 7946 0018", "020 7946 0018", "02079460018", "(020) 7946-0018", "0044 20 7946 0018", "+442079460018"],
)
def test_uk_landline_formats_are_accepted_and_normalise_to_e164(value):
    clean, error = check_answer(PHONE, value)
    assert error is None
    assert clean is not None
    assert normalise_phone(clean) == "+442079460018"
    assert normalise_phone(value) == "+442079460018"


@pytest.mark.parametrize(("value", "e164"), [("07911 123 456", "+447911123456"), ("+1 415 555 2671", "+14155552671")])
def test_mobile_and_international_numbers(value, e164):
    assert check_answer(PHONE, value)[1] is None
    assert normalise_phone(value) == e164


@pytest.mark.parametrize("value", ["12345", "020 7946 001", "not a phone", "07911 123 45", "+44"])
def test_bad_phone_numbers(value):
    assert normalise_phone(value) is None
    assert check_answer(PHONE, value) == (None, PHONE_ERROR)


def test_optional_phone_may_be_left_out():
    assert check_answer(PHONE, "") == (None, None)


def test_required_phone_message():
    question = Question(id="phone", type="phone", label="Phone number")
    assert check_answer(question, " ") == (None, "Enter a phone number")


def test_phone_too_long_is_refused_before_parsing():
    assert check_answer(PHONE, "0" * 31) == (None, "Phone number must be 30 characters or fewer")


# Radios

def test_radios_accepts_one_of_the_options_given():
    assert check_answer(CONTAINER, "2", BIN_OPTIONS) == ("2", None)


@pytest.mark.parametrize("value", ["3", "Black general waste bin (collected on Mondays)", "0", "01", "1,2"])
def test_radios_outside_the_options_is_refused(value):
    assert check_answer(CONTAINER, value, BIN_OPTIONS) == (None, "Select one of the options")


def test_radios_answer_is_stripped_before_matching():
    assert check_answer(CONTAINER, " 1 ", BIN_OPTIONS) == ("1", None)


def test_radios_with_no_containers_refuses_everything():
    assert check_answer(CONTAINER, "1", []) == (None, "Select one of the options")


def test_radios_uses_the_questions_own_options_when_none_are_given():
    question = Question(id="side", type="radios", label="Which side of the road", options=(("left", "Left"), ("right", "Right")))
    assert check_answer(question, "left") == ("left", None)
    assert check_answer(question, "middle") == (None, "Select one of the options")


def test_required_radios_messages():
    # A label that is a question gets the generic message; otherwise "Select" and the label.
    assert check_answer(CONTAINER, "", BIN_OPTIONS) == (None, "Select your answer to ‘Which bin was not emptied?’")
    question = Question(id="side", type="radios", label="Side of the road", options=(("left", "Left"),))
    assert check_answer(question, None) == (None, "Select side of the road")


def test_required_address_message():
    assert check_answer(ADDRESS, "") == (None, "Choose an address")


# Postcodes

@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("SW1A 1AA", "SW1A 1AA"),
        ("sw1a1aa", "SW1A 1AA"),
        ("  ec1a   1bb ", "EC1A 1BB"),
        ("m1 1ae", "M1 1AE"),
        ("B338TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("dn55 1pt", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
    ],
)
def test_normalise_postcode(value, expected):
    assert normalise_postcode(value) == expected


@pytest.mark.parametrize("value", ["", None, "SW1A", "SW1A 1AAA", "12345", "SW1A-1AA", "1AA SW1A", "ABC1 1AA"])
def test_normalise_postcode_refuses_what_is_not_a_postcode(value):
    assert normalise_postcode(value) is None


# References

REFERENCE_RE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}$")


def test_the_alphabet_leaves_out_confusable_characters():
    assert len(ALPHABET) == 30
    assert len(set(ALPHABET)) == 30
    for confusable in "01OILU":
        assert confusable not in ALPHABET


def test_new_reference_format():
    reference = new_reference()
    assert len(reference) == 9
    assert reference[4] == "-"
    assert REFERENCE_RE.match(reference), reference
    assert all(c in ALPHABET for c in reference.replace("-", ""))


def test_1000_new_references_are_well_formed_and_unique():
    references = [new_reference() for _ in range(1000)]
    assert all(REFERENCE_RE.match(r) for r in references)
    assert len(set(references)) == 1000
    # Random, not a counter: the characters used cover most of the alphabet.
    assert len({c for r in references for c in r.replace("-", "")}) == 30


def test_a_new_reference_normalises_to_itself():
    reference = new_reference()
    assert normalise_reference(reference) == reference
    assert normalise_reference(reference.lower().replace("-", " ")) == reference


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ABCD-EFGH", "ABCD-EFGH"),
        ("abcdefgh", "ABCD-EFGH"),
        (" abcd efgh ", "ABCD-EFGH"),
        ("AB CD-EF/GH", "ABCD-EFGH"),
        ("2345-6789", "2345-6789"),
        ("wxyz.2345", "WXYZ-2345"),
    ],
)
def test_normalise_reference(value, expected):
    assert normalise_reference(value) == expected


@pytest.mark.parametrize(
    "value",
    ["", None, "ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFG0", "ABCD-EFGO", "ABCD-EFGI", "ABCD-EFG1", "ABCD-EFGL", "ABCD-EFGU"],
)
def test_normalise_reference_refuses_what_cannot_be_a_reference(value):
    assert normalise_reference(value) is None
