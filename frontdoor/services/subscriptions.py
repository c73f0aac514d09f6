"""Garden waste: an annual subscription per property (new, renew, amend bins, cancel).

Prices and the renewal window are settings with the defaults below; a council overrides them
with app.config["GARDEN_WASTE"] (a dict with any of these keys). There is no garden waste workflow
definition (a subscription is not a case), so the prices live here rather than in a `fees:` block.

Rules DOMAIN.md leaves to us (decided here):
- Amending the number of bins charges the difference in the annual price, not pro-rata (a bin
  added in month 11 costs the same as in month 1, as most councils' subscriptions do); fewer bins
  are not refunded, as for a cheaper bulky amendment.
- Cancelling refunds everything paid if it happens within the cooling-off period (14 days from
  the start, or any time before a renewal starts); after that, nothing.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from frontdoor.extensions import db
from frontdoor.models import Customer, GardenSubscription, Payment, Property
from frontdoor.labels import count_of
from frontdoor.models.base import utcnow
from frontdoor.services import manage_links, notifications, outbox, payments, properties
from frontdoor.services.links import Link
from frontdoor.services.references import new_reference
from frontdoor.services.registry import working_calendar
from frontdoor.unit_of_work import Refused
from workflows.validation import normalise_postcode

DEFAULTS = {
    "first_bin_pence": 5500,
    "additional_bin_pence": 3500,
    "concession_percent": 50,
    "renewal_window_days": 30,
    "max_bins": 5,
    "fund_code": "GARDEN-4102",
    # Renewing more than this long after expiry counts as a new subscription (DOMAIN.md).
    "renewal_grace_days": 30,
    # Cancel within this many days of the start (or before the start): full refund; later: none.
    "cooling_off_days": 14,
}
SERVICE = "garden_waste"


class SubscriptionRefused(Refused):
    """The message is for the person who asked."""


def settings() -> dict:
    return {**DEFAULTS, **(current_app.config.get("GARDEN_WASTE") or {})}


def price(bins: int, concession: bool) -> int:
    rule = settings()
    if bins < 1 or bins > rule["max_bins"]:
        raise SubscriptionRefused(f"Choose between 1 and {rule['max_bins']} bins")
    total = rule["first_bin_pence"] + (bins - 1) * rule["additional_bin_pence"]
    if concession:
        total -= total * rule["concession_percent"] // 100
    return total


def today() -> date:
    return working_calendar().local(utcnow()).date()


def active_subscriptions(prop: Property | int, on: date | None = None) -> list[GardenSubscription]:
    """Subscriptions in force at a property on a day (today by default): for the missed garden waste rule."""
    on = on or today()
    property_id = prop if isinstance(prop, int) else prop.id
    return list(db.session.scalars(select(GardenSubscription).where(
        GardenSubscription.property_id == property_id, GardenSubscription.status == "active",
        GardenSubscription.starts_on <= on, GardenSubscription.ends_on >= on).order_by(GardenSubscription.id)))


def for_property(prop: Property) -> list[GardenSubscription]:
    return list(db.session.scalars(select(GardenSubscription).where(GardenSubscription.property_id == prop.id)
                                   .order_by(GardenSubscription.id.desc())))


def renewal_open(sub: GardenSubscription, on: date | None = None) -> bool:
    on = on or today()
    rule = settings()
    return sub.status == "active" and sub.ends_on - timedelta(days=rule["renewal_window_days"]) <= on <= sub.ends_on


def can_renew(sub: GardenSubscription, on: date | None = None) -> bool:
    """In its window and not already renewed (a paid renewal points back to it)."""
    return renewal_open(sub, on) and db.session.scalar(select(GardenSubscription.id).where(
        GardenSubscription.renewed_from_id == sub.id, GardenSubscription.status == "active")) is None


def _return_url(payment: Payment) -> str:
    return Link("garden.payment_return", {"reference": payment.reference}).url()


def by_reference(reference: str) -> GardenSubscription | None:
    return db.session.scalar(select(GardenSubscription).where(GardenSubscription.reference == reference.strip().upper()))


def for_customer(customer_id: int | None) -> list[GardenSubscription]:
    if customer_id is None:
        return []
    return list(db.session.scalars(select(GardenSubscription).where(GardenSubscription.customer_id == customer_id,
                                                                    GardenSubscription.status != "pending_payment")
                                   .order_by(GardenSubscription.id.desc())))


def search(text: str, limit: int = 50) -> list[GardenSubscription]:
    """Staff: by subscription reference, UPRN, or postcode (spaces and case ignored)."""
    text = (text or "").strip().upper()
    query = select(GardenSubscription).join(Property, GardenSubscription.property_id == Property.id)
    if text:
        query = query.where(or_(GardenSubscription.reference == text, Property.uprn == text,
                                Property.postcode == (normalise_postcode(text) or text)))
    return list(db.session.scalars(query.order_by(GardenSubscription.id.desc()).limit(limit)))


def payments_for(sub: GardenSubscription) -> list[Payment]:
    return list(db.session.scalars(select(Payment).where(Payment.subscription_id == sub.id).order_by(Payment.id)))


def open_payment(sub: GardenSubscription, kind: str) -> Payment | None:
    """A payment of this kind started and not yet finished: a retried request pays it rather than a second one."""
    return next((p for p in reversed(payments_for(sub)) if p.status == "created" and p.purpose.get("kind") == kind),
                None)


def refusal(prop: Property, on: date | None = None) -> str | None:
    """Why this address cannot take a new subscription today (it has one, not yet in its renewal
    window, or is already renewed), in words; None if it can. Asked straight after the address."""
    on = on or today()
    ahead = [s for s in for_property(prop) if s.status == "active" and s.starts_on > on]
    if ahead:
        return f"This address is already renewed until {ahead[0].ends_on:%-d %B %Y}"
    current = active_subscriptions(prop, on)
    if current and not renewal_open(current[-1], on):
        sub = current[-1]
        return (f"This address already has a subscription until {sub.ends_on:%-d %B %Y}. "
                f"You can renew it from {sub.ends_on - timedelta(days=settings()['renewal_window_days']):%-d %B %Y}")
    return None


def subscribe(prop: Property, bins: int, concession: bool, customer_id: int | None = None,
              on: date | None = None, return_url=None, request_key: str | None = None
              ) -> tuple[GardenSubscription, Payment]:
    """A new subscription, or a renewal if one is in its window (or lapsed only recently).

    With a request_key (one per check page), asking twice returns the first subscription and its payment.
    """
    if request_key:
        earlier = db.session.scalar(select(GardenSubscription).where(GardenSubscription.request_key == request_key))
        if earlier is not None:
            return earlier, _payment_to_show(earlier)
    on = on or today()
    rule = settings()
    refused = refusal(prop, on)
    if refused:
        raise SubscriptionRefused(refused)
    current = active_subscriptions(prop, on)
    latest = next(iter(for_property(prop)), None)
    kind, starts, renewed_from = "new", on, None
    if current:
        sub = current[-1]
        kind, starts, renewed_from = "renew", sub.ends_on + timedelta(days=1), sub.id
    elif latest is not None and latest.status in ("active", "lapsed") and latest.ends_on < on \
            and (on - latest.ends_on).days <= rule["renewal_grace_days"]:
        kind, renewed_from = "renew", latest.id
    amount = price(bins, concession)
    sub = GardenSubscription(property_id=prop.id, customer_id=customer_id, bins=bins, concession=concession,
                             starts_on=starts, ends_on=starts.replace(year=starts.year + 1) - timedelta(days=1)
                             if not (starts.month == 2 and starts.day == 29) else date(starts.year + 1, 2, 28),
                             kind=kind, status="pending_payment", amount_pence=amount, renewed_from_id=renewed_from,
                             reference="GW-" + new_reference(), request_key=request_key)
    try:
        with db.session.begin_nested():  # a simultaneous second click loses here and finds the first
            db.session.add(sub)
            db.session.flush()
    except IntegrityError:
        earlier = db.session.scalar(select(GardenSubscription).where(GardenSubscription.request_key == request_key))
        if earlier is None:
            raise
        return earlier, _payment_to_show(earlier)
    payment = payments.start(amount_pence=amount, service=SERVICE, fund_code=rule["fund_code"],
                             description=f"Garden waste subscription, {count_of(bins, 'bin')}",
                             purpose={"kind": "garden_subscription"}, subscription_id=sub.id,
                             return_url=return_url or _return_url)
    return sub, payment


def _payment_to_show(sub: GardenSubscription) -> Payment:
    found = payments_for(sub)
    return found[0]


@payments.on_success("garden_subscription")
def _paid(payment: Payment) -> None:
    sub = db.session.get(GardenSubscription, payment.subscription_id)
    if sub.status == "pending_payment":
        sub.status = "active"
        db.session.flush()
        _send_receipt(sub, payment)


def _send_receipt(sub: GardenSubscription, payment: Payment) -> None:
    """The emailed receipt (through the outbox: sent after the commit). No email on record: nothing to send."""
    customer = db.session.get(Customer, sub.customer_id) if sub.customer_id else None
    if customer is None or not customer.email:
        return
    outbox.add("booking_email", {"to": customer.email, "template": "garden_receipt", "values": {
        "name": customer.full_name, "reference": sub.reference, "address": sub.property.single_line,
        "bins": count_of(sub.bins, "bin"), "amount": f"£{payment.amount_pence / 100:.2f}", "payment": payment.reference,
        "starts": f"{sub.starts_on:%-d %B %Y}", "ends": f"{sub.ends_on:%-d %B %Y}",
        "council_phone": current_app.config["COUNCIL_PHONE"], "manage_url": manage_links.link_for(sub.reference),
    }})


notifications.BOOKING_TEMPLATES["garden_receipt"] = {
    "subject": "Your garden waste subscription {reference}",
    "body": "Dear {name},\n\nThank you for subscribing to garden waste collections at {address}: "
    "{bins} from {starts} to {ends}.\n\nWe have received {amount} (payment reference {payment}). "
    "Your subscription reference is {reference}.\n\nSee, change or cancel your subscription: {manage_url}\n\nIf you need help, call {council_phone}.",
}


def amend_bins(sub: GardenSubscription, bins: int, on: date | None = None, return_url=None) -> Payment | None:
    """More bins: pay the difference in the annual price (not pro-rata). Fewer: no refund, as for bulky."""
    if sub.status != "active":
        raise SubscriptionRefused("Only an active subscription can be changed")
    new_price = price(bins, sub.concession)
    difference = new_price - sub.amount_pence
    if bins == sub.bins:
        return None  # nothing to change (or a second click after the first changed it)
    if difference > 0:
        waiting = open_payment(sub, "garden_amend")
        if waiting is not None and waiting.purpose.get("bins") == bins:
            return waiting  # the same change asked for twice: one payment
        return payments.start(amount_pence=difference, service=SERVICE, fund_code=settings()["fund_code"],
                              description=f"Garden waste: change to {count_of(bins, 'bin')}",
                              purpose={"kind": "garden_amend", "bins": bins, "total": new_price},
                              subscription_id=sub.id, return_url=return_url or _return_url)
    sub.bins = bins
    db.session.flush()
    return None


@payments.on_success("garden_amend")
def _amend_paid(payment: Payment) -> None:
    sub = db.session.get(GardenSubscription, payment.subscription_id)
    sub.bins = int(payment.purpose["bins"])
    sub.amount_pence = int(payment.purpose["total"])
    db.session.flush()


def refund_due(sub: GardenSubscription, on: date | None = None) -> int:
    """What cancelling today gives back: all of it within the cooling-off period, nothing after."""
    on = on or today()
    paid = sum(p.refundable_pence for p in payments_for(sub))
    return paid if on <= sub.starts_on + timedelta(days=settings()["cooling_off_days"]) else 0


def cancel(sub: GardenSubscription, reason: str = "Cancelled by the resident", on: date | None = None) -> int:
    """Cancel, refunding by the cooling-off rule through the provider. Returns pence refunded.

    Row-locked, so a double-click refunds once; the second click is told it is already cancelled.
    """
    db.session.execute(select(GardenSubscription.id).where(GardenSubscription.id == sub.id).with_for_update())
    db.session.refresh(sub)
    if sub.status not in ("active", "pending_payment"):
        raise SubscriptionRefused("This subscription is not active")
    to_refund = refund_due(sub, on)
    refunded = 0
    for payment in payments_for(sub):
        part = min(to_refund - refunded, payment.refundable_pence)
        if part > 0:
            payments.refund(payment, part, f"Garden waste subscription cancelled: {reason}"[:500])
            refunded += part
    sub.status = "cancelled"
    sub.cancelled_at = utcnow()
    sub.cancel_reason = reason
    db.session.flush()
    return refunded


def lapse_expired(on: date | None = None) -> int:
    """Periodic: subscriptions past their end date become lapsed."""
    on = on or today()
    expired = db.session.scalars(select(GardenSubscription).where(GardenSubscription.status == "active",
                                                                  GardenSubscription.ends_on < on)).all()
    for sub in expired:
        sub.status = "lapsed"
    db.session.flush()
    return len(expired)


def send_renewal_invitations(on: date | None = None, limit: int = 500) -> int:
    """Periodic: invite subscribers to renew once their renewal window opens. Each invitation is recorded
    on the subscription (sent once); no email on record, or already renewed: nothing to send."""
    on = on or today()
    opens_by = on + timedelta(days=settings()["renewal_window_days"])
    due = db.session.scalars(select(GardenSubscription).where(
        GardenSubscription.status == "active", GardenSubscription.renewal_invited_at.is_(None),
        GardenSubscription.ends_on >= on, GardenSubscription.ends_on <= opens_by,
    ).order_by(GardenSubscription.id).limit(limit)).all()
    sent = 0
    for sub in due:
        sub.renewal_invited_at = utcnow()
        customer = db.session.get(Customer, sub.customer_id) if sub.customer_id else None
        if customer is None or not customer.email or not can_renew(sub, on):
            continue
        outbox.add("booking_email", {"to": customer.email, "template": "garden_renewal", "values": {
            "name": customer.full_name, "reference": sub.reference, "address": sub.property.single_line,
            "ends": f"{sub.ends_on:%-d %B %Y}", "link": current_app.config["PUBLIC_URL"].rstrip("/") + "/garden-waste/",
            "council_phone": current_app.config["COUNCIL_PHONE"],
        }})
        sent += 1
    db.session.flush()
    return sent


notifications.BOOKING_TEMPLATES["garden_renewal"] = {
    "subject": "Renew your garden waste subscription {reference}",
    "body": "Dear {name},\n\nYour garden waste subscription at {address} ends on {ends}. You can renew it now "
    "for another year: {link}\n\nIf you need help, call {council_phone}.",
}


def _as_rule_facts(prop: Property) -> list[dict]:
    """Active garden waste subscriptions as the engine's rules read them (requires_subscription)."""
    return [
        {"service": "garden_waste", "reference": s.reference or f"GW-{s.id}", "starts": s.starts_on.isoformat(),
         "ends": s.ends_on.isoformat()}
        for s in for_property(prop)
        if s.status == "active"  # the rule itself checks the dates against the time of the report
    ]


# The missed garden waste rule reads subscriptions through the property facts, not from here directly.
properties.SUBSCRIPTION_SOURCES.append(_as_rule_facts)
