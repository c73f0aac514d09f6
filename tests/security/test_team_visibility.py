"""Team boundaries on every staff page (issue 16, finding 5): a case another team owns never shows on
any page that lists cases, people or messages, for a member of staff outside that team. The walk
reads app.url_map, so a page added later is walked too."""
from __future__ import annotations

import pytest
from flask import current_app

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import Contact
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from tests import factories
from tests.integration.helpers import answers_for, property_collected_yesterday_evening

ALICE = "alice.boundary@example.com"


pytestmark = pytest.mark.usefixtures("inline_jobs")  # deliver outbox rows inline, whatever the pass


@pytest.fixture
def two_teams(session):
    """Alice with a waste case and a case the complaints team owns, on one property, each with its
    stored acknowledgement (which quotes the reference) and a contact."""
    factories.team("waste")
    other = factories.team("complaints")
    prop = property_collected_yesterday_evening()
    ours = submit(definition("missed_bin"), answers_for(prop, ALICE, 0), "web", None, Actor.resident()).case
    theirs = submit(definition("missed_bin"), answers_for(prop, ALICE, 1), "web", None, Actor.resident()).case
    theirs.team_id = other.id
    db.session.add(Contact(customer_id=theirs.customer_id, channel="phone", reason="missed_bin", case_id=theirs.id,
                           outcome="progress_chase"))
    unit_of_work.commit()
    return ours, theirs, prop


def _urls(ours, theirs, prop) -> list[str]:
    """Every GET page under /staff that needs no argument we do not have, with the ones that show a
    customer, a property or a search."""
    values = {"customer_id": theirs.customer_id, "uprn": prop.uprn}
    urls = []
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or "GET" not in rule.methods or rule.endpoint.endswith(("sign_out", "sign_in")):
            continue
        if set(rule.arguments) <= set(values):
            urls.append(rule.build({k: values[k] for k in rule.arguments}, append_unknown=False)[1])
    urls += [f"/staff/customers?q={theirs.reference}", f"/staff/customers?q={ALICE}",
             f"/staff/customers?q={prop.postcode}", f"/staff/customers/{theirs.customer_id}/merge",
             f"/staff/contacts/new?customer={theirs.customer_id}"]
    urls += [f"/staff/dashboards/rows?figure={f}" for f in ("contacts", "assisted", "avoidable", "past_due", "closed")]
    return urls


@pytest.mark.parametrize("role", ["caseworker", "team_lead"])
def test_no_staff_page_shows_another_teams_case(client, two_teams, login_as, role):
    ours, theirs, prop = two_teams
    login_as(role, teams=("waste",))
    unit_of_work.commit()  # the user too: a refused page rolls back what is pending
    walked = 0
    for url in _urls(ours, theirs, prop):
        r = client.get(url)
        assert r.status_code < 500, url
        body = r.get_data(as_text=True).replace(f'value="{theirs.reference}"', "")  # the search box's echo
        assert theirs.reference not in body, f"{url} ({r.status_code}) shows the other team's case"
        walked += r.status_code == 200
    assert walked >= 8
    # Their own case still shows on the pages about Alice.
    assert ours.reference in client.get(f"/staff/customers/{ours.customer_id}").get_data(as_text=True)
    assert ours.reference in client.get(f"/staff/properties/{prop.uprn}").get_data(as_text=True)
    assert ours.reference in client.get("/staff/notifications").get_data(as_text=True)
    assert client.get(f"/staff/cases/{theirs.reference}").status_code == 403  # the rule every page follows


def test_the_owning_team_sees_its_case_on_those_pages(client, two_teams, login_as):
    ours, theirs, prop = two_teams
    login_as("caseworker", teams=("complaints",))
    for url in (f"/staff/customers/{theirs.customer_id}", f"/staff/properties/{prop.uprn}", "/staff/notifications"):
        assert theirs.reference in client.get(url).get_data(as_text=True), url
