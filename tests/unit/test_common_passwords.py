"""Issue 16 (Low): the common-password list is a real one (zxcvbn's 30,000 most common passwords
from breach data, pinned in pyproject.toml), as NCSC advises, plus our own file of local words."""
from __future__ import annotations

from frontdoor.services import accounts


def test_a_common_password_from_breach_data_is_refused():
    # Both are 10+ characters, in zxcvbn's list and not in frontdoor/data/common-passwords.txt.
    for password in ("q1w2e3r4t5", "123qweasdzxc"):
        assert "too common" in (accounts.password_problem(password) or ""), password


def test_the_list_is_large_and_keeps_our_own_words():
    assert len(accounts._blocklist()) > 20_000
    assert accounts.password_problem("0987654321") is not None  # from our own file
    assert accounts.password_problem("kettle river orange") is None
