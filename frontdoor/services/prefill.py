"""What the council knows about a customer, as the facts workflow `prefill` declarations read."""
from __future__ import annotations

from frontdoor.models import Customer
from workflows import Definition
from workflows import prefill


def facts(customer: Customer | None) -> dict[str, str]:
    if customer is None:
        return {}
    prop = customer.property
    known = {
        "customer.full_name": (customer.full_name or "").strip(),
        # An account's email counts once verified (email_normalised is set then).
        "customer.email": customer.email if customer.email and getattr(customer, "email_normalised", True) else "",
        "customer.phone": customer.phone or "",
    }
    if prop is not None:
        known.update({"property.uprn": prop.uprn, "property.postcode": prop.postcode, "property.address": prop.single_line})
    return {k: v for k, v in known.items() if v}


def answers_for(definition: Definition, customer: Customer | None) -> dict:
    """The answers a form starts with for this customer (signed-in resident or identified caller)."""
    return prefill.values(definition, facts(customer))
