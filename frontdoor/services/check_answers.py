"""'Check your answers', once for the resident's pages and the advisor's: the engine's rows
(workflows/journey.py) with the property's address and container names filled in. The web layer
passes how to link back to a page; services never build URLs."""
from __future__ import annotations

from typing import Callable

from markupsafe import Markup

from frontdoor.services import properties
from frontdoor.services.submissions import question_options
from workflows import Definition
from workflows.definition import Page
from workflows.journey import check_rows, summary_list_rows


def answer_rows(definition: Definition, answers: dict, change_url: Callable[[Page], str]) -> list[dict]:
    uprn = answers.get(definition.property_question) if definition.property_question else None
    prop = properties.by_uprn(uprn) if isinstance(uprn, str) and uprn else None
    rows = check_rows(definition, answers, lambda q: question_options(definition, q, prop),
                      prop.single_line if prop else None)
    return summary_list_rows(rows, change_url, lambda lines: Markup("<br>").join(lines))


def answer_lines(definition: Definition, answers: dict) -> dict[str, str]:
    """Each shown question's label and its answer in words: the address, never its UPRN; a bin's
    name, never its id. For pages that show a request's answers without Change links."""
    uprn = answers.get(definition.property_question) if definition.property_question else None
    prop = properties.by_uprn(uprn) if isinstance(uprn, str) and uprn else None
    rows = check_rows(definition, answers, lambda q: question_options(definition, q, prop),
                      prop.single_line if prop else None)
    return {row.question.check_label: ", ".join(row.lines) if row.lines else "Not given" for row in rows}
