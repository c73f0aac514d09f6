"""Name search ranks the person the advisor means first: the exact full name, then initial plus
surname, then near spellings; within each, the closest and then the most recently in contact.
Read from the results table the advisor sees."""
from __future__ import annotations

import re
from datetime import timedelta

from frontdoor.models.base import utcnow
from frontdoor.services.contacts import record_contact
from frontdoor.services.customers import find_or_create

ROW_NAME = re.compile(r'<td class="govuk-table__cell"><a class="govuk-link" href="/staff/customers/\d+">([^<]+)</a>')


def names_shown(client, typed: str) -> list[str]:
    response = client.get("/staff/customers", query_string={"q": typed})
    assert response.status_code == 200
    return ROW_NAME.findall(response.get_data(as_text=True))


def people(*names: str):
    return {n: find_or_create(n, f"{n.lower().replace(' ', '.')}.{i}@example.com", None, None) for i, n in enumerate(names)}


def test_the_exact_full_name_comes_first(client, login_as):
    login_as("advisor")
    people("Chloe Frazer", "Chloe Fraserson", "Claire Fraser", "Chloe Fraser", "Fraser Chloe", "Khloe Fraser")
    shown = names_shown(client, "Chloe Fraser")
    assert shown[0] == "Chloe Fraser"
    assert shown[1] == "Fraser Chloe"  # the same words, the other way round
    assert shown.index("Chloe Frazer") > 1 and shown.index("Khloe Fraser") > 1


def test_initial_and_surname_find_the_person(client, login_as):
    login_as("advisor")
    people("Chloe Fraser", "Colin Frazer", "Anna Fraser", "Carl Fraserson", "Fraser Cox")
    shown = names_shown(client, "C Fraser")
    assert shown[0] == "Chloe Fraser"
    assert shown.index("Fraser Cox") == 1  # the right letters, but the surname typed is his first name
    assert "Anna Fraser" not in shown[:2]


def test_an_initial_finds_a_two_letter_first_name(client, login_as):
    login_as("advisor")
    people("Mo Owen", "Morgan Owens", "Mary Bowen", "Owen Mitchell")
    shown = names_shown(client, "M Owen")
    assert shown[0] == "Mo Owen"
    assert shown[1] == "Owen Mitchell"


def test_the_most_recent_contact_breaks_a_tie(client, login_as):
    login_as("advisor")
    found = people("Sam Jones", "Sam Jones ", "Sam Jones  ")
    a, b, c = found.values()
    record_contact(channel="phone", reason="missed_bin", outcome="resolved_first_contact", customer=a,
                   started_at=utcnow() - timedelta(days=30))
    record_contact(channel="phone", reason="missed_bin", outcome="resolved_first_contact", customer=c,
                   started_at=utcnow() - timedelta(days=1))
    response = client.get("/staff/customers", query_string={"q": "sam jones"})
    ids = [int(i) for i in re.findall(r'href="/staff/customers/(\d+)">Sam Jones', response.get_data(as_text=True))]
    assert ids == [c.id, a.id, b.id]  # yesterday, last month, never


def test_a_typo_still_finds_the_person_after_the_exact_names(client, login_as):
    login_as("advisor")
    people("Jonathan Worthington", "Jon Worth")
    assert names_shown(client, "Jonathon Worthingten")[0] == "Jonathan Worthington"
