"""Browser journeys through the staff console, with axe on every page visited."""
from __future__ import annotations

import re

from sqlalchemy import select

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import Case, Contact
from frontdoor.services.actors import Actor
from frontdoor.services.customers import find_or_create
from frontdoor.services.transitions import transition
from tests import factories
from tests.browser.staff_sign_in import answer_two_factor
from tests.integration.helpers import property_collected_yesterday_evening
from tests.integration.test_caseworker import make_case


def _sign_in(page, live_server, axe_check, user):
    page.goto(f"{live_server.url}/staff/sign-in")
    axe_check(page)
    page.get_by_label("Email address").fill(user.email)
    page.locator("#password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    answer_two_factor(page, user)


def test_advisor_takes_a_call_resolves_one_query_and_raises_a_missed_bin(page, live_server, axe_check):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    customer = find_or_create("Priya Patel", "priya@example.com", "020 7946 0018", prop)
    advisor = factories.staff("advisor")
    db.session.commit()

    _sign_in(page, live_server, axe_check, advisor)
    page.wait_for_url(re.compile(r"/staff/customers"))
    axe_check(page)
    # Stored as "020 7946 0018"; the caller says it the international way.
    page.get_by_label("Name, email, phone, postcode, address, UPRN or case reference").fill("+44 (0)20 79460018")
    page.get_by_role("button", name="Search").click()
    axe_check(page)
    page.get_by_role("link", name="Priya Patel").click()
    axe_check(page)
    page.get_by_role("link", name="Start a contact").click()
    axe_check(page)
    page.get_by_label("Phone").check()
    page.get_by_label("What is it about?").select_option("general_enquiry")
    page.get_by_role("button", name="Start").click()
    axe_check(page)
    page.get_by_role("button", name="Answered: resolved at first contact").click()
    axe_check(page)
    page.get_by_role("link", name="Report a missed bin collection").click()
    axe_check(page)  # postcode page, advisor guidance shown, postcode known already
    assert "Advisor guidance" in page.content()
    page.get_by_role("button", name="Find address").click()
    axe_check(page)
    page.get_by_label("Select an address").select_option(prop.uprn)
    page.get_by_role("button", name="Continue").click()
    axe_check(page)
    page.get_by_label(prop.containers[0].label).check()
    page.get_by_role("button", name="Continue").click()
    axe_check(page)
    page.get_by_role("button", name="Continue").click()  # details prefilled from the record
    axe_check(page)
    page.get_by_role("button", name="Raise the request").click()
    axe_check(page)
    assert "raised" in page.content()
    page.get_by_role("button", name="Wrap up contact").click()
    page.wait_for_url(re.compile(rf"/staff/customers/{customer.id}$"))
    axe_check(page)
    contacts = page.locator("#contacts tbody tr")
    assert contacts.count() == 2
    text = page.locator("#contacts").inner_text()
    assert "Resolved at first contact" in text and "Report a missed bin collection" in text and "General enquiry" in text
    db.session.expire_all()
    assert db.session.scalar(select(Case).where(Case.customer_id == customer.id)).channel == "phone"
    assert len(list(db.session.scalars(select(Contact).where(Contact.customer_id == customer.id)))) == 2


def test_caseworker_works_the_queue_asks_for_information_and_closes(plain_monday, page, live_server, axe_check):
    factories.team("waste")
    case = make_case("queue@example.com")
    worker = factories.staff("caseworker")
    db.session.commit()
    reference = case.reference

    _sign_in(page, live_server, axe_check, worker)
    page.wait_for_url(re.compile(r"/staff/$"))
    axe_check(page)
    page.get_by_label("SLA").select_option("week")
    page.get_by_role("button", name="Apply filters").click()
    axe_check(page)
    page.get_by_role("link", name=reference).click()
    axe_check(page)
    page.get_by_role("button", name="Claim this case").click()
    axe_check(page)
    # A file the resident may see, then one that is not what it says it is: the error summary.
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "letter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 the letter\n%%EOF\n"})
    page.get_by_label("The resident can see this file on their request").check()
    page.get_by_role("button", name="Attach file").click()
    axe_check(page)
    assert "Attached letter.pdf (PDF, the resident can see it)" in page.content()
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "photo.png", "mimeType": "image/png", "buffer": b"MZ not a picture"})
    page.get_by_role("button", name="Attach file").click()
    axe_check(page)
    assert "There is a problem" in page.content() and "The selected file must be a PDF" in page.content()
    page.get_by_label("What do you need from the resident?").fill("Was the bin out by 6am?")
    page.get_by_role("button", name="Ask for more information").click()
    axe_check(page)
    assert "Paused while we wait for the resident" in page.content()

    # The resident replies in the portal (issue 4's page): simulated through the service layer.
    db.session.expire_all()
    waiting = db.session.scalar(select(Case).where(Case.reference == reference))
    transition(waiting, "information_received", Actor.resident())
    unit_of_work.commit()

    page.reload()
    axe_check(page)
    page.get_by_label("Arrange a return collection").check()
    page.get_by_role("button", name="Save").click()
    axe_check(page)
    page.get_by_label("Mark as collected").check()
    page.get_by_role("button", name="Save").click()
    axe_check(page)
    assert "Closed: collected" in page.content()
    page.goto(f"{live_server.url}/staff/tasks")
    axe_check(page)


def test_admin_and_team_lead_pages_pass_axe(page, live_server, axe_check):
    factories.team("waste")
    case = make_case("axe@example.com")
    dupe = factories.customer("Sam", "Resident")
    admin = factories.staff("admin")
    db.session.commit()
    _sign_in(page, live_server, axe_check, admin)
    for path in ("/staff/admin/staff", "/staff/admin/staff/new", f"/staff/admin/staff/{admin.id}",
                 f"/staff/properties/{case.property.uprn}", f"/staff/customers/{dupe.id}/merge?into={case.customer_id}",
                 f"/staff/customers/{dupe.id}/merge?into={dupe.id}", "/staff/customers?q=sam+resident", "/staff/tasks",
                 "/staff/contacts/new", f"/staff/cases/{case.reference}", f"/staff/customers/{case.customer_id}",
                 f"/staff/customers/{case.customer_id}?page=2"):
        page.goto(f"{live_server.url}{path}")
        axe_check(page)
    # Error states: an empty staff form, and an empty contact start.
    page.goto(f"{live_server.url}/staff/admin/staff/new")
    page.get_by_role("button", name="Save").click()
    axe_check(page)
    assert "Enter a name" in page.content()
    page.goto(f"{live_server.url}/staff/contacts/new")
    page.get_by_role("button", name="Start").click()
    axe_check(page)
    assert "Choose how they are contacting us" in page.content()
    # The merge itself, then the admin undoes it from the survivor's page.
    page.goto(f"{live_server.url}/staff/customers/{dupe.id}/merge?into={case.customer_id}")
    page.get_by_role("button", name=re.compile("Merge customer")).click()
    axe_check(page)
    page.get_by_role("button", name=re.compile("Undo merge")).click()
    axe_check(page)
    db.session.expire_all()
    from frontdoor.models import Customer
    assert db.session.get(Customer, dupe.id).merged_into_id is None
