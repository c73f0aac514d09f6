"""Every shipped service, walked through each path of its states, with SLA due dates checked against
working days counted by hand across Christmas 2026 (Fri 25 Dec and Mon 28 Dec, Boxing Day's
substitute, are bank holidays in England; so is Fri 1 Jan 2027).

Working days after Mon 21 Dec 2026: 22, 23, 24 Dec, 29, 30, 31 Dec, 4, 5, 6, 7, 8, 11 ... 21 Jan (the 20th).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from frontdoor.services import properties
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition, working_calendar
from frontdoor.services.submissions import SubmissionRejected, submit
from frontdoor.services.transitions import TransitionRefused, transition
from tests import factories

SUBMITTED = datetime(2026, 12, 21, 10, 0, tzinfo=timezone.utc)  # Monday, 10:00 in London


def at(y, m, d, hour=11):
    return datetime(y, m, d, hour, 0, tzinfo=timezone.utc)


def due_day(case) -> date:
    return working_calendar().local(case.sla_due_at).date()


def staff(role="caseworker", team="waste"):
    return Actor.for_staff(factories.staff(role=role, teams=(team,)))


def move(case, name, actor, when, **data):
    return transition(case, name, actor, data, now=when)


def person():
    return {"full_name": "Sam Resident", "email": "sam@example.com"}


# Fly-tipping: 5 working days: 22, 23, 24, 29, 30 Dec.

def fly_tipping_answers(hazardous="no", **extra):
    return {"what": ["household", "furniture"], "amount": "car_boot", "hazardous": hazardous,
            "location": {"description": "Behind the bus shelter on Mill Road"}, **person(), **extra}


@pytest.fixture
def teams(session):
    for slug in ("waste", "environment", "revenues", "complaints", "foi"):
        factories.team(slug)


def test_fly_tipping_inspect_then_clear(session, teams):
    case = submit(definition("fly_tipping"), fly_tipping_answers(), "web", None, Actor.resident(), now=SUBMITTED).case
    assert (case.state, case.team.slug, due_day(case)) == ("submitted", "environment", date(2026, 12, 30))
    officer = staff(team="environment")
    move(case, "inspect", officer, at(2026, 12, 22))
    with pytest.raises(TransitionRefused, match="Enter evidence found"):
        move(case, "clear", officer, at(2026, 12, 23))
    with pytest.raises(TransitionRefused, match="from the list"):
        move(case, "clear", officer, at(2026, 12, 23), evidence="perhaps")
    event = move(case, "clear", officer, at(2026, 12, 23), evidence="yes")
    assert (case.state_category, case.resolution) == ("closed", "cleared")
    assert event.data["evidence"] == "yes"
    with pytest.raises(TransitionRefused):
        move(case, "reopen", officer, at(2026, 12, 24), note="again")  # caseworkers cannot reopen
    move(case, "reopen", staff("team_lead", "environment"), at(2026, 12, 24), note="Still there")
    assert (case.state_category, case.resolution) == ("open", None)


def test_fly_tipping_cleared_directly_or_not_found(session, teams):
    officer = staff(team="environment")
    a = submit(definition("fly_tipping"), fly_tipping_answers(), "web", None, Actor.resident(), now=SUBMITTED).case
    move(a, "clear", officer, at(2026, 12, 22))
    assert a.resolution == "cleared"
    b = submit(definition("fly_tipping"), fly_tipping_answers(), "web", None, Actor.resident(), now=SUBMITTED).case
    with pytest.raises(TransitionRefused, match="note"):
        move(b, "not_found", officer, at(2026, 12, 22))
    move(b, "not_found", officer, at(2026, 12, 22), note="Nothing at the bus shelter")
    assert b.resolution == "not_found"


def test_fly_tipping_hazardous_goes_to_waste_and_hidden_answers_are_dropped(session, teams):
    case = submit(definition("fly_tipping"), fly_tipping_answers("yes"), "web", None, Actor.resident(), now=SUBMITTED).case
    assert case.team.slug == "waste"
    # A tampered field for a question that does not exist, and a file record never uploaded, are not stored.
    case2 = submit(definition("fly_tipping"), fly_tipping_answers(colour="red"), "web", None, Actor.resident(), now=SUBMITTED).case
    assert "colour" not in case2.answers
    with pytest.raises(SubmissionRejected) as info:
        submit(definition("fly_tipping"), fly_tipping_answers(photo=[{"id": "x" * 24, "name": "a.png", "kind": "png"}]),
               "web", None, Actor.resident(), now=SUBMITTED)
    assert info.value.errors == {"photo": "Photo is not valid"}


# FOI: 20 working days: 21 Jan 2027. Clarification asked Wed 23 Dec, received Wed 6 Jan: the clock
# stopped for 7 working days (24, 29, 30, 31 Dec, 4, 5, 6 Jan), so the 18 days left run to Mon 1 Feb.

def foi(session):
    return submit(definition("foi_request"), {"request": "Spending on road gritting in 2025", "format": "email", **person()},
                  "email", None, Actor.resident(), now=SUBMITTED).case


def test_foi_clock_pauses_while_awaiting_clarification(session, teams):
    case = foi(session)
    assert due_day(case) == date(2027, 1, 21)
    officer = staff(team="foi")
    with pytest.raises(TransitionRefused, match="Enter what we need clarified"):
        move(case, "ask_clarification", officer, at(2026, 12, 23))
    move(case, "ask_clarification", officer, at(2026, 12, 23), question="Which roads?")
    assert case.state_category == "waiting"
    event = move(case, "clarified", officer, at(2027, 1, 6))
    assert event.data["paused_working_days"] == 7
    assert due_day(case) == date(2027, 2, 1)
    move(case, "provide", officer, at(2027, 1, 20))
    assert case.resolution == "provided"


@pytest.mark.parametrize("path, role, data, resolution", [
    ("provide_part", "caseworker", {"exemptions": "s.40 personal data"}, "partly_provided"),
    ("refuse", "team_lead", {"exemptions": "s.12 cost limit"}, "refused"),
    ("not_held", "caseworker", {}, "not_held"),
])
def test_foi_outcomes(session, teams, path, role, data, resolution):
    case = foi(session)
    move(case, path, staff(role, "foi"), at(2027, 1, 5), **data)
    assert (case.state_category, case.resolution) == ("closed", resolution)


def test_foi_refusal_needs_a_team_lead_and_a_lapsed_request_closes(session, teams):
    case = foi(session)
    with pytest.raises(TransitionRefused, match="Your role cannot"):
        move(case, "refuse", staff("caseworker", "foi"), at(2027, 1, 5), exemptions="s.12")
    move(case, "ask_clarification", staff("caseworker", "foi"), at(2027, 1, 5), question="Which year?")
    move(case, "lapse", staff("caseworker", "foi"), at(2027, 3, 5))
    assert case.resolution == "lapsed"


# Complaint: acknowledge in 5 working days (30 Dec); stage 1 response 10 working days after the
# acknowledgement on Tue 22 Dec (23, 24, 29, 30, 31, 4, 5, 6, 7, 8 -> Fri 8 Jan); an extension on
# Thu 7 Jan gives 10 more (8, 11, 12, 13, 14, 15, 18, 19, 20, 21 -> Thu 21 Jan).

def complaint():
    return submit(definition("complaint"), {"service": "council_tax", "what_happened": "Two bills for one month",
                                            "happened_on": "2026-12-01", "outcome": "A refund", **person()},
                  "web", None, Actor.resident(), now=SUBMITTED).case


def test_complaint_stage1_then_stage2_with_a_different_handler(session, teams):
    case = complaint()
    assert (case.team.slug, due_day(case)) == ("complaints", date(2026, 12, 30))
    first = staff(team="complaints")
    second = staff(team="complaints")
    move(case, "acknowledge_stage1", first, at(2026, 12, 22))
    assert due_day(case) == date(2027, 1, 8)
    move(case, "extend_stage1", staff("team_lead", "complaints"), at(2027, 1, 7), reason="Waiting for the revenues team")
    assert due_day(case) == date(2027, 1, 21)
    move(case, "respond_stage1", first, at(2027, 1, 20), outcome="not_upheld")
    assert (case.state_category, case.resolution) == ("closed", "stage1_responded")
    # Escalation on Mon 25 Jan: acknowledge in 5 working days (Mon 1 Feb), respond in 20 after that.
    move(case, "escalate", staff("advisor", "complaints"), at(2027, 1, 25), note="Resident unhappy with the response")
    assert (case.state_category, due_day(case)) == ("open", date(2027, 2, 1))
    with pytest.raises(TransitionRefused, match="someone else"):
        move(case, "acknowledge_stage2", first, at(2027, 1, 26))
    move(case, "acknowledge_stage2", second, at(2027, 1, 26))
    assert due_day(case) == date(2027, 2, 23)  # 20 working days after Tue 26 Jan
    with pytest.raises(TransitionRefused, match="someone else"):
        move(case, "respond_stage2", first, at(2027, 2, 10), outcome="upheld")
    move(case, "respond_stage2", second, at(2027, 2, 10), outcome="upheld")
    assert (case.state_category, case.resolution) == ("closed", "stage2_responded")


def test_complaint_about_bins_goes_to_waste(session, teams):
    case = submit(definition("complaint"), {"service": "waste", "what_happened": "Bin not returned",
                                            "happened_on": "2026-12-01", "outcome": "Apology", **person()},
                  "web", None, Actor.resident(), now=SUBMITTED).case
    assert case.team.slug == "waste"


def test_complaint_date_in_the_future_is_refused(session, teams):
    with pytest.raises(SubmissionRejected) as info:
        submit(definition("complaint"), {"service": "waste", "what_happened": "x", "happened_on": "2026-12-22",
                                         "outcome": "y", **person()}, "web", None, Actor.resident(), now=SUBMITTED)
    assert info.value.errors == {"happened_on": "Date it happened must be today or in the past"}


# Council tax: 10 working days: Thu 7 Jan 2027. Evidence asked Tue 22 Dec, received Tue 29 Dec:
# paused for 23, 24, 29 Dec (3 working days), so due Tue 12 Jan.

def test_council_tax_moving_in_with_evidence_pause(session, teams):
    prop = factories.property_()
    case = submit(definition("council_tax_moving_in"),
                  {"address": prop.uprn, "move_in_date": "2026-12-01", "previous_address": "1 Old Road, Elsewhere",
                   "adults": "2", **person()}, "web", None, Actor.resident(), now=SUBMITTED).case
    assert (case.team.slug, due_day(case), case.answers["adults"]) == ("revenues", date(2027, 1, 7), 2)
    officer = staff(team="revenues")
    move(case, "ask_evidence", officer, at(2026, 12, 22))
    move(case, "evidence_received", officer, at(2026, 12, 29))
    assert due_day(case) == date(2027, 1, 12)
    move(case, "bill", officer, at(2027, 1, 4), account="CT-000123")
    assert case.resolution == "billed"


def test_council_tax_moving_out(session, teams):
    prop = factories.property_()
    case = submit(definition("council_tax_moving_out"),
                  {"address": prop.uprn, "move_out_date": "2027-01-15", "staying_in_area": "no",
                   "forwarding_address": "9 New Road, Othertown, OT1 1AA", **person()},
                  "phone", None, Actor.for_staff(factories.staff("advisor", ("customer_services",))), now=SUBMITTED).case
    assert due_day(case) == date(2027, 1, 7)
    move(case, "final_bill", staff(team="revenues"), at(2027, 1, 6))
    assert case.resolution == "final_billed"


def test_council_tax_moving_out_date_too_far_ahead(session, teams):
    prop = factories.property_()
    with pytest.raises(SubmissionRejected) as info:
        submit(definition("council_tax_moving_out"),
               {"address": prop.uprn, "move_out_date": "2027-06-01", "staying_in_area": "no",
                "forwarding_address": "x", **person()}, "web", None, Actor.resident(), now=SUBMITTED)
    assert info.value.errors == {"move_out_date": "Moving out date must be the same as or before 21 March 2027"}


# Replacement bin: 10 working days (7 Jan).

def test_replacement_bin_paths_and_hidden_answers(session, teams):
    prop = factories.property_()
    base = {"address": prop.uprn, "container_stream": "general", **person()}
    lost = submit(definition("replacement_container"), {**base, "request_type": "replacement", "reason": "lost"},
                  "web", None, Actor.resident(), now=SUBMITTED).case
    assert (lost.answers["reason"], due_day(lost)) == ("lost", date(2027, 1, 7))
    move(lost, "deliver", staff(), at(2027, 1, 4))
    assert lost.resolution == "delivered"
    # "reason" is only asked for a replacement: sent anyway for an additional bin, it is not stored.
    extra = submit(definition("replacement_container"), {**base, "request_type": "additional", "reason": "lost"},
                   "web", None, Actor.resident(), now=SUBMITTED).case
    assert "reason" not in extra.answers
    move(extra, "cancel", staff(), at(2026, 12, 22), note="Duplicate order")
    assert extra.resolution == "cancelled"
    # A replacement with the reason page skipped cannot get through.
    with pytest.raises(SubmissionRejected) as info:
        submit(definition("replacement_container"), {**base, "request_type": "replacement"}, "web", None,
               Actor.resident(), now=SUBMITTED)
    assert info.value.errors == {"reason": "Select your answer to ‘What happened to your bin?’"}


def test_garden_bins_are_deflected_to_the_subscription(session, teams):
    prop = factories.property_()
    with pytest.raises(SubmissionRejected) as info:
        submit(definition("replacement_container"), {"address": prop.uprn, "request_type": "additional",
                                                     "container_stream": "garden", **person()},
               "web", None, Actor.resident(), now=SUBMITTED)
    assert info.value.rule.title == "Garden waste bins come with a subscription"
    assert "Subscribe" in info.value.rule.advice


# Missed garden waste: only with an active subscription; 2 working days (23 Dec).

def test_missed_garden_waste_needs_a_subscription(session, teams, monkeypatch):
    prop = factories.property_(streams=("refuse", "garden"))
    answers = {"address": prop.uprn, **person()}
    with pytest.raises(SubmissionRejected) as info:
        submit(definition("missed_garden_waste"), answers, "web", None, Actor.resident(), now=SUBMITTED)
    assert info.value.rule.title == "This address does not have a garden waste subscription"

    def source(p):
        return [{"service": "garden_waste", "reference": "GW-1", "starts": "2026-04-01", "ends": "2027-03-31"}] if p.id == prop.id else []

    monkeypatch.setattr(properties, "SUBSCRIPTION_SOURCES", [source])
    result = submit(definition("missed_garden_waste"), answers, "web", None, Actor.resident(), now=SUBMITTED)
    assert due_day(result.case) == date(2026, 12, 23)
    assert result.facts["subscription"] == "GW-1"
    move(result.case, "mark_collected", staff(), at(2026, 12, 22))
    assert result.case.resolution == "collected"


def test_missed_garden_waste_reads_real_subscriptions(session, teams):
    """The subscriptions service feeds the rule: a paid-up subscription row lets the report through."""
    from frontdoor.models import GardenSubscription

    prop = factories.property_(streams=("refuse", "garden"))
    answers = {"address": prop.uprn, **person()}
    with pytest.raises(SubmissionRejected):
        submit(definition("missed_garden_waste"), answers, "web", None, Actor.resident(), now=SUBMITTED)
    sub = GardenSubscription(property_id=prop.id, bins=1, starts_on=date(2026, 4, 1), ends_on=date(2027, 3, 31),
                             status="active", amount_pence=5000)
    session.add(sub)
    session.flush()
    result = submit(definition("missed_garden_waste"), answers, "web", None, Actor.resident(), now=SUBMITTED)
    assert result.facts["subscription"] == f"GW-{sub.id}"
    sub.status = "cancelled"
    session.flush()
    with pytest.raises(SubmissionRejected):
        submit(definition("missed_garden_waste"), {**answers, "email": "other@example.com"}, "web", None,
               Actor.resident(), now=SUBMITTED)


def test_an_expired_subscription_does_not_count(session, teams, monkeypatch):
    prop = factories.property_(streams=("garden",))
    monkeypatch.setattr(properties, "SUBSCRIPTION_SOURCES", [
        lambda p: [{"service": "garden_waste", "reference": "GW-0", "starts": "2025-04-01", "ends": "2026-03-31"}]])
    with pytest.raises(SubmissionRejected):
        submit(definition("missed_garden_waste"), {"address": prop.uprn, **person()}, "web", None, Actor.resident(), now=SUBMITTED)


def test_council_closure_days_from_a_file_move_due_dates(app, tmp_path):
    (tmp_path / "closures.txt").write_text("2026-12-24  # Christmas Eve\n2026-12-31\n")
    with app.test_request_context():
        saved = {k: app.config.get(k) for k in ("COUNCIL_CLOSURE_DAYS_FILE",)}
        app.config["COUNCIL_CLOSURE_DAYS_FILE"] = str(tmp_path / "closures.txt")
        app.extensions.pop("frontdoor.calendar_days", None)
        try:
            # 5 working days after Mon 21 Dec: 22, 23, 29, 30, 4 Jan (24 and 31 are council closures).
            assert working_calendar().add_working_days(date(2026, 12, 21), 5) == date(2027, 1, 4)
        finally:
            app.config.update(saved)
            app.extensions.pop("frontdoor.calendar_days", None)
