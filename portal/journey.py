"""A resident's answers while they fill in a form, kept in the signed session cookie.

Stateless app processes (ARCHITECTURE.md, scale-out): nothing about a half-filled form lives on
one server. The draft carries the one-time submission key that makes the final POST safe to repeat.
"""
from __future__ import annotations

import secrets

from flask import session

from workflows import Definition
from workflows.journey import Journey, first_unanswered


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


def finish(definition: Definition, reference: str | None = None) -> None:
    """The draft is gone; the reference it was sent under is kept, so going back to any page of
    the journey says "You have already sent this" instead of offering a blank form to send twice."""
    session.get("drafts", {}).pop(definition.id, None)
    if reference is not None:
        session.setdefault("sent", {})[definition.id] = reference
    session.modified = True


def sent_reference(definition: Definition) -> str | None:
    """The reference this session last sent the service under, until it starts a new one."""
    return session.get("sent", {}).get(definition.id)


def start_again(definition: Definition) -> None:
    """A new request: forget the one already sent and begin with a fresh draft."""
    if session.get("sent", {}).pop(definition.id, None) is not None:
        session.get("drafts", {}).pop(definition.id, None)
    session.modified = True


class SessionStore:
    """The resident's draft answers as the engine's AnswerStore."""

    def __init__(self, definition: Definition):
        self.definition = definition

    def answers(self) -> dict:
        return draft(self.definition)["answers"]

    def save(self, values: dict) -> None:
        save_answers(self.definition, {k: v for k, v in values.items() if v is not None})
        forget_answers(self.definition, [k for k, v in values.items() if v is None])


def walk(definition: Definition) -> Journey:
    return Journey(definition, SessionStore(definition))


def first_unanswered_page(definition: Definition, answers: dict):
    return first_unanswered(definition, answers)
