"""'Check your bin collection day', read from what the page shows, across the Christmas 2026 weeks."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import time_machine
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import CollectionRevision, Contact
from frontdoor.services import service_alerts
from frontdoor.services.collection_calendar import bank_holiday_move
from tests import factories
from tests.conftest import csrf_from, post_form
from workflows.calendar import WorkingCalendar

# Monday 21 December 2026, mid-morning: Christmas Day is Friday 25, Boxing Day's holiday Monday 28.
CHRISTMAS_WEEK = datetime(2026, 12, 21, 10, 0, tzinfo=timezone.utc)


def test_the_common_rule_moves_collections_on_or_after_a_bank_holiday_one_day_later():
    cal = WorkingCalendar("ENG")
    assert bank_holiday_move(cal, date(2026, 12, 23)) == date(2026, 12, 23)  # before Christmas Day
    assert bank_holiday_move(cal, date(2026, 12, 25)) == date(2026, 12, 26)  # Saturday takes Friday's
    assert bank_holiday_move(cal, date(2026, 12, 28)) == date(2026, 12, 29)
    assert bank_holiday_move(cal, date(2026, 12, 31)) == date(2027, 1, 2)  # past New Year's Day too
    assert bank_holiday_move(cal, date(2027, 1, 4)) == date(2027, 1, 4)
    assert bank_holiday_move(cal, date(2026, 12, 28), rule="none") == date(2026, 12, 28)


def _text_of(html: str) -> str:
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _text(response) -> str:
    return _text_of(response.get_data(as_text=True))


def test_a_resident_finds_their_bin_days_with_the_bank_holiday_change(client, session):
    prop = factories.property_(postcode="DB9 1AA", number=3, street="Holly Lane", weekday=0)
    with time_machine.travel(CHRISTMAS_WEEK, tick=False):
        home = _text(client.get("/"))
        assert "Check your bin collection day" in home
        start = client.get("/bin-day/")
        assert "Check your bin collection day" in _text(start)
        found = post_form(client, "/bin-day/address", {"postcode": "db9 1aa"})
        assert found.status_code == 302
        listed = client.get(found.location)
        assert "3 Holly Lane" in _text(listed)
        chosen = client.post(found.location, data={"uprn": prop.uprn, "csrf_token": csrf_from(listed)})
        assert chosen.status_code == 302 and chosen.location.endswith(f"/bin-day/{prop.uprn}")
        html = client.get(chosen.location).get_data(as_text=True)
    page = _text_of(html)
    assert "Black general waste bin" in page and "Colour: black" in page and "Colour: blue" in page
    assert "Next collection: Monday 21 December 2026" in page
    assert "Tuesday 29 December 2026 Changed Moved from Monday 28 December because of the bank holiday" in page
    assert "Monday 4 January 2027" in page and "Moved from Monday 4 January" not in page
    assert f"/api/v1/properties/{prop.uprn}/collections.ics" in html
    assert "Report a missed bin collection" in page and "Order a new or replacement bin" in page


def test_a_revised_date_the_council_entered_wins_over_the_rule(client, session):
    prop = factories.property_(postcode="DB9 1AB", weekday=0, streams=("refuse",))
    db.session.add(CollectionRevision(round_id=prop.containers[0].round_id, usual_date=date(2026, 12, 28),
                                      revised_date=date(2027, 1, 2), reason="because of the Christmas holidays"))
    db.session.flush()
    with time_machine.travel(CHRISTMAS_WEEK, tick=False):
        page = _text(client.get(f"/bin-day/{prop.uprn}"))
    assert "Saturday 2 January 2027 Changed Moved from Monday 28 December because of the Christmas holidays" in page
    assert "Tuesday 29 December 2026" not in page


def test_a_collection_moved_into_this_week_from_a_holiday_shows_from_the_usual_day_on(client, session):
    prop = factories.property_(postcode="DB9 1AC", weekday=4, streams=("refuse",))  # Fridays
    with time_machine.travel(datetime(2026, 12, 26, 9, 0, tzinfo=timezone.utc), tick=False):  # Saturday
        page = _text(client.get(f"/bin-day/{prop.uprn}"))
    assert "Next collection: Saturday 26 December 2026 Changed Moved from Friday 25 December" in page


def test_report_a_missed_bin_starts_with_the_address_chosen(client, session):
    prop = factories.property_(postcode="DB9 1AD", number=8, street="Ash Road")
    with time_machine.travel(CHRISTMAS_WEEK, tick=False):
        started = client.get(f"/bin-day/{prop.uprn}/missed_bin")
        assert started.status_code == 302
        listed = client.get(started.location).get_data(as_text=True)
    assert f'<option value="{prop.uprn}" selected' in listed
    assert client.get(f"/bin-day/{prop.uprn}/complaint").status_code == 404
    assert client.get("/bin-day/999999999999").status_code == 404


def test_an_alert_for_a_ward_shows_there_and_a_yes_is_a_self_served_contact(client, session):
    castle = factories.property_(postcode="DB9 1AE", ward="Castle")
    abbey = factories.property_(postcode="DB9 1AF", ward="Abbey")
    with time_machine.travel(CHRISTMAS_WEEK, tick=False):
        alert = service_alerts.publish(service_id="missed_bin", title="Collections running a day late in Castle ward",
                                       message="Leave your bin out; we will collect it tomorrow.", wards=["Castle"],
                                       starts_at=CHRISTMAS_WEEK - timedelta(hours=2), ends_at=CHRISTMAS_WEEK + timedelta(days=1),
                                       staff=None)
        page = client.get(f"/bin-day/{castle.uprn}")
        assert "Collections running a day late in Castle ward" in _text(page)
        assert "Collections running a day late" not in _text(client.get(f"/bin-day/{abbey.uprn}"))
        assert "Collections running a day late" in _text(client.get("/services/missed_bin"))
        answered = client.post(f"/bin-day/alerts/{alert.id}/answer",
                               data={"answer": "yes", "back": f"/bin-day/{castle.uprn}", "csrf_token": csrf_from(page)})
        assert answered.status_code == 302 and answered.location.endswith(f"/bin-day/{castle.uprn}")
        client.post(f"/bin-day/alerts/{alert.id}/answer", data={"answer": "no", "back": "//evil.example",
                                                                 "csrf_token": csrf_from(page)})
    contacts = db.session.scalars(select(Contact)).all()
    assert [(c.channel, c.reason, c.outcome) for c in contacts] == [("web", "missed_bin", "self_served")]
    with time_machine.travel(CHRISTMAS_WEEK + timedelta(days=2), tick=False):
        assert "Collections running a day late" not in _text(client.get(f"/bin-day/{castle.uprn}"))


def test_a_team_lead_publishes_an_alert_for_a_ward_and_ends_it(client, session, login_as):
    castle = factories.property_(postcode="DB9 1AG", ward="Castle")
    factories.property_(postcode="DB9 1AH", ward="Abbey")
    with time_machine.travel(CHRISTMAS_WEEK, tick=False):
        login_as("team_lead")
        form = client.get("/staff/alerts")
        assert "Castle" in _text(form)
        published = client.post("/staff/alerts", data={
            "csrf_token": csrf_from(form), "service_id": "bin_collections",
            "title": "Collections running a day late in Castle ward", "message": "Leave your bin out.",
            "wards": ["Castle"], "starts_on": "2026-12-21", "ends_on": "2026-12-22"}, follow_redirects=True)
        listed = _text(published)
        assert "Alert published." in listed and "21 Dec 2026 00:00 to 23 Dec 2026 00:00" in listed
        assert "Collections running a day late in Castle ward" in _text(client.get(f"/bin-day/{castle.uprn}"))
        alert = service_alerts.recent()[0]
        client.post(f"/staff/alerts/{alert.id}/end", data={"csrf_token": csrf_from(published)})
        assert "Collections running a day late" not in _text(client.get(f"/bin-day/{castle.uprn}"))


def test_a_last_day_before_the_first_is_refused(client, session, login_as):
    login_as("admin")
    form = client.get("/staff/alerts")
    refused = client.post("/staff/alerts", data={
        "csrf_token": csrf_from(form), "service_id": "missed_bin", "title": "Late", "message": "Sorry.",
        "starts_on": "2026-12-22", "ends_on": "2026-12-21"})
    assert "The last day must be the same as or after the first day" in _text(refused)


def test_the_icalendar_feed_has_the_revised_days(client, session):
    prop = factories.property_(postcode="DB9 1AJ", weekday=0, streams=("refuse",))
    with time_machine.travel(CHRISTMAS_WEEK, tick=False):
        feed = client.get(f"/api/v1/properties/{prop.uprn}/collections.ics?weeks=2").get_data(as_text=True)
    assert "DTSTART;VALUE=DATE:20261221" in feed and "DTSTART;VALUE=DATE:20261229" in feed
    assert "DTSTART;VALUE=DATE:20261228" not in feed
    assert "Moved from Monday 28 December 2026 because of the bank holiday" in feed.replace("\r\n ", "")
    assert f"UID:{prop.uprn}-{prop.containers[0].id}-20261228@frontdoor" in feed


def _report_missed(client, prop):
    from flask import g

    g.pop("csrf_token", None)  # Flask-WTF caches the token on the test's app context: one per moment
    started = client.get(f"/bin-day/{prop.uprn}/missed_bin")
    listed = client.get(started.location)
    client.post(started.location, data={"uprn": prop.uprn, "csrf_token": csrf_from(listed)})
    form = client.get("/services/missed_bin/container")
    return _text(client.post("/services/missed_bin/container",
                             data={"container": str(prop.containers[0].id), "csrf_token": csrf_from(form)},
                             follow_redirects=True))


def test_the_missed_bin_window_follows_the_revised_day(app, session):
    prop = factories.property_(postcode="DB9 1AK", weekday=0, streams=("refuse",))
    # Monday 28 December, evening: the usual day, but this week's collection is on Tuesday.
    with time_machine.travel(datetime(2026, 12, 28, 19, 0, tzinfo=timezone.utc), tick=False):
        page = _report_missed(app.test_client(), prop)
    assert "It is too late to report this collection" in page
    assert "due to be collected on Monday 21 December 2026" in page
    assert "next collection on Tuesday 29 December 2026" in page
    # Tuesday 29 December, midday: the crew may still come.
    with time_machine.travel(datetime(2026, 12, 29, 12, 0, tzinfo=timezone.utc), tick=False):
        page = _report_missed(app.test_client(), prop)
    assert "Your bin may still be collected today" in page
    # Wednesday 30 December: reportable, two working days from Tuesday (until Friday 1 January is a holiday).
    with time_machine.travel(datetime(2026, 12, 30, 12, 0, tzinfo=timezone.utc), tick=False):
        page = _report_missed(app.test_client(), prop)
    assert "too late" not in page and "may still be collected" not in page


def test_a_date_the_council_entered_for_every_round_drives_the_missed_bin_window(app, session):
    prop = factories.property_(postcode="DB9 1AL", weekday=0, streams=("refuse",))
    db.session.add(CollectionRevision(round_id=None, usual_date=date(2026, 12, 21), revised_date=date(2026, 12, 22),
                                      reason="because of the snow"))
    db.session.flush()
    with time_machine.travel(datetime(2026, 12, 22, 12, 0, tzinfo=timezone.utc), tick=False):
        page = _report_missed(app.test_client(), prop)
        shown = _text(app.test_client().get(f"/bin-day/{prop.uprn}"))
    assert "Your bin may still be collected today" in page
    assert "Next collection: Tuesday 22 December 2026 Changed Moved from Monday 21 December because of the snow" in shown
