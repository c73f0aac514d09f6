"""Walk the pages a resident sees about their own things (account, requests, a request, your data,
a garden waste subscription, a bulky booking, Track) and fail on any that shows an internal id or a
raw stored value: a UPRN or container id, a status code, an ISO timestamp, "1 bin(s)"."""
from __future__ import annotations

import re

from sqlalchemy import select

from frontdoor import unit_of_work
from frontdoor.extensions import db
from frontdoor.models import Booking, Case, GardenSubscription
from frontdoor.services import outbox
from frontdoor.services.actors import Actor
from frontdoor.services.registry import definition
from frontdoor.services.submissions import submit
from tests.integration import test_bulky_portal as bulky
from tests.integration import test_garden_pages as garden
from tests.integration.account_helpers import register_and_verify
from tests.integration.bulky_helpers import bulky_slot
from tests.integration.helpers import answers_for, property_collected_yesterday_evening

# Stored values with an underscore are never words; the others are words in a sentence ("Subscription
# confirmed") but raw when they are all an element says, lower case (a status cell showing "active").
CODES = ("pending_payment", "self_served", "resolved_first_contact", "face_to_face", "not_collected", "handed_off")
RAW_STATUSES = ("confirmed", "active", "success", "submitted", "held", "lapsed", "declined", "web", "phone")
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def visible_text(html: str) -> str:
    """What a person reads: the body without tags, scripts or attribute values."""
    body = html.split("<main", 1)[-1].split("</main>", 1)[0]
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def assert_in_words(path: str, html: str, internal_ids: list[str]):
    text = visible_text(html)
    for value in internal_ids:
        assert not re.search(rf"\b{re.escape(value)}\b", text), f"{path} shows the internal id {value}"
    for code in CODES:
        assert code not in text, f"{path} shows the stored value {code!r}"
    for raw in RAW_STATUSES:
        assert not re.search(rf">\s*{raw}\s*<", html), f"{path} shows the raw status {raw!r}"
    assert not ISO_MOMENT.search(text), f"{path} shows an ISO timestamp: {ISO_MOMENT.search(text).group(0)}"
    assert "(s)" not in text, f"{path} says '(s)'"


def test_resident_pages_show_words_not_ids(client, session):
    prop = property_collected_yesterday_evening()
    garden.subscribe_and_pay(client, prop, "1")
    sub = db.session.scalar(select(GardenSubscription))
    bulky.to_check(client, prop, bulky_slot(capacity=3))
    client.get(bulky.pay_page(client, "success"))
    booking = db.session.scalar(select(Booking))
    account = register_and_verify(client, email="sam@example.com", name="Sam Resident")
    case = submit(definition("missed_bin"), answers_for(prop, "sam@example.com"), "web", None, Actor.resident()).case
    unit_of_work.commit()
    bulky_case = db.session.get(Case, booking.case_id)
    ids = [prop.uprn] + [str(c.id) for c in prop.containers] + [str(account.customer_id)]
    ids = [i for i in ids if len(i) > 2]  # a one- or two-digit id also reads as a day or a count
    pages = ["/account", "/account/requests", f"/account/requests/{case.reference}",
             f"/account/requests/{bulky_case.reference}", "/account/your-data",
             f"/garden-waste/subscription/{sub.reference}"]
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, path
        assert_in_words(path, r.get_data(as_text=True), ids)
    your_data = visible_text(client.get("/account/your-data").get_data(as_text=True))
    assert prop.single_line in your_data and "Black general waste bin" in your_data
