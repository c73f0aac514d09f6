"""Numbers too big for an id column, or digits int() refuses, in a path or a query string: a 404 or
the page as if the number were absent, never a 500 (PostgreSQL refuses such a number outright)."""
from __future__ import annotations

import pytest

from tests.integration.test_caseworker import make_case
from tests import factories

HUGE = "99999999999999999999"


@pytest.mark.parametrize("url", [
    f"/staff/customers/{HUGE}", f"/staff/cases/id/{HUGE}", f"/staff/admin/staff/{HUGE}",
    f"/staff/privacy/customers/{HUGE}/export.json", f"/account/requests/ABCD2345/attachments/{HUGE}",
])
def test_a_huge_id_in_a_path_is_a_404(client, session, login_as, url):
    login_as("admin")
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("query, status", [
    (f"/staff/?assignee={HUGE}&page={HUGE}", 200), ("/staff/?assignee=%C2%B2&page=%C2%B2", 200),
    (f"/staff/notifications?before={HUGE}", 200), (f"/staff/bulky/manifest?round={HUGE}", 200),
    (f"/staff/contacts/new?customer={HUGE}", 404),  # no such customer
])
def test_a_huge_or_odd_number_in_a_query_is_not_a_500(client, session, login_as, query, status):
    factories.team("waste")
    make_case("big@example.com")
    login_as("admin")
    assert client.get(query).status_code == status
