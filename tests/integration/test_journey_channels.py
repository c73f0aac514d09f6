"""One journey for every channel: each service's pages walked over HTTP by the resident (web) and by
an advisor on a call (phone) with the same answers make the same case, apart from the channel;
and the advisor's pages obey show_if exactly as the resident's do."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import Case
from frontdoor.services.registry import definition as get_definition
from tests import factories
from tests.conftest import post_form
from tests.integration.helpers import property_collected_yesterday_evening

DEFINITIONS = Path(__file__).resolve().parents[2] / "workflows" / "definitions"
RAISE = "/staff/contacts/current/raise"


def _day(days: int) -> list[str]:
    d = date.today() + timedelta(days=days)
    return [str(d.day), str(d.month), str(d.year)]


PERSON = {"full_name": "Sam Caller", "email": "sam@example.com", "phone": "020 7946 0018"}
# What the caller says, page by page, as a browser would post it. A new service offered on the web
# and by phone needs its answers here, or this test fails for it.
ANSWERS = {
    "complaint": {"service": "waste", "what_happened": "The crew left the bin in the road",
                  "happened_on": _day(-3), "outcome": "An apology", **PERSON},
    "council_tax_moving_in": {"move_in_date": _day(-3), "previous_address": "1 Old Road", "adults": "2", **PERSON},
    "council_tax_moving_out": {"move_out_date": _day(-3), "staying_in_area": "no", "forwarding_address": "2 New Road",
                               **PERSON},
    "missed_bin": {"container": "first", **PERSON},
    "replacement_container": {"request_type": "replacement", "container_stream": "general", "reason": "broken",
                              **PERSON},
}
NOT_YET = {"fly_tipping": "map point and photo pages not driven here",
           "missed_garden_waste": "needs a garden waste subscription"}
CHANNEL_SERVICES = sorted(d["id"] for d in (yaml.safe_load(f.read_text()) for f in DEFINITIONS.glob("*.yaml"))
                          if {"web", "phone"} <= set(d.get("channels", ())))


def _walk(client, definition, prop, answers, first: str, page_url, check_url):
    """Post each page the walk leads to with the caller's answers, then send the check page."""
    r = client.get(first)
    seen = []
    while r.status_code == 302 and r.location.rstrip("/") != check_url(definition.id).rstrip("/"):
        page_id = r.location.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
        page = definition.page(page_id)
        assert page is not None, r.location
        seen.append(page_id)
        url = page_url(definition.id, page_id)
        if page.is_address:
            r = post_form(client, url, {"postcode": prop.postcode})
            r = post_form(client, r.location, {"uprn": prop.uprn})
            continue
        values = {q.id: answers[q.id] for q in page.questions if q.asks and q.id in answers}
        if values.get("container") == "first":
            values["container"] = str(prop.containers[0].id)
        r = post_form(client, url, values)
        assert r.status_code == 302, (page_id, r.get_data(as_text=True)[:2000])
    assert len(seen) < 20
    r = post_form(client, check_url(definition.id), {})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    return seen, db.session.scalar(select(Case).where(Case.workflow_id == definition.id).order_by(Case.id.desc()).limit(1))


def _web(client, definition, prop, answers):
    return _walk(client, definition, prop, answers, f"/services/{definition.id}/begin",
                 lambda s, p: f"/services/{s}/{p}", lambda s: f"/services/{s}/check")


def _phone(client, definition, prop, answers):
    post_form(client, "/staff/contacts/new", {"channel": "phone", "reason": "general_enquiry"})
    return _walk(client, definition, prop, answers, f"{RAISE}/{definition.id}",
                 lambda s, p: f"{RAISE}/{s}/{p}", lambda s: f"{RAISE}/{s}/check")


def _same_fields(case):
    answers = {k: v for k, v in case.answers.items() if k not in ("address", "container")}
    return (case.workflow_id, case.workflow_version, case.state, case.state_category, case.resolution, case.team_id,
            answers, case.duplicate_of_id, case.sla_due_at.date() if case.sla_due_at else None)


@pytest.mark.parametrize("service_id", CHANNEL_SERVICES)
def test_every_channel_makes_the_same_case(client, login_as, service_id):
    if service_id in NOT_YET:
        pytest.skip(NOT_YET[service_id])
    assert service_id in ANSWERS, f"{service_id} is offered on the web and by phone: give its answers in ANSWERS"
    definition = get_definition(service_id)
    for slug in ("waste", "environment", "revenues", "complaints", "foi"):
        factories.team(slug)
    web_prop, phone_prop = property_collected_yesterday_evening(), property_collected_yesterday_evening()
    db.session.commit()
    web_pages, web_case = _web(client, definition, web_prop, ANSWERS[service_id])
    login_as("advisor")
    phone_pages, phone_case = _phone(client, definition, phone_prop, ANSWERS[service_id])
    assert web_case.id != phone_case.id
    assert (web_case.channel, phone_case.channel) == ("web", "phone")
    assert phone_pages == web_pages  # the same walk
    assert _same_fields(phone_case) == _same_fields(web_case)
    if definition.property_question:
        assert (web_case.property_id, phone_case.property_id) == (web_prop.id, phone_prop.id)


def test_the_advisor_is_never_sent_to_a_page_the_definition_hides(client, login_as):
    factories.team("waste")
    prop = factories.property_()
    login_as("advisor")
    db.session.commit()
    post_form(client, "/staff/contacts/new", {"channel": "phone", "reason": "general_enquiry"})
    client.get(f"{RAISE}/replacement_container")
    r = post_form(client, f"{RAISE}/replacement_container/address", {"postcode": prop.postcode})
    r = post_form(client, r.location, {"uprn": prop.uprn})
    assert r.location.endswith("/request")
    r = post_form(client, f"{RAISE}/replacement_container/request",
                  {"request_type": "additional", "container_stream": "general"})
    assert r.status_code == 302 and r.location.endswith("/details")  # not "What happened to your bin?"
    assert client.get(f"{RAISE}/replacement_container/reason").status_code == 404
    r = post_form(client, f"{RAISE}/replacement_container/details", {"full_name": "Pat Caller", "email": "pat@example.com"})
    assert r.location.endswith("/check")
    check = client.get(f"{RAISE}/replacement_container/check").get_data(as_text=True)
    assert "What happened to your bin?" not in check and "Reason" not in check
    # Changing to a replacement brings the hidden page back, and the walk waits for it.
    r = post_form(client, f"{RAISE}/replacement_container/request?change=1",
                  {"request_type": "replacement", "container_stream": "general"})
    assert r.location.endswith("/reason")
    assert client.get(f"{RAISE}/replacement_container/check").location.endswith("/reason")
