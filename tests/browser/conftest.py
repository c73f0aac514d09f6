"""Browser tests: pytest-base-url (a pytest-playwright dependency) defines a session fixture in a way
pytest 9 warns about; the suite turns warnings into errors, so that one warning is let through here.

Also let through: the werkzeug test server's file or socket left for the garbage collector when
Chromium drops a connection mid-response (seen under load on a static asset). That is the test
server's handling of an aborted client, not the app's, and it surfaces in whatever test runs the GC."""
import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"))
            item.add_marker(pytest.mark.filterwarnings(
                r"ignore:(?s).*ResourceWarning. unclosed:pytest.PytestUnraisableExceptionWarning"))
            item.add_marker(pytest.mark.filterwarnings("ignore:unclosed:ResourceWarning"))
