"""My requests, tell us once, resident actions, feedback, tracking by phone, and the denials."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import Case, Feedback
from frontdoor.models.base import utcnow
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from frontdoor.services.transitions import TransitionRefused, transition
from tests import factories
from tests.conftest import csrf_from, post_form
from tests.integration.account_helpers import register_and_verify
from tests.integration.helpers import answers_for, property_collected_yesterday_evening


pytestmark = pytest.mark.usefixtures("inline_jobs")  # deliver outbox rows inline, whatever the pass


def email(name="pat"):
    return f"{name}-{uuid.uuid4().hex[:10]}@example.com"


def a_case(address_email, phone="020 7946 0018"):
    prop = property_collected_yesterday_evening()
    answers = answers_for(prop, address_email)
    answers["phone"] = phone
    case = submit(definition("missed_bin"), answers, "web", None, Actor.resident()).case
    unit_of_work.commit()
    return case


def test_signed_in_journey_skips_what_the_account_knows(client, session):
    factories.team("waste")
    mine = email()
    register_and_verify(client, mine)
    first = a_case(mine)  # gives the account its home address
    r = client.get("/services/missed_bin/begin")
    # The address page is skipped: the account has the address.
    assert r.status_code == 302 and r.location.endswith("/services/missed_bin/container")
    prop = db.session.get(Case, first.id).property
    r = post_form(client, "/services/missed_bin/container", {"container": str(prop.containers[1].id)})
    # The details page is skipped too: straight on to check your answers.
    assert r.status_code == 302 and r.location.endswith("/services/missed_bin/details")
    r = client.get(r.location)
    assert r.status_code == 302 and r.location.endswith("/services/missed_bin/check")
    page = client.get("/services/missed_bin/check").get_data(as_text=True)
    assert mine in page and "Pat Resident" in page and prop.single_line in page
    r = post_form(client, "/services/missed_bin/check", {})
    assert r.status_code == 302
    cases = client.get("/account/requests").get_data(as_text=True)
    made = db.session.scalars(select(Case).where(Case.customer_id == first.customer_id)).all()
    assert len(made) == 2 and all(c.reference in cases for c in made)


def test_a_resident_cannot_see_or_act_on_another_residents_case(app, client, session):
    factories.team("waste")
    theirs = a_case(email("other"))
    register_and_verify(client, email())
    ref = theirs.reference
    assert client.get(f"/account/requests/{ref}").status_code == 404
    assert client.get(f"/account/requests/{ref.lower().replace('-', '')}").status_code == 404
    assert client.get(f"/account/requests/{theirs.id}").status_code == 404
    token = csrf_from(client.get("/account/details"))
    for path, data in [("action", {"action": "cancel"}), ("information", {"information": "hello"}),
                       ("feedback", {"rating": "1"})]:
        r = client.post(f"/account/requests/{ref}/{path}", data={**data, "csrf_token": token})
        assert r.status_code == 404
    db.session.expire_all()
    case = db.session.get(Case, theirs.id)
    assert case.state == "submitted" and not [e for e in case.events if e.kind == "note"]
    assert ref not in client.get("/account/requests").get_data(as_text=True)
    # Missing CSRF on my own case is a 400, not an action.
    assert client.post(f"/account/requests/{ref}/action", data={"action": "cancel"}).status_code == 400


def test_my_requests_cancel_add_information_and_feedback(client, session):
    factories.team("waste")
    mine = email()
    register_and_verify(client, mine)
    case = a_case(mine)
    page = client.get(f"/account/requests/{case.reference}").get_data(as_text=True)
    assert "What happens next" in page and "Aim to finish by" in page and "Cancel this report" in page
    r = post_form(client, f"/account/requests/{case.reference}/information", {"information": ""},
                  get_url=f"/account/requests/{case.reference}")
    assert r.status_code == 400 and "Enter the information you want to add" in r.get_data(as_text=True)
    r = post_form(client, f"/account/requests/{case.reference}/information", {"information": "Bin is by the gate"},
                  get_url=f"/account/requests/{case.reference}")
    assert r.status_code == 302
    # A staff-only step cannot be taken by a resident, even by posting its name.
    r = post_form(client, f"/account/requests/{case.reference}/action", {"action": "schedule_return"},
                  get_url=f"/account/requests/{case.reference}")
    assert r.status_code == 400 and "You cannot do that" in r.get_data(as_text=True)
    with pytest.raises(TransitionRefused):
        transition(db.session.get(Case, case.id), "schedule_return", Actor.resident(), {})
    r = post_form(client, f"/account/requests/{case.reference}/action", {"action": "cancel"},
                  get_url=f"/account/requests/{case.reference}")
    assert r.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state == "cancelled" and case.state_category == "closed"
    note = next(e for e in case.events if e.kind == "note")
    assert note.actor_type == "resident" and "Bin is by the gate" in note.public_message
    page = client.get(f"/account/requests/{case.reference}").get_data(as_text=True)
    assert "Bin is by the gate" in page and "How satisfied are you" in page
    r = post_form(client, f"/account/requests/{case.reference}/feedback", {"rating": "9"},
                  get_url=f"/account/requests/{case.reference}")
    assert r.status_code == 400
    r = post_form(client, f"/account/requests/{case.reference}/feedback", {"rating": "4", "comment": "Quick"},
                  get_url=f"/account/requests/{case.reference}")
    assert r.status_code == 302
    assert db.session.scalar(select(Feedback).where(Feedback.case_id == case.id)).rating == 4
    assert "You rated this request 4 out of 5" in client.get(f"/account/requests/{case.reference}").get_data(as_text=True)
    # Tracking without an account shows it too.
    tracked = post_form(client, "/track", {"reference": case.reference, "email": mine}).get_data(as_text=True)
    assert "You rated this request 4 out of 5" in tracked


def test_tracking_by_phone_and_wrong_details_look_like_unknown_reference(client, session):
    factories.team("waste")
    case = a_case(email(), phone="07911 123456")
    by_phone = post_form(client, "/track", {"reference": case.reference, "email": "07911123456"})
    assert by_phone.status_code == 200 and case.reference in by_phone.get_data(as_text=True)
    wrong_email = post_form(client, "/track", {"reference": case.reference, "email": "someone@example.com"})
    wrong_phone = post_form(client, "/track", {"reference": case.reference, "email": "020 7946 0000"})
    unknown = post_form(client, "/track", {"reference": "2345-6789", "email": "someone@example.com"})

    def main(r):
        body = r.get_data(as_text=True)
        return body[body.find("<main"):body.find("</main>")].replace(case.reference, "").replace("2345-6789", "").replace(
            "someone@example.com", "").replace("020 7946 0000", "")

    assert wrong_email.status_code == wrong_phone.status_code == unknown.status_code == 404
    assert main(wrong_email) == main(unknown) == main(wrong_phone)


def test_tracking_is_limited_per_reference(client, session):
    codes = []
    for i in range(6):
        env = {"REMOTE_ADDR": f"10.1.0.{i}"}
        token = csrf_from(client.get("/track", environ_base=env))
        codes.append(client.post("/track", data={"reference": "2345-6789", "email": f"g{i}@example.com",
                                                 "csrf_token": token}, environ_base=env).status_code)
    assert codes[:5] == [404] * 5 and codes[5] == 429


def test_staff_moving_the_case_reaches_the_resident(client, session, app):
    factories.team("waste")
    mine = email()
    register_and_verify(client, mine)
    case = a_case(mine)
    caseworker = factories.staff()
    transition(db.session.get(Case, case.id), "schedule_return", Actor.for_staff(caseworker), {})
    unit_of_work.commit()
    db.session.expire_all()  # the test shares the request's session; a real request starts fresh
    page = client.get(f"/account/requests/{case.reference}").get_data(as_text=True)
    assert "We have asked the crew to come back" in page
    from frontdoor.models import Notification

    sent = db.session.scalars(select(Notification).where(Notification.case_id == case.id)).all()
    assert [n.template for n in sent] == ["acknowledgement", "transition"]
    transition(db.session.get(Case, case.id), "mark_collected", Actor.for_staff(caseworker), {})
    unit_of_work.commit()
    sent = db.session.scalars(select(Notification).where(Notification.case_id == case.id)).all()
    assert sent[-1].template == "closure" and "Tell us how we did" in sent[-1].body


def test_a_complainant_asks_for_stage_2_from_their_account(client, session):
    mine = email("complainant")
    register_and_verify(client, mine)
    factories.team("complaints")
    case = submit(definition("complaint"), {"service": "council_tax", "what_happened": "Two bills for one month",
                                            "happened_on": (utcnow() - timedelta(days=30)).date().isoformat(), "outcome": "A refund",
                                            "full_name": "Pat Resident", "email": mine},
                  "web", None, Actor.resident()).case
    unit_of_work.commit()
    url = f"/account/requests/{case.reference}"
    assert "Escalate to stage 2" not in client.get(url).get_data(as_text=True)  # not before the stage 1 response
    handler = Actor.for_staff(factories.staff(role="caseworker", teams=("complaints",)))
    transition(case, "acknowledge_stage1", handler, {})
    transition(case, "respond_stage1", handler, {"outcome": "not_upheld"})
    unit_of_work.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Escalate to stage 2" in page and 'id="reason-escalate"' in page
    # No reason: the GOV.UK error pattern, linked to the box, and nothing moves.
    r = post_form(client, f"{url}/action", {"action": "escalate", "reason": "  "}, get_url=url)
    body = r.get_data(as_text=True)
    assert r.status_code == 400 and 'href="#reason-escalate"' in body and "Enter why you want to escalate to stage 2" in body
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "stage1_responded"
    r = post_form(client, f"{url}/action", {"action": "escalate", "reason": "The refund was never paid"}, get_url=url)
    assert r.status_code == 302
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state == "stage2_received" and case.state_category == "open"
    event = case.events[-1]
    assert (event.actor_type, event.transition, event.internal_note) == ("resident", "escalate", "The refund was never paid")
    # Once escalated the step is gone: posting it again changes nothing.
    r = post_form(client, f"{url}/action", {"action": "escalate", "reason": "again"}, get_url=url)
    assert r.status_code == 400
