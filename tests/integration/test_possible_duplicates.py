"""Issue 18: possible duplicates flagged on the single view (same name and address, or same phone),
with a link to the merge page already filled in: nobody types a record number."""
from __future__ import annotations

import re

from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import AuditLog, Customer
from frontdoor.services.customers import find_or_create
from tests import factories
from tests.conftest import post_form
from tests.integration.helpers import property_collected_yesterday_evening


def _banner(html: str) -> str:
    found = re.search(r'data-testid="possible-duplicates">(.*?)</ul>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))) if found else ""


def _people():
    prop = property_collected_yesterday_evening()
    chloe = find_or_create("Chloe Fraser", "chloe@example.com", "020 7946 0111", prop)
    same_home = find_or_create("Fraser Chloe", "c.fraser@example.com", None, prop)  # word order never matters
    same_phone = find_or_create("C Fraser", "cf@example.com", "+44 20 7946 0111", None)
    stranger = find_or_create("Chloe Fraser", "other@example.com", "020 7946 0222", None)  # same name, elsewhere
    db.session.commit()
    return chloe, same_home, same_phone, stranger


def test_single_view_flags_same_name_and_address_or_same_phone(client, login_as):
    user = login_as("team_lead", teams=("waste",))
    chloe, same_home, same_phone, stranger = _people()
    page = client.get(f"/staff/customers/{chloe.id}").get_data(as_text=True)
    banner = _banner(page)
    assert f"customer {same_home.id}; same name and address" in banner
    assert f"customer {same_phone.id}; same phone" in banner
    assert f"customer {stranger.id}" not in banner
    assert f'href="/staff/customers/{same_home.id}/merge?into={chloe.id}"' in page
    read = db.session.scalar(select(AuditLog).where(AuditLog.staff_id == user.id, AuditLog.what == "customer.view")
                             .order_by(AuditLog.id.desc()))
    assert sorted(read.detail["possible_duplicate_ids"]) == sorted([same_home.id, same_phone.id])


def test_merge_from_the_flag_needs_no_typing(client, login_as):
    login_as("team_lead", teams=("waste",))
    chloe, same_home, _, _ = _people()
    url = f"/staff/customers/{same_home.id}/merge?into={chloe.id}"
    compare = client.get(url).get_data(as_text=True)
    assert f"Merge customer {same_home.id} into {chloe.id}" in compare
    r = post_form(client, f"/staff/customers/{same_home.id}/merge", {"into": str(chloe.id), "confirm": "yes"}, get_url=url)
    assert r.status_code == 302
    assert db.session.get(Customer, same_home.id).merged_into_id == chloe.id
    assert f"customer {same_home.id};" not in _banner(client.get(f"/staff/customers/{chloe.id}").get_data(as_text=True))


def test_advisors_see_the_flag_without_the_merge_link(client, login_as):
    login_as("advisor", teams=("waste",))
    chloe, same_home, _, _ = _people()
    page = client.get(f"/staff/customers/{chloe.id}").get_data(as_text=True)
    assert f"customer {same_home.id}; same name and address" in _banner(page)
    assert "/merge?into=" not in page and "A team lead can merge them." in page


def test_no_flag_without_a_duplicate(client, login_as):
    login_as("advisor", teams=("waste",))
    alone = find_or_create("Unique Person", "unique@example.com", "020 7946 0333", None)
    db.session.commit()
    assert 'data-testid="possible-duplicates"' not in client.get(f"/staff/customers/{alone.id}").get_data(as_text=True)
