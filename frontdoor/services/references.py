"""Case references: short to read out over the phone, hard to guess.

Eight characters from an alphabet without 0/O, 1/I/L or U: about 39 bits, so guessing one that
exists is hopeless at any rate limit, and nothing reads as a word.
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
