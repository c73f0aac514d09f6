"""Unit tests need no app, database or Redis: replace the suite-wide autouse fixture that needs `app`."""
import pytest


@pytest.fixture(autouse=True)
def _reset_rate_limits():
    yield
