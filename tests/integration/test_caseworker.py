"""Staff: sign-in, the queue for their teams ordered by SLA, the case page and transitions."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import Case, CaseEvent
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from frontdoor.services.transitions import StaleCase, TransitionRefused, transition
from tests import factories
from tests.conftest import post_form
from tests.integration.helpers import answers_for, property_collected_yesterday_evening


def make_case(email="sam@example.com", index=0):
    prop = property_collected_yesterday_evening()
    result = submit(definition("missed_bin"), answers_for(prop, email, index), "web", None, Actor.resident())
    unit_of_work.commit()
    return result.case


def test_queue_needs_sign_in(client, session):
    r = client.get("/staff/")
    assert r.status_code == 302 and "/staff/sign-in" in r.location


def test_wrong_password_is_refused(client, session):
    user = factories.staff()
    r = post_form(client, "/staff/sign-in", {"email": user.email, "password": "wrong"})
    assert r.status_code == 200 and "Enter a correct email address and password" in r.get_data(as_text=True)


def test_sign_in_is_rate_limited(client, session):
    user = factories.staff()
    codes = [post_form(client, "/staff/sign-in", {"email": user.email, "password": f"wrong{i}"}).status_code for i in range(11)]
    assert codes[-1] == 429


def test_queue_lists_team_cases_soonest_due_first(client, session, login_as):
    user = login_as("caseworker", teams=("waste",))
    a = make_case("a@example.com")
    b = make_case("b@example.com")
    b.sla_due_at = a.sla_due_at - timedelta(hours=5)
    other = make_case("c@example.com")
    other.team_id = factories.team("revenues").id
    unit_of_work.commit()
    page = client.get("/staff/").get_data(as_text=True)
    assert page.index(b.reference) < page.index(a.reference)
    assert other.reference not in page
    # And the case of another team is forbidden, not just hidden.
    assert client.get(f"/staff/cases/{other.reference}").status_code == 403
    assert user.role == "caseworker"


def test_transition_writes_event_and_tracking_shows_public_message(client, session, login_as):
    login_as("caseworker")
    case = make_case()
    page = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert "Arrange a return collection" in page and "Reopen" not in page
    r = post_form(client, f"/staff/cases/{case.reference}",
                  {"transition": "schedule_return", "version": str(case.version), "note": "Crew B tomorrow"})
    assert r.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state == "return_scheduled"
    event = db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "transition")).one()
    assert event.internal_note == "Crew B tomorrow" and event.actor_type == "staff"
    tracked = post_form(client, "/track", {"reference": case.reference, "email": "sam@example.com"}).get_data(as_text=True)
    assert "We have asked the crew to come back" in tracked and "Crew B tomorrow" not in tracked


def test_transition_not_allowed_for_role_or_state(client, session, login_as):
    login_as("caseworker")
    case = make_case()
    r = post_form(client, f"/staff/cases/{case.reference}", {"transition": "reopen", "version": str(case.version)})
    assert r.status_code == 400 and "is not possible while the case is" in r.get_data(as_text=True)
    r = post_form(client, f"/staff/cases/{case.reference}", {"transition": "not_presented", "version": str(case.version)})
    assert r.status_code == 400 and "Enter a note" in r.get_data(as_text=True)
    advisor = factories.staff(role="advisor")
    try:
        transition(case, "schedule_return", Actor.for_staff(advisor))
        raise AssertionError("advisor moved the case")
    except TransitionRefused as exc:
        assert "Your role cannot" in str(exc)
    unit_of_work.rollback()


def test_stale_form_is_refused(client, session, login_as):
    login_as("caseworker")
    case = make_case()
    old_version = case.version
    transition(case, "schedule_return", Actor.for_staff(factories.staff()))
    unit_of_work.commit()
    r = post_form(client, f"/staff/cases/{case.reference}", {"transition": "mark_collected", "version": str(old_version)})
    assert r.status_code == 400 and "Someone else has changed this case" in r.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "return_scheduled"
    try:
        transition(case, "mark_collected", Actor.for_staff(factories.staff()), expected_version=old_version)
        raise AssertionError("stale transition went through")
    except StaleCase:
        unit_of_work.rollback()


def test_unknown_case_is_404(client, session, login_as):
    login_as("caseworker")
    assert client.get("/staff/cases/ZZZZ-ZZZZ").status_code == 404
