"""Every dashboard figure on a small hand-built data set equals a value worked out by hand here.

October 2026: BST until 25 October, so 23:30 UTC on 30 September is 00:30 on 1 October in London.
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

import pytest

from frontdoor.extensions import db
from frontdoor.metrics import figures, rollups
from frontdoor.metrics.filters import Filters
from frontdoor.models import Case, ChannelCost, Feedback
from frontdoor.services.contacts import record_contact
from tests import factories


def utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


def _case(ref, team, prop, created, closed=None, due=None):
    case = Case(reference=ref, workflow_id="missed_bin", workflow_version=1, state="closed" if closed else "open",
                state_category="closed" if closed else "open", answers={}, property_id=prop.id, channel="web",
                team_id=team.id, sla_due_at=due, created_at=created, closed_at=closed)
    db.session.add(case)
    db.session.flush()
    rollups.note_case(case.id)
    return case


def _contact(channel, outcome, at, case=None, staff=None, customer=None):
    contact = record_contact(channel=channel, reason="missed_bin", outcome=outcome, case=case, staff=staff,
                             customer=customer)
    contact.started_at = at
    db.session.flush()
    return contact


@pytest.fixture
def october(session):
    waste = factories.team("waste")
    prop = factories.property_(ward="Abbey")
    a = factories.staff("advisor", teams=("customer_services",))
    b = factories.staff("advisor", teams=("customer_services",))
    c1 = _case("C1", waste, prop, utc(2026, 10, 9), utc(2026, 10, 10, 12), utc(2026, 10, 12))
    c2 = _case("C2", waste, prop, utc(2026, 10, 9), utc(2026, 10, 20, 9), utc(2026, 10, 15))
    _case("C3", waste, prop, utc(2026, 10, 29), utc(2026, 10, 31, 23, 30), utc(2026, 11, 5))
    c4 = _case("C4", waste, prop, utc(2026, 9, 29), utc(2026, 9, 30, 23, 30), utc(2026, 10, 2))
    _case("C5", waste, prop, utc(2026, 9, 20), None, utc(2026, 10, 1))
    _case("C6", waste, prop, utc(2026, 10, 20), None, utc(2099, 1, 1))
    _contact("web", "self_served", utc(2026, 9, 30, 23, 30), c1)  # 00:30 BST on 1 October
    _contact("web", "self_served", utc(2026, 10, 2, 9), c1)
    _contact("api", "self_served", utc(2026, 10, 3, 9), c1)
    _contact("phone", "resolved_first_contact", utc(2026, 10, 4, 9), c1, a)
    _contact("phone", "handed_off", utc(2026, 10, 5, 9), c1, a)
    _contact("face_to_face", "resolved_first_contact", utc(2026, 10, 6, 9), c1, b)
    _contact("email", "progress_chase", utc(2026, 10, 7, 9), c1, b)
    _contact("phone", "repeat", utc(2026, 10, 8, 9), c1, a)
    _contact("letter", "handed_off", utc(2026, 10, 9, 9))
    _contact("phone", "resolved_first_contact", utc(2026, 10, 31, 23, 30), c1, b)  # GMT: still 31 October
    # September, the previous period: one web (23:30 BST on 30 September) and one phone.
    _contact("web", "self_served", utc(2026, 9, 30, 22, 30), c1)
    _contact("phone", "handed_off", utc(2026, 9, 10, 10), c1, a)
    db.session.add_all([Feedback(case_id=c1.id, rating=4, created_at=utc(2026, 10, 5)),
                        Feedback(case_id=c2.id, rating=5, created_at=utc(2026, 10, 6)),
                        Feedback(case_id=c4.id, rating=1, created_at=utc(2026, 9, 5))])
    db.session.flush()
    rollups.apply_pending()
    return {"waste": waste, "a": a, "b": b}


OCT = Filters("month", date(2026, 10, 1), date(2026, 10, 31))


def test_every_figure_equals_the_hand_computed_value(october):
    d = figures.dashboard(OCT)
    c = d["contacts"]
    assert c.total == 10
    assert c.digital == 3 and c.digital_share == pytest.approx(0.30)
    assert c.assisted == 4 and c.resolved_first == 3 and c.fcr == pytest.approx(0.75)
    assert c.avoidable == 2 and c.avoidable_share == pytest.approx(0.20)
    assert dict(c.by_channel) == {"web": 2, "api": 1, "phone": 4, "face_to_face": 1, "email": 1, "letter": 1}
    assert d["previous"].total == 2 and d["previous"].digital_share == pytest.approx(0.5)
    teams = {t["name"]: (t["resolved"], t["assisted"]) for t in d["team_fcr"]}
    assert teams == {"Waste": (3, 4)}
    advisors = {x["staff_id"]: (x["resolved"], x["assisted"]) for x in d["advisor_fcr"]}
    assert advisors == {october["a"].id: (1, 2), october["b"].id: (2, 2)}
    assert (d["sla"]["closed"], d["sla"]["in_sla"]) == (4, 3) and d["sla"]["compliance"] == pytest.approx(0.75)
    assert d["sla"]["past_due"] == 1
    assert d["satisfaction"] == {"responses": 2, "mean": 4.5}
    # 2x15 + 15 + 4x283 + 862 + 283 + 283 pence; September's mix cost (15 + 283) / 2 = 149p a contact.
    assert d["cost"]["pence"] == 2605
    assert d["cost"]["saving_pence"] == 149 * 10 - 2605
    october_trend = [p for p in d["trend"] if p["month"] == date(2026, 10, 1)][0]
    assert (october_trend["digital"], october_trend["total"]) == (3, 10)
    assert (october_trend["resolved_first"], october_trend["assisted"], october_trend["avoidable"]) == (3, 4, 2)
    assert (october_trend["closed_in_sla"], october_trend["closed"]) == (3, 4)  # C4 closed on 1 October, London
    september = [p for p in d["trend"] if p["month"] == date(2026, 9, 1)][0]
    assert (september["resolved_first"], september["assisted"], september["closed"]) == (0, 1, 0)


def test_rollups_agree_with_a_plain_group_by_and_with_a_rebuild(october):
    base = figures.base_contact_figures(OCT)
    rolled = figures.contact_figures(OCT)
    assert (base.total, base.digital, base.assisted, base.resolved_first, base.avoidable) == (10, 3, 4, 3, 2)
    assert dict(base.by_channel) == dict(rolled.by_channel)
    assert figures.base_sla(OCT) == {"closed": 4, "in_sla": 3, "compliance": 0.75}
    before = rollups.table_snapshot()
    rollups.rebuild()
    assert rollups.table_snapshot() == before


def test_ward_and_service_filters(october):
    from dataclasses import replace

    assert figures.contact_figures(replace(OCT, ward="Abbey")).total == 9  # the letter has no address
    assert figures.contact_figures(replace(OCT, service="missed_bin", channel="phone")).total == 4


def test_admin_unit_costs_change_cost_to_serve(october):
    db.session.add(ChannelCost(channel="phone", pence=300))
    db.session.flush()
    assert figures.dashboard(OCT)["cost"]["pence"] == 2605 + 4 * 17


def test_a_reopened_case_leaves_the_sla_rollup(october):
    case = db.session.query(Case).filter_by(reference="C2").one()
    case.state_category, case.state, case.closed_at = "open", "open", None
    rollups.note_case(case.id)
    db.session.flush()
    rollups.apply_pending()
    assert figures.sla_figures(OCT)["closed"] == 3


def test_dashboard_page_links_and_exports(october, client, login_as):
    login_as("team_lead")
    page = client.get("/staff/dashboards/?period=month&start=2026-10-01")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "75.0%" in html and "30.0%" in html and "<svg" in html
    rows = client.get("/staff/dashboards/rows?period=month&start=2026-10-01&figure=resolved_first")
    assert rows.status_code == 200 and "3 rows" in rows.get_data(as_text=True)
    export = client.get("/staff/dashboards/export/team_fcr.csv?period=month&start=2026-10-01")
    assert export.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(export.get_data(as_text=True)))) == [
        ["team", "resolved_first_contact", "assisted (phone, face to face, email; not chases, repeats or letters)",
         "fcr_percent"], ["Waste", "3", "4", "75.0"]]
    drill = client.get("/staff/dashboards/export/rows.csv?period=month&start=2026-10-01&figure=avoidable")
    assert len(list(csv.reader(io.StringIO(drill.get_data(as_text=True))))) == 3


@pytest.mark.parametrize("query, status, message", [
    ("period=custom&start=2026-10-10&end=2026-10-01", 400, "End date must be the same as or after the start date"),
    ("period=month&start=2031-01-01", 400, "more than a year ahead"),
    ("period=fortnight", 400, "Period must be week"),
    ("period=month&start=2026-02-30", 400, "must be a real date"),
    ("period=month&colour=red", 400, "Unknown filter: colour"),
    ("service=nope", 400, "Unknown service"),
    ("team=abc", 400, "Unknown team"),
    ("channel=pigeon", 400, "Unknown channel"),
])
def test_impossible_periods_and_unknown_filters_are_clear_400s(client, login_as, query, status, message):
    login_as("team_lead")
    response = client.get("/staff/dashboards/?" + query)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("url, status", [
    ("/staff/dashboards/export/secrets.csv", 404),
    ("/staff/dashboards/export/rows.csv?figure=../../etc", 400),
    ("/staff/dashboards/export/rows.csv", 400),
    ("/staff/dashboards/rows?figure=contacts&page=-1", 400),
    ("/staff/dashboards/rows?figure=contacts&page=99", 404),
])
def test_tampered_urls_are_refused_cleanly(client, login_as, url, status):
    login_as("admin")
    assert client.get(url).status_code == status


def test_only_team_leads_and_admins(client, login_as):
    assert client.get("/staff/dashboards/").status_code == 302
    login_as("caseworker")
    assert client.get("/staff/dashboards/").status_code == 403
    assert client.get("/staff/dashboards/export/sla.csv").status_code == 403


def test_an_admin_sets_unit_costs(client, login_as):
    from tests.conftest import post_form

    login_as("admin")
    data = {"web": "0.20", "api": "0.15", "phone": "3.00", "face_to_face": "8.62", "email": "2.83", "letter": "2.83"}
    response = post_form(client, "/staff/dashboards/costs", data)
    assert response.status_code == 302
    assert figures.unit_costs()["phone"] == 300 and figures.unit_costs()["web"] == 20
    bad = post_form(client, "/staff/dashboards/costs", {**data, "phone": "lots"})
    assert bad.status_code == 200 and "There is a problem" in bad.get_data(as_text=True)
    assert figures.unit_costs()["phone"] == 300  # nothing half-saved


def test_a_team_lead_cannot_set_unit_costs(client, login_as):
    login_as("team_lead")
    assert client.get("/staff/dashboards/costs").status_code == 403
    assert client.post("/staff/dashboards/costs", data={"phone": "0"}).status_code in (400, 403)


def test_daily_and_monthly_rollups_give_the_same_figures(october, monkeypatch):
    """Whole months read the monthly rollups; anything else the daily ones. They must agree."""
    def summary(d):
        c = d["contacts"]
        return (c.total, c.digital, c.assisted, c.resolved_first, c.avoidable, dict(c.by_channel),
                d["previous"].total, d["team_fcr"], d["advisor_fcr"], d["sla"], d["previous_sla"], d["trend"],
                d["cost"])

    monthly = summary(figures.dashboard(OCT))
    monkeypatch.setattr(figures, "_months_only", lambda *periods: False)
    assert summary(figures.dashboard(OCT)) == monthly


def test_past_due_snapshot_counts_what_the_live_query_counts(october, session):
    from datetime import timedelta

    from frontdoor.metrics import snapshots
    from frontdoor.models.base import utcnow

    other = factories.team("street_scene")
    prop = factories.property_(ward="Castle")
    _case("D1", other, prop, utc(2026, 10, 1), None, utc(2026, 10, 2))
    phoned = _case("D2", october["waste"], prop, utc(2026, 10, 1), None, utc(2026, 10, 3))
    phoned.channel = "phone"
    db.session.flush()
    live = {f: figures.past_due_live_count(f) for f in (
        OCT, Filters("month", OCT.start, OCT.end, team_id=other.id), Filters("month", OCT.start, OCT.end, channel="phone"),
        Filters("month", OCT.start, OCT.end, service="missed_bin"), Filters("month", OCT.start, OCT.end, service="foi_request"))}
    assert list(live.values()) == [3, 1, 1, 3, 0]  # C5, D1, D2 are open and overdue; C6 is due in 2099
    assert snapshots.past_due_count() is None  # no snapshot yet: the page counts live
    assert snapshots.take_past_due() == 3
    assert snapshots.take_past_due() == 3  # again (the job runs each minute): replaced, not added to
    for f, want in live.items():
        assert snapshots.past_due_count(f.service, f.team_id, f.channel) == want
        assert figures.past_due_query(f, count=True) == want
    # The snapshot is what the page reads while it is fresh: a case closed since shows at the next count.
    phoned.state_category = "closed"
    db.session.flush()
    assert figures.past_due_query(OCT, count=True) == 3 and figures.past_due_live_count(OCT) == 2
    # A stale snapshot (the job stopped) is not used; nor is it for a ward, which it does not hold.
    assert snapshots.past_due_count(now=utcnow() + timedelta(minutes=6)) is None
    assert figures.past_due_query(Filters("month", OCT.start, OCT.end, ward="Castle"), count=True) == 1


def test_past_due_is_counted_the_same_on_the_dashboard_and_the_queue(october, client, login_as):
    """A case waiting for the resident has its clock paused: past due on neither page."""
    prop = factories.property_(ward="Abbey")
    waiting = _case("WAITING1", october["waste"], prop, utc(2026, 10, 1), None, utc(2026, 10, 2))
    waiting.state, waiting.state_category = "awaiting_resident", "waiting"
    db.session.flush()
    login_as("team_lead")
    page = client.get("/staff/dashboards/?period=month&start=2026-10-01").get_data(as_text=True)
    assert "A case waiting for the resident is not counted: its clock is paused" in page
    rows = client.get("/staff/dashboards/rows?period=month&start=2026-10-01&figure=past_due").get_data(as_text=True)
    assert "1 rows," in rows and ">C5<" in rows and "WAITING1" not in rows
    queue = client.get("/staff/?sla=overdue&state=").get_data(as_text=True)
    assert "/staff/cases/C5" in queue and "WAITING1" not in queue


def test_fcr_denominator_is_explained_on_the_page(october, client, login_as):
    login_as("team_lead")
    page = client.get("/staff/dashboards/?period=month&start=2026-10-01").get_data(as_text=True)
    assert "Progress chases, repeats, letters and self-service are left out of the denominator" in page


def test_csv_cells_are_labels_with_no_stray_apostrophes(session, client, login_as):
    api_user = factories.staff("advisor")
    api_user.name = "=HYPERLINK(1)"
    contact = record_contact(channel="api", reason="foi_request", outcome="self_served")
    contact.started_at = utc(2026, 10, 5, 9)
    formula = record_contact(channel="phone", reason="foi_request", outcome="handed_off", staff=api_user)
    formula.started_at = utc(2026, 10, 6, 9)
    db.session.flush()
    rollups.apply_pending()
    login_as("team_lead")
    body = client.get("/staff/dashboards/export/rows.csv?period=month&start=2026-10-01&figure=contacts")
    head, api_row, phone_row = list(csv.reader(io.StringIO(body.get_data(as_text=True))))
    assert head == ["Contact", "Started (London)", "Service", "Channel", "Outcome", "Case", "Advisor"]
    assert api_row[2:] == ["FOI request", "API", "Self-served", "", ""]  # empty cells stay empty
    assert phone_row[2:] == ["FOI request", "Phone", "Handed off", "", "'=HYPERLINK(1)"]
    services = list(csv.reader(io.StringIO(client.get(
        "/staff/dashboards/export/services.csv?period=month&start=2026-10-01").get_data(as_text=True))))
    assert services[0] == ["service", "Web", "API", "Phone", "Face to face", "Email", "Letter", "total"]
    assert services[1] == ["FOI request", "0", "1", "1", "0", "0", "0", "2"]


def test_each_target_shows_red_amber_or_green_as_the_council_set_it(october, app, client, login_as):
    """October: digital 30% (target 90%: red), FCR 75% (80%: amber, within 5 points), avoidable 20% (at most
    20%: green), SLA 75% (95%: red). A council that sets FCR to 75% sees it green."""
    import re

    login_as("team_lead")

    def statuses():
        html = client.get("/staff/dashboards/?period=month&start=2026-10-01").get_data(as_text=True)
        headline = html.split("Headline figures for the period", 1)[1].split("</table>", 1)[0]
        table = [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
                 for row in re.findall(r"<tr[^>]*>(.*?)</tr>", headline)]
        assert table[0] == ["Figure", "This period", "Previous period", "Target", "Against target"]
        return {row[0]: (row[3], row[4]) for row in table[1:] if row[3]}

    assert statuses() == {
        "Digital share (web and API)": ("90% or more", "Off target"),
        "First-contact resolution": ("80% or more", "Near target"),
        "Avoidable contact (chases and repeats)": ("20% or less", "On target"),
        "SLA compliance (closed by due time)": ("95% or more", "Off target"),
    }
    app.config["DASHBOARD_TARGETS"] = {**app.config["DASHBOARD_TARGETS"], "fcr": 0.75}
    try:
        assert statuses()["First-contact resolution"] == ("75% or more", "On target")
    finally:
        app.config["DASHBOARD_TARGETS"] = {**app.config["DASHBOARD_TARGETS"], "fcr": 0.80}
    page = client.get("/staff/dashboards/?period=month&start=2026-10-01").get_data(as_text=True)
    assert "First-contact resolution by month, against the target" in page
    assert "SLA compliance by month, against the target" in page
    trend = list(csv.reader(io.StringIO(client.get(
        "/staff/dashboards/export/trend.csv?period=month&start=2026-10-01").get_data(as_text=True))))
    assert trend[-1] == ["2026-10", "3", "10", "30.0", "3", "4", "75.0", "2", "20.0", "4", "3", "75.0"]
