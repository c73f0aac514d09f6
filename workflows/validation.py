"""Validate one answer to one question. The one rule for each type, used by web forms and by submit()."""
from __future__ import annotations

import re
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from workflows.definition import Question

POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")


def normalise_postcode(value: str) -> str | None:
    compact = re.sub(r"\s+", "", value or "").upper()
    match = POSTCODE_RE.match(compact) if len(compact) <= 8 else None
    return f"{match.group(1)} {match.group(2)}" if match else None


def normalise_phone(value: str) -> str | None:
    """E.164 for a valid UK number (or an international one written with +), else None."""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _name(question: Question) -> str:
    return question.check_label[0].lower() + question.check_label[1:]


def check_answer(question: Question, value: Any, options: list[tuple[str, str]] | None = None) -> tuple[Any, str | None]:
    """Return (clean value, None) or (None, a GOV.UK-style error message)."""
    text = value.strip() if isinstance(value, str) else value
    if text in (None, "", []):
        if not question.required:
            return None, None
        if question.type == "radios":
            return None, f"Select {_name(question)}" if not question.label.endswith("?") else "Select an option"
        if question.type == "email":
            return None, "Enter an email address"
        if question.type == "phone":
            return None, "Enter a phone number"
        if question.type == "address":
            return None, "Choose an address"
        return None, f"Enter {_name(question)}"
    if not isinstance(text, str):
        return None, f"{question.check_label} is not valid"
    if question.max_length and len(text) > question.max_length:
        return None, f"{question.check_label} must be {question.max_length} characters or fewer"
    if "\x00" in text:
        return None, f"{question.check_label} contains characters we cannot accept"
    if question.type == "email":
        try:
            return validate_email(text, check_deliverability=False).normalized, None
        except EmailNotValidError:
            return None, "Enter an email address in the correct format, like name@example.com"
    if question.type == "phone":
        if normalise_phone(text) is None:
            return None, "Enter a UK phone number, like 020 7946 0018 or 07911 123 456, or an international number starting with +"
        return text, None
    if question.type == "radios":
        allowed = {v for v, _ in (options if options is not None else question.options)}
        if text not in allowed:
            return None, "Select one of the options"
        return text, None
    return text, None
