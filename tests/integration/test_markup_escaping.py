"""Links built in templates render as links, and the values in them stay escaped."""
from __future__ import annotations

from frontdoor.extensions import db
from tests import factories
from tests.integration.test_caseworker import make_case


def test_case_and_customer_pages_render_their_links_and_escape_values(client, session, login_as):
    factories.team("waste")
    case = make_case("links@example.com")
    case.customer.first_name = "<b>Bobby</b>"
    db.session.commit()
    login_as("caseworker")
    html = client.get(f"/staff/cases/{case.reference}").get_data(as_text=True)
    assert f'<a class="govuk-link" href="/staff/customers/{case.customer.id}">&lt;b&gt;Bobby&lt;/b&gt;' in html
    assert f'<a class="govuk-link" href="/staff/properties/{case.property.uprn}">' in html
    assert '<span class="council-logo">' in html and "&lt;span" not in html
    html = client.get(f"/staff/customers/{case.customer.id}").get_data(as_text=True)
    assert f'<a class="govuk-link" href="/staff/properties/{case.property.uprn}">' in html and "&lt;a " not in html


def test_cached_layout_fragments_follow_their_inputs(app, client, session, login_as):
    from frontdoor.fragments import cached_fragment

    calls = []

    def render(text):
        def caller():
            calls.append(text)
            return text
        return caller

    with app.test_request_context():
        assert cached_fragment("t", "a", [1], caller=render("A")) == "A"
        assert cached_fragment("t", "a", [1], caller=render("again")) == "A"  # kept
        assert cached_fragment("t", "b", [1], caller=render("B")) == "B"  # another input, another fragment
    assert calls == ["A", "B"]
    # Each member of staff sees their own name and navigation, never the last one cached.
    first = login_as("advisor")
    html = client.get("/staff/customers").get_data(as_text=True)
    assert f"Sign out ({first.name})" in html and ">Tasks<" not in html.replace("\n", "").replace(" ", "")
    second = login_as("team_lead")
    html = client.get("/staff/customers").get_data(as_text=True)
    assert f"Sign out ({second.name})" in html and f"Sign out ({first.name})" not in html and ">Tasks<" in html.replace("\n", "").replace(" ", "")
