"""Due times and shown times are the council's local time (Europe/London) across both clock
changes, on SQLite as on PostgreSQL; stored times are UTC. The clock is pinned for each case."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Case
from frontdoor.services.notifications import case_values
from tests import factories
from tests.integration.test_caseworker import make_case

LONDON = ZoneInfo("Europe/London")

# (submitted, London; due: the end of the second working day after, in London; as UTC)
ACROSS_THE_CHANGES = [
    pytest.param(
        # Thursday before Easter 2027: Good Friday and Easter Monday are bank holidays, and the
        # clocks go forward on the Sunday between. Due the end of Wednesday 31 March, in BST.
        datetime(2027, 3, 25, 12, 0, tzinfo=LONDON), datetime(2027, 3, 31, 22, 59, 59, tzinfo=timezone.utc),
        "Wednesday 31 March 2027", "Wed 31 Mar, 23:59", id="spring-forward-over-easter"),
    pytest.param(
        # Friday 23 October 2026 in BST; the clocks go back on the Sunday. Due Tuesday, in GMT.
        datetime(2026, 10, 23, 12, 0, tzinfo=LONDON), datetime(2026, 10, 27, 23, 59, 59, tzinfo=timezone.utc),
        "Tuesday 27 October 2026", "Tue 27 Oct, 23:59", id="fall-back"),
]


@pytest.mark.parametrize("submitted, due_utc, due_day, queue_text", ACROSS_THE_CHANGES)
def test_due_time_is_the_end_of_the_local_working_day_stored_as_utc(session, client, login_as,
                                                                     submitted, due_utc, due_day, queue_text):
    with time_machine.travel(submitted, tick=False):
        factories.team("waste")
        case = make_case("times@example.com")
        db.session.commit()
        db.session.expire_all()
        stored = db.session.scalar(select(Case.sla_due_at).where(Case.id == case.id))
        assert stored == due_utc  # read back as the same instant on both databases
        assert stored.astimezone(LONDON).strftime("%H:%M:%S") == "23:59:59"
        # In the resident's email, the confirmation page and Track: the local day.
        assert case_values(case)["due_date"] == due_day
        page = client.get(f"/services/missed_bin/done/{case.reference}").get_data(as_text=True)
        assert f"by the end of {due_day}" in page
        # On the staff console: local day and time, never 00:59 the day after.
        login_as("caseworker")
        case_page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
        assert f"{due_day}, 23:59" in case_page
        assert queue_text in client.get("/staff/").get_data(as_text=True)


@pytest.mark.parametrize("moment, shown", [
    pytest.param(datetime(2027, 3, 29, 8, 30, tzinfo=timezone.utc), "29 March 2027, 09:30", id="bst"),
    pytest.param(datetime(2026, 12, 1, 8, 30, tzinfo=timezone.utc), "1 December 2026, 08:30", id="gmt"),
    # 01:30 happens twice on 25 October 2026: the first is 00:30 UTC (BST), the second 01:30 UTC (GMT).
    pytest.param(datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc), "25 October 2026, 01:30", id="first-0130"),
    pytest.param(datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc), "25 October 2026, 01:30", id="second-0130"),
])
def test_times_shown_to_residents_are_london_time(session, client, moment, shown):
    with time_machine.travel(moment, tick=False):
        factories.team("waste")
        case = make_case("shown@example.com")
        db.session.commit()
        from tests.conftest import post_form

        page = post_form(client, "/track", {"reference": case.reference, "email": "shown@example.com"}).get_data(as_text=True)
        assert shown in page, page[page.find("<main"):][:2000]
