"""The authorisation matrix: every staff route, as every role, as a would-be resident and anonymous,
against an explicit table of who may do what. A route added without a row here fails the test."""
from __future__ import annotations

import pytest
from flask import current_app, url_for

from frontdoor.extensions import db
from frontdoor.models import Customer, Task
from frontdoor.models.base import utcnow
from frontdoor.services import merges, subscriptions
from tests import factories
from tests.conftest import csrf_from
from tests.integration.test_caseworker import make_case

ALL_STAFF = {"advisor", "caseworker", "team_lead", "admin"}
WORKERS = {"caseworker", "team_lead", "admin"}
CONTACT = {"advisor", "caseworker", "team_lead", "admin"}
# The second-factor code page is part of signing in: it answers only a session a correct password began.
PUBLIC = {"caseworker.sign_in", "caseworker.sign_out", "caseworker.two_factor_code"}

# (endpoint, method) -> roles allowed. Everyone else: 403 if signed in as staff, sign-in redirect if not.
EXPECTED = {
    ("caseworker.queue", "GET"): ALL_STAFF,
    ("caseworker.notifications", "GET"): WORKERS,  # stored resident messages (issue 4)
    ("caseworker.bulk", "POST"): WORKERS,
    ("caseworker.claim", "POST"): WORKERS,
    ("caseworker.assign", "POST"): WORKERS,
    ("caseworker.case", "GET"): ALL_STAFF,
    ("caseworker.case", "POST"): WORKERS,
    ("caseworker.case_by_id", "GET"): ALL_STAFF,
    ("caseworker.case_file", "GET"): ALL_STAFF,  # a resident's upload on a case the user may see
    ("caseworker.add_note", "POST"): WORKERS,
    ("caseworker.confirm_details", "POST"): ALL_STAFF,  # details given on a case, checked with the customer
    ("caseworker.ask_information", "POST"): WORKERS,
    ("caseworker.attach", "POST"): WORKERS,  # a missing file is a 400 page, not a denial
    ("caseworker.attachment", "GET"): ALL_STAFF,
    ("caseworker.add_task", "POST"): WORKERS,
    ("caseworker.tasks", "GET"): WORKERS,
    ("caseworker.task_done", "POST"): WORKERS,
    ("caseworker.admin_staff", "GET"): {"admin"},
    ("caseworker.admin_staff_edit", "GET"): {"admin"},
    ("caseworker.admin_staff_edit", "POST"): {"admin"},
    ("caseworker.admin_team_add", "POST"): {"admin"},
    ("caseworker.admin_staff_two_factor_reset", "POST"): {"admin"},  # a lost device (issue 21)
    ("caseworker.two_factor_set_up", "GET"): ALL_STAFF,  # set up an authenticator app (or at sign-in, when required)
    ("caseworker.two_factor_set_up", "POST"): ALL_STAFF,
    ("caseworker.admin_lockouts", "GET"): {"admin"},
    ("caseworker.admin_lockout_clear", "POST"): {"admin"},
    ("caseworker.contact_start", "GET"): CONTACT,
    ("caseworker.contact_start", "POST"): CONTACT,
    ("caseworker.contact_current", "GET"): CONTACT,
    ("caseworker.contact_attach_caller", "POST"): CONTACT,
    ("caseworker.customer_note", "POST"): ALL_STAFF,
    ("caseworker.contact_answer", "POST"): CONTACT,
    ("caseworker.contact_update_case", "POST"): CONTACT,
    ("caseworker.contact_hand_off", "POST"): CONTACT,
    ("caseworker.contact_wrap_up", "POST"): CONTACT,
    ("caseworker.raise_begin", "GET"): CONTACT,
    ("caseworker.raise_page", "GET"): CONTACT,
    ("caseworker.raise_page", "POST"): CONTACT,
    ("caseworker.raise_check", "GET"): CONTACT,
    ("caseworker.raise_check", "POST"): CONTACT,
    ("caseworker.search", "GET"): ALL_STAFF,
    ("caseworker.customer", "GET"): ALL_STAFF,
    ("caseworker.customer_profile", "POST"): ALL_STAFF,
    ("caseworker.property_view", "GET"): ALL_STAFF,
    ("caseworker.merge", "GET"): {"team_lead", "admin"},
    ("caseworker.merge", "POST"): {"team_lead", "admin"},
    ("caseworker.undo_merge", "POST"): {"admin"},
    # Garden waste subscriptions (issue 5): anyone on the phones takes, views and cancels them.
    ("staff_garden.search", "GET"): ALL_STAFF,
    ("staff_garden.view", "GET"): ALL_STAFF,
    ("staff_garden.cancel", "POST"): CONTACT,
    ("staff_garden.new", "GET"): CONTACT,
    ("staff_garden.new", "POST"): CONTACT,
    ("staff_garden.payment_return", "GET"): CONTACT,
    # Bulky waste (issue 5): manifests for all, marking for case workers, income for leads.
    ("staff_bulky.manifest", "GET"): ALL_STAFF,
    ("staff_bulky.mark", "POST"): WORKERS,
    ("staff_bulky.book", "GET"): ALL_STAFF,
    ("staff_bulky.book", "POST"): ALL_STAFF,
    ("staff_bulky.payment_return", "GET"): ALL_STAFF,  # back from the caller's card payment to the contact
    ("staff_bulky.income_report", "GET"): {"team_lead", "admin"},
    # Dashboards (issue 7): managers; unit costs are an admin's setting.
    ("dashboards.index", "GET"): {"team_lead", "admin"},
    ("dashboards.rows", "GET"): {"team_lead", "admin"},
    ("dashboards.export", "GET"): {"team_lead", "admin"},
    ("dashboards.costs", "GET"): {"admin"},
    ("dashboards.costs", "POST"): {"admin"},
    # Service alerts (issue 23): team leads and admins publish and end them.
    ("staff_alerts.alerts", "GET"): {"team_lead", "admin"},
    ("staff_alerts.alerts", "POST"): {"team_lead", "admin"},
    ("staff_alerts.end", "POST"): {"team_lead", "admin"},
    # API keys, dead letters and subject access exports: admins only.
    ("api_admin.keys", "GET"): {"admin"},
    ("api_admin.keys", "POST"): {"admin"},
    ("api_admin.revoke", "POST"): {"admin"},
    ("api_admin.dead_letters", "GET"): {"admin"},
    ("api_admin.retry", "POST"): {"admin"},
    ("privacy.export", "GET"): {"admin"},
}


