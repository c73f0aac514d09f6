"""Prefill: what the council already knows about the person fills the form (tell us once).

A question declares `prefill: {from: customer.email}`; the caller gives the known facts as a flat
dict ("customer.email" -> value). The engine never queries a database.
"""
from __future__ import annotations

from typing import Any

from workflows.definition import Definition

# source -> the question types it may fill (the loader refuses any other pairing)
SUITS = {
    "customer.full_name": ("text",),
    "customer.email": ("email", "text"),
    "customer.phone": ("phone", "text"),
    "property.uprn": ("address",),
    "property.postcode": ("text",),
    "property.address": ("text", "textarea"),
}


def values(definition: Definition, facts: dict[str, Any]) -> dict[str, Any]:
    """Answers to prefill: the customer_fields shorthand first, then each question's own `prefill`."""
    out: dict[str, Any] = {}
    implicit = {"name": "customer.full_name", "email": "customer.email", "phone": "customer.phone"}
    for field, qid in (definition.customer_fields or {}).items():
        out[qid] = facts.get(implicit[field])
    if definition.property_question:
        out[definition.property_question] = facts.get("property.uprn")
    for page in definition.pages:
        for q in page.questions:
            if q.prefill:
                out[q.id] = facts.get(q.prefill)
    return {k: v for k, v in out.items() if v not in (None, "")}
