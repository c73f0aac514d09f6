"""Bulky waste prices from the definition's `fees:` block. Pure functions, no database, no web.

Pricing models (DOMAIN.md): `single` (one price per collection), `banded` (the price of the first
band whose `up_to` covers the units), `per_item` (the sum of item prices, at least `minimum`).
Any item may carry a `surcharge` added on top in every model (e.g. sofas with persistent organic
pollutants). An item may count as several `units` against `max_units`.
"""
from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_UNITS = 5


class FeeError(ValueError):
    """Answers that cannot be priced; the message is for the resident."""


@dataclass(frozen=True)
class CatalogueItem:
    code: str
    label: str
    price: int = 0  # pence, used by per_item
    units: int = 1
    surcharge: int = 0


@dataclass(frozen=True)
class Quote:
    items: dict[str, int]
    units: int
    base_pence: int
    surcharge_pence: int

    @property
    def total_pence(self) -> int:
        return self.base_pence + self.surcharge_pence


def catalogue(fees: dict) -> dict[str, CatalogueItem]:
    return {
        i["code"]: CatalogueItem(i["code"], i["label"], int(i.get("price", 0)), int(i.get("units", 1)),
                                 int(i.get("surcharge", 0)))
        for i in fees.get("items", [])
    }


def max_units(fees: dict) -> int:
    return int(fees.get("max_units", DEFAULT_MAX_UNITS))


def clean_items(fees: dict, raw: dict) -> dict[str, int]:
    """Check a {code: quantity} choice against the catalogue and the limit; raise FeeError with why."""
    items = catalogue(fees)
    chosen: dict[str, int] = {}
    for code, qty in (raw or {}).items():
        if code not in items:
            raise FeeError(f"'{code}' is not an item we collect. Choose items from the list")
        try:
            n = int(qty)
        except (TypeError, ValueError):
            raise FeeError(f"Enter how many {items[code].label.lower()} items as a number") from None
        if n < 0:
            raise FeeError("The number of items cannot be negative")
        if n:
            chosen[code] = n
    if not chosen:
        raise FeeError("Choose at least one item to be collected")
    units = sum(items[c].units * n for c, n in chosen.items())
    limit = max_units(fees)
    if units > limit:
        raise FeeError(f"You can book up to {limit} items in one collection (some large items count as more than one)")
    return chosen


def quote(fees: dict, raw_items: dict) -> Quote:
    chosen = clean_items(fees, raw_items)
    items = catalogue(fees)
    units = sum(items[c].units * n for c, n in chosen.items())
    surcharge = sum(items[c].surcharge * n for c, n in chosen.items())
    pricing = fees.get("pricing", {"model": "per_item"})
    model = pricing.get("model")
    if model == "single":
        base = int(pricing["price"])
    elif model == "banded":
        bands = sorted(pricing["bands"], key=lambda b: b["up_to"])
        band = next((b for b in bands if units <= b["up_to"]), None)
        if band is None:
            raise FeeError(f"You can book up to {bands[-1]['up_to']} items in one collection")
        base = int(band["price"])
    elif model == "per_item":
        base = max(sum(items[c].price * n for c, n in chosen.items()), int(pricing.get("minimum", 0)))
    else:
        raise ValueError(f"unknown pricing model {model!r}")
    return Quote(chosen, units, base, surcharge)


def amendment_charge(fees: dict, paid_pence: int, new_total_pence: int) -> tuple[int, int]:
    """(to charge, to refund) when a booking paid `paid_pence` is changed to cost `new_total_pence`.

    Only the difference is charged; a cheaper amendment is refunded only if the definition says
    `refund_cheaper_amendment: true`.
    """
    if new_total_pence >= paid_pence:
        return new_total_pence - paid_pence, 0
    if fees.get("refund_cheaper_amendment", False):
        return 0, paid_pence - new_total_pence
    return 0, 0


def cancellation_refund(fees: dict, paid_pence: int, before_cutoff: bool) -> int:
    """Pence to refund on cancellation. Default: all before the cut-off, nothing after."""
    rule = fees.get("refund", {})
    key = "before_cutoff" if before_cutoff else "after_cutoff"
    policy = rule.get(key, "full" if before_cutoff else "none")
    if policy == "full":
        return paid_pence
    if policy == "none":
        return 0
    if isinstance(policy, dict) and "keep" in policy:  # keep a minimum charge
        return max(0, paid_pence - int(policy["keep"]))
    raise ValueError(f"unknown refund policy {policy!r}")


def pounds(pence: int) -> str:
    return f"£{pence // 100}.{pence % 100:02d}"
