"""Issue 18, staff pages: what the case page, the tasks list, advisor guidance, the bulky manifest and
the 403 page show a member of staff, read from the page as they see it."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import time_machine
from markupsafe import Markup

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.services import case_work, outbox, slots
from frontdoor.services.actors import Actor
from tests import factories
from tests.clock import LONDON
from tests.conftest import post_form
from tests.integration.test_caseworker import make_case
from workflows.guidance import render_guidance


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_case_page_shows_the_assignee_after_claiming(client, login_as):
    user = login_as("caseworker", teams=("waste",))
    case = make_case("claim@example.com")
    before = _text(client.get(f"/staff/cases/{case.reference}").get_data(as_text=True))
    assert "Assigned to Nobody" in before
    r = post_form(client, f"/staff/cases/{case.reference}/claim", {"version": str(case.version)},
                  get_url=f"/staff/cases/{case.reference}")
    assert r.status_code == 302
    after = _text(client.get(f"/staff/cases/{case.reference}").get_data(as_text=True))
    assert f"Assigned to {user.name} (you)" in after
    assert "Claim this case" not in after


def test_case_page_marks_an_overdue_case_like_the_queue(client, login_as):
    login_as("caseworker", teams=("waste",))
    case = make_case("late@example.com")
    case.sla_due_at = datetime.now(LONDON) - timedelta(hours=2)
    db.session.flush()
    queue = client.get("/staff/").get_data(as_text=True)
    assert 'class="app-sla--overdue">Overdue: </strong>' in queue
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert 'class="app-sla--overdue">Overdue: </strong>' in page
    case.sla_due_at = datetime.now(LONDON) + timedelta(days=2)
    db.session.flush()
    assert "Overdue" not in client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)


def test_case_page_selects_no_transition_by_default(client, login_as):
    login_as("caseworker", teams=("waste",))
    case = make_case("steps@example.com")
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    radios = re.findall(r'<input class="govuk-radios__input"[^>]*name="transition"[^>]*>', page)
    assert radios, "the case has steps to choose from"
    assert not any("checked" in r for r in radios)


def test_tasks_list_names_the_case_by_its_reference(client, login_as):
    login_as("caseworker", teams=("waste",))
    case = make_case("task@example.com")
    case_work.add_task(Actor.system(), "waste", "Check the bin store", date.today() + timedelta(days=3), case=case)
    unit_of_work.commit()
    page = client.get("/staff/tasks").get_data(as_text=True)
    assert f'href="/staff/cases/{case.reference}">{case.reference}</a>' in page


def test_guidance_renders_a_safe_markdown_subset():
    html = render_guidance("Ask for the **bin colour**, then *check* it.\n\n- first\n- second <b>not bold</b>")
    assert isinstance(html, Markup)
    assert "<strong>bin colour</strong>" in html and "<em>check</em>" in html
    assert '<ul class="govuk-list govuk-list--bullet"><li>first</li>' in html
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html and "<b>" not in html
    assert render_guidance("<script>alert(1)</script>") == Markup('<p class="govuk-body">&lt;script&gt;alert(1)&lt;/script&gt;</p>')
    assert render_guidance("") == "" and render_guidance(None) == ""


def test_advisor_guidance_shows_no_literal_markup(client, login_as):
    from frontdoor.services.customers import find_or_create
    from tests.integration.helpers import property_collected_yesterday_evening

    login_as("advisor")
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    customer = find_or_create("Priya Patel", "priya@example.com", "020 7946 0018", prop)
    db.session.commit()
    post_form(client, "/staff/contacts/new", {"channel": "phone", "reason": "missed_bin", "customer": str(customer.id)},
              get_url=f"/staff/contacts/new?customer={customer.id}")
    page = client.get("/staff/contacts/current/raise/missed_bin", follow_redirects=True).get_data(as_text=True)
    assert "Advisor guidance" in page and "Ask for the postcode first" in page
    assert "&lt;strong&gt;" not in page and "&lt;p" not in page


def test_bulky_manifest_opens_on_the_next_collection_day(client, login_as):
    # Friday before the late May bank holiday: Saturday and Monday are not collection days.
    friday = datetime.combine(date(2027, 5, 28), time(10, 0), tzinfo=LONDON)
    with time_machine.travel(friday, tick=True):
        login_as("caseworker", teams=("waste",))
        rnd = factories.collection_round("bulky", 0)
        for day in (date(2027, 5, 29), date(2027, 5, 31), date(2027, 6, 2)):
            slots.ensure_slot(rnd.id, day, 10)
        db.session.flush()
        page = _text(client.get("/staff/bulky/manifest").get_data(as_text=True))
        assert "Bulky collections on Wednesday 2 June 2027" in page
        assert "Saturday" not in page.split("Bulky collections on", 1)[1][:40]


def test_bulky_manifest_with_no_places_opens_on_the_next_working_day(client, login_as):
    friday = datetime.combine(date(2027, 5, 28), time(10, 0), tzinfo=LONDON)
    with time_machine.travel(friday, tick=True):
        login_as("caseworker", teams=("waste",))
        page = _text(client.get("/staff/bulky/manifest").get_data(as_text=True))
        assert "Bulky collections on Tuesday 1 June 2027" in page


def test_forbidden_page_speaks_to_staff(client, login_as):
    lead = factories.staff("team_lead", teams=("contact_centre",))
    db.session.commit()
    login_as("advisor", teams=("contact_centre",))
    r = client.get("/staff/tasks")
    assert r.status_code == 403
    page = _text(r.get_data(as_text=True))
    assert "You cannot open this page with your role" in page
    assert "an advisor" in page and "use the pages in the menu above" in page
    assert f"ask {lead.name} (team lead)" in page, page[page.find("Who to ask"):][:300]
    assert "Sign out" in page and "Go to council services" not in page


def test_forbidden_page_for_residents_is_unchanged(client, session):
    r = client.get("/staff/tasks")
    assert r.status_code in (302, 403)
