"""The resident's missed bin journey through the real views, with the bad inputs the issue lists."""
from __future__ import annotations

from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import Case
from tests import factories
from tests.conftest import csrf_from, post_form
from tests.integration.helpers import property_collected_yesterday_evening


def _case_count():
    return db.session.scalar(select(func.count()).select_from(Case))


def walk_to_check(client, prop, email="sam@example.com"):
    client.get("/services/missed_bin/begin")
    r = post_form(client, "/services/missed_bin/address", {"postcode": prop.postcode.lower().replace(" ", "")})
    assert r.status_code == 302 and "postcode=" in r.location
    r = post_form(client, r.location, {"uprn": prop.uprn})
    assert r.status_code == 302 and r.location.endswith("/services/missed_bin/container")
    r = post_form(client, "/services/missed_bin/container", {"container": str(prop.containers[0].id)})
    assert r.status_code == 302 and r.location.endswith("/services/missed_bin/details"), r.get_data(as_text=True)[:300]
    r = post_form(client, "/services/missed_bin/details", {"full_name": "Sam Resident", "email": email, "phone": ""})
    assert r.status_code == 302 and r.location.endswith("/services/missed_bin/check")


def test_report_then_track(client, session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    walk_to_check(client, prop)
    check = client.get("/services/missed_bin/check").get_data(as_text=True)
    assert prop.single_line in check and "Black general waste bin" in check and "Change" in check
    r = post_form(client, "/services/missed_bin/check", {}, follow_redirects=False)
    assert r.status_code == 302 and "/services/missed_bin/done/" in r.location
    reference = r.location.rsplit("/", 1)[1]
    done = client.get(r.location).get_data(as_text=True)
    assert reference in done and "What happens next" in done and "sam@example.com" not in done
    # Tracking with reference and email shows the state and the public update.
    r = post_form(client, "/track", {"reference": reference.lower().replace("-", " "), "email": "SAM@example.com"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Received" in page and "We have received your request." in page


def test_double_clicked_or_replayed_submit_makes_one_case(client, session):
    """The second click (or a replay) arrives with the old session cookie, so the same draft key."""
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    walk_to_check(client, prop)
    with client.session_transaction() as s:
        saved = dict(s["drafts"]["missed_bin"])
    token = csrf_from(client.get("/services/missed_bin/check"))
    before = _case_count()
    r1 = client.post("/services/missed_bin/check", data={"csrf_token": token})
    with client.session_transaction() as s:  # a replayed request carries the old cookie
        s.setdefault("drafts", {})["missed_bin"] = saved
        s.modified = True
    r2 = client.post("/services/missed_bin/check", data={"csrf_token": token})
    assert _case_count() == before + 1
    assert r1.location == r2.location


def test_second_report_shows_existing_reference(client, session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    walk_to_check(client, prop, "first@example.com")
    first = post_form(client, "/services/missed_bin/check", {})
    first_ref = first.location.rsplit("/", 1)[1]
    walk_to_check(client, prop, "second@example.com")
    second = post_form(client, "/services/missed_bin/check", {}, follow_redirects=True)
    page = second.get_data(as_text=True)
    assert "already been reported" in page and first_ref in page


def test_malformed_postcode(client, session):
    client.get("/services/missed_bin/begin")
    r = post_form(client, "/services/missed_bin/address", {"postcode": "not a postcode"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "There is a problem" in page and "Enter a real postcode" in page


def test_postcode_with_no_addresses(client, session):
    client.get("/services/missed_bin/begin")
    r = post_form(client, "/services/missed_bin/address", {"postcode": "ZZ9 9ZZ"})
    assert "We could not find any addresses for ZZ9 9ZZ" in r.get_data(as_text=True)


def test_missing_and_overlong_answers(client, session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    walk_to_check(client, prop)
    r = post_form(client, "/services/missed_bin/details", {"full_name": "", "email": "", "phone": ""})
    page = r.get_data(as_text=True)
    assert "Enter full name" in page and "Enter an email address" in page
    r = post_form(client, "/services/missed_bin/details", {"full_name": "x" * 101, "email": "bad@", "phone": "123"})
    page = r.get_data(as_text=True)
    assert "Full name must be 100 characters or fewer" in page
    assert "Enter an email address in the correct format" in page
    assert "Enter a UK phone number" in page


def test_tampered_container_is_refused(client, session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    other = property_collected_yesterday_evening()
    walk_to_check(client, prop)
    r = post_form(client, "/services/missed_bin/container", {"container": str(other.containers[0].id)})
    assert r.status_code == 200 and "Select one of the options" in r.get_data(as_text=True)
    # A tampered session draft cannot get past submit(): it re-validates against the property.
    with client.session_transaction() as s:
        s["drafts"]["missed_bin"]["answers"]["container"] = str(other.containers[0].id)
        s.modified = True
    before = _case_count()
    r = post_form(client, "/services/missed_bin/check", {})
    assert r.status_code == 400 and "Select one of the options" in r.get_data(as_text=True)
    assert _case_count() == before


def test_skipping_pages_by_url_goes_back_to_the_first_unanswered(client, session):
    client.get("/services/missed_bin/begin")
    r = client.get("/services/missed_bin/details")
    assert r.status_code == 302 and r.location.endswith("/services/missed_bin/address")
    r = client.get("/services/missed_bin/check")
    assert r.status_code == 302


def test_missing_csrf_token_is_refused_and_nothing_saved(client, session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    walk_to_check(client, prop)
    before = _case_count()
    r = client.post("/services/missed_bin/check", data={})
    assert r.status_code == 400 and "Your form has expired" in r.get_data(as_text=True)
    assert _case_count() == before


def test_tracking_unknown_reference_and_wrong_email_look_the_same(client, session):
    factories.team("waste")
    prop = property_collected_yesterday_evening()
    walk_to_check(client, prop)
    reference = post_form(client, "/services/missed_bin/check", {}).location.rsplit("/", 1)[1]
    wrong_email = post_form(client, "/track", {"reference": reference, "email": "someone@else.com"})
    unknown = post_form(client, "/track", {"reference": "2345-6789", "email": "sam@example.com"})
    assert wrong_email.status_code == unknown.status_code == 404
    message = "We could not find a request with that reference and email address"
    assert message in wrong_email.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    malformed = post_form(client, "/track", {"reference": "abc", "email": ""})
    assert "Enter your reference as it appears" in malformed.get_data(as_text=True)


def test_tracking_is_rate_limited(client, session):
    # Different references each time, so the per-IP limit (not the per-reference one) is what bites.
    codes = [post_form(client, "/track", {"reference": f"2345-678{i % 8 + 2}", "email": f"x{i}@example.com"}).status_code
             for i in range(12)]
    assert codes[:10] == [404] * 10 and codes[-1] == 429


def test_unknown_service_and_page_are_404(client, session):
    assert client.get("/services/nope").status_code == 404
    client.get("/services/missed_bin/begin")
    assert client.get("/services/missed_bin/nope").status_code == 404
    assert client.get("/services/missed_bin/done/ZZZZ-ZZZZ").status_code == 404
