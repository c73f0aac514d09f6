"""The resident's garden waste pages: subscribe (address, bins, details, check, pay, confirmation),
then renew, change the number of bins, or cancel. Thin: each view calls services/subscriptions.py.

The journey lives in the signed session cookie under "garden", with a one-time request key so a
double-clicked "Pay" makes one subscription. A resident may open a subscription they paid for in
this browser ("garden_mine") or, signed in, any subscription of their customer record.
"""
from __future__ import annotations

import secrets
from types import SimpleNamespace

from flask import Blueprint, abort, current_app, flash, redirect, render_template, session, url_for

from frontdoor.auth import current_resident
from frontdoor.extensions import db
from frontdoor.labels import count_of
from frontdoor.models import Customer, GardenSubscription, Payment
from frontdoor.services import customers, outbox, payments, properties, subscriptions
from frontdoor.services.subscriptions import SubscriptionRefused
from portal.address_finder import address_step
from portal.garden_forms import AmendForm, BinsForm, ConfirmForm, DetailsForm
from workflows.fees import pounds

bp = Blueprint("garden", __name__, template_folder="templates")


@bp.before_request
def _offered_only_with_payments():
    if not current_app.config["PAYMENTS_ENABLED"]:  # PAYMENT_PROVIDER=none: chargeable services are not offered
        abort(404)

ADDRESS_PAGE = SimpleNamespace(title="What is your address?")
ADDRESS_QUESTION = SimpleNamespace(label="Postcode", hint="The address the garden waste bins are for. For example, DB1 2AB")


def _state() -> dict:
    return session.setdefault("garden", {})


def _save(**values) -> None:
    _state().update(values)
    session.modified = True


def _remember(sub: GardenSubscription) -> None:
    mine = session.setdefault("garden_mine", [])
    if sub.reference not in mine:
        mine.append(sub.reference)
        session.modified = True


def _may_see(sub: GardenSubscription) -> bool:
    account = current_resident()
    if account is not None and sub.customer_id is not None and account.customer_id == sub.customer_id:
        return True
    return sub.reference in session.get("garden_mine", [])


def _mine(reference: str) -> GardenSubscription:
    sub = subscriptions.by_reference(reference)
    if sub is None or not _may_see(sub):
        abort(404)
    return sub


def _return_url(payment: Payment) -> str:
    return url_for("garden.payment_return", reference=payment.reference, _external=True)


@bp.get("/")
def start():
    return render_template("garden/start.html", title="Subscribe to garden waste collections",
                           rule=subscriptions.settings(), pounds=pounds)


@bp.route("/address", methods=["GET", "POST"])
def address():
    def chosen(uprn):
        _save(uprn=uprn, renew_of=None)
        prop = properties.by_uprn(uprn)
        refused = subscriptions.refusal(prop) if prop is not None else None
        if refused:  # said straight after the address, not after everything else is filled in
            return render_template("garden/already_subscribed.html", title="This address already has garden waste collections",
                                   message=refused, prop=prop, back=url_for(".address", postcode=prop.postcode))
        return redirect(url_for(".bins"))

    return address_step(ADDRESS_PAGE, ADDRESS_QUESTION, _state().get("uprn"), chosen)


@bp.route("/bins", methods=["GET", "POST"])
def bins():
    state = _state()
    prop = properties.by_uprn(state.get("uprn", ""))
    if prop is None:
        return redirect(url_for(".address"))
    form = BinsForm(data={"bins": state.get("bins"), "concession": state.get("concession")})
    if form.validate_on_submit():
        _save(bins=form.bins.data, concession=form.concession.data)
        return redirect(url_for(".details") if not state.get("email") else url_for(".check"))
    return render_template("garden/bins.html", title=form.bins.label.text, form=form, prop=prop,
                           rule=subscriptions.settings(), pounds=pounds,
                           back=url_for(".address", postcode=prop.postcode))


@bp.route("/details", methods=["GET", "POST"])
def details():
    state = _state()
    if not state.get("bins"):
        return redirect(url_for(".bins"))
    account = current_resident()
    known = {"full_name": state.get("full_name"), "email": state.get("email")}
    if account is not None and account.customer is not None and not known["email"]:
        known = {"full_name": account.customer.full_name, "email": account.customer.email}
    form = DetailsForm(data=known)
    if form.validate_on_submit():
        _save(full_name=form.full_name.data.strip(), email=form.email.data.strip())
        return redirect(url_for(".check"))
    return render_template("garden/details.html", title="Your details", form=form, back=url_for(".bins"))


