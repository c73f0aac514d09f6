"""Back-fill the search columns of customers written before they existed (or by a bulk load that
skipped them): search_name, email_normalised, phone_e164, and the distinct-names table.

Batches by id (keyset), each committed by the caller, so a million rows never sit in one
transaction and a stopped run picks up where it was. Only empty columns are filled and names are
inserted ON CONFLICT DO NOTHING: running it twice changes nothing the second time.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy import and_, or_, select

from frontdoor.extensions import db, insert_for_dialect
from frontdoor.models import Customer, CustomerName
from frontdoor.services.customers import name_key, normalise_email
from workflows.validation import normalise_phone


@dataclass
class ReindexCounts:
    customers: int = 0  # rows whose columns were filled
    names: int = 0  # distinct names added to customer_names
    batches: int = 0


def _insert_names(keys: set[str]) -> int:
    if not keys:
        return 0
    have = set(db.session.scalars(select(CustomerName.name).where(CustomerName.name.in_(keys))))
    missing = sorted(keys - have)
    if missing:
        db.session.execute(insert_for_dialect(CustomerName).values([{"name": k} for k in missing]).on_conflict_do_nothing())
    return len(missing)


def _needs_filling():
    return or_(
        and_(Customer.search_name.is_(None), or_(Customer.first_name != "", Customer.last_name != "")),
        and_(Customer.email_normalised.is_(None), Customer.email.is_not(None)),
        and_(Customer.phone_e164.is_(None), Customer.phone.is_not(None)),
    )


def reindex_batch(after_id: int, size: int) -> tuple[int | None, int, int]:
    """One batch of ids after after_id: (last id looked at or None when done, customers filled, names added)."""
    ids = list(db.session.scalars(select(Customer.id).where(Customer.id > after_id).order_by(Customer.id).limit(size)))
    if not ids:
        return None, 0, 0
    last = ids[-1]
    filled = 0
    for customer in db.session.scalars(select(Customer).where(Customer.id.in_(ids), _needs_filling())):
        before = (customer.search_name, customer.email_normalised, customer.phone_e164)
        if customer.search_name is None:
            customer.search_name = name_key(customer.first_name, customer.last_name)
        if customer.email_normalised is None and customer.email:
            customer.email_normalised = normalise_email(customer.email)
        if customer.phone_e164 is None and customer.phone:
            customer.phone_e164 = normalise_phone(customer.phone)
        filled += (customer.search_name, customer.email_normalised, customer.phone_e164) != before
    db.session.flush()
    # Names of every customer in the batch, filled now or before: the names table may be the part missing.
    keys = set(db.session.scalars(select(Customer.search_name).where(Customer.id.in_(ids), Customer.search_name.is_not(None))
                                  .distinct()))
    return last, filled, _insert_names(keys)


def reindex(batch_size: int, commit: Callable[[], None], echo: Callable[[str], None] = lambda _: None) -> ReindexCounts:
    counts, after = ReindexCounts(), 0
    while True:
        last, filled, names = reindex_batch(after, batch_size)
        if last is None:
            return counts
        commit()
        counts.customers += filled
        counts.names += names
        counts.batches += 1
        echo(f"batch {counts.batches}: ids {after + 1}-{last}, {filled} customers filled, {names} names added")
        after = last
