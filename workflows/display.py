"""An answer as words for 'Check your answers' and the case page."""
from __future__ import annotations

from datetime import date
from typing import Any

from workflows.definition import Question
from workflows.validation import is_manual_address, manual_address_lines


def display_answer(question: Question, value: Any, options: list[tuple[str, str]] | None = None) -> str:
    """One line of text (a list's items joined with commas)."""
    if question.type == "location" and isinstance(value, dict) and value.get("lat") is not None:
        return f"{value.get('description', '')} (map point {value['lat']}, {value['lng']})"
    return ", ".join(display_lines(question, value, options))


def display_lines(question: Question, value: Any, options: list[tuple[str, str]] | None = None) -> list[str]:
    """An answer as lines: a checkbox per line, an address per line, a file per line."""
    if value is None or value == "" or value == []:
        return []
    labels = dict(options or question.options)
    if question.type == "radios":
        return [labels.get(str(value), "")] if labels.get(str(value)) else []
    if question.type == "yes_no":
        return [{"yes": "Yes", "no": "No"}[value]] if value in ("yes", "no") else []
    if question.type == "checkboxes":
        return [labels.get(v, str(v)) for v in value] if isinstance(value, list) else [str(value)]
    if question.type == "date":
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            return [str(value)]
        return [f"{day.day} {day:%B %Y}"]
    if question.type == "address":
        if is_manual_address(value):
            return manual_address_lines(value) + ["(typed in: not found in the address list)"]
        return [str(value)]  # a UPRN: callers show the property's address instead
    if question.type == "location":
        if not isinstance(value, dict):
            return [str(value)]
        lines = [value["description"]] if value.get("description") else []
        if value.get("lat") is not None:
            lines.append(f"Map point {value['lat']}, {value['lng']}")
        return lines
    if question.type == "file":
        files = value if isinstance(value, list) else []
        return [f"{f.get('name', 'file')} ({_size(f.get('size'))})" if f.get("size") else f.get("name", "file")
                for f in files if isinstance(f, dict)]
    if isinstance(value, (dict, list)):
        return [str(value)]
    return [str(value)]


def address_text(value: Any) -> str:
    """A typed address on one line, else ''."""
    return ", ".join(manual_address_lines(value)) if is_manual_address(value) else ""


def _size(size: Any) -> str:
    try:
        size = int(size)
    except (TypeError, ValueError):
        return ""
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"
