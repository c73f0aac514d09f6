"""In a real browser on a phone: a resident checks their bin day across the Christmas bank holidays,
sees the change and a ward's service alert, answers it, and follows the missed-bin link. axe on every page."""
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import time_machine

from frontdoor.extensions import db
from frontdoor.services import service_alerts
from tests import factories

CHRISTMAS_WEEK = datetime(2026, 12, 21, 10, 0, tzinfo=timezone.utc)
SHOTS = Path(__file__).resolve().parent.parent.parent / "instance" / "screenshots"


@pytest.fixture(scope="session")
def base_url():
    """Replaces pytest-base-url's fixture, which pytest 9 warns about (warnings are errors); we use live_server.url."""
    return None


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def test_resident_checks_their_bin_day_over_christmas_on_a_phone(live_server, committed, page, axe_check):
    with time_machine.travel(CHRISTMAS_WEEK, tick=False):
        prop = factories.property_(postcode="DB8 2AA", street="Castle Street", number=12, ward="Castle",
                                   streams=("refuse", "recycling"), weekday=0)
        service_alerts.publish(service_id="bin_collections", title="Collections running a day late in Castle ward",
                               message="Leave your bin out and we will empty it tomorrow.", wards=["Castle"],
                               starts_at=CHRISTMAS_WEEK - timedelta(hours=4), ends_at=CHRISTMAS_WEEK + timedelta(days=3),
                               staff=None)
        db.session.commit()

        page.goto(live_server.url + "/")
        page.get_by_role("link", name="Check your bin collection day").click()
        axe_check(page)
        page.get_by_role("button", name="Start now").click()
        page.get_by_label("Postcode").fill("DB8 2AA")
        page.get_by_role("button", name="Find address").click()
        page.get_by_label("Select an address").select_option(prop.uprn)
        axe_check(page)
        page.get_by_role("button", name="Continue").click()

        main = page.inner_text("main")
        assert "Your bin collection days" in main
        assert "Collections running a day late in Castle ward" in main
        assert "Next collection: Monday 21 December 2026" in main
        assert "Tuesday 29 December 2026" in main
        assert "Moved from Monday 28 December because of the bank holiday" in main
        assert "Colour: black" in main and "Colour: blue" in main
        axe_check(page)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "bin-day-phone.png"), full_page=True)

        page.get_by_role("button", name=re.compile(r"^Yes")).click()
        assert "Thank you for your feedback." in page.inner_text("main")
        axe_check(page)

        page.get_by_role("link", name="Report a missed bin collection").click()
        assert page.get_by_label("Select an address").input_value() == prop.uprn
        axe_check(page)
