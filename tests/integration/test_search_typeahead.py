"""Issue 18: type-ahead on the one search box. The server renders the results fragment; the same
search works as an ordinary form without JavaScript; both are audited reads."""
from __future__ import annotations

from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import AuditLog
from frontdoor.services.customers import find_or_create


def test_the_results_fragment_is_the_results_alone(client, login_as):
    user = login_as("advisor", teams=("contact_centre",))
    find_or_create("Chloe Fraser", "chloe@example.com", None, None)
    db.session.commit()
    fragment = client.get("/staff/customers?q=Chloe+Fras&fragment=results").get_data(as_text=True)
    assert "Chloe Fraser" in fragment and "<html" not in fragment and "Find a customer" not in fragment
    page = client.get("/staff/customers?q=Chloe+Fras").get_data(as_text=True)
    assert "<html" in page and 'data-typeahead="search-results"' in page and 'id="search-results"' in page
    assert "Chloe Fraser" in page
    reads = db.session.scalar(select(func.count()).select_from(AuditLog)
                              .where(AuditLog.staff_id == user.id, AuditLog.what == "customer.search"))
    assert reads == 2
