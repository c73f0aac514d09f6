"""Whole numbers from a URL, a form or a cookie: row ids, versions, page numbers.

str.isdigit() alone is not enough: it lets through "²" (which int() refuses) and numbers too big for
an integer column (which PostgreSQL refuses), and either was a 500. Ids here are ASCII digits within
PostgreSQL's integer range, or nothing.
"""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_INT = 2**31 - 1  # PostgreSQL's integer, the type of every id column


def whole_number(raw: object, minimum: int = 0) -> int | None:
    """The number raw spells, if it is ASCII digits from minimum to MAX_INT; otherwise None."""
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if minimum <= value <= MAX_INT else None


class BoundedIntConverter(IntegerConverter):
    """<int:...> in a route, up to MAX_INT: a larger number is a 404, never a query PostgreSQL refuses."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


def local_path(target: str | None, prefix: str = "/") -> str | None:
    """`target` if it is a path on this site under `prefix`, else None. Browsers drop tabs and
    newlines and read a backslash as a slash, so "/\t/evil" and "/\\evil" are other sites: any
    control character, backslash or a second leading slash is refused."""
    import re
    from urllib.parse import urlparse

    if not target or not target.startswith(prefix) or re.search(r"[\x00-\x1f\x7f\\]", target):
        return None
    if target.startswith("//") or urlparse(target).netloc or urlparse(target).scheme:
        return None
    return target
