"""Finding a customer, the single view of a customer and of a property, and merging duplicates."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from caseworker import contact_session
from caseworker.contact_routes import CONTACT_ROLES
from caseworker.menu import allowed as menu_allowed
from caseworker.forms import CustomerNoteForm, MergeForm, ProfileForm, SearchForm
from caseworker.routes import bp
from frontdoor.auth import staff_required
from frontdoor.extensions import db
from frontdoor.ids import whole_number
from frontdoor.models import Customer, CustomerMerge, Property
from frontdoor.services import audit, customer_notes, customer_search, customers, merges, outbox, single_view
from frontdoor.services.registry import working_calendar


@bp.get("/customers")
@staff_required()
def search():
    form = SearchForm(request.args)
    result = None
    if "q" in request.args and form.validate():
        result = customer_search.search(form.q.data, viewer=current_user)
    current = contact_session.current()
    anonymous = current is not None and not current.get("customer_id") and current_user.role in CONTACT_ROLES
    # Type-ahead (frontdoor/assets/init.js) asks for the results alone; without JavaScript the form sends the page.
    template = "caseworker/_search_results.html" if request.args.get("fragment") == "results" else "caseworker/search.html"
    page = render_template(template, title="Find a customer", form=form, result=result,
                           anonymous_contact=anonymous, attach_form=FlaskForm(formdata=None) if anonymous else None)
    if result is not None and result.customers:
        # After rendering: the commit would expire what the template reads (a reload per object).
        audit.record_read(current_user, "customer.search", kind=result.kind,
                          customer_ids=[c.id for c in result.customers[:50]])
    return page


def _timeline_page() -> int:
    page = request.args.get("page", 1, type=int)
    return page if 0 < page <= 10_000 else 1


def _customer_or_404(customer_id: int) -> Customer:
    customer = db.session.get(Customer, customer_id)
    if customer is None:
        abort(404)
    return customer


@bp.get("/customers/<int:customer_id>")
@staff_required()
def customer(customer_id, profile_form=None, status=200, note_form=None):
    found = _customer_or_404(customer_id)
    if found.merged_into_id is not None and request.args.get("show") != "merged":
        flash("This record was merged into the one below.", "success")
        return redirect(url_for(".customer", customer_id=found.merged_into_id))
    scope = single_view.customer_scope(found, current_user)
    duplicates = merges.possible_duplicates(found) if found.merged_into_id is None else []
    payments = single_view.payments_in(scope)
    messages = single_view.messages_to(found, scope)
    page = render_template(
        "caseworker/customer.html", title=found.full_name or "Customer", customer=found, duplicates=duplicates,
        can_merge=menu_allowed("caseworker.merge"),
        cases=single_view.cases_in(scope), contacts=single_view.contacts_in(scope),
        payments=payments, messages=messages,
        timeline=single_view.timeline(scope, _timeline_page()), bookings=single_view.bookings_in(scope),
        subscriptions=single_view.subscriptions_in(scope),
        merges=merges.merges_of(found), outcome_labels=single_view.OUTCOME_LABELS, calendar=working_calendar(),
        service_title=single_view.service_title, form=MergeForm(formdata=None),
        note_form=note_form or CustomerNoteForm(formdata=None),
        profile_form=profile_form or ProfileForm(formdata=None, data={
            "flags": [k for k, v in (found.flags or {}).items() if v], "contact_preference": found.contact_preference}),
    )
    audit.record_read(current_user, "customer.view", customer_id=found.id,  # a refused form was rolled back
                      **({"possible_duplicate_ids": [c.id for c, _ in duplicates]} if duplicates else {}),
                      **({"payment_ids": [p.id for p in payments]} if payments else {}),
                      **({"notification_ids": [n.id for n, _ in messages]} if messages else {}))
    return page, status


@bp.post("/customers/<int:customer_id>/profile")
@staff_required()
def customer_profile(customer_id):
    found = _customer_or_404(customer_id)
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            changed = customers.update_profile(found, form.flags.data or [], form.contact_preference.data)
            audit.record(current_user, "write", "customer.profile", customer_id=found.id, changed=changed)
            flash("Flags and contact preference saved.", "success")
            return redirect(url_for(".customer", customer_id=found.id))
        except customers.ProfileRefused as exc:
            outbox.rollback()
            form.contact_preference.errors = [str(exc)]
    return customer(customer_id, profile_form=form, status=400)


@bp.post("/customers/<int:customer_id>/notes")
@staff_required()
def customer_note(customer_id):
    found = _customer_or_404(customer_id)
    form = CustomerNoteForm()
    if form.validate_on_submit():
        try:
            customer_notes.add(found, current_user, form.text.data)
            flash("Note added to the customer's history.", "success")
            return redirect(url_for(".customer", customer_id=found.id))
        except customer_notes.NoteRefused as exc:
            outbox.rollback()
            form.text.errors = [str(exc)]
    return customer(customer_id, status=400, note_form=form)


@bp.get("/properties/<uprn>")
@staff_required()
def property_view(uprn):
    prop = db.session.scalar(select(Property).where(Property.uprn == uprn))
    if prop is None:
        abort(404)
    scope = single_view.Scope(property_id=prop.id, viewer=current_user)
    residents = single_view.property_residents(prop)
    page = render_template(
        "caseworker/property.html", title=prop.single_line, prop=prop, residents=residents,
        cases=single_view.cases_in(scope), timeline=single_view.timeline(scope, _timeline_page()), calendar=working_calendar(),
        bookings=single_view.bookings_in(scope), subscriptions=single_view.subscriptions_in(scope),
        service_title=single_view.service_title, weekdays=["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    )
    audit.record_read(current_user, "property.view", uprn=prop.uprn, customer_ids=[c.id for c in residents[:50]])
    return page


@bp.route("/customers/<int:customer_id>/merge", methods=["GET", "POST"])
@staff_required("team_lead")
def merge(customer_id):
    """Side by side: this record (merged away) and the one to keep; then merge."""
    merged = _customer_or_404(customer_id)
    into = request.values.get("into", "")
    survivor_id = whole_number(into)
    survivor = db.session.get(Customer, survivor_id) if survivor_id is not None else None
    form = MergeForm()
    error = None
    try:
        if not into:
            error = None
        else:
            merges.check(merged, survivor)
    except merges.MergeRefused as exc:
        error = str(exc)
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, "Your form has expired. Go back, refresh the page and try again.")
        if not into:
            error = "Enter the record number of the customer to keep"
        if error is None:
            merges.merge(merged, survivor, current_user)
            flash(f"Record {merged.id} was merged into this one.", "success")
            return redirect(url_for(".customer", customer_id=survivor.id))
    status = 400 if error else 200
    sides = []
    for c in (merged, survivor):
        if c is not None:
            scope = single_view.Scope(customer_ids=[c.id], viewer=current_user)
            sides.append((c, single_view.cases_in(scope), single_view.contacts_in(scope)))
    page = render_template("caseworker/merge.html", title="Merge duplicate customers", merged=merged, survivor=survivor,
                           sides=sides, form=form, error=error, into=into)
    audit.record_read(current_user, "customer.merge_compare", customer_id=merged.id,
                      customer_ids=[c.id for c, _, _ in sides])
    return page, status


@bp.post("/merges/<int:merge_id>/undo")
@staff_required("admin")
def undo_merge(merge_id):
    row = db.session.get(CustomerMerge, merge_id)
    if row is None:
        abort(404)
    if not MergeForm().validate_on_submit():
        abort(400, "Your form has expired. Go back, refresh the page and try again.")
    try:
        merges.undo(row, current_user)
        flash("The merge was undone: both records are back as they were.", "success")
    except merges.MergeRefused as exc:
        outbox.rollback()
        flash(str(exc), "error")
    return redirect(url_for(".customer", customer_id=row.merged_id, show="merged"))
