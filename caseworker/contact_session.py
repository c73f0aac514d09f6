"""The contact an advisor is handling, and the drafts of requests raised during it, kept in the
signed session cookie like the portal's journey (no server state between requests)."""
from __future__ import annotations

import secrets
import time

from flask import session

from workflows import Definition
from workflows.journey import Journey

KEY = "staff_contact"


def start(channel: str, reason: str, customer_id: int | None) -> dict:
    session[KEY] = {"channel": channel, "reason": reason, "customer_id": customer_id, "started": time.time(),
                    "contact_ids": [], "drafts": {}}
    session.modified = True
    return session[KEY]


def current() -> dict | None:
    return session.get(KEY)


def add_contact(contact_id: int) -> None:
    session[KEY]["contact_ids"].append(contact_id)
    session.modified = True


def set_customer(customer_id: int) -> None:
    session[KEY]["customer_id"] = customer_id
    session.modified = True


def duration_seconds() -> int:
    return max(0, int(time.time() - session[KEY]["started"]))


def end() -> None:
    session.pop(KEY, None)
    session.modified = True


def draft(definition: Definition) -> dict:
    drafts = session[KEY].setdefault("drafts", {})
    found = drafts.get(definition.id)
    if found is None or found.get("version") != definition.version:
        found = {"version": definition.version, "answers": {}, "key": secrets.token_urlsafe(24)}
        drafts[definition.id] = found
        session.modified = True
    return found


def save_answers(definition: Definition, values: dict) -> None:
    answers = draft(definition)["answers"]
    for k, v in values.items():
        if v is None:
            answers.pop(k, None)
        else:
            answers[k] = v
    session.modified = True


def finish(definition: Definition) -> None:
    session[KEY].get("drafts", {}).pop(definition.id, None)
    session.modified = True


class ContactStore:
    """A request's draft answers inside the advisor's contact, as the engine's AnswerStore."""

    def __init__(self, definition: Definition):
        self.definition = definition

    def answers(self) -> dict:
        return draft(self.definition)["answers"]

    def save(self, values: dict) -> None:
        save_answers(self.definition, values)


def walk(definition: Definition) -> Journey:
    return Journey(definition, ContactStore(definition))
