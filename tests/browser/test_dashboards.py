"""A manager signs in, changes the period and service, follows a figure to its rows and downloads a CSV."""
from __future__ import annotations

from datetime import datetime, timezone

from frontdoor.extensions import db
from frontdoor.metrics import rollups
from frontdoor.models import Case
from frontdoor.services.contacts import record_contact
from tests import factories
from tests.browser.staff_sign_in import answer_two_factor


def _seed():
    waste = factories.team("waste")
    prop = factories.property_(ward="Abbey")
    lead = factories.staff("team_lead", teams=("waste",))
    advisor = factories.staff("advisor", teams=("customer_services",))
    case = Case(reference="BRW1", workflow_id="missed_bin", workflow_version=1, state="closed", state_category="closed",
                answers={}, property_id=prop.id, channel="web", team_id=waste.id,
                sla_due_at=datetime(2026, 10, 12, tzinfo=timezone.utc),
                created_at=datetime(2026, 10, 9, tzinfo=timezone.utc), closed_at=datetime(2026, 10, 10, tzinfo=timezone.utc))
    db.session.add(case)
    db.session.flush()
    rollups.note_case(case.id)
    for day, channel, outcome, staff in [(2, "web", "self_served", None), (3, "phone", "resolved_first_contact", advisor),
                                         (4, "phone", "progress_chase", advisor), (5, "web", "self_served", None)]:
        contact = record_contact(channel=channel, reason="missed_bin", outcome=outcome, case=case, staff=staff)
        contact.started_at = datetime(2026, 10, day, 10, tzinfo=timezone.utc)
    db.session.flush()
    rollups.apply_pending()
    db.session.commit()
    return lead


def test_manager_uses_the_dashboard(live_server, page, axe_check, tmp_path):
    lead = _seed()
    page.goto(live_server.url + "/staff/sign-in")
    page.fill("input[name=email]", lead.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button:has-text('Sign in')")
    page.goto(live_server.url + "/staff/dashboards/")
    assert page.locator("h1").inner_text() == "Dashboards"
    axe_check(page)

    page.select_option("#period", "month")
    page.fill("#start", "2026-10-01")
    page.select_option("#service", "missed_bin")
    page.click("button:has-text('Show figures')")
    assert "period=month" in page.url and "service=missed_bin" in page.url
    headline = page.locator("table").first
    assert "50.0%" in headline.inner_text()  # digital share: 2 of 4
    axe_check(page)

    page.click("a:has-text('50.0%')")
    assert page.locator("h1").inner_text() == "Contacts on web or API"
    assert "2 rows" in page.locator("main").inner_text()
    axe_check(page)

    with page.expect_download() as info:
        page.click("a:has-text('Download all 2 rows as CSV')")
    path = tmp_path / "rows.csv"
    info.value.save_as(path)
    lines = path.read_text().strip().splitlines()
    assert lines[0].startswith("Contact,Started (London),Service,Channel")
    assert len(lines) == 3 and all(",Web," in line for line in lines[1:])


def test_an_advisor_is_refused(live_server, page, axe_check):
    advisor = factories.staff("advisor", teams=("customer_services",))
    db.session.commit()
    page.goto(live_server.url + "/staff/sign-in")
    page.fill("input[name=email]", advisor.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button:has-text('Sign in')")
    response = page.goto(live_server.url + "/staff/dashboards/")
    assert response.status == 403
    axe_check(page)


def test_an_admin_changes_unit_costs(live_server, page, axe_check):
    admin = factories.staff("admin")
    db.session.commit()
    page.goto(live_server.url + "/staff/sign-in")
    page.fill("input[name=email]", admin.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button:has-text('Sign in')")
    answer_two_factor(page, admin)
    page.goto(live_server.url + "/staff/dashboards/")
    page.click("a:has-text('Change the unit costs')")
    axe_check(page)
    page.fill("input[name=phone]", "lots")
    page.click("button:has-text('Save unit costs')")
    assert "There is a problem" in page.locator(".govuk-error-summary").inner_text()
    axe_check(page)
    page.fill("input[name=phone]", "3.10")
    page.click("button:has-text('Save unit costs')")
    assert page.locator("input[name=phone]").input_value() == "3.10"
    axe_check(page)


def test_targets_trends_and_explanations_are_on_the_page(live_server, page, axe_check, tmp_path):
    lead = _seed()
    page.goto(live_server.url + "/staff/sign-in")
    page.fill("input[name=email]", lead.email)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("button:has-text('Sign in')")
    page.goto(live_server.url + "/staff/dashboards/?period=month&start=2026-10-01")
    headline = page.locator("table").first
    fcr_row = headline.locator("tr", has_text="First-contact resolution").inner_text()
    assert "100.0%" in fcr_row and "80% or more" in fcr_row and "On target" in fcr_row  # 1 of 1 assisted
    digital_row = headline.locator("tr", has_text="Digital share").inner_text()
    assert "50.0%" in digital_row and "Off target" in digital_row
    avoidable_row = headline.locator("tr", has_text="Avoidable contact").inner_text()
    assert "25.0%" in avoidable_row and "Near target" in avoidable_row  # 1 chase of 4; at most 20%, within 5 points
    main = page.locator("main").inner_text()
    assert "Progress chases, repeats, letters and self-service are left out of the denominator" in main
    assert "A case waiting for the resident is not counted" in main
    for title in ("First-contact resolution by month", "Avoidable contact by month", "SLA compliance by month"):
        assert page.locator("svg title", has_text=title).count() == 1
    axe_check(page)
    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    headline.screenshot(path=str(tmp_path / "headline.png"))
    page.locator("svg", has=page.locator("title", has_text="Avoidable contact by month")).screenshot(
        path=str(tmp_path / "avoidable_trend.png"))
    assert shot.stat().st_size > 10_000
