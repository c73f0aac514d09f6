"""A case's answers as summary-list rows for the case page: lists, addresses and places as lines."""
from __future__ import annotations

from flask import url_for
from markupsafe import Markup

from workflows.display import display_lines


def answer_rows(case, definition) -> list[dict]:
    if definition is None:
        return []
    containers = {str(c.id): c.label for c in case.property.containers} if case.property else {}
    rows = []
    for page in definition.pages:
        for q in page.questions:
            if not q.asks:
                continue
            value = case.answers.get(q.id)
            if q.type == "address" and case.property is not None and isinstance(value, str):
                lines = [case.property.single_line]
            elif q.options_from == "property_containers":
                lines = [containers.get(str(value), str(value))] if value is not None else []
            else:
                lines = display_lines(q, value)
            if q.type == "file" and isinstance(value, list):
                links = [Markup('<a class="govuk-link" href="{}">{}</a>').format(
                    url_for("caseworker.case_file", reference=case.reference, file_id=f["id"]), line)
                    for f, line in zip((f for f in value if isinstance(f, dict)), lines)]
                html = Markup("<br>").join(links) if links else "Not given"
            elif len(lines) > 1 and q.type == "checkboxes":
                html = Markup('<ul class="govuk-list govuk-list--bullet">{}</ul>').format(
                    Markup("").join(Markup("<li>{}</li>").format(line) for line in lines))
            else:
                html = Markup("<br>").join(lines) if lines else "Not given"
            rows.append({"key": {"text": q.check_label}, "value": {"html": html}})
    return rows
