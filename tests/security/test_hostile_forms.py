"""Hostile input at every field of every form staff and residents meet beyond the generic service
pages (those are in test_hostile_api.py).

The forms are not listed by hand: every page is read as a browser would, every POST form on it is
found with the fields and defaults a browser would send (hidden fields, the first option of a
choice, the button's value), and each field in turn gets hostile values while the rest keep their
defaults. A form added to a page is covered without touching this file. Never a 500, never a
submitted script shown unescaped, on the answer or on the page it leads to.
"""
from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from flask import url_for
from hypothesis import given
from hypothesis import strategies as st

from frontdoor import unit_of_work
from frontdoor.extensions import db, limiter
from frontdoor.models import Case
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from frontdoor.services.transitions import transition
from tests import factories
from tests.conftest import post_form
from tests.integration.account_helpers import register_and_verify
from tests.integration.bulky_helpers import bulky_slot
from tests.integration.helpers import answers_for, property_collected_yesterday_evening
from tests.integration.test_bulky_portal import to_check as bulky_to_check
from tests.integration.test_garden_pages import subscribe_and_pay
from tests.integration.test_staff_authorisation import _fixtures, _routes
from tests.security.test_hostile_input import PAYLOAD, SETTINGS, TEXT, _assert_safe

# Each field of each form gets these, then hypothesis adds arbitrary ones across all fields.
FIXED = (f"x{PAYLOAD}y", "A" * 5000, "\x00", "\u202e\ufeff\U0001f4a9", "-1", "99999999999999999999", "\u00b2", "")


@dataclass(frozen=True)
class Form:
    """A POST form, or what a page sends as a query: a GET form (search, filters) or a link with a query."""

    method: str
    action: str
    defaults: tuple[tuple[str, str], ...]
    fields: tuple[str, ...]

    def data(self, field: str, value: str) -> dict:
        data = dict(self.defaults)
        data[field] = value
        return data


def _local(url: str) -> bool:
    return urlsplit(url).netloc in ("", "localhost")


