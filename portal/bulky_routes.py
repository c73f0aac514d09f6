"""The resident's bulky waste journey: address, items, date (holds a place), details, check, pay,
confirmation; then cancel. Thin: each view reads a form and calls one function in services/bulky.py.

The journey lives in the signed session cookie under "bulky"; bookings the resident made in this
browser are listed under "bulky_mine", so one resident cannot open another's booking by reference.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextArea, GovTextInput
from sqlalchemy import select
from wtforms import MultipleFileField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from frontdoor.extensions import db
from frontdoor.ids import whole_number
from frontdoor.models import Booking, Case, Payment
from frontdoor.services import bulky, bulky_links, outbox, payments, properties, uploads
from frontdoor.services.actors import Actor
from frontdoor.services.slots import SlotFull
from portal.address_finder import address_step
from workflows.fees import FeeError, catalogue, pounds, quote
from workflows.forms import GovEmailInput
from workflows.validation import EMAIL_FORMAT

bp = Blueprint("bulky", __name__, template_folder="templates")


@bp.before_request
def _offered_only_with_payments():
    if not current_app.config["PAYMENTS_ENABLED"]:  # PAYMENT_PROVIDER=none: chargeable services are not offered
        abort(404)


def _state() -> dict:
    return session.setdefault("bulky", {})


def _save(**values) -> None:
    _state().update(values)
    session.modified = True


def _held_booking() -> Booking | None:
    booking_id = _state().get("booking_id")
    booking = db.session.get(Booking, booking_id) if booking_id else None
    return booking if booking is not None and booking.status == "held" else None


def _mine(reference: str) -> Booking:
    if reference not in session.get("bulky_mine", []):
        abort(404)
    booking = db.session.scalar(select(Booking).where(Booking.reference == reference))
    if booking is None:
        abort(404)
    return booking


class EmptyForm(FlaskForm):
    pass


class DetailsForm(FlaskForm):
    location = TextAreaField("Where will the items be left?", widget=GovTextArea(),
                             validators=[InputRequired(message="Enter where the items will be left"), Length(max=500)])
    full_name = StringField("Full name", widget=GovTextInput(),
                            validators=[InputRequired(message="Enter your full name"), Length(max=100)])
    email = StringField("Email address", widget=GovEmailInput(),
                        validators=[InputRequired(message="Enter your email address"),
                                    Email(message=EMAIL_FORMAT),
                                    Length(max=254)])
    phone = StringField("UK phone number (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=30)])
    photos = MultipleFileField("Add photos of the items (optional)")  # checked by services/uploads.py


@bp.get("/")
def start():
    definition = bulky.definition()
    return render_template("bulky/start.html", title=definition.title, definition=definition,
                           items=catalogue(bulky.fees()).values(), fees=bulky.fees(), pounds=pounds)


@bp.route("/address", methods=["GET", "POST"])
def address():
    page = bulky.definition().page("address")

    def chosen(uprn):
        _save(uprn=uprn)
        return redirect(url_for(".items"))

    return address_step(page, page.questions[0], _state().get("uprn"), chosen)


@bp.route("/items", methods=["GET", "POST"])
def items():
    if not _state().get("uprn"):
        return redirect(url_for(".address"))
    fees = bulky.fees()
    form = EmptyForm()
    chosen = dict(_state().get("items", {}))
    error = None
    if form.validate_on_submit():
        raw = {k[len("item-"):]: v for k, v in request.form.items() if k.startswith("item-") and v.strip()}
        try:
            chosen = quote(fees, raw).items
        except FeeError as exc:
            error = str(exc)
            chosen = raw
        else:
            _save(items=chosen)
            return redirect(url_for(".date"))
    return render_template("bulky/items.html", title="What do you want us to collect?", form=form, error=error,
                           items=catalogue(fees).values(), chosen=chosen, limit=fees.get("max_units", 5),
                           pounds=pounds, back=url_for(".address"))


@bp.route("/date", methods=["GET", "POST"])
def date():
    state = _state()
    if not state.get("items"):
        return redirect(url_for(".items"))
    prop = properties.by_uprn(state.get("uprn", ""))
    if prop is None:
        return redirect(url_for(".address"))
    held = _held_booking()
    error = None
    form = EmptyForm()
    if form.validate_on_submit():
        slot_id = whole_number(request.form.get("slot"))
        if slot_id is None:
            error = "Choose a collection date"
        else:
            if held is not None:  # choosing again gives the earlier place back first
                bulky.release(held)
            try:
                booking = bulky.hold(prop, state["items"], slot_id)
            except (SlotFull, bulky.BookingRefused, FeeError) as exc:
                error = str(exc)
            else:
                _save(booking_id=booking.id)
                return redirect(url_for(".details"))
    slots = bulky.available_slots()
    return render_template("bulky/date.html", title="Choose a collection date", form=form, error=error, slots=slots,
                           held=held, minutes=bulky.booking_rules()["hold_minutes"], back=url_for(".items"))


@bp.route("/details", methods=["GET", "POST"])
def details():
    booking = _held_booking()
    if booking is None:
        return redirect(url_for(".date"))
    earlier = _state().get("answers", {})
    form = DetailsForm(data={k: v for k, v in earlier.items() if k != "photos"})
    question = bulky.definition().question("photos")
    valid = form.validate_on_submit()
    if request.method == "POST":
        # Checked by content, size and count before anything is written; a refusal saves nothing.
        files = [f for f in request.files.getlist("photos") if f and f.filename]
        pending, error = uploads.check(files, question) if files else ([], None)
        if error:
            form.photos.errors = [error]
            valid = False
    if valid:
        answers = {k: form[k].data.strip() for k in ("location", "full_name", "email", "phone") if form[k].data}
        photos = uploads.save(pending) if pending else earlier.get("photos")
        if photos:
            answers["photos"] = photos
        _save(answers=answers)
        return redirect(url_for(".check"))
    return render_template("bulky/details.html", title="Your details", form=form, back=url_for(".date"),
                           question=question, photos=earlier.get("photos", []))


@bp.route("/check", methods=["GET", "POST"])
def check():
    booking = _held_booking()
    answers = _state().get("answers")
    if booking is None:
        return redirect(url_for(".date"))
    if not answers:
        return redirect(url_for(".details"))
    form = EmptyForm()
    error = None
    if form.validate_on_submit():
        try:
            payment = bulky.start_payment(booking, {**answers, "address": booking.property.uprn})
        except bulky.BookingRefused as exc:
            outbox.rollback()
            error = str(exc)
        else:
            return redirect(payment.next_url)
    return render_template("bulky/check.html", title="Check your booking", form=form, booking=booking, error=error,
                           answers=answers, lines=bulky.item_lines(booking), pounds=pounds, back=url_for(".details"))


@bp.get("/return/<reference>")
def payment_return(reference):
    """Where the provider sends the payer back. The URL proves nothing: we ask the provider."""
    payment = payments.by_reference(reference)
    if payment is None or (payment.booking_id is None and payment.subscription_id is None):
        abort(404)
    if payment.subscription_id is not None:  # links made before garden waste had its own return page
        return redirect(url_for("garden.payment_return", reference=reference))
    payment = payments.confirm(payment)
    booking = db.session.get(Booking, payment.booking_id)
    if payment.status == "success":
        mine = session.setdefault("bulky_mine", [])
        if booking.reference not in mine:
            mine.append(booking.reference)
            session.modified = True
        session.pop("bulky", None)
        return redirect(url_for(".booking_page", reference=booking.reference))
    return render_template("bulky/not_paid.html", title="Your payment was not completed", payment=payment,
                           booking=booking, form=EmptyForm())


@bp.get("/booking/<reference>")
def booking_page(reference):
    booking = _mine(reference)
    paid = db.session.scalars(select(Payment).where(Payment.booking_id == booking.id).order_by(Payment.id)).all()
    case = db.session.get(Case, booking.case_id) if booking.case_id else None
    return render_template("bulky/booking.html", title="Your bulky waste collection", booking=booking, case=case,
                           lines=bulky.item_lines(booking), payments=paid, pounds=pounds,
                           can_change=bulky.can_change(booking))


@bp.route("/booking/<reference>/cancel", methods=["GET", "POST"])
def cancel(reference):
    booking = _mine(reference)
    form = EmptyForm()
    error = None
    if form.validate_on_submit():
        try:
            refunded = bulky.cancel(booking, Actor.resident())
        except bulky.BookingRefused as exc:
            outbox.rollback()
            error = str(exc)
        else:
            flash(f"Your collection {reference} is cancelled. "
                  + (f"We have refunded {pounds(refunded)}." if refunded else "No refund is due."), "success")
            return redirect(url_for(".booking_page", reference=reference))
    return render_template("bulky/cancel.html", title="Cancel your collection", form=form, booking=booking,
                           error=error, back=url_for(".booking_page", reference=reference))


@bp.route("/pay/<token>", methods=["GET", "POST"])
def pay_link(token):
    """The link an advisor sent the caller: the booking's summary, then the same hosted payment page."""
    try:
        booking = bulky_links.booking_for(token)
    except bulky_links.LinkRefused as exc:
        problem = str(exc)
        return render_template("bulky/pay_link_problem.html", title="This payment link cannot be used",
                               problem=problem), 404 if problem == "invalid" else 410
    if booking.status != "held":
        case = db.session.get(Case, booking.case_id) if booking.case_id else None
        return render_template("bulky/pay_link_problem.html", title="This payment link cannot be used",
                               problem="paid" if booking.status in ("confirmed", "collected") else "gone",
                               case=case), 410
    form = EmptyForm()
    error = None
    if form.validate_on_submit():
        try:
            payment = bulky.start_payment(booking, booking.answers)
            payment.purpose = {**payment.purpose, "channel": "phone"}  # booked by an advisor on a call
        except bulky.BookingRefused as exc:
            outbox.rollback()
            error = str(exc)
        else:
            return redirect(payment.next_url)
    return render_template("bulky/pay_link.html", title="Pay for your bulky waste collection", form=form,
                           booking=booking, error=error, lines=bulky.item_lines(booking), pounds=pounds,
                           expires=bulky_links.held_until(booking))


