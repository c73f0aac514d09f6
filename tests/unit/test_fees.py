"""Bulky waste pricing rules (workflows/fees.py): every pricing model, limits and refund rules."""
import pytest

from workflows.fees import FeeError, amendment_charge, cancellation_refund, quote

ITEMS = [
    {"code": "sofa", "label": "Sofa", "price": 2000, "units": 2, "surcharge": 1500},
    {"code": "chair", "label": "Chair", "price": 800},
    {"code": "fridge", "label": "Fridge", "price": 1200},
]


def fees(**pricing):
    return {"fund_code": "F1", "items": ITEMS, "pricing": pricing, "max_units": 5}


def test_single_price_per_collection_plus_surcharge():
    assert quote(fees(model="single", price=3000), {"chair": 3}).total_pence == 3000
    assert quote(fees(model="single", price=3000), {"sofa": 1}).total_pence == 4500


def test_banded_by_units_a_large_item_counting_as_two():
    f = fees(model="banded", bands=[{"up_to": 3, "price": 2500}, {"up_to": 5, "price": 4000}])
    assert quote(f, {"chair": 3}).total_pence == 2500
    q = quote(f, {"sofa": 1, "chair": 2})  # 4 units
    assert (q.units, q.base_pence, q.surcharge_pence) == (4, 4000, 1500)


def test_per_item_with_minimum():
    f = fees(model="per_item", minimum=1500)
    assert quote(f, {"chair": 1}).total_pence == 1500
    assert quote(f, {"chair": 1, "fridge": 1}).total_pence == 2000


@pytest.mark.parametrize("items, message", [
    ({}, "at least one item"),
    ({"chair": "0"}, "at least one item"),
    ({"piano": 1}, "not an item we collect"),
    ({"chair": 6}, "up to 5 items"),
    ({"sofa": 3}, "up to 5 items"),  # 6 units
    ({"chair": "two"}, "as a number"),
    ({"chair": -1}, "cannot be negative"),
])
def test_bad_item_choices_are_refused_with_a_clear_message(items, message):
    with pytest.raises(FeeError, match=message):
        quote(fees(model="single", price=100), items)


def test_amendment_charges_only_the_difference_and_keeps_a_cheaper_one_by_default():
    assert amendment_charge({}, 2500, 4000) == (1500, 0)
    assert amendment_charge({}, 4000, 2500) == (0, 0)
    assert amendment_charge({"refund_cheaper_amendment": True}, 4000, 2500) == (0, 1500)


def test_cancellation_refund_rules():
    assert cancellation_refund({}, 4000, before_cutoff=True) == 4000
    assert cancellation_refund({}, 4000, before_cutoff=False) == 0
    keep = {"refund": {"before_cutoff": {"keep": 1000}}}
    assert cancellation_refund(keep, 4000, before_cutoff=True) == 3000
