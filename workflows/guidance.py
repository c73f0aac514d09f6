"""Advisor guidance from a definition: plain text or a small Markdown subset, rendered safely.

The subset is what a call script needs: paragraphs (a blank line), bullet lists ("- " or "* "),
**bold** and *emphasis*. Everything is HTML-escaped first, so a definition can never add markup
of its own; only the tags made here reach the page.
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_BULLET = re.compile(r"^\s*[-*]\s+")


def _inline(text: str) -> str:
    escaped = str(escape(text))
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _EMPHASIS.sub(r"<em>\1</em>", escaped)


def render_guidance(text: str | None) -> Markup:
    """The guidance as HTML paragraphs and lists (GOV.UK classes), every character of the source escaped."""
    if not text or not text.strip():
        return Markup("")
    blocks = re.split(r"\n\s*\n", text.strip())
    out = []
    for block in blocks:
        lines = [line for line in block.splitlines() if line.strip()]
        if all(_BULLET.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_BULLET.sub('', line))}</li>" for line in lines)
            out.append(f'<ul class="govuk-list govuk-list--bullet">{items}</ul>')
        else:
            out.append(f'<p class="govuk-body">{_inline(" ".join(line.strip() for line in lines))}</p>')
    return Markup("".join(out))
