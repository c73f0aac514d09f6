"""Details given anonymously never change a matched customer's contact details (issue 16, finding 11)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from tests import factories
from tests.conftest import post_form
from tests.integration.helpers import answers_for, property_collected_yesterday_evening

ALICE = "alice.tracked@example.com"
ATTACKER_PHONE = "07400 123456"


pytestmark = pytest.mark.usefixtures("inline_jobs")  # deliver outbox rows inline, whatever the pass


def _alice_case():
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    answers = {**answers_for(prop, email=ALICE), "full_name": "Alice Example"}
    answers.pop("phone")
    case = submit(definition("missed_bin"), answers, "web", None, Actor.resident()).case
    unit_of_work.commit()
    return case


def _anonymous_complaint(email, phone):
    factories.team("complaints")
    answers = {"service": "other", "what_happened": "Nothing really", "outcome": "Nothing",
               "happened_on": (date.today() - timedelta(days=1)).isoformat(),
               "full_name": "Mallory", "email": email, "phone": phone}
    case = submit(definition("complaint"), answers, "web", None, Actor.resident()).case
    unit_of_work.commit()
    return case


def test_an_anonymous_phone_never_joins_a_matched_customer_and_never_unlocks_tracking(client, session):
    alice = _alice_case()
    assert alice.customer.phone_e164 is None
    complaint = _anonymous_complaint(ALICE, ATTACKER_PHONE)
    db.session.expire_all()
    assert complaint.customer_id == alice.customer_id  # matched on the email, as before
    assert alice.customer.phone_e164 is None  # but the phone stayed on the complaint only
    assert complaint.answers["phone"] == ATTACKER_PHONE
    tracked = post_form(client, "/track", {"reference": alice.reference, "email": ATTACKER_PHONE})
    assert tracked.status_code == 404
    # Alice herself still tracks with her email.
    mine = post_form(client, "/track", {"reference": alice.reference, "email": ALICE})
    assert mine.status_code == 200 and alice.reference in mine.get_data(as_text=True)


def test_a_case_is_tracked_with_the_details_it_was_made_with(client, session):
    _alice_case()
    complaint = _anonymous_complaint(ALICE, ATTACKER_PHONE)
    # Whoever made the complaint can follow it with the phone they gave on it.
    tracked = post_form(client, "/track", {"reference": complaint.reference, "email": ATTACKER_PHONE})
    assert tracked.status_code == 200 and complaint.reference in tracked.get_data(as_text=True)


def test_an_advisor_confirms_details_from_a_case_onto_the_customer(client, session, login_as):
    from frontdoor.services import customers

    _alice_case()
    complaint = _anonymous_complaint(ALICE, ATTACKER_PHONE)
    advisor = login_as("advisor")
    changed = customers.confirm_case_details(complaint, advisor)
    assert changed == {"phone": ATTACKER_PHONE}
    assert complaint.customer.phone_e164 == "+447400123456"


def test_the_case_page_offers_the_confirmation(client, session, login_as):
    from tests.conftest import csrf_from

    _alice_case()
    complaint = _anonymous_complaint(ALICE, ATTACKER_PHONE)
    login_as("team_lead", teams=("complaints",))
    page = client.get(f"/staff/cases/{complaint.reference}")
    assert "Confirm these details for the customer" in page.get_data(as_text=True)
    r = client.post(f"/staff/cases/{complaint.reference}/confirm-details", data={"csrf_token": csrf_from(page)})
    assert r.status_code == 302
    db.session.expire_all()
    assert complaint.customer.phone_e164 == "+447400123456"