class _FormFinder(HTMLParser):
    """The forms of a page (action, method, each named field with what a browser would send) and
    the links on it that carry a query."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page, self.forms, self._form, self._select = page, [], None, None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page, a.get("action") or self.page)
            self._form = {"method": a.get("method", "get").lower(), "action": action, "defaults": {}, "fields": []}
            self.forms.append(self._form)
            return
        if tag == "a" and "?" in a.get("href", ""):
            href = urljoin(self.page, a["href"])
            query = parse_qsl(urlsplit(href).query, keep_blank_values=True)
            if _local(href) and query:
                self.forms.append({"method": "get", "action": href.split("?")[0], "defaults": dict(query),
                                   "fields": list(dict(query))})
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None and (
                    "selected" in a or self._select not in self._form["defaults"]):
                self._form["defaults"][self._select] = a.get("value", "")  # the selected one, else the first
            return
        name, kind = a["name"], a.get("type", "text").lower()
        if name not in self._form["fields"] and name != "csrf_token":
            self._form["fields"].append(name)
        if tag == "select":
            self._select = name
        elif kind in ("radio", "checkbox"):
            if kind == "radio" or "checked" in a:
                self._form["defaults"].setdefault(name, a.get("value", "on"))
        elif kind != "file":
            self._form["defaults"].setdefault(name, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms_on(client, url: str) -> list[Form]:
    response = client.get(url, follow_redirects=True)  # a "begin" link lands on the first page
    if response.status_code != 200 or "text/html" not in response.content_type:
        return []
    url = response.request.url
    finder = _FormFinder(url)
    finder.feed(response.get_data(as_text=True))
    return [Form(f["method"], f["action"], tuple(f["defaults"].items()), tuple(f["fields"]))
            for f in finder.forms if f["fields"] and f["method"] in ("get", "post")]


def _collect(client, urls) -> list[Form]:
    found: dict[tuple, Form] = {}
    for url in urls:
        for form in forms_on(client, url):
            if urlsplit(form.action).path.endswith("/sign-out") or not _local(form.action):
                continue  # signing out is not input; it would only end the session the rest needs
            found.setdefault((form.method, urlsplit(form.action).path, tuple(sorted(form.fields))), form)
    return list(found.values())


def _check(response, value: str) -> None:
    """Never a 500; a submitted script never comes back unescaped in a page (a CSV or JSON answer
    is not a page: a browser does not run what it holds)."""
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if "text/html" in (response.content_type or ""):
        _assert_safe(response, value)


def _send_and_follow(client, form: Form, field: str, value: str, sign_in_again=None) -> None:
    limiter.reset()
    if form.method == "get":
        response = client.get(form.action, query_string=form.data(field, value))
    else:
        response = client.post(form.action, data=form.data(field, value))
    _check(response, value)
    location = response.location or ""
    if response.status_code in (301, 302, 303) and location and _local(location):
        if "/sign-in" in location and sign_in_again is not None:
            sign_in_again()
            return
        _check(client.get(location), value)


def _attack(client, forms: list[Form], sign_in_again=None) -> None:
    targets = [(form, field) for form in forms for field in form.fields]
    for form, field in targets:
        for value in FIXED:
            _send_and_follow(client, form, field, value, sign_in_again)

    @SETTINGS
    @given(target=st.sampled_from(targets), value=TEXT)
    def more(target, value):
        _send_and_follow(client, *target, value, sign_in_again)

    more()


def test_the_form_finder_reads_fields_and_defaults_as_a_browser_sends_them():
    finder = _FormFinder("http://localhost/staff/cases/AB")
    finder.feed('<form method="get" action="/staff/search"><input name="q" value="sam"></form>'
                '<a href="/staff/?page=2&amp;sort=due">Next</a><a href="https://elsewhere.example/?x=1">Out</a>'
                '<a href="/staff/">No query</a>'
                '<form method="post" action="note"><input type="hidden" name="csrf_token" value="t">'
                '<textarea name="text">x</textarea><select name="team"><option value="1">A</option>'
                '<option value="2" selected>B</option></select><input type="radio" name="vis" value="internal">'
                '<input type="radio" name="vis" value="public"><input type="checkbox" name="flag" value="on">'
                '<input type="file" name="upload"><button name="go" value="save">Save</button></form>')
    search, link, post = finder.forms
    assert (search["method"], search["action"], search["fields"]) == ("get", "http://localhost/staff/search", ["q"])
    assert (link["method"], link["action"], link["defaults"]) == ("get", "http://localhost/staff/", {"page": "2", "sort": "due"})
    assert post["method"] == "post" and post["action"] == "http://localhost/staff/cases/note"
    assert post["fields"] == ["text", "team", "vis", "flag", "upload", "go"]
    assert post["defaults"] == {"csrf_token": "t", "text": "", "team": "2", "vis": "internal", "go": "save"}


def test_every_staff_form(app, client, session, login_as):
    values = _fixtures()
    login_as("admin")
    db.session.commit()
    pages = []
    for rule, method in _routes(app):
        if method == "GET":
            with app.test_request_context():
                pages.append(url_for(rule.endpoint, **{k: values[k] for k in rule.arguments if k in values}))
    # A contact in progress (its answer, case update, hand-off and wrap-up forms, and raising a
    # request for the caller through the service's pages), and a merge about to be made.
    customer_id = values["customer_id"]
    keeper = db.session.get(Case, values["case_id"]).customer_id
    post_form(client, f"/staff/contacts/new?customer={customer_id}", {"channel": "phone", "reason": "missed_bin"})
    pages += ["/staff/contacts/current", "/staff/contacts/current/raise/missed_bin",
              f"/staff/customers/{customer_id}/merge?into={keeper}"]
    forms = _collect(client, pages)
    # The crawl must really find the staff forms: notes, transitions, tasks, contacts, admin, ...
    assert len([f for f in forms if f.method == "post"]) >= 22, sorted(f.action for f in forms)
    assert len([f for f in forms if f.method == "get"]) >= 5, sorted(f.action for f in forms)
    _attack(client, forms, sign_in_again=lambda: (login_as("admin"), db.session.commit()))


def test_every_resident_form_beyond_the_service_pages(client, session):
    prop = factories.property_(postcode="DB2 2BB")
    slot = bulky_slot(capacity=50)
    register_and_verify(client, "hostile@example.com")
    # Two of the resident's own requests: one open (add information, cancel), one closed (feedback).
    factories.team("waste")
    open_case, closed_case = (
        submit(definition("missed_bin"), answers_for(property_collected_yesterday_evening(), "hostile@example.com"),
               "web", None, Actor.resident()).case for _ in range(2))
    transition(closed_case, "cancel", Actor.resident(), {})
    unit_of_work.commit()
    subscription_page = subscribe_and_pay(client, prop)
    bulky_to_check(client, prop, slot)
    pages = ["/bulky-waste/address?postcode=DB2+2BB", "/bulky-waste/items", "/bulky-waste/date", "/bulky-waste/details",
             "/bulky-waste/check", "/garden-waste/address?postcode=DB2+2BB", subscription_page,
             subscription_page + "/bins", subscription_page + "/cancel", "/account/details", "/account/change-email",
             "/account/close", "/account", "/account/requests", f"/account/requests/{open_case.reference}",
             f"/account/requests/{closed_case.reference}"]
    forms = _collect(client, pages)
    assert len(forms) >= 10, sorted(f.action for f in forms)  # forms with fields to fill
    _attack(client, forms)
