"""Staff see the stored messages; account links are hidden from them; residents and strangers cannot look."""
from __future__ import annotations

import uuid

import pytest

from frontdoor import unit_of_work
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from tests import factories
from tests.integration.account_helpers import register
from tests.integration.helpers import answers_for, property_collected_yesterday_evening


pytestmark = pytest.mark.usefixtures("inline_jobs")  # deliver outbox rows inline, whatever the pass


def test_staff_see_stored_notifications_but_not_account_links(client, session, login_as):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    case = submit(definition("missed_bin"), answers_for(prop, f"n-{uuid.uuid4().hex[:8]}@example.com"), "web", None,
                  Actor.resident()).case
    unit_of_work.commit()
    register(client, f"r-{uuid.uuid4().hex[:8]}@example.com")
    assert client.get("/staff/notifications").status_code == 302  # not signed in as staff
    login_as("caseworker")
    page = client.get("/staff/notifications").get_data(as_text=True)
    assert case.reference in page and "Messages to residents" in page
    assert "/account/verify/" not in page and "single-use link" not in page  # account emails: no case, not theirs
    login_as("admin")
    page = client.get("/staff/notifications").get_data(as_text=True)
    assert "/account/verify/" not in page and "single-use link" in page
