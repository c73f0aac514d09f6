"""Finding or creating the customer a request is from ("tell us once")."""
from __future__ import annotations

import re

from sqlalchemy import select

from frontdoor.unit_of_work import Refused
from frontdoor.extensions import db, insert_for_dialect
from frontdoor.models import Customer, Property
from workflows.validation import normalise_phone


def normalise_email(email: str | None) -> str | None:
    return email.strip().lower() if email else None


def name_key(*names: str | None) -> str | None:
    """Lower-case letters-only tokens, sorted: "Smith, John" and "john smith" give the same key."""
    tokens = sorted(t for n in names for t in re.split(r"[^a-z0-9']+", (n or "").lower()) if t)
    return " ".join(tokens)[:201] or None


def keep_search_name(customer: Customer) -> None:
    """The one place customers.search_name and the distinct-names table are kept current."""
    from frontdoor.models import CustomerName

    key = name_key(customer.first_name, customer.last_name)
    customer.search_name = key
    if not key:
        return
    db.session.execute(insert_for_dialect(CustomerName).values(name=key).on_conflict_do_nothing())


def split_name(full_name: str) -> tuple[str, str]:
    parts = (full_name or "").strip().split()
    if not parts:
        return "", ""
    return " ".join(parts[:-1]) or parts[0], parts[-1] if len(parts) > 1 else ""


def _first_live(column, value) -> Customer | None:
    """The oldest customer record with this value that has not been merged into another."""
    return db.session.scalar(
        select(Customer).where(column == value, Customer.merged_into_id.is_(None)).order_by(Customer.id).limit(1)
    )


def find_or_create(full_name: str | None, email: str | None, phone: str | None, prop: Property | None) -> Customer | None:
    """Match on the normalised email (then the phone); otherwise a new customer."""
    return match_or_create(full_name, email, phone, prop)[0]


def match_or_create(full_name: str | None, email: str | None, phone: str | None,
                    prop: Property | None) -> tuple[Customer | None, bool]:
    """find_or_create(), also saying whether the customer is new (so has no earlier contacts)."""
    email_n = normalise_email(email)
    phone_e164 = normalise_phone(phone) if phone else None
    if not (full_name or email_n or phone_e164):
        return None, False
    customer = None
    if email_n:
        customer = _first_live(Customer.email_normalised, email_n)
    elif phone_e164:
        customer = _first_live(Customer.phone_e164, phone_e164)
    created = customer is None
    if created:
        first, last = split_name(full_name or "")
        customer = Customer(
            first_name=first,
            last_name=last,
            email=email.strip() if email else None,
            email_normalised=email_n,
            phone=phone,
            phone_e164=phone_e164,
            property_id=prop.id if prop else None,
            contact_preference="email" if email_n else ("sms" if phone_e164 else "none"),
            flags={},
        )
        keep_search_name(customer)
        db.session.add(customer)
    elif prop and not customer.property_id:
        # A gap in the address only: it unlocks nothing. Contact details are another matter: whoever typed
        # the email may not be its owner, so the phone they gave stays on the case (tracking reads it from
        # there) until the customer changes their own details or an advisor confirms it (confirm_case_details).
        customer.property_id = prop.id
    db.session.flush()
    return customer, created


def case_contact_details(case) -> dict[str, str]:
    """The name, email and phone given on one case, as typed: {"name"|"email"|"phone": value}."""
    from frontdoor.services.workflow_versions import for_case

    definition = for_case(case)
    fields = (definition.customer_fields if definition else None) or {}
    answers = case.answers or {}
    return {k: answers[q] for k, q in fields.items() if q and isinstance(answers.get(q), str) and answers[q].strip()}


def confirm_case_details(case, staff) -> dict[str, str]:
    """An advisor, having checked with the customer, copies the phone and address given on a case onto
    the customer's record. Returns what changed, for the audit log (which this writes)."""
    from frontdoor.services import audit

    customer = case.customer
    if customer is None or customer.merged_into_id is not None:
        raise ProfileRefused("This case has no customer record to update")
    given = case_contact_details(case)
    changed = {}
    phone_e164 = normalise_phone(given["phone"]) if given.get("phone") else None
    if phone_e164 and phone_e164 != customer.phone_e164:
        customer.phone, customer.phone_e164 = given["phone"], phone_e164
        changed["phone"] = given["phone"]
    if case.property_id and case.property_id != customer.property_id:
        customer.property_id = case.property_id
        changed["property_id"] = case.property_id
    audit.record(staff, "write", "customer.confirm_case_details", customer_id=customer.id, case_id=case.id,
                 changed=sorted(changed))
    db.session.flush()
    return changed


FLAGS = ("vulnerable", "assisted_collection", "call_back")


class ProfileRefused(Refused):
    """The message is for the person who asked."""


def update_profile(customer: Customer, flags: list[str], contact_preference: str) -> dict:
    """Flags and contact preference, set by staff. Returns what changed, for the audit log."""
    if customer.merged_into_id is not None:
        raise ProfileRefused("This record was merged; change the record it was merged into")
    if contact_preference == "email" and not customer.email:
        raise ProfileRefused("There is no email address for this customer")
    if contact_preference == "sms" and not customer.phone_e164:
        raise ProfileRefused("There is no mobile number for this customer")
    new_flags = {**(customer.flags or {}), **{f: f in flags for f in FLAGS}}
    changed = {k: v for k, v in new_flags.items() if (customer.flags or {}).get(k, False) != v}
    if customer.contact_preference != contact_preference:
        changed["contact_preference"] = contact_preference
    customer.flags = new_flags
    customer.contact_preference = contact_preference
    db.session.flush()
    return changed
