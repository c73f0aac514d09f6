"""A resident's answers while they fill in a form, kept in the signed session cookie.

Stateless app processes (ARCHITECTURE.md, scale-out): nothing about a half-filled form lives on
one server. The draft carries the one-time submission key that makes the final POST safe to repeat.
"""
from __future__ import annotations

import secrets

from flask import session

from workflows import Definition


def draft(definition: Definition) -> dict:
    drafts = session.setdefault("drafts", {})
    current = drafts.get(definition.id)
    if current is None or current.get("version") != definition.version:
        current = {"version": definition.version, "answers": {}, "key": secrets.token_urlsafe(24)}
        drafts[definition.id] = current
        session.modified = True
    return current


def save_answers(definition: Definition, values: dict) -> None:
    current = draft(definition)
    current["answers"].update(values)
    session.modified = True


def forget_answers(definition: Definition, question_ids) -> None:
    current = draft(definition)
    for qid in question_ids:
        current["answers"].pop(qid, None)
    session.modified = True


def finish(definition: Definition) -> None:
    session.get("drafts", {}).pop(definition.id, None)
    session.modified = True


def first_unanswered_page(definition: Definition, answers: dict):
    """The first shown page with a required answer missing: pages cannot be skipped by URL."""
    for page in definition.visible_pages(answers):
        for q in definition.visible_questions(page, answers):
            if q.asks and q.required and q.id not in answers:
                return page
    return None


def forget_hidden(definition: Definition) -> None:
    """Answers to questions a later change has hidden are dropped, not kept and not sent."""
    answers = draft(definition)["answers"]
    while True:
        shown = {q.id for p in definition.visible_pages(answers) for q in definition.visible_questions(p, answers)}
        hidden = [qid for qid in answers if qid not in shown]
        if not hidden:
            return
        forget_answers(definition, hidden)


def pages_before(definition: Definition, page_id: str):
    for page in definition.pages:
        if page.id == page_id:
            return
        yield page
