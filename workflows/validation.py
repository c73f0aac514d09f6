"""Validate one answer to one question. The one rule for each type, used by web forms and by submit()."""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

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


def _asked(question: Question) -> bool:
    return question.label.rstrip().endswith("?")


# Generated words when a definition gives no error_if_missing: a question's label is quoted (never
# "Enter what happened?" or a bare "Select an option"), a noun label is named ("Enter your full name").
MISSING = {
    "radios": lambda q: f"Select your answer to ‘{q.label}’" if _asked(q) else f"Select {_name(q)}",
    "yes_no": lambda q: "Select yes or no",
    "checkboxes": lambda q: f"Select at least one answer to ‘{q.label}’" if _asked(q) else f"Select {_name(q)}",
    "email": lambda q: "Enter an email address",
    "phone": lambda q: "Enter a phone number",
    "address": lambda q: "Choose an address",
    "date": lambda q: f"Enter the date for ‘{q.label}’" if _asked(q) else f"Enter {_name(q)}",
    "file": lambda q: f"Select {_name(q)}",
    "location": lambda q: "Describe where it is",
}


def _format_day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _check_text(q: Question, text: str, options, today):
    return text, None


EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


def _check_email(q, text, options, today):
    try:
        return validate_email(text, check_deliverability=False).normalized, None
    except EmailNotValidError:
        return None, EMAIL_FORMAT


def _check_phone(q, text, options, today):
    if normalise_phone(text) is None:
        return None, "Enter a UK phone number, like 020 7946 0018 or 07911 123 456, or an international number starting with +"
    return text, None


def _check_radios(q, text, options, today):
    allowed = {v for v, _ in (options if options is not None else q.options)}
    if text not in allowed:
        return None, "Select one of the options"
    return text, None


def _check_yes_no(q, text, options, today):
    if text not in ("yes", "no"):
        return None, "Select yes or no"
    return text, None


def _check_number(q, text, options, today):
    name = q.check_label
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None, f"{name} must be a number"
    if not number.is_finite():
        return None, f"{name} must be a number"
    if not q.decimals and number != number.to_integral_value():
        return None, f"{name} must be a whole number"
    if q.minimum is not None and number < Decimal(str(q.minimum)):
        return None, f"{name} must be {_num(q.minimum)} or more"
    if q.maximum is not None and number > Decimal(str(q.maximum)):
        return None, f"{name} must be {_num(q.maximum)} or less"
    return (int(number) if not q.decimals else float(number)), None


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def parse_date_parts(value: Any) -> tuple[date | None, str | None]:
    """A date from {day, month, year} or an ISO string; (None, which part is wrong) if not real."""
    if isinstance(value, date):
        return value, None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value), None
        except ValueError:
            return None, "real"
    if not isinstance(value, dict):
        return None, "real"
    parts = {k: str(value.get(k) or "").strip() for k in ("day", "month", "year")}
    missing = [k for k, v in parts.items() if not v]
    if missing:
        return None, "must include a " + " and ".join(missing)
    if not all(v.isdigit() for v in parts.values()) or len(parts["year"]) != 4:
        return None, "real"
    try:
        return date(int(parts["year"]), int(parts["month"]), int(parts["day"])), None
    except ValueError:
        return None, "real"


def _check_date(q, value, options, today):
    name = q.check_label
    day, problem = parse_date_parts(value)
    if day is None:
        if problem == "real":
            return None, f"{name} must be a real date"
        return None, f"{name} {problem}"
    today = today or date.today()
    if q.min_days is not None and day < today + timedelta(days=q.min_days):
        earliest = today + timedelta(days=q.min_days)
        if q.min_days == 0:
            return None, f"{name} must be today or in the future"
        return None, f"{name} must be the same as or after {_format_day(earliest)}"
    if q.max_days is not None and day > today + timedelta(days=q.max_days):
        latest = today + timedelta(days=q.max_days)
        if q.max_days == 0:
            return None, f"{name} must be today or in the past"
        return None, f"{name} must be the same as or before {_format_day(latest)}"
    return day.isoformat(), None


def _check_checkboxes(q, value, options, today):
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) for v in values):
        return None, "Select from the options"
    allowed = [v for v, _ in (options if options is not None else q.options)]
    chosen = [v.strip() for v in values if v.strip()]
    if any(v not in allowed for v in chosen):
        return None, "Select from the options"
    return [v for v in allowed if v in chosen], None  # in the definition's order, each once


# A rough box around the UK and its waters: a map point outside it is a mistake or a tampered field.
UK_BOUNDS = (49.8, 61.0, -8.7, 2.0)


def _check_location(q, value, options, today, bounds=None):
    """{description, lat?, lng?}: a described place is always needed; a map point is only extra."""
    if isinstance(value, str):
        value = {"description": value}
    if not isinstance(value, dict):
        return None, "Describe where it is"
    description = str(value.get("description") or "").strip()
    if not description:
        return None, "Describe where it is"
    if q.max_length and len(description) > q.max_length:
        return None, f"{q.check_label} must be {q.max_length} characters or fewer"
    clean: dict[str, Any] = {"description": description}
    lat, lng = value.get("lat"), value.get("lng")
    if lat not in (None, "") or lng not in (None, ""):
        try:
            lat_f, lng_f = float(lat), float(lng)
        except (TypeError, ValueError):
            return None, "The map point must be a latitude and longitude"
        south, north, west, east = q.bounds or bounds or UK_BOUNDS
        if not (south <= lat_f <= north and west <= lng_f <= east):
            return None, ("The map point must be in the UK" if not (q.bounds or bounds)
                          else "The map point must be in the council's area. Describe where it is instead, or move the point")
        clean.update(lat=round(lat_f, 6), lng=round(lng_f, 6))
    return clean, None


