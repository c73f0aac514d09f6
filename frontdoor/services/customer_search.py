"""Find a customer from one search box: a reference, an email, a phone number, a postcode, a UPRN,
an address or a name (typos and word order forgiven).

Exact kinds go straight to an index. Names go through customer_names, the table of distinct
normalised names: on PostgreSQL a trigram match over ~150k names then an indexed join, which keeps
p95 under 100 ms at 1M customers (../shared/PERFORMANCE.md); on SQLite a LIKE per word.
Names rank in tiers: the exact full name, then initials plus surname ("C Fraser"), then fuzzy;
within a tier by closeness, then the most recent contact.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, func, or_, select, text, true
from sqlalchemy.orm import joinedload, lazyload

from frontdoor.extensions import db
from frontdoor.models import Case, Contact, Customer, Property
from frontdoor.services import visibility
from frontdoor.services.customers import name_key, normalise_email
from frontdoor.services.references import normalise_reference
from workflows.validation import normalise_phone, normalise_postcode

LIMIT = 50


@dataclass
class SearchResult:
    kind: str  # reference, email, phone, postcode, uprn, address, name, none
    customers: list[Customer] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)


def classify(query: str) -> tuple[str, str]:
    q = (query or "").strip()
    if not q:
        return "none", ""
    if "@" in q:
        return "email", normalise_email(q)
    postcode = normalise_postcode(q)
    if postcode:
        return "postcode", postcode
    if re.fullmatch(r"\d{6,12}", q.replace(" ", "")) and not q.startswith("0"):
        return "uprn", q.replace(" ", "")
    digits = re.sub(r"[\s()\-.]", "", q)
    if re.fullmatch(r"\+?\d{9,15}", digits):
        # Only digits: a phone number or nothing (never a scan of every address for "0123...").
        return "phone", normalise_phone(q) or ""
    reference = normalise_reference(q)
    if reference:
        return "reference", reference
    if re.search(r"\d", q):
        return "address", q
    return "name", name_key(q) or ""


def _live(query, with_property: bool = True):
    # The results table shows each address: joined in the same round trip, not one query per row.
    # Containers are not shown here: don't let Property's default eager load fetch them.
    query = query.where(Customer.merged_into_id.is_(None))
    if not with_property:  # the properties are already in the session: customer.property costs nothing
        return query
    return query.options(joinedload(Customer.property).lazyload(Property.containers))


def search(query: str, limit: int = LIMIT, viewer=None) -> SearchResult:
    """`viewer`: a reference finds only a case they may see (services/visibility.py)."""
    kind, value = classify(query)
    result = SearchResult(kind)
    if kind == "none" or not value:
        return result
    if kind == "email":
        result.customers = list(db.session.scalars(_live(select(Customer).where(Customer.email_normalised == value)).limit(limit)))
    elif kind == "phone":
        result.customers = list(db.session.scalars(_live(select(Customer).where(Customer.phone_e164 == value)).limit(limit)))
    elif kind == "reference":
        # One round trip: the case, its customer and their address; not its history, not the bins.
        seen = visibility.cases(viewer) if viewer is not None else true()
        case = db.session.scalar(select(Case).where(Case.reference == value, seen).options(
            lazyload(Case.events), joinedload(Case.customer).joinedload(Customer.property).lazyload(Property.containers)))
        if case is not None:
            result.cases = [case]
            if case.customer is not None:
                result.customers = [case.customer]
        elif normalise_reference(query) and not re.search(r"\d", query):
            # Eight letters could be a name as much as a reference.
            return _by_name(name_key(query) or "", limit, SearchResult("name"), query)
    elif kind in ("postcode", "uprn", "address"):
        if kind == "postcode":
            props = select(Property).where(Property.postcode == value)
        elif kind == "uprn":
            props = select(Property).where(Property.uprn == value)
        else:
            words = value.lower().split()
            props = select(Property).where(and_(*[Property.address_line1.icontains(w, autoescape=True) for w in words]))
        props = props.options(lazyload(Property.containers))
        result.properties = list(db.session.scalars(props.order_by(Property.address_line1).limit(limit)))
        ids = [p.id for p in result.properties]
        if ids:
            result.customers = list(db.session.scalars(
                _live(select(Customer).where(Customer.property_id.in_(ids)), with_property=False)
                .order_by(Customer.last_name).limit(limit)))
    elif kind == "name":
        return _by_name(value, limit, result, query)
    return result


def similar_names(key: str, limit: int = 20) -> list[str]:
    if db.session.get_bind().dialect.name == "postgresql":
        rows = db.session.execute(
            text("SELECT name FROM customer_names WHERE name % :q ORDER BY similarity(name, :q) DESC, name LIMIT :n"),
            {"q": key, "n": limit},
        )
        return [r[0] for r in rows]
    words = key.split()
    from frontdoor.models import CustomerName

    query = select(CustomerName.name).where(or_(*[CustomerName.name.contains(w[:4], autoescape=True) for w in words]))
    return list(db.session.scalars(query.limit(limit)))


def _typed_tokens(query: str) -> list[str]:
    """The name's words in the order they were typed (name_key sorts them)."""
    return [t for t in re.split(r"[^a-z0-9']+", (query or "").lower()) if t]