@bp.route("/booking/<reference>/change-items", methods=["GET", "POST"])
def change_items(reference):
    """Change the items up to the cut-off: pay only the difference (on the same payment page)."""
    booking = _mine(reference)
    if not bulky.can_change(booking):
        return redirect(url_for(".booking_page", reference=reference))
    fees = bulky.fees()
    form = EmptyForm()
    chosen = dict(booking.items)
    error = None
    if form.validate_on_submit():
        raw = {k[len("item-"):]: v for k, v in request.form.items() if k.startswith("item-") and v.strip()}
        try:
            payment = bulky.amend(booking, raw, Actor.resident())
        except (FeeError, bulky.BookingRefused) as exc:
            outbox.rollback()
            error, chosen = str(exc), raw
        else:
            if payment is not None:
                return redirect(payment.next_url)
            flash("Your items are changed: " + ", ".join(bulky.item_lines(booking)) + ".", "success")
            return redirect(url_for(".booking_page", reference=reference))
    return render_template("bulky/items.html", title="Change the items to collect", form=form, error=error,
                           items=catalogue(fees).values(), chosen=chosen, limit=fees.get("max_units", 5),
                           pounds=pounds, back=url_for(".booking_page", reference=reference),
                           note=f"You have paid {pounds(booking.amount_pence)}. If the new items cost more, you pay only "
                                "the difference. There is no refund if they cost less.")


@bp.route("/booking/<reference>/change-date", methods=["GET", "POST"])
def change_date(reference):
    booking = _mine(reference)
    if not bulky.can_change(booking):
        return redirect(url_for(".booking_page", reference=reference))
    form = EmptyForm()
    error = None
    if form.validate_on_submit():
        slot_id = whole_number(request.form.get("slot"))
        if slot_id is None:
            error = "Choose a collection date"
        else:
            try:
                bulky.change_date(booking, slot_id, Actor.resident())
            except (SlotFull, bulky.BookingRefused) as exc:
                outbox.rollback()
                error = str(exc)
            else:
                flash(f"Your collection date is changed to {booking.slot.day:%A} {booking.slot.day.day} "
                      f"{booking.slot.day:%B %Y}.", "success")
                return redirect(url_for(".booking_page", reference=reference))
    choices = [s for s in bulky.available_slots() if s.id != booking.slot_id]
    return render_template("bulky/date.html", title="Choose a new collection date", form=form, error=error,
                           slots=choices, held=None, moving=booking, back=url_for(".booking_page", reference=reference))
