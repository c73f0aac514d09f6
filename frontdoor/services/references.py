"""Case references: short to read out over the phone, hard to guess.

Eight characters from an alphabet without 0/O, 1/I/L or U: about 39 bits, so guessing one that
exists is hopeless at any rate limit, and nothing reads as a word. Garden waste subscriptions
carry the same reference with a "GW-" prefix; `normalise_issued_reference` accepts both.
"""
import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def normalise_reference(value: str) -> str | None:
    compact = re.sub(r"[^A-Za-z0-9]", "", value or "").upper()
    if len(compact) != 8 or any(c not in ALPHABET for c in compact):
        return None
    return f"{compact[:4]}-{compact[4:]}"


SUBSCRIPTION_PREFIX = "GW"


def normalise_issued_reference(value: str) -> str | None:
    """Any reference the council issues (a request's "7K4P-9QXR" or a subscription's "GW-7K4P-9QXR"),
    however it is typed (spaces, dashes, lower case), or None."""
    compact = re.sub(r"[^A-Za-z0-9]", "", value or "").upper()
    if len(compact) == 10 and compact.startswith(SUBSCRIPTION_PREFIX):
        inner = normalise_reference(compact[2:])
        return f"{SUBSCRIPTION_PREFIX}-{inner}" if inner else None
    return normalise_reference(compact)


def is_subscription_reference(reference: str) -> bool:
    return reference.startswith(SUBSCRIPTION_PREFIX + "-")