@bp.route("/check", methods=["GET", "POST"])
def check():
    state = _state()
    prop = properties.by_uprn(state.get("uprn", ""))
    if prop is None:
        return redirect(url_for(".address"))
    if not state.get("bins") or state.get("concession") not in ("yes", "no"):
        return redirect(url_for(".bins"))
    if not state.get("email"):
        return redirect(url_for(".details"))
    bins, concession = int(state["bins"]), state["concession"] == "yes"
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        key = state.get("key") or secrets.token_urlsafe(24)
        _save(key=key)
        try:
            account = current_resident()
            customer = account.customer if account is not None and account.customer is not None else \
                customers.find_or_create(state["full_name"], state["email"], None, prop)
            sub, payment = subscriptions.subscribe(prop, bins, concession, customer_id=customer.id,
                                                   return_url=_return_url, request_key=key)
        except SubscriptionRefused as exc:
            outbox.rollback()
            error = str(exc)
        else:
            if payment.status != "created":  # a retried click after the payment finished
                return redirect(url_for(".payment_return", reference=payment.reference))
            return redirect(payment.next_url)
    return render_template("garden/check.html", title="Check your answers", form=form, error=error, prop=prop,
                           bins=bins, concession=concession, state=state,
                           amount=pounds(subscriptions.price(bins, concession)), back=url_for(".details"))


@bp.get("/return/<reference>")
def payment_return(reference):
    """Where the provider sends the payer back. The URL proves nothing: we ask the provider."""
    payment = payments.by_reference(reference)
    if payment is None or payment.subscription_id is None:
        abort(404)
    payment = payments.confirm(payment)
    sub = db.session.get(GardenSubscription, payment.subscription_id)
    if payment.status == "success":
        _remember(sub)
        if payment.purpose.get("kind") == "garden_subscription":
            session.pop("garden", None)
        else:
            flash(f"Your subscription now has {count_of(sub.bins, 'bin')}.", "success")
        return redirect(url_for(".subscription", reference=sub.reference))
    if payment.purpose.get("kind") == "garden_subscription":
        _save(key=None)  # trying again is a fresh attempt
    again = url_for(".check") if payment.purpose.get("kind") == "garden_subscription" and _state().get("uprn") \
        else url_for(".subscription", reference=sub.reference) if _may_see(sub) else url_for(".start")
    return render_template("garden/not_paid.html", title="Your payment was not completed", payment=payment,
                           again=again)


@bp.get("/subscription/<reference>")
def subscription(reference):
    sub = _mine(reference)
    return render_template("garden/subscription.html", title="Your garden waste subscription", sub=sub,
                           payments=subscriptions.payments_for(sub), pounds=pounds,
                           renewal_open=subscriptions.can_renew(sub))


@bp.get("/subscription/<reference>/renew")
def renew(reference):
    """Renewing is the same journey with the address, bins and details filled in; the service
    makes it a renewal because the subscription is in its window."""
    sub = _mine(reference)
    if not subscriptions.can_renew(sub):
        flash("This subscription cannot be renewed now.", "info")
        return redirect(url_for(".subscription", reference=reference))
    customer = db.session.get(Customer, sub.customer_id) if sub.customer_id else None
    session["garden"] = {"uprn": sub.property.uprn, "bins": str(sub.bins), "concession": "yes" if sub.concession else "no",
                         "full_name": customer.full_name if customer else None, "email": customer.email if customer else None}
    return redirect(url_for(".bins"))


@bp.route("/subscription/<reference>/bins", methods=["GET", "POST"])
def amend(reference):
    sub = _mine(reference)
    form = AmendForm(data={"bins": str(sub.bins)})
    error = None
    if form.validate_on_submit():
        try:
            payment = subscriptions.amend_bins(sub, int(form.bins.data), return_url=_return_url)
        except SubscriptionRefused as exc:
            outbox.rollback()
            error = str(exc)
        else:
            if payment is not None:
                return redirect(payment.next_url)
            flash(f"Your subscription now has {count_of(sub.bins, 'bin')}.", "success")
            return redirect(url_for(".subscription", reference=reference))
    return render_template("garden/amend.html", title="Change the number of bins", form=form, sub=sub, error=error,
                           rule=subscriptions.settings(), pounds=pounds,
                           back=url_for(".subscription", reference=reference))


@bp.route("/subscription/<reference>/cancel", methods=["GET", "POST"])
def cancel(reference):
    sub = _mine(reference)
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        if sub.status == "cancelled":  # a second click: the first one did it
            return redirect(url_for(".subscription", reference=reference))
        try:
            refunded = subscriptions.cancel(sub, "Cancelled by the resident online")
        except SubscriptionRefused as exc:
            outbox.rollback()
            error = str(exc)
        else:
            flash("Your subscription is cancelled. " + (f"We have refunded {pounds(refunded)}." if refunded
                                                        else "No refund is due."), "success")
            return redirect(url_for(".subscription", reference=reference))
    return render_template("garden/cancel.html", title="Cancel your garden waste subscription", form=form, sub=sub,
                           error=error, refund=subscriptions.refund_due(sub), pounds=pounds,
                           rule=subscriptions.settings(), back=url_for(".subscription", reference=reference))
