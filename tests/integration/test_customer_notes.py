"""Issue 18: customer-level notes, in the customer's history, audited; the migration is the one head."""
from __future__ import annotations

import re

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import AuditLog, CustomerNote
from frontdoor.services.customers import find_or_create
from tests.conftest import post_form


def _history(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_note_about_the_customer_is_in_their_history_and_audited(client, login_as):
    user = login_as("advisor", teams=("contact_centre",))
    customer = find_or_create("Chloe Fraser", "chloe@example.com", None, None)
    db.session.commit()
    url = f"/staff/customers/{customer.id}"
    r = post_form(client, f"{url}/notes", {"text": "Prefers a call after 3pm <b>always</b>"}, get_url=url)
    assert r.status_code == 302 and r.location.endswith(url)
    page = client.get(url).get_data(as_text=True)
    assert "&lt;b&gt;always&lt;/b&gt;" in page
    assert f"Note by {user.name} Prefers a call after 3pm" in _history(page)
    note = db.session.scalar(select(CustomerNote).where(CustomerNote.customer_id == customer.id))
    assert note.staff_id == user.id
    assert db.session.scalar(select(AuditLog).where(AuditLog.what == "customer.note", AuditLog.customer_id == customer.id,
                                                    AuditLog.staff_id == user.id, AuditLog.action == "write"))


def test_an_empty_note_is_refused_on_the_page(client, login_as):
    login_as("advisor", teams=("contact_centre",))
    customer = find_or_create("Chloe Fraser", "chloe@example.com", None, None)
    db.session.commit()
    url = f"/staff/customers/{customer.id}"
    r = post_form(client, f"{url}/notes", {"text": "  "}, get_url=url)
    assert r.status_code == 400 and "Enter the note" in r.get_data(as_text=True)
    assert db.session.scalar(select(CustomerNote).where(CustomerNote.customer_id == customer.id)) is None