def _routes(app):
    found = []
    for rule in app.url_map.iter_rules():
        # Every route under /staff, whichever blueprint holds it.
        if not rule.rule.startswith("/staff") or rule.endpoint in PUBLIC:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule, method))
    return found


def test_every_staff_route_has_an_expectation(app):
    routes = {(r.endpoint, m) for r, m in _routes(app)}
    assert routes == set(EXPECTED), f"missing: {routes - set(EXPECTED)}; stale: {set(EXPECTED) - routes}"


def _attachment(case):
    from io import BytesIO

    from werkzeug.datastructures import FileStorage

    from frontdoor.services import case_attachments
    from frontdoor.services.actors import Actor

    upload = FileStorage(BytesIO(b"%PDF-1.4 matrix\n%%EOF\n"), filename="matrix.pdf")
    return case_attachments.attach(case, Actor.system(), upload, visible_to_resident=False)


def _fixtures():
    factories.team("waste")
    case = make_case("matrix@example.com")
    other = factories.customer("Other", "Person")
    merged = factories.customer("Dupe", "Person")
    admin = factories.staff("admin")
    row = merges.merge(merged, case.customer, admin)
    task = Task(case_id=case.id, team_id=case.team_id, title="Look", due_on=utcnow().date())
    db.session.add(task)
    db.session.flush()
    attachment = _attachment(case)
    with current_app.test_request_context():
        sub, payment = subscriptions.subscribe(case.property, 1, False)
    return {"sub_ref": sub.reference, "payment_ref": payment.reference, "reference": case.reference, "case_id": case.id,
            "customer_id": other.id, "uprn": case.property.uprn, "merge_id": row.id, "task_id": task.id,
            "staff_id": admin.id, "lockout_id": 1, "service_id": "missed_bin", "page_id": "details", "file_id": "no-such-file-0000000000",
            "booking_id": 999999, "key_id": 999999, "message_id": 999999, "name": "volumes",
            "attachment_id": attachment.id, "alert_id": 999999}


def _request(client, app, rule, method, values):
    with app.test_request_context():
        url = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments if k in values})
    if method == "GET":
        return client.get(url)
    token = csrf_from(client.get("/staff/sign-in"))
    return client.post(url, data={"csrf_token": token})


def _outcome(response) -> str:
    if response.status_code == 403:
        return "deny"
    if response.status_code in (301, 302, 303) and "/staff/sign-in" in (response.location or ""):
        return "sign-in"
    return "error" if response.status_code >= 500 else "allow"


@pytest.mark.parametrize("who", ["advisor", "caseworker", "team_lead", "admin", "resident", "anonymous"])
def test_authorisation_matrix(app, client, session, login_as, who):
    values = _fixtures()
    if who in ALL_STAFF:
        login_as(who)
    elif who == "resident":
        # No resident accounts on this branch: a session claiming a resident (or forged staff) id.
        with client.session_transaction() as s:
            s["_user_id"] = "resident:1"
            s["_fresh"] = True
    # Committed (to the test's savepoint) so a request that rolls back cannot undo the fixtures.
    db.session.commit()
    mismatches = []
    for rule, method in _routes(app):
        got = _outcome(_request(client, app, rule, method, values))
        allowed = who in EXPECTED[(rule.endpoint, method)]
        want = "allow" if allowed else ("deny" if who in ALL_STAFF else "sign-in")
        if got != want:
            mismatches.append(f"{method} {rule.rule}: wanted {want}, got {got}")
        if who in ALL_STAFF and got == "sign-in":
            login_as(who)  # a route that signed us out would hide later results
            db.session.commit()
    assert not mismatches, "\n".join(mismatches)
    if who not in ALL_STAFF:
        assert db.session.get(Customer, values["customer_id"]) is not None
