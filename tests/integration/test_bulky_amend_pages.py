"""The resident changes a bulky booking up to the cut-off: items (pay only the difference, once,
even when double-clicked) and date (the old place returns, a full date is refused); each change is
in the case history; after the cut-off the change pages are closed."""
from datetime import timedelta

from sqlalchemy import func, select

from frontdoor.extensions import db
from frontdoor.models import Booking, CaseEvent, Payment
from frontdoor.models import TestProviderPayment as ProviderRecord
from frontdoor.services import bulky, slots
from tests import factories
from tests.conftest import csrf_from, post_form
from tests.integration.bulky_helpers import bulky_slot, first_days
from tests.integration.test_bulky_portal import pay_page, to_check


def booked(client, postcode):
    prop = factories.property_(postcode=postcode)
    slot = bulky_slot(capacity=5)
    to_check(client, prop, slot, {"item-table": "1"})
    page = client.get(client.get(pay_page(client, "success")).location)
    assert page.status_code == 200
    return db.session.scalar(select(Booking)), slot


def test_more_items_cost_only_the_difference_once(client, session):
    booking, _ = booked(client, "DB3 3AA")
    paid_before = booking.amount_pence
    url = f"/bulky-waste/booking/{booking.reference}/change-items"
    assert "Change the items" in client.get(f"/bulky-waste/booking/{booking.reference}").get_data(as_text=True)
    token = csrf_from(client.get(url))
    a = client.post(url, data={"csrf_token": token, "item-table": "1", "item-sofa": "1"})
    b = client.post(url, data={"csrf_token": token, "item-table": "1", "item-sofa": "1"})  # double-click
    assert a.status_code == b.status_code == 302 and a.location == b.location and "/pay/test/" in a.location
    extra = db.session.scalars(select(Payment).order_by(Payment.id.desc())).first()
    record = db.session.get(ProviderRecord, a.location.rsplit("/", 1)[1])
    assert record.amount_pence == extra.amount_pence
    assert db.session.scalar(select(func.count()).select_from(Payment)) == 2
    r = post_form(client, a.location, {"outcome": "success"})
    assert client.get(r.location).status_code == 302
    db.session.refresh(booking)
    assert booking.items == {"table": 1, "sofa": 1} and booking.amount_pence == paid_before + extra.amount_pence
    assert db.session.scalar(select(func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == booking.case_id, CaseEvent.public_message.like("Your booking is changed%"))) == 1
    # Bad input: an item not in the catalogue, or none at all.
    for bad in ({"item-piano": "1"}, {}):
        r = post_form(client, url, bad)
        assert r.status_code == 200 and "govuk-error-summary" in r.get_data(as_text=True)


def test_change_date_moves_the_place_and_refuses_a_full_date(client, session):
    booking, slot = booked(client, "DB3 3AB")
    later = bulky_slot(capacity=1, day=first_days(2)[1])
    other_round = factories.collection_round("bulky", 1)
    full = slots.ensure_slot(other_round.id, first_days(2)[1], 1)
    full.booked = 1
    db.session.flush()
    url = f"/bulky-waste/booking/{booking.reference}/change-date"
    r = post_form(client, url, {"slot": str(full.id)})
    assert r.status_code == 200 and "That date is now full" in r.get_data(as_text=True)
    r = post_form(client, url, {"slot": "nope"})
    assert r.status_code == 200 and "Choose a collection date" in r.get_data(as_text=True)
    r = post_form(client, url, {"slot": str(later.id)})
    assert r.status_code == 302
    for s in (booking, slot, later):
        db.session.refresh(s)
    assert booking.slot_id == later.id and (slot.booked, later.booked, later.held) == (0, 1, 0)
    assert booking.status == "confirmed"


def test_after_the_cut_off_nothing_can_be_changed(client, session):
    booking, _ = booked(client, "DB3 3AC")
    too_late = bulky.rules.cutoff_for(bulky.working_calendar(), booking.slot.day, bulky.booking_rules()) \
        + timedelta(minutes=1)
    assert not bulky.can_change(booking, too_late)
    try:
        bulky.change_date(booking, booking.slot_id + 1, bulky.Actor.resident(), now=too_late)
    except bulky.BookingRefused as exc:
        assert "can no longer be changed" in str(exc)
    else:
        raise AssertionError("changed after the cut-off")
