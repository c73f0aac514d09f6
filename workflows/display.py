"""An answer as words for 'Check your answers' and the case page."""
from __future__ import annotations

from datetime import date
from typing import Any

from workflows.definition import Question


def display_answer(question: Question, value: Any, options: list[tuple[str, str]] | None = None) -> str:
    if value is None or value == "" or value == []:
        return ""
    labels = dict(options or question.options)
    if question.type == "radios":
        return labels.get(str(value), "")
    if question.type == "yes_no":
        return {"yes": "Yes", "no": "No"}.get(value, "")
    if question.type == "checkboxes":
        return ", ".join(labels.get(v, v) for v in value)
    if question.type == "date":
        try:
            day = date.fromisoformat(value)
        except (TypeError, ValueError):
            return str(value)
        return f"{day.day} {day:%B %Y}"
    if question.type == "location":
        text = value.get("description", "") if isinstance(value, dict) else str(value)
        if isinstance(value, dict) and value.get("lat") is not None:
            text += f" (map point {value['lat']}, {value['lng']})"
        return text
    if question.type == "file":
        return ", ".join(f.get("name", "file") for f in value) if isinstance(value, list) else ""
    return str(value)
