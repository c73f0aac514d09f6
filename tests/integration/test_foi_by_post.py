"""FOI "By post" asks for the postal address (a show_if question); "By email" does not. The shipped
definitions pass `flask workflows check`."""
from click.testing import CliRunner
from sqlalchemy import select

from frontdoor.cli import workflows_check
from frontdoor.extensions import db
from frontdoor.models import Case
from tests import factories
from tests.conftest import post_form


def _to_details(client, reply):
    client.get("/services/foi_request/begin")
    r = post_form(client, "/services/foi_request/request", {"request": "Gritting routes for 2026", "format": reply})
    assert r.location.endswith("/services/foi_request/details")
    return client.get("/services/foi_request/details").get_data(as_text=True)


def test_by_post_asks_for_the_postal_address_and_sends_it(client, session):
    factories.team("foi")
    assert "Postal address" in _to_details(client, "post")
    person = {"full_name": "Pat Writer", "email": "pat@example.com"}
    page = post_form(client, "/services/foi_request/details", person).get_data(as_text=True)
    assert "govuk-error-summary" in page and "Postal address" in page
    r = post_form(client, "/services/foi_request/details", {**person, "postal_address": "1 High Street\nTown\nDB1 1AA"})
    assert r.location.endswith("/services/foi_request/check")
    check = client.get("/services/foi_request/check").get_data(as_text=True)
    assert "1 High Street" in check
    post_form(client, "/services/foi_request/check", {})
    case = db.session.scalar(select(Case).where(Case.workflow_id == "foi_request"))
    assert case.answers["postal_address"].startswith("1 High Street") and case.workflow_version == 2


def test_by_email_does_not_ask_for_a_postal_address(client, session):
    assert "Postal address" not in _to_details(client, "email")


def test_shipped_definitions_pass_the_check_command():
    result = CliRunner().invoke(workflows_check, ["--dir", "workflows/definitions"])
    assert result.exit_code == 0 and "ok  foi_request v2" in result.output, result.output
