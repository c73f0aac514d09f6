"""`flask customers reindex`: back-fills search columns of customers written before they existed, in
batches, and a second run changes nothing."""
from __future__ import annotations

from sqlalchemy import delete, func, select, update

from frontdoor.extensions import db
from frontdoor.models import Customer, CustomerName
from frontdoor.services import customer_search
from tests import factories


def _old_customers():
    """Customers as a bulk load before the search columns would have left them."""
    made = [factories.customer("Ada", "Lovelace", phone="020 7946 0001"),
            factories.customer("Charles", "Babbage", email="Charles.Babbage@Example.COM", phone="+44 20 7946 0002"),
            factories.customer("Grace", "Hopper"),
            factories.customer("", "", phone="not a phone"),
            factories.customer("Alan", "Turing")]
    ids = [c.id for c in made]
    db.session.execute(update(Customer).where(Customer.id.in_(ids[:4]))
                       .values(search_name=None, email_normalised=None, phone_e164=None))
    db.session.execute(delete(CustomerName))
    db.session.commit()
    db.session.expire_all()
    return ids


def test_reindex_back_fills_in_batches_and_is_idempotent(app, session):
    ids = _old_customers()
    assert customer_search.search("lovelace ada").customers == []  # not findable before
    runner = app.test_cli_runner()
    result = runner.invoke(args=["customers", "reindex", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "batch 1:" in result.output and "batch 3:" in result.output
    db.session.expire_all()
    rows = {c.id: c for c in db.session.scalars(select(Customer).where(Customer.id.in_(ids)))}
    assert rows[ids[0]].search_name == "ada lovelace" and rows[ids[0]].phone_e164 == "+442079460001"
    assert rows[ids[1]].email_normalised == "charles.babbage@example.com" and rows[ids[1]].phone_e164 == "+442079460002"
    assert rows[ids[3]].search_name is None and rows[ids[3]].phone_e164 is None  # nothing to make a key from
    names = set(db.session.scalars(select(CustomerName.name)))
    assert {"ada lovelace", "babbage charles", "grace hopper", "alan turing"} <= names  # Turing's name row was missing too
    assert [c.id for c in customer_search.search("lovelace adda").customers] == [ids[0]]
    assert [c.id for c in customer_search.search("CHARLES.BABBAGE@example.com").customers] == [ids[1]]
    assert [c.id for c in customer_search.search("+44 (20) 7946 0001").customers] == [ids[0]]

    before = db.session.scalar(select(func.count()).select_from(CustomerName))
    again = runner.invoke(args=["customers", "reindex", "--batch-size", "2"])
    assert again.exit_code == 0 and again.output.splitlines()[-1].startswith("reindexed: 0 customers filled, 0 names added")
    assert db.session.scalar(select(func.count()).select_from(CustomerName)) == before


def test_reindex_refuses_a_bad_batch_size(app, session):
    result = app.test_cli_runner().invoke(args=["customers", "reindex", "--batch-size", "0"])
    assert result.exit_code != 0 and "batch-size" in result.output