def _initial_names(tokens: list[str]) -> list[str]:
    """Names where every whole word typed is a word and every single letter starts another word:
    "c fraser" finds "chloe fraser", "m owen" finds "mo owen"."""
    initials = [t for t in tokens if len(t) == 1]
    words = [t for t in tokens if len(t) > 1]
    if not initials or not words:
        return []
    from frontdoor.models import CustomerName

    # A LIKE per whole word: the trigram index on PostgreSQL, a scan of the distinct names on SQLite.
    candidates = db.session.scalars(
        select(CustomerName.name).where(and_(*[CustomerName.name.like(f"%{w}%") for w in words])).limit(INITIAL_SCAN))
    found = []
    for name in candidates:
        rest = name.split()
        if all(_take(rest, w, whole=True) for w in words) and all(_take(rest, i, whole=False) for i in initials):
            found.append(name)
    return found


def _take(words: list[str], typed: str, whole: bool) -> bool:
    """Remove from `words` the first word that is `typed` (or, for an initial, starts with it)."""
    for k, word in enumerate(words):
        if word == typed if whole else word.startswith(typed):
            del words[k]
            return True
    return False


INITIAL_SCAN = 5000  # names containing the whole words typed (a common surname has a few hundred)
TIER_ROWS = 1000  # people per tier ranked by closeness and contact (the most common full name has a few hundred at 1M)


def _candidates(names: list[str]) -> list:
    """(id, first name, last name, search name, last contact) for the live people with these names."""
    last_contact = (select(func.max(Contact.started_at)).where(Contact.customer_id == Customer.id)
                    .correlate(Customer).scalar_subquery())
    rows = db.session.execute(
        select(Customer.id, Customer.first_name, Customer.last_name, Customer.search_name, last_contact)
        .where(Customer.search_name.in_(names), Customer.merged_into_id.is_(None)).limit(TIER_ROWS))
    return list(rows)


def _by_name(key: str, limit: int, result: SearchResult, typed: str = "") -> SearchResult:
    """Exact full names first, then initials plus surname, then fuzzy; each by closeness, then most
    recent contact. Ranks light rows, then loads only the people shown."""
    if not key:
        return result
    tokens = _typed_tokens(typed) or key.split()
    ranked: dict[int, tuple] = {}

    def rank(tier: int, rows, closeness) -> None:
        for row in rows:
            if row.id in ranked:
                continue
            contacted = row[4].timestamp() if row[4] is not None else float("-inf")
            ranked[row.id] = (tier, closeness(row), -contacted, row.id)

    def in_order(row) -> int:  # "Chloe Fraser" typed as first then last name beats "Fraser Chloe"
        return 0 if _typed_tokens(f"{row.first_name} {row.last_name}") == tokens else 1

    rank(0, _candidates([key]), in_order)
    initial_names = [n for n in _initial_names(tokens) if n != key]
    if initial_names:
        surnames = {t for t in tokens if len(t) > 1}

        def initial_closeness(row) -> tuple:
            # Surname typed as the surname, then the shorter first name ("Mo" before "Michael" for "M").
            return (0 if set(_typed_tokens(row.last_name)) <= surnames else 1, len(row.first_name))
        rank(1, _candidates(initial_names), initial_closeness)
    if len(ranked) < limit:
        names = similar_names(key)
        order = {n: i for i, n in enumerate(names)}
        if names:
            rank(2, _candidates(names), lambda row: order.get(row.search_name, 99))
    best = sorted(ranked, key=ranked.get)[:limit]
    if best:
        found = {c.id: c for c in db.session.scalars(_live(select(Customer).where(Customer.id.in_(best))))}
        result.customers = [found[i] for i in best if i in found]
    return result
