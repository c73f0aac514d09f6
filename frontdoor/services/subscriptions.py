"""Garden waste: an annual subscription per property (new, renew, amend bins, cancel).

Prices and the renewal window are settings with the defaults below; a council overrides them
with app.config["GARDEN_WASTE"] (a dict with any of these keys).
"""
from __future__ import annotations

from datetime import date, timedelta

from flask import current_app, url_for
from sqlalchemy import select

from frontdoor.extensions import db
from frontdoor.models import GardenSubscription, Payment, Property
from frontdoor.models.base import utcnow
from frontdoor.services import payments, properties
from frontdoor.services.registry import working_calendar

DEFAULTS = {
    "first_bin_pence": 5500,
    "additional_bin_pence": 3500,
    "concession_percent": 50,
    "renewal_window_days": 30,
    "max_bins": 5,
    "fund_code": "GARDEN-4102",
    # Renewing more than this long after expiry counts as a new subscription (DOMAIN.md).
    "renewal_grace_days": 30,
}
SERVICE = "garden_waste"


class SubscriptionRefused(Exception):
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


def _return_url(payment: Payment) -> str:
    return url_for("bulky.payment_return", reference=payment.reference, _external=True)


def subscribe(prop: Property, bins: int, concession: bool, customer_id: int | None = None,
              on: date | None = None, return_url=None) -> tuple[GardenSubscription, Payment]:
    """A new subscription, or a renewal if one is in its window (or lapsed only recently)."""
    on = on or today()
    rule = settings()
    current = active_subscriptions(prop, on)
    latest = next(iter(for_property(prop)), None)
    kind, starts, renewed_from = "new", on, None
    if current:
        sub = current[-1]
        if not renewal_open(sub, on):
            raise SubscriptionRefused(
                f"This address already has a subscription until {sub.ends_on:%-d %B %Y}. "
                f"You can renew it from {sub.ends_on - timedelta(days=rule['renewal_window_days']):%-d %B %Y}")
        kind, starts, renewed_from = "renew", sub.ends_on + timedelta(days=1), sub.id
    elif latest is not None and latest.status in ("active", "lapsed") and latest.ends_on < on \
            and (on - latest.ends_on).days <= rule["renewal_grace_days"]:
        kind, renewed_from = "renew", latest.id
    amount = price(bins, concession)
    sub = GardenSubscription(property_id=prop.id, customer_id=customer_id, bins=bins, concession=concession,
                             starts_on=starts, ends_on=starts.replace(year=starts.year + 1) - timedelta(days=1)
                             if not (starts.month == 2 and starts.day == 29) else date(starts.year + 1, 2, 28),
                             kind=kind, status="pending_payment", amount_pence=amount, renewed_from_id=renewed_from)
    db.session.add(sub)
    db.session.flush()
    payment = payments.start(amount_pence=amount, service=SERVICE, fund_code=rule["fund_code"],
                             description=f"Garden waste subscription, {bins} bin(s)",
                             purpose={"kind": "garden_subscription"}, subscription_id=sub.id,
                             return_url=return_url or _return_url)
    return sub, payment


@payments.on_success("garden_subscription")
def _paid(payment: Payment) -> None:
    sub = db.session.get(GardenSubscription, payment.subscription_id)
    if sub.status == "pending_payment":
        sub.status = "active"
        db.session.flush()


def amend_bins(sub: GardenSubscription, bins: int, on: date | None = None, return_url=None) -> Payment | None:
    """More bins: pay the difference in the annual price (not pro-rata). Fewer: no refund, as for bulky."""
    if sub.status != "active":
        raise SubscriptionRefused("Only an active subscription can be changed")
    new_price = price(bins, sub.concession)
    difference = new_price - sub.amount_pence
    if difference > 0:
        return payments.start(amount_pence=difference, service=SERVICE, fund_code=settings()["fund_code"],
                              description=f"Garden waste: change to {bins} bin(s)",
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


def cancel(sub: GardenSubscription) -> None:
    if sub.status not in ("active", "pending_payment"):
        raise SubscriptionRefused("This subscription is not active")
    sub.status = "cancelled"
    sub.cancelled_at = utcnow()
    db.session.flush()


def lapse_expired(on: date | None = None) -> int:
    """Periodic: subscriptions past their end date become lapsed."""
    on = on or today()
    expired = db.session.scalars(select(GardenSubscription).where(GardenSubscription.status == "active",
                                                                  GardenSubscription.ends_on < on)).all()
    for sub in expired:
        sub.status = "lapsed"
    db.session.flush()
    return len(expired)


def _as_rule_facts(prop: Property) -> list[dict]:
    """Active garden waste subscriptions as the engine's rules read them (requires_subscription)."""
    return [
        {"service": "garden_waste", "reference": f"GW-{s.id}", "starts": s.starts_on.isoformat(),
         "ends": s.ends_on.isoformat()}
        for s in for_property(prop)
        if s.status == "active"  # the rule itself checks the dates against the time of the report
    ]


# The missed garden waste rule reads subscriptions through the property facts, not from here directly.
properties.SUBSCRIPTION_SOURCES.append(_as_rule_facts)
