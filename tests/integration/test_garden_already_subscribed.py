"""Garden waste says an address is already subscribed straight after the address is chosen, not
after the bins and details have been filled in."""
from tests import factories
from tests.conftest import post_form
from tests.integration import test_garden_pages as garden


def test_an_address_already_subscribed_is_told_straight_after_the_address(client, session):
    prop = factories.property_(postcode="DG9 9AA", streams=("garden",))
    garden.subscribe_and_pay(client, prop, "1")
    post_form(client, "/garden-waste/address", {"postcode": prop.postcode})
    r = post_form(client, f"/garden-waste/address?postcode={prop.postcode}", {"uprn": prop.uprn})
    page = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "This address already has garden waste collections" in page
    assert "This address already has a subscription until" in page and prop.single_line in page
    assert "How many bins" not in page


def test_an_address_without_one_goes_on_to_the_bins(client, session):
    prop = factories.property_(postcode="DG9 9AB", streams=("garden",))
    post_form(client, "/garden-waste/address", {"postcode": prop.postcode})
    r = post_form(client, f"/garden-waste/address?postcode={prop.postcode}", {"uprn": prop.uprn})
    assert r.status_code == 302 and r.location.endswith("/garden-waste/bins")
