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
    assert page.locator("h1").inner_text() == "Contacts on web or api"
    assert "2 rows" in page.locator("main").inner_text()
    axe_check(page)

    with page.expect_download() as info:
        page.click("a:has-text('Download all 2 rows as CSV')")
    path = tmp_path / "rows.csv"
    info.value.save_as(path)
    lines = path.read_text().strip().splitlines()
    assert lines[0].startswith("Contact,Started (London),Service,Channel")
    assert len(lines) == 3 and all(",web," in line for line in lines[1:])


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
