"""Words a person would write for the statuses stored on rows: pages show these, never the raw value."""
from __future__ import annotations

STATUS_LABELS = {
    "booking": {"held": "Waiting for payment", "confirmed": "Booked", "cancelled": "Cancelled",
                "expired": "Not booked: the payment was not completed in time", "collected": "Collected",
                "not_collected": "Not collected"},
    "subscription": {"pending_payment": "Waiting for payment", "active": "Active", "cancelled": "Cancelled",
                     "lapsed": "Ended"},
    "payment": {"created": "Not paid yet", "success": "Paid", "declined": "Card declined",
                "cancelled": "Payment cancelled", "error": "Payment failed"},
    "refund": {"submitted": "Refund on its way", "success": "Refunded", "failed": "Refund failed"},
}


def status_label(status: str | None, kind: str) -> str:
    """The label for a status of a kind of row; an unknown status reads as a sentence, not a code."""
    value = status or ""
    return STATUS_LABELS.get(kind, {}).get(value) or value.replace("_", " ").capitalize()


def count_of(n: int, singular: str, plural: str | None = None) -> str:
    """"1 bin", "2 bins": never "1 bin(s)"."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"