def _check_file(q, value, options, today):
    """Stored uploads are a list of {id, name, kind, size}; the upload itself was checked when stored."""
    files = value if isinstance(value, list) else [value]
    for f in files:
        if not isinstance(f, dict) or not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", str(f.get("id", ""))):
            return None, f"{q.check_label} is not valid"
        if q.accept and f.get("kind") not in q.accept:
            return None, f"The selected file must be a {' or '.join(k.upper() for k in q.accept)}"
    if len(files) > q.max_files:
        return None, f"Select {q.max_files} file{'s' if q.max_files > 1 else ''} or fewer"
    return [{k: f[k] for k in ("id", "name", "kind", "size") if k in f} for f in files], None


ADDRESS_LINE_MAX = 100


def is_manual_address(value: Any) -> bool:
    return isinstance(value, dict) and value.get("manual") is True


def check_manual_address(value: Any) -> tuple[dict | None, dict[str, str]]:
    """A typed address (GOV.UK address pattern): line 1, optional line 2, town, postcode.

    Returns (clean, {}) or (None, {field: message}); the clean value records that it was typed.
    """
    value = value if isinstance(value, dict) else {}
    text = {k: str(value.get(k) or "").strip() for k in ("line1", "line2", "town", "postcode")}
    errors: dict[str, str] = {}
    names = {"line1": "Address line 1", "line2": "Address line 2", "town": "Town or city"}
    if not text["line1"]:
        errors["line1"] = "Enter address line 1, typically the building and street"
    if not text["town"]:
        errors["town"] = "Enter town or city"
    for key, name in names.items():
        if key not in errors and len(text[key]) > ADDRESS_LINE_MAX:
            errors[key] = f"{name} must be {ADDRESS_LINE_MAX} characters or fewer"
        elif "\x00" in text[key]:
            errors[key] = f"{name} contains characters we cannot accept"
    postcode = normalise_postcode(text["postcode"]) if text["postcode"] else None
    if not text["postcode"]:
        errors["postcode"] = "Enter postcode"
    elif postcode is None:
        errors["postcode"] = "Enter a real postcode, like DB1 2AB"
    if errors:
        return None, errors
    clean = {"manual": True, "line1": text["line1"], "town": text["town"], "postcode": postcode}
    if text["line2"]:
        clean["line2"] = text["line2"]
    return clean, {}


def manual_address_lines(value: dict) -> list[str]:
    return [v for v in (value.get("line1"), value.get("line2"), value.get("town"), value.get("postcode")) if v]


# type -> check(question, value (a stripped str for text-like types), options, today) -> (clean, error).
# Another issue adds types by adding an entry here (and in the schema and forms).
CHECKS: dict[str, Callable] = {
    "text": _check_text,
    "textarea": _check_text,
    "email": _check_email,
    "phone": _check_phone,
    "radios": _check_radios,
    "yes_no": _check_yes_no,
    "number": _check_number,
    "date": _check_date,
    "checkboxes": _check_checkboxes,
    "location": _check_location,
    "file": _check_file,
}
STRING_TYPES = {"text", "textarea", "email", "phone", "radios", "yes_no", "number"}


def _empty(value: Any) -> bool:
    if value is None or value == "" or value == []:
        return True
    if isinstance(value, dict):
        return all(str(v or "").strip() == "" for v in value.values())
    if isinstance(value, list):
        return all(isinstance(v, str) and not v.strip() for v in value)
    return False


def parse_bounds(text: str | None) -> tuple[float, float, float, float] | None:
    """COUNCIL_BOUNDS: "south,north,west,east" in degrees (blank: none, the UK box applies)."""
    if not (text or "").strip():
        return None
    try:
        south, north, west, east = (float(p) for p in text.split(","))
    except ValueError:
        raise ValueError(f"COUNCIL_BOUNDS: {text!r} is not south,north,west,east, like 51.9,52.1,-1.1,-0.9") from None
    if not (south < north and west < east):
        raise ValueError(f"COUNCIL_BOUNDS: {text!r}: south must be below north and west below east")
    return south, north, west, east


def check_answer(question: Question, value: Any, options: list[tuple[str, str]] | None = None,
                 today: date | None = None, bounds: tuple | None = None) -> tuple[Any, str | None]:
    """Return (clean value, None) or (None, a GOV.UK-style error message).

    `bounds` is the council's box for a map point (a question's own `bounds` wins)."""
    if question.type == "information":
        return None, None
    if question.type == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)  # a stored clean answer, checked again at submission
    text = value.strip() if isinstance(value, str) else value
    if _empty(text):
        if not question.required:
            return None, None
        if question.error_if_missing:
            return None, question.error_if_missing
        missing = MISSING.get(question.type)
        if missing:
            return None, missing(question)
        return None, f"Enter your answer to ‘{question.label}’" if _asked(question) else f"Enter {_name(question)}"
    if question.type in STRING_TYPES:
        if not isinstance(text, str):
            return None, f"{question.check_label} is not valid"
        if question.max_length and len(text) > question.max_length:
            return None, f"{question.check_label} must be {question.max_length} characters or fewer"
        if "\x00" in text:
            return None, f"{question.check_label} contains characters we cannot accept"
    if question.type == "location":
        return _check_location(question, text, options, today, bounds)
    check = CHECKS.get(question.type)
    if check is None:
        return text, None
    return check(question, text, options, today)
