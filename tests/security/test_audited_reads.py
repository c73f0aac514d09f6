"""Every staff read of personal data leaves an audit row (issue 16, finding 6). The walk takes every
GET route under /staff from app.url_map, as an admin (who sees most), and wherever a page shows the
person (her name, email or address) an audit row for that request must exist."""
from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import func, select

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import AuditLog
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from tests import factories
from tests.integration.helpers import answers_for, property_collected_yesterday_evening

EMAIL = "audited.person@example.com"


pytestmark = pytest.mark.usefixtures("inline_jobs")  # deliver outbox rows inline, whatever the pass


def _audit_rows(staff_id) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.staff_id == staff_id))


def test_every_staff_page_that_shows_a_person_is_audited(client, session, login_as):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    case = submit(definition("missed_bin"), {**answers_for(prop, EMAIL), "full_name": "Audrey Zanzibar"}, "web", None,
                  Actor.resident()).case
    other = factories.customer(first="Other", last="Record")
    unit_of_work.commit()
    admin = login_as("admin")
    unit_of_work.commit()
    values = {"customer_id": case.customer_id, "uprn": prop.uprn, "reference": case.reference, "case_id": case.id}
    urls = []
    for rule in current_app.url_map.iter_rules():
        if rule.rule.startswith("/staff") and "GET" in rule.methods and set(rule.arguments) <= set(values) \
                and not rule.endpoint.endswith(("sign_in", "sign_out")):
            urls.append(rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1])
    urls += [f"/staff/customers?q={EMAIL}", f"/staff/customers?q={prop.postcode}", "/staff/customers?q=Zanzibar",
             f"/staff/customers/{case.customer_id}/merge?into={other.id}", f"/staff/contacts/new?customer={case.customer_id}",
             "/staff/garden-waste?q=Zanzibar", "/staff/bulky/manifest?format=csv"]
    shown, unaudited = [], []
    for url in urls:
        before = _audit_rows(admin.id)
        r = client.get(url)
        body = r.get_data(as_text=True)
        if "?q=" in url:  # the search box's echo of what was typed is not a read
            body = body.replace(f'value="{url.split("?q=")[1]}"', "")
        if r.status_code == 200 and any(s in body for s in (EMAIL, "Zanzibar", prop.address_line1)):
            shown.append(url)
            if _audit_rows(admin.id) == before:
                unaudited.append(url)
    assert not unaudited, f"these pages show the person but left no audit row: {unaudited}"
    assert len(shown) >= 6, shown
    # A contact in progress for her shows her too.
    before = _audit_rows(admin.id)
    client.get(f"/staff/contacts/new?customer={case.customer_id}")
    assert _audit_rows(admin.id) > before
