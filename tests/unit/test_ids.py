"""Whole numbers from outside: ASCII digits within PostgreSQL's integer range, or nothing."""
from __future__ import annotations

import pytest

from frontdoor.ids import MAX_INT, whole_number


@pytest.mark.parametrize("raw, expected", [
    ("0", 0), ("42", 42), (str(MAX_INT), MAX_INT),
    (str(MAX_INT + 1), None),        # PostgreSQL's integer refuses it
    ("99999999999999999999", None),
    ("²", None),                     # isdigit() says yes, int() says no
    ("٣", None),                     # Arabic-Indic three: int() would take it, an id is ASCII
    ("-1", None), ("+1", None), (" 1", None), ("1.0", None), ("", None), (None, None), (7, None),
])
def test_whole_number(raw, expected):
    assert whole_number(raw) == expected


def test_minimum():
    assert whole_number("0", minimum=1) is None and whole_number("1", minimum=1) == 1
