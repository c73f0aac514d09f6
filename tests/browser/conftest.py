"""Browser tests: pytest-base-url (a pytest-playwright dependency) defines a session fixture in a way
pytest 9 warns about; the suite turns warnings into errors, so that one warning is let through here."""
import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"))
