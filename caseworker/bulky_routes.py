"""Staff pages for bulky waste and income: the collection manifest (HTML, printable, CSV), marking
collections, booking on a caller's behalf, and the income reconciliation report."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from frontdoor.auth import staff_required
from frontdoor.extensions import db
from frontdoor.ids import whole_number
from caseworker import contact_session
from frontdoor.models import Booking, Case, CollectionRound, Contact, Customer
from frontdoor.services import audit, bulky, bulky_links, income, outbox, payments, prefill, properties
from frontdoor.services.actors import Actor
from frontdoor.services.slots import SlotFull
from frontdoor.services.transitions import TransitionRefused
from workflows.fees import FeeError, catalogue, pounds

bp = Blueprint("staff_bulky", __name__, template_folder="templates")


class EmptyForm(FlaskForm):
    pass


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        abort(400, "Enter the date as YYYY-MM-DD")


def _rounds():
    stream = bulky.booking_rules().get("round_stream", "bulky")
    return db.session.scalars(select(CollectionRound).where(CollectionRound.stream == stream)
                              .order_by(CollectionRound.name)).all()


@bp.get("/manifest")
@staff_required()
def manifest():
    rounds = _rounds()
    round_id = whole_number(request.args.get("round")) or (rounds[0].id if rounds else None)
    today = bulky.working_calendar().local(bulky.utcnow()).date()
    day = _day(request.args.get("day"), None) if request.args.get("day") else bulky.next_collection_day(round_id, today)
    rows = bulky.manifest(round_id, day) if round_id else []
    cases = {c.id: c for c in db.session.scalars(select(Case).where(Case.id.in_([b.case_id for b in rows if b.case_id])))}
    if rows:  # addresses, and what each household is throwing away
        audit.record_read(current_user, "bulky.manifest", day=day.isoformat(), round_id=round_id,
                          format=request.args.get("format") or "html", booking_ids=[b.id for b in rows])
    if request.args.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["reference", "address", "postcode", "items", "location", "status", "reason"])
        for b in rows:
            case = cases.get(b.case_id)
            writer.writerow([case.reference if case else b.reference, b.property.single_line, b.property.postcode,
                             "; ".join(bulky.item_lines(b)), b.location, b.status, b.outcome_reason or ""])
        return Response(out.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename=manifest-{day.isoformat()}.csv"})
    return render_template("staff_bulky/manifest.html", title=f"Bulky collections on {day:%A %-d %B %Y}", rows=rows,
                           cases=cases, rounds=rounds, round_id=round_id, day=day, lines=bulky.item_lines,
                           form=EmptyForm())


@bp.post("/bookings/<int:booking_id>/mark")
@staff_required("caseworker", "team_lead")
def mark(booking_id):
    booking = db.session.get(Booking, booking_id)
    if booking is None:
        abort(404)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = request.form.get("outcome", "")
    reason = request.form.get("reason", "").strip()
    try:
        if outcome == "not_collected" and not reason:
            raise bulky.BookingRefused("Enter why the items were not collected")
        bulky.mark(booking, outcome, Actor.for_staff(current_user), reason)
    except (bulky.BookingRefused, TransitionRefused) as exc:
        outbox.rollback()
        flash(str(exc), "error")
    else:
        flash("Saved", "success")
    return redirect(url_for(".manifest", round=booking.slot.round_id, day=booking.slot.day.isoformat()))


def _caller():
    """The caller of the contact in progress, if the advisor came from it (tell us once)."""
    current = contact_session.current()
    customer = db.session.get(Customer, current["customer_id"]) if current and current.get("customer_id") else None
    return current, customer


def _back_to_contact(booking, message, elsewhere=None):
    """After booking during a call: the contact counts what was done, and the advisor returns to it."""
    current = contact_session.current()
    if current is None:
        flash(message, "success")
        return redirect(elsewhere or url_for(".manifest", round=booking.slot.round_id, day=booking.slot.day.isoformat()))
    contact = db.session.scalar(select(Contact).where(Contact.case_id == booking.case_id).order_by(Contact.id).limit(1)) \
        if booking.case_id else None
    if contact is not None and contact.id not in current["contact_ids"]:
        contact_session.add_contact(contact.id)
    if booking.customer_id and not current.get("customer_id"):
        contact_session.set_customer(booking.customer_id)
    flash(message + " Read the reference to the caller.", "success")
    return redirect(url_for("caseworker.contact_current"))


@bp.route("/book", methods=["GET", "POST"])
@staff_required("advisor", "caseworker", "team_lead")
def book():
    """An advisor books for a caller: the same items, dates, prices and checks as the resident's
    pages, with the call guidance beside each step. Take payment on the same payment page, email
    the caller a link to pay, or record a free collection with a reason."""
    form = EmptyForm()
    errors: dict[str, str] = {}
    current, caller = _caller()
    known = prefill.facts(caller)
    values = request.form if request.method == "POST" else {
        "uprn": known.get("property.uprn", ""), "full_name": known.get("customer.full_name", ""),
        "email": known.get("customer.email", ""), "phone": known.get("customer.phone", "")}
    postcode = (request.args.get("postcode") or known.get("property.postcode") or "").strip()
    if form.validate_on_submit():
        prop = properties.by_uprn(values.get("uprn", "").strip())
        if prop is None:
            errors["uprn"] = "Choose the caller's address"
        answers = {k: values.get(k, "").strip() for k in ("location", "full_name", "email", "phone")}
        for key, message in (("location", "Enter where the items will be left"), ("full_name", "Enter the caller's name")):
            if not answers[key]:
                errors[key] = message
        payment_way = values.get("payment", "")
        if payment_way not in ("card", "link", "free"):
            errors["payment"] = "Choose how the caller will pay"
        if payment_way == "free" and not values.get("free_reason", "").strip():
            errors["free_reason"] = "Enter the reason the collection is free"
        if payment_way == "link" and not answers["email"]:
            errors["email"] = "Enter the caller's email address to send them a payment link"
        if not errors:
            raw = {k[len("item-"):]: v for k, v in values.items() if k.startswith("item-") and v.strip()}
            slot = values.get("slot", "")
            try:
                booking = bulky.hold(prop, raw, whole_number(slot) or 0, customer=caller)
                answers = {k: v for k, v in answers.items() if v}
                answers["address"] = prop.uprn
                actor = Actor.for_staff(current_user)
                channel = current["channel"] if current else "phone"
                if payment_way == "free":
                    bulky.record_free(booking, answers, values["free_reason"], actor, channel)
                    case = db.session.get(Case, booking.case_id)
                    return _back_to_contact(booking, f"Free collection booked: {case.reference}.")
                if payment_way == "link":
                    bulky_links.send(booking, answers, actor)
                    until = bulky_links.held_until(booking)
                    return _back_to_contact(booking, f"Payment link sent to {answers['email']} for booking {booking.reference}. "
                                                     f"The date is held until {until:%H:%M on %-d %B}; it is booked when they pay.",
                                            url_for(".book"))
                payment = bulky.start_payment(booking, answers, return_endpoint="staff_bulky.payment_return", actor=actor)
                payment.purpose = {**payment.purpose, "channel": channel, "staff_id": current_user.id}
                return redirect(payment.next_url)
            except (FeeError, SlotFull, bulky.BookingRefused) as exc:
                outbox.rollback()
                errors["items" if isinstance(exc, FeeError) else "slot"] = str(exc)
    addresses = properties.addresses_at(postcode) if postcode else []
    guidance = {**{p.id: p.advisor_guidance for p in bulky.definition().pages},
                **bulky.booking_rules().get("advisor_guidance", {})}
    return render_template("staff_bulky/book.html", title="Book a bulky collection for the caller", form=form,
                           errors=errors, values=values, items=catalogue(bulky.fees()).values(),
                           slots=bulky.available_slots(), pounds=pounds, fees=bulky.fees(), guidance=guidance,
                           current=current, caller=caller, postcode=postcode, addresses=addresses), (400 if errors else 200)


@bp.get("/return/<reference>")
@staff_required("advisor", "caseworker", "team_lead")
def payment_return(reference):
    """Where the payment page sends the advisor back after the caller's card payment: we ask the
    provider what happened, then return to the contact."""
    payment = payments.by_reference(reference)
    if payment is None or payment.booking_id is None:
        abort(404)
    payment = payments.confirm(payment)
    booking = db.session.get(Booking, payment.booking_id)
    if payment.status == "success" and booking.case_id:
        case = db.session.get(Case, booking.case_id)
        return _back_to_contact(booking, f"Paid {pounds(payment.amount_pence)}. Collection booked: {case.reference}.")
    flash("The card payment was not completed, so nothing is booked. Try again or email the caller a payment link.", "error")
    return redirect(url_for(".book"))


@bp.get("/income")
@staff_required("team_lead")
def income_report():
    today = bulky.working_calendar().local(bulky.utcnow()).date()
    start = _day(request.args.get("start"), today - timedelta(days=30))
    end = _day(request.args.get("end"), today)
    if end < start:
        abort(400, "The end date must be on or after the start date")
    lines = income.reconciliation(start, end)
    if request.args.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["day", "service", "fund_code", "payments", "payments_pence", "refunds", "refunds_pence", "net_pence"])
        for x in lines:
            writer.writerow([x.day.isoformat(), x.service, x.fund_code, x.payments_count, x.payments_pence,
                             x.refunds_count, x.refunds_pence, x.net_pence])
        return Response(out.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename=income-{start}-{end}.csv"})
    return render_template("staff_bulky/income.html", title="Income reconciliation", lines=lines, start=start, end=end,
                           totals=income.totals(lines), pounds=pounds)
