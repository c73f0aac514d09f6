"""Staff pages for garden waste subscriptions: find by reference, UPRN or postcode; view one;
take a subscription for a caller (paid on the same hosted payment page); cancel with a reason."""
from __future__ import annotations

import hashlib
import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from frontdoor.auth import staff_required
from frontdoor.extensions import db
from frontdoor.models import Customer, GardenSubscription, Payment
from frontdoor.services import audit, customers, outbox, payments, properties, subscriptions
from frontdoor.services.subscriptions import SubscriptionRefused
from portal.garden_forms import StaffCancelForm, StaffSubscribeForm
from workflows.fees import pounds

bp = Blueprint("staff_garden", __name__, template_folder="templates")


def _by_reference(sub_ref: str) -> GardenSubscription:
    sub = subscriptions.by_reference(sub_ref)
    if sub is None:
        abort(404)
    return sub


def _return_url(payment: Payment) -> str:
    return url_for("staff_garden.payment_return", payment_ref=payment.reference, _external=True)


@bp.get("")
@staff_required()
def search():
    text = request.args.get("q", "").strip()[:100]
    rows = subscriptions.search(text)
    page = render_template("staff_garden/search.html", title="Garden waste subscriptions", q=text, rows=rows, pounds=pounds)
    if rows:
        audit.record_read(current_user, "garden_subscription.search", references=[s.reference for s in rows[:50]])
    return page


def _view(sub: GardenSubscription, cancel_form: StaffCancelForm | None = None, error: str | None = None):
    customer = db.session.get(Customer, sub.customer_id) if sub.customer_id else None
    return render_template("staff_garden/view.html", title=f"Garden waste subscription {sub.reference}", sub=sub,
                           customer=customer, payments=subscriptions.payments_for(sub), pounds=pounds,
                           form=cancel_form or StaffCancelForm(), error=error, refund=subscriptions.refund_due(sub))


@bp.get("/<sub_ref>")
@staff_required()
def view(sub_ref):
    sub = _by_reference(sub_ref)
    audit.record(current_user, "read", "garden_subscription.view", customer_id=sub.customer_id, reference=sub.reference)
    return _view(sub)


@bp.post("/<sub_ref>/cancel")
@staff_required("advisor", "caseworker", "team_lead")
def cancel(sub_ref):
    sub = _by_reference(sub_ref)
    form = StaffCancelForm()
    if not form.validate_on_submit():
        return _view(sub, form), 400
    if sub.status == "cancelled":  # a second click: the first one did it
        return redirect(url_for(".view", sub_ref=sub_ref))
    try:
        refunded = subscriptions.cancel(sub, form.reason.data.strip())
        audit.record(current_user, "write", "garden_subscription.cancel", customer_id=sub.customer_id,
                     reference=sub.reference, reason=form.reason.data.strip())
    except SubscriptionRefused as exc:
        outbox.rollback()
        return _view(sub, form, str(exc)), 400
    flash(f"Subscription cancelled. Refunded {pounds(refunded)}.", "success")
    return redirect(url_for(".view", sub_ref=sub_ref))


@bp.route("/new", methods=["GET", "POST"])
@staff_required("advisor", "caseworker", "team_lead")
def new():
    """An advisor takes a subscription for a caller; the caller's card goes through the same payment page."""
    form = StaffSubscribeForm(data={"uprn": request.args.get("uprn", "")} if request.method == "GET" else None)
    error = None
    if form.validate_on_submit():
        prop = properties.by_uprn(form.uprn.data.strip())
        if prop is None:
            form.uprn.errors.append("Enter the UPRN of an address we know")
        else:
            # The same form sent twice (a double-click) finds the first subscription; another caller's does not.
            nonce = session.setdefault("staff_garden_nonce", secrets.token_urlsafe(16))
            key = hashlib.sha256("|".join([nonce, prop.uprn, form.bins.data, form.concession.data,
                                           form.full_name.data.strip(), form.email.data or ""]).encode()).hexdigest()
            try:
                customer = customers.find_or_create(form.full_name.data.strip(), form.email.data or None,
                                                    form.phone.data or None, prop)
                sub, payment = subscriptions.subscribe(prop, int(form.bins.data), form.concession.data == "yes",
                                                       customer_id=customer.id, return_url=_return_url,
                                                       request_key=key)
                audit.record(current_user, "write", "garden_subscription.new", customer_id=customer.id,
                             reference=sub.reference)
            except SubscriptionRefused as exc:
                outbox.rollback()
                error = str(exc)
            else:
                if payment.status != "created":
                    return redirect(url_for(".payment_return", payment_ref=payment.reference))
                return redirect(payment.next_url)
    return render_template("staff_garden/new.html", title="Take a garden waste subscription for a caller", form=form,
                           error=error, rule=subscriptions.settings(), pounds=pounds)


@bp.get("/return/<payment_ref>")
@staff_required("advisor", "caseworker", "team_lead")
def payment_return(payment_ref):
    """The caller paid (or not) on the hosted page; as for residents, we ask the provider."""
    payment = payments.by_reference(payment_ref)
    if payment is None or payment.subscription_id is None:
        abort(404)
    payment = payments.confirm(payment)
    session.pop("staff_garden_nonce", None)
    sub = db.session.get(GardenSubscription, payment.subscription_id)
    flash(f"Payment {payment.reference}: {payment.status}.", "success" if payment.status == "success" else "error")
    return redirect(url_for(".view", sub_ref=sub.reference))
