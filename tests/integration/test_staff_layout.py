"""Every staff page carries the staff header and the menu of what the person's role allows, never
the residents' "Sign in". Walks every GET page behind staff sign-in, from the app's own URL map."""
from __future__ import annotations

import re
from datetime import date

import pytest
from flask import current_app

from frontdoor.models import GardenSubscription
from tests.integration.test_caseworker import make_case

MENU = re.compile(r'<nav[^>]*class="govuk-service-navigation__wrapper".*?</nav>', re.S)
MENU_ITEM = re.compile(r'class="govuk-service-navigation__link"[^>]*>\s*(?:<strong[^>]*>)?\s*([^<]+?)\s*<')
# Not pages: files, CSV, JSON, and the card payment return (a redirect from the provider).
NOT_PAGES = {"caseworker.attachment", "caseworker.case_file", "dashboards.export", "privacy.export",
             "staff_garden.payment_return", "staff_bulky.payment_return"}


def menu_of(body: str) -> list[str]:
    found = MENU.search(body)
    return MENU_ITEM.findall(found.group(0)) if found else []


def staff_pages():
    for rule in current_app.url_map.iter_rules():
        view = current_app.view_functions[rule.endpoint]
        if "GET" in rule.methods and hasattr(view, "staff_roles") and rule.endpoint not in NOT_PAGES:
            yield rule


@pytest.fixture
def things(session):
    case = make_case("walk@example.com")
    sub = GardenSubscription(property_id=case.property_id, bins=1, starts_on=date(2026, 4, 1), ends_on=date(2027, 3, 31),
                             status="active", amount_pence=5000, reference="GW-WALK01", customer_id=case.customer_id)
    session.add(sub)
    session.flush()
    return {"reference": case.reference, "customer_id": case.customer_id, "uprn": case.property.uprn,
            "case_id": case.id, "sub_ref": sub.reference, "service_id": "missed_bin", "page_id": "address"}


def test_every_staff_page_has_the_staff_menu(client, login_as, things):
    admin = login_as("admin")
    values = {**things, "staff_id": admin.id}
    visited = []
    for rule in staff_pages():
        path = rule.rule
        for name in rule.arguments:
            path = re.sub(rf"<(?:\w+:)?{name}>", str(values[name]), path)
        if rule.endpoint == "dashboards.rows":
            path += "?figure=contacts"
        response = client.get(path, follow_redirects=True)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, (path, response.status_code)
        menu = menu_of(body)
        assert "Front Door staff" in body, path
        assert "Sign in" not in menu and ">Sign in<" not in body, path
        assert menu[:7] == ["Queue", "Tasks", "Customers", "Bookings", "Garden waste", "Dashboards", "Admin"], (path, menu)
        assert menu[-1].startswith("Sign out"), path
        visited.append(rule.endpoint)
    for page in ("dashboards.index", "api_admin.keys", "api_admin.dead_letters", "staff_bulky.manifest",
                 "staff_bulky.income_report", "staff_garden.search", "staff_bulky.book", "caseworker.queue"):
        assert page in visited


@pytest.mark.parametrize("role, menu", [
    ("advisor", ["Queue", "Customers", "Bookings", "Garden waste"]),
    ("caseworker", ["Queue", "Tasks", "Customers", "Bookings", "Garden waste"]),
    ("team_lead", ["Queue", "Tasks", "Customers", "Bookings", "Garden waste", "Dashboards"]),
    ("admin", ["Queue", "Tasks", "Customers", "Bookings", "Garden waste", "Dashboards", "Admin"]),
])
def test_the_menu_shows_what_the_role_allows(client, login_as, role, menu):
    login_as(role)
    body = client.get("/staff/customers").get_data(as_text=True)
    assert menu_of(body)[:-1] == menu
    for item, path in (("Dashboards", "/staff/dashboards/"), ("Admin", "/staff/admin/staff"), ("Tasks", "/staff/tasks")):
        assert (client.get(path).status_code == 200) == (item in menu), (role, item)


def test_the_current_section_is_marked(client, login_as):
    login_as("team_lead")
    body = client.get("/staff/bulky/income").get_data(as_text=True)
    active = re.findall(r'<li class="[^"]*navigation__item--active[^"]*">(.*?)</li>', body, re.S)
    assert len(active) == 1 and "Bookings" in active[0] and "aria-current" in active[0]


def test_a_new_staff_accounts_password_is_asked_for_not_kept(client, login_as):
    admin = login_as("admin")
    new = client.get("/staff/admin/staff/new").get_data(as_text=True)
    assert "keep the current" not in new.lower() and ">Password<" in new.replace("\n", "").replace(" ", "")
    edit = client.get(f"/staff/admin/staff/{admin.id}").get_data(as_text=True)
    assert "Leave blank to keep their current password" in edit
