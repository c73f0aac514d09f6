"""The staff console: search, repeat contacts, merge and undo, queues, asking for information,
and advisor contact handling through the test client."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import AuditLog, Case, CaseEvent, Contact, Customer, CustomerName, OutboxMessage, Task
from frontdoor.models.base import utcnow
from frontdoor.services import customer_search, merges, queues
from frontdoor.services.actors import Actor
from frontdoor.services.contacts import record_contact
from frontdoor.services.customers import find_or_create
from frontdoor.services.transitions import transition
from tests import factories
from tests.conftest import post_form
from tests.integration.test_caseworker import make_case


def _case():
    factories.team("waste")
    return make_case("case@example.com")


# --- search -----------------------------------------------------------------------------------

def test_find_or_create_keeps_the_names_table_current(session):
    c = find_or_create("Margaret  Thatcher-Smith", "mts@example.com", None, None)
    assert c.search_name == "margaret smith thatcher"
    assert db.session.get(CustomerName, "margaret smith thatcher") is not None
    find_or_create("Thatcher Smith Margaret", "other@example.com", None, None)
    assert db.session.scalar(select(func.count()).select_from(CustomerName)) == 1


def test_search_by_phone_typed_any_way(session):
    c = find_or_create("Priya Patel", "priya@example.com", "020 7946 0018", None)
    for typed in ("02079460018", "+44 20 7946 0018", "(020) 7946-0018", "0044 20 7946 0018"):
        result = customer_search.search(typed)
        assert result.kind == "phone", typed
        assert [x.id for x in result.customers] == [c.id], typed


def test_search_by_email_reference_postcode_and_uprn(session):
    case = _case()
    customer = case.customer
    assert [c.id for c in customer_search.search("  CASE@Example.COM ").customers] == [customer.id]
    r = customer_search.search(case.reference.replace("-", "").lower())
    assert r.kind == "reference" and r.cases == [case]
    r = customer_search.search(case.property.postcode.replace(" ", "").lower())
    assert r.kind == "postcode" and case.property in r.properties
    r = customer_search.search(case.property.uprn)
    assert r.kind == "uprn" and r.properties == [case.property]


def test_search_names_forgive_order_and_typos(session):
    c = find_or_create("Jonathan Worthington", "jw@example.com", None, None)
    find_or_create("Someone Else", "se@example.com", None, None)
    assert c in customer_search.search("worthington jonathan").customers
    assert c in customer_search.search("Jonathon Worthingten").customers
    assert customer_search.search("").kind == "none"


def test_merged_customers_are_not_found(session):
    a = find_or_create("Alex Merged", "alex1@example.com", None, None)
    b = find_or_create("Alex Merged", "alex2@example.com", None, None)
    merges.merge(a, b, factories.staff("team_lead"))
    found = customer_search.search("alex merged").customers
    assert [c.id for c in found] == [b.id]


def test_search_page_audits_reads(client, login_as):
    user = login_as("advisor")
    find_or_create("Priya Patel", "priya@example.com", "020 7946 0018", None)
    r = client.get("/staff/customers?q=07946+0018")
    assert r.status_code == 200
    r = client.get("/staff/customers?q=020+7946+0018")
    assert "Priya Patel" in r.get_data(as_text=True)
    assert db.session.scalar(select(AuditLog).where(AuditLog.staff_id == user.id, AuditLog.what == "customer.search"))


# --- repeat contacts ------------------------------------------------------------------------

def test_a_second_contact_about_the_same_service_within_7_days_is_a_repeat(session):
    c = factories.customer()
    first = record_contact(channel="phone", reason="missed_bin", outcome="resolved_first_contact", customer=c)
    second = record_contact(channel="web", reason="missed_bin", outcome="self_served", customer=c)
    other = record_contact(channel="phone", reason="general_enquiry", outcome="resolved_first_contact", customer=c)
    later = record_contact(channel="phone", reason="missed_bin", outcome="resolved_first_contact", customer=c,
                           started_at=utcnow() + timedelta(days=8))
    anonymous = record_contact(channel="phone", reason="missed_bin", outcome="resolved_first_contact")
    assert (first.outcome, second.outcome, other.outcome) == ("resolved_first_contact", "repeat", "resolved_first_contact")
    assert later.outcome == "resolved_first_contact"  # 8 days on: outside the window
    assert anonymous.outcome == "resolved_first_contact"
    assert second.rule_outcome is None  # self-service: the rule decides, nothing to disagree with


def test_the_advisors_outcome_is_stored_and_the_rules_disagreement_flagged(session):
    c = factories.customer()
    advisor = factories.staff("advisor")
    record_contact(channel="web", reason="missed_bin", outcome="self_served", customer=c)
    chase = record_contact(channel="phone", reason="missed_bin", outcome="progress_chase", customer=c, staff=advisor)
    new_bin = record_contact(channel="phone", reason="missed_bin", outcome="resolved_first_contact", customer=c, staff=advisor)
    said_repeat = record_contact(channel="phone", reason="missed_bin", outcome="repeat", customer=c, staff=advisor)
    assert (chase.outcome, chase.rule_outcome) == ("progress_chase", "repeat")
    assert (new_bin.outcome, new_bin.rule_outcome) == ("resolved_first_contact", "repeat")
    assert (said_repeat.outcome, said_repeat.rule_outcome) == ("repeat", None)  # they agree


# --- merge ------------------------------------------------------------------------------------

def test_merge_moves_everything_and_undo_puts_it_back(session):
    case = _case()
    dupe = factories.customer("Sam", "Resident", phone="020 7946 0999")
    survivor = case.customer
    kept_phone = survivor.phone
    other_case = make_case("dupe@example.com", index=1)
    other_case.customer_id = dupe.id
    contact = record_contact(channel="phone", reason="general_enquiry", outcome="resolved_first_contact", customer=dupe)
    lead, admin = factories.staff("team_lead"), factories.staff("admin")
    row = merges.merge(dupe, survivor, lead)
    assert db.session.get(Case, other_case.id).customer_id == survivor.id
    assert db.session.get(Contact, contact.id).customer_id == survivor.id
    assert db.session.get(Customer, dupe.id).merged_into_id == survivor.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.what == "customer.merge", AuditLog.customer_id == survivor.id))
    try:
        merges.undo(row, lead)
        raise AssertionError("a team lead undid a merge")
    except merges.MergeRefused as exc:
        assert "admin" in str(exc)
    merges.undo(row, admin)
    assert db.session.get(Case, other_case.id).customer_id == dupe.id
    assert db.session.get(Contact, contact.id).customer_id == dupe.id
    assert db.session.get(Customer, dupe.id).merged_into_id is None
    assert db.session.get(Customer, survivor.id).phone == kept_phone


def test_merge_refuses_itself_and_merged_records_changing_nothing(client, login_as):
    login_as("team_lead")
    a, b, c = factories.customer(), factories.customer(), factories.customer()
    merges.merge(b, c, factories.staff("admin"))
    db.session.commit()
    r = post_form(client, f"/staff/customers/{a.id}/merge", {"into": str(a.id)}, get_url="/staff/sign-in")
    assert r.status_code == 400 and "into themselves" in r.get_data(as_text=True)
    r = post_form(client, f"/staff/customers/{a.id}/merge", {"into": str(b.id)}, get_url="/staff/sign-in")
    assert r.status_code == 400 and "already been merged into another record" in r.get_data(as_text=True)
    r = post_form(client, f"/staff/customers/{a.id}/merge", {"into": "999999"}, get_url="/staff/sign-in")
    assert r.status_code == 400 and "Customer not found" in r.get_data(as_text=True)
    assert db.session.get(Customer, a.id).merged_into_id is None
    r = client.get(f"/staff/customers/{a.id}/merge?into={c.id}")
    assert r.status_code == 200 and "Merge customer" in r.get_data(as_text=True)
    r = post_form(client, f"/staff/customers/{a.id}/merge", {"into": str(c.id)}, get_url=f"/staff/customers/{a.id}/merge?into={c.id}")
    assert r.status_code == 302
    assert db.session.get(Customer, a.id).merged_into_id == c.id
    assert client.get("/staff/customers/424242").status_code == 404


# --- queues and case work -------------------------------------------------------------------------

def test_queue_filters_claim_and_bulk_transition(plain_monday, client, login_as):
    user = login_as("caseworker")
    one, two = _case(), make_case("two@example.com", index=1)
    db.session.commit()
    body = client.get("/staff/?sla=week&service=missed_bin").get_data(as_text=True)
    assert one.reference in body and two.reference in body
    assert one.reference not in client.get("/staff/?sla=overdue").get_data(as_text=True)
    assert one.reference not in client.get("/staff/?assignee=me").get_data(as_text=True)
    r = post_form(client, f"/staff/cases/{one.reference}/claim", {"version": str(one.version)}, get_url=f"/staff/cases/{one.reference}")
    assert r.status_code == 302
    assert db.session.get(Case, one.id).assignee_id == user.id
    assert db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == one.id, CaseEvent.kind == "assignment"))
    assert one.reference in client.get("/staff/?assignee=me").get_data(as_text=True)
    r = post_form(client, "/staff/bulk", {"transition": "schedule_return", "cases": [one.reference, two.reference]}, get_url="/staff/")
    assert r.status_code == 302
    assert {db.session.get(Case, c.id).state for c in (one, two)} == {"return_scheduled"}


def test_a_case_raised_on_thursday_evening_is_due_next_week_not_this_week(client, login_as):
    """Two working days from Thursday 17:30 end on Monday: "Due this week" must not list it."""
    import time_machine

    from tests.clock import plain_week_monday

    thursday_evening = plain_week_monday().replace(hour=17, minute=30) + timedelta(days=3)
    with time_machine.travel(thursday_evening, tick=True):
        login_as("caseworker")
        case = _case()
        db.session.commit()
        assert case.sla_due_at.astimezone(thursday_evening.tzinfo).weekday() == 0  # the next Monday
        assert case.reference not in client.get("/staff/?sla=week").get_data(as_text=True)
        assert case.reference in client.get("/staff/").get_data(as_text=True)


def test_bulk_transition_is_all_or_nothing(client, login_as):
    login_as("caseworker")
    one, two = _case(), make_case("two@example.com", index=1)
    transition(two, "schedule_return", Actor.for_staff(factories.staff()))
    db.session.commit()
    r = post_form(client, "/staff/bulk", {"transition": "schedule_return", "cases": [one.reference, two.reference]}, get_url="/staff/")
    assert r.status_code == 302
    assert "Nothing was changed" in client.get("/staff/").get_data(as_text=True)
    assert db.session.get(Case, one.id).state == "submitted"


def test_assigning_to_someone_else_needs_a_team_lead(session):
    case = _case()
    worker, other = factories.staff("caseworker"), factories.staff("caseworker")
    try:
        queues.assign(case, other, Actor.for_staff(worker))
        raise AssertionError("a caseworker assigned someone else")
    except queues.AssignmentRefused:
        pass
    queues.assign(case, other, Actor.for_staff(factories.staff("team_lead")))
    assert case.assignee_id == other.id


def test_asking_for_information_pauses_the_clock_and_notifies(plain_monday, client, login_as):
    login_as("caseworker")
    case = _case()
    due = case.sla_due_at
    db.session.commit()
    r = post_form(client, f"/staff/cases/{case.reference}/ask", {"version": str(case.version), "question": "Which side of the road?"},
                  get_url=f"/staff/cases/{case.reference}")
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    case = db.session.get(Case, case.id)
    # Waiting: the clock stops; the due date moves on by the working days spent waiting when it restarts.
    assert (case.state, case.state_category) == ("awaiting_information", "waiting")
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.case_id == case.id).order_by(OutboxMessage.id.desc())).first()
    assert "Which side of the road?" in message.payload["extra"]["message"]
    # The resident replies (issue 4's portal page; here through the service layer): the clock restarts.
    transition(case, "information_received", Actor.resident())
    unit_of_work.commit()
    assert case.state_category == "open" and case.sla_due_at is not None
    # Replied the same day: no working days were spent waiting, so the due date is unchanged.
    assert case.sla_due_at == due
    r = post_form(client, f"/staff/cases/{case.reference}", {"transition": "mark_collected", "version": str(case.version)})
    assert r.status_code == 400 and "is not possible while the case is" in r.get_data(as_text=True)


def test_stale_form_is_refused_with_a_message(client, login_as):
    login_as("caseworker")
    case = _case()
    db.session.commit()
    stale = case.version
    transition(case, "schedule_return", Actor.for_staff(factories.staff()))
    db.session.commit()
    r = post_form(client, f"/staff/cases/{case.reference}/ask", {"version": str(stale), "question": "x"}, get_url=f"/staff/cases/{case.reference}")
    assert r.status_code == 400
    assert db.session.get(Case, case.id).state == "return_scheduled"


def test_notes_and_tasks(client, login_as):
    login_as("caseworker")
    factories.team("streets")
    case = _case()
    db.session.commit()
    r = post_form(client, f"/staff/cases/{case.reference}/notes", {"visibility": "public", "text": "Crew on the way"}, get_url=f"/staff/cases/{case.reference}")
    assert r.status_code == 302
    r = post_form(client, f"/staff/cases/{case.reference}/notes", {"visibility": "internal", "text": ""}, get_url=f"/staff/cases/{case.reference}")
    assert r.status_code == 400 and "Enter the note" in r.get_data(as_text=True)
    due = (utcnow() + timedelta(days=3)).date().isoformat()
    r = post_form(client, f"/staff/cases/{case.reference}/tasks", {"team": "streets", "title": "Sweep the spill", "due_on": due}, get_url=f"/staff/cases/{case.reference}")
    assert r.status_code == 302
    task = db.session.scalar(select(Task).where(Task.case_id == case.id))
    assert task.title == "Sweep the spill" and task.customer_id == case.customer_id
    r = post_form(client, f"/staff/cases/{case.reference}/tasks", {"team": "nope", "title": "x", "due_on": due}, get_url=f"/staff/cases/{case.reference}")
    assert r.status_code == 400
    assert client.get("/staff/cases/NOPE-NOPE").status_code == 404


# --- advisor contact handling -----------------------------------------------------------------------

def test_advisor_answers_then_raises_a_request_and_wraps_up(client, login_as):
    from tests.integration.helpers import property_collected_yesterday_evening

    login_as("advisor")
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    customer = find_or_create("Priya Patel", "priya@example.com", "020 7946 0018", prop)
    db.session.commit()
    r = post_form(client, "/staff/contacts/new", {"channel": "phone", "reason": "general_enquiry", "customer": str(customer.id)},
                  get_url=f"/staff/contacts/new?customer={customer.id}")
    assert r.status_code == 302
    r = post_form(client, "/staff/contacts/current/answer", {"note": "Told them the day"}, get_url="/staff/contacts/current")
    assert r.status_code == 302
    r = client.get("/staff/contacts/current/raise/missed_bin", follow_redirects=True)
    body = r.get_data(as_text=True)
    assert "Advisor guidance" in body
    # The address was known (tell us once): the postcode is filled in; choose the address.
    r = post_form(client, "/staff/contacts/current/raise/missed_bin/address", {"postcode": prop.postcode})
    assert r.status_code == 302
    r = post_form(client, r.location, {"uprn": prop.uprn})
    assert r.status_code == 302 and r.location.endswith("/container")
    r = post_form(client, "/staff/contacts/current/raise/missed_bin/container", {"container": str(prop.containers[0].id)})
    assert r.status_code == 302
    page = client.get("/staff/contacts/current/raise/missed_bin/details").get_data(as_text=True)
    assert "priya@example.com" in page
    r = post_form(client, "/staff/contacts/current/raise/missed_bin/details", {"full_name": "Priya Patel", "email": "priya@example.com", "phone": ""})
    assert r.status_code == 302 and r.location.endswith("/check")
    r = post_form(client, "/staff/contacts/current/raise/missed_bin/check", {})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    case = db.session.scalar(select(Case).where(Case.customer_id == customer.id))
    assert case.channel == "phone"
    r = post_form(client, "/staff/contacts/current/wrap-up", {}, get_url="/staff/contacts/current")
    assert r.status_code == 302
    contacts = list(db.session.scalars(select(Contact).where(Contact.customer_id == customer.id).order_by(Contact.id)))
    assert [(c.channel, c.reason, c.outcome) for c in contacts] == [
        ("phone", "general_enquiry", "resolved_first_contact"), ("phone", "missed_bin", "handed_off")]
    assert all(c.duration_seconds is not None for c in contacts)
    body = client.get(f"/staff/customers/{customer.id}").get_data(as_text=True)
    assert "Resolved at first contact" in body and case.reference in body


def test_progress_chase_and_hand_off(client, login_as):
    login_as("advisor")
    factories.team("streets")
    case = _case()
    db.session.commit()
    post_form(client, "/staff/contacts/new", {"channel": "email", "reason": "missed_bin", "customer": str(case.customer_id)},
              get_url=f"/staff/contacts/new?customer={case.customer_id}")
    r = post_form(client, "/staff/contacts/current/update-case", {"case": case.reference, "case_note": "Chasing"}, get_url="/staff/contacts/current")
    assert r.status_code == 302
    due = (utcnow() + timedelta(days=2)).date().isoformat()
    r = post_form(client, "/staff/contacts/current/hand-off", {"team": "streets", "title": "Call back", "due_on": due}, get_url="/staff/contacts/current")
    assert r.status_code == 302
    outcomes = list(db.session.execute(select(Contact.outcome, Contact.rule_outcome).where(
        Contact.customer_id == case.customer_id, Contact.channel == "email").order_by(Contact.id)))
    # The case's own web contact was about missed_bin minutes ago: the rule says repeat, the advisor's
    # choice stands and the disagreement is kept beside it.
    assert [tuple(o) for o in outcomes] == [("progress_chase", "repeat"), ("handed_off", "repeat")]
    body = client.get(f"/staff/customers/{case.customer_id}").get_data(as_text=True)
    assert "Progress chase" in body
    r = post_form(client, "/staff/contacts/current/update-case", {"case": "ZZZZ-ZZZZ", "case_note": "x"}, get_url="/staff/contacts/current")
    assert r.status_code == 404


def test_contact_pages_without_a_contact_redirect(client, login_as):
    login_as("advisor")
    assert client.get("/staff/contacts/current").status_code == 302
    assert client.get("/staff/contacts/new?customer=999999").status_code == 404


def test_flags_and_contact_preference(client, login_as):
    login_as("advisor")
    c = factories.customer()
    db.session.commit()
    r = post_form(client, f"/staff/customers/{c.id}/profile", {"flags": ["vulnerable", "call_back"], "contact_preference": "none"},
                  get_url=f"/staff/customers/{c.id}")
    assert r.status_code == 302
    c = db.session.get(Customer, c.id)
    assert c.flags == {"vulnerable": True, "assisted_collection": False, "call_back": True}
    assert c.contact_preference == "none"
    assert "Vulnerable" in client.get(f"/staff/customers/{c.id}").get_data(as_text=True)
    r = post_form(client, f"/staff/customers/{c.id}/profile", {"contact_preference": "sms"}, get_url=f"/staff/customers/{c.id}")
    assert r.status_code == 400 and "no mobile number" in r.get_data(as_text=True)
    assert db.session.get(Customer, c.id).contact_preference == "none"
    assert db.session.scalar(select(AuditLog).where(AuditLog.what == "customer.profile", AuditLog.customer_id == c.id))


def test_queue_pages_and_sorts(client, login_as):
    login_as("team_lead")
    refs = [_case().reference] + [make_case(f"p{i}@example.com").reference for i in range(26)]
    db.session.commit()
    first = client.get("/staff/?sort=oldest").get_data(as_text=True)
    assert "27 cases match" in first and "Page 1 of 2" in first
    assert refs[0] in first and refs[-1] not in first
    second = client.get("/staff/?sort=oldest&page=2").get_data(as_text=True)
    assert refs[-1] in second and "Page 2 of 2" in second
    assert client.get("/staff/?page=abc&sla=nonsense&assignee=zzz").status_code == 200
