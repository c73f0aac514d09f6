"""A brand-new service added by writing one YAML file: a resident submits it and a caseworker closes
it, in a real browser, with axe on every page. No Python is added for it."""
from __future__ import annotations

import re

from frontdoor.app import create_app
from frontdoor.extensions import db
from tests import factories
from tests.conftest import LiveServer

POTHOLE = """
id: report_pothole
version: 1
title: Report a pothole
summary: Tell us about a pothole in a road or pavement.
team: highways
sla: {working_days: 10}
customer_fields: {name: full_name, email: email}
acknowledgement:
  subject: "Pothole report {reference}"
  body: "Dear {name}, your reference is {reference}."
pages:
  - id: where
    title: Where is the pothole?
    advisor_guidance: Ask for the street and the nearest house number or landmark.
    questions:
      - id: where
        type: location
        label: Where is the pothole?
        summary_label: Location
        hint: For example, outside 12 Mill Road.
        max_length: 300
  - id: size
    title: How big is it?
    questions:
      - id: size
        type: radios
        label: How big is it?
        summary_label: Size
        options:
          - {value: small, label: Smaller than a dinner plate}
          - {value: large, label: Larger than a dinner plate}
      - id: depth
        type: number
        label: How deep is it, in centimetres?
        summary_label: Depth in centimetres
        min: 1
        max: 100
  - id: details
    title: Your details
    questions:
      - id: full_name
        type: text
        label: Full name
        max_length: 100
      - id: email
        type: email
        label: Email address
        max_length: 254
initial_state: reported
states:
  reported:
    label: Reported
    category: open
    transitions:
      - name: repair
        to: repaired
        label: Mark as repaired
        roles: [caseworker, team_lead, admin]
        public_message: We have repaired the pothole.
        notify: true
  repaired: {label: Repaired, category: closed, resolution: repaired}
"""


def test_a_service_written_only_as_yaml_can_be_used_end_to_end(app, committed, page, axe_check, tmp_path):
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "report_pothole.yaml").write_text(POTHOLE, encoding="utf-8")
    keys = ("SQLALCHEMY_DATABASE_URI", "REDIS_URL", "RQ_QUEUE", "RATELIMIT_STORAGE_URI", "INSTANCE_PATH", "TESTING")
    # Same settings as the suite's app (the rate limiter is one shared extension), another definitions folder.
    councils_app = create_app({**{k: app.config[k] for k in keys}, "SERVER_NAME": None, "WORKFLOWS_DIR": str(folder)})
    with councils_app.app_context():
        factories.team("highways")
        officer = factories.staff("caseworker", teams=("highways",))
        email = officer.email
        db.session.commit()
        db.session.remove()
    try:
        with LiveServer(councils_app) as server:
            page.goto(server.url + "/")
            axe_check(page)
            page.get_by_role("link", name="Report a pothole").click()
            axe_check(page)
            page.get_by_role("button", name="Start now").click()

            page.get_by_role("button", name="Continue").click()
            assert page.get_by_text("Describe where it is").first.is_visible()
            axe_check(page)
            page.get_by_label("Where is the pothole?").fill("Outside 12 Mill Road, by the bus stop")
            page.get_by_role("button", name="Continue").click()

            page.get_by_label("Larger than a dinner plate").check()
            page.get_by_label("How deep is it, in centimetres?").fill("500")
            page.get_by_role("button", name="Continue").click()
            assert page.get_by_text("Depth in centimetres must be 100 or less").first.is_visible()
            axe_check(page)
            page.get_by_label("How deep is it, in centimetres?").fill("8")
            page.get_by_role("button", name="Continue").click()

            page.get_by_label("Full name").fill("Sam Resident")
            page.get_by_label("Email address").fill("sam@example.com")
            page.get_by_role("button", name="Continue").click()
            axe_check(page)
            assert page.get_by_text("Outside 12 Mill Road, by the bus stop").is_visible()
            page.get_by_role("button", name="Accept and send").click()
            axe_check(page)
            reference = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", page.locator(".govuk-panel").inner_text(timeout=3000)).group(0)

            page.goto(server.url + "/staff/sign-in")
            page.get_by_label("Email address").fill(email)
            page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.goto(server.url + f"/staff/cases/{reference}")
            axe_check(page)
            page.get_by_label("Mark as repaired").check()
            page.get_by_role("button", name="Save").click()
            assert page.get_by_text("moved to 'Repaired'").is_visible()
            axe_check(page)
    finally:
        with councils_app.app_context():
            db.session.remove()
            db.engine.dispose()
