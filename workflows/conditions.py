"""`show_if` conditions, interpreted from data (never eval).

A condition is one of:
  {question: q, equals: v}     the answer is v (for checkboxes: v is one of the ticked values)
  {question: q, in: [v, ...]}  the answer is one of these (for checkboxes: any ticked value is)
  {question: q, answered: true|false}
  {not: condition}
  {all: [condition, ...]}
  {any: [condition, ...]}
"""
from __future__ import annotations

from typing import Any, Iterator


def _values(answer: Any) -> list[str]:
    if answer is None:
        return []
    if isinstance(answer, list):
        return [str(v) for v in answer]
    return [str(answer)]


def holds(condition: dict | None, answers: dict[str, Any]) -> bool:
    if not condition:
        return True
    if "all" in condition:
        return all(holds(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(holds(c, answers) for c in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], answers)
    values = _values(answers.get(condition["question"]))
    if "equals" in condition:
        return str(condition["equals"]) in values
    if "in" in condition:
        wanted = {str(v) for v in condition["in"]}
        return any(v in wanted for v in values)
    if "answered" in condition:
        return bool(values) == bool(condition["answered"])
    return False


def questions_named(condition: dict | None) -> Iterator[str]:
    """Every question a condition reads (the loader checks they exist and come earlier)."""
    if not condition:
        return
    for key in ("all", "any"):
        for c in condition.get(key, []):
            yield from questions_named(c)
    if "not" in condition:
        yield from questions_named(condition["not"])
    if "question" in condition:
        yield condition["question"]
