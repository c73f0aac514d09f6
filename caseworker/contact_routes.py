"""Advisor contact handling: start a contact, then answer it, raise a request through the service's
own form (advisor guidance shown), update one of the caller's cases, or hand off with a task; then
wrap up with the outcome and duration. Every contact goes through record_contact()."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from caseworker import contact_session
from caseworker.forms import choices, AnswerForm, HandOffForm, StartContactForm, UpdateCaseForm, WrapUpForm
from caseworker.routes import _team_choices, bp
from frontdoor.auth import staff_required
from frontdoor.extensions import db
from frontdoor.ids import whole_number
from frontdoor.models import Case, Contact, Customer
from frontdoor.models.base import utcnow
from frontdoor.services import prefill, audit, case_work, outbox, properties, visibility
from frontdoor.services.actors import Actor
from frontdoor.services.contacts import GENERAL_ENQUIRY, attach_caller, record_contact
from frontdoor.services.registry import definition as get_definition
from frontdoor.services.registry import registry, working_calendar
from frontdoor.services.submissions import SubmissionRejected, question_options, submit
from frontdoor.services.check_answers import answer_rows
from workflows.journey import has_own_steps
from workflows.forms import AddressChoiceForm, ManualAddressForm, PostcodeForm, field_params, page_form
from workflows.validation import is_manual_address
from workflows.rules import RuleContext, property_facts_read

CONTACT_ROLES = ("advisor", "caseworker", "team_lead")


def _reason_choices():
    return choices([("", "Choose a reason"), (GENERAL_ENQUIRY, "General enquiry")] + [
        (d.id, d.title) for d in registry().all()])


def _contact_or_start():
    current = contact_session.current()
    if current is None:
        flash("Start a contact first.", "error")
    return current


def _customer(current) -> Customer | None:
    return db.session.get(Customer, current["customer_id"]) if current and current.get("customer_id") else None


@bp.route("/contacts/new", methods=["GET", "POST"])
@staff_required(*CONTACT_ROLES)
def contact_start():
    form = StartContactForm()
    form.reason.choices = _reason_choices()
    raw = request.values.get("customer", "")
    customer_id = whole_number(raw)
    customer = db.session.get(Customer, customer_id) if customer_id is not None else None
    if raw and (customer is None or customer.merged_into_id is not None):
        abort(404)
    if form.validate_on_submit():
        contact_session.start(form.channel.data, form.reason.data, customer.id if customer else None)
        return redirect(url_for(".contact_current"))
    page = render_template("caseworker/contact_start.html", title="Take a contact", form=form, customer=customer)
    if customer is not None:
        outbox.rollback()  # a refused form wrote nothing; the read is committed on its own
        audit.record_read(current_user, "customer.contact_start", customer_id=customer.id)
    return page, (400 if form.errors else 200)


def _render_current(current, status=200, **forms):
    customer = _customer(current)
    their_cases = []
    if customer is not None:
        their_cases = list(db.session.scalars(select(Case).where(Case.customer_id == customer.id, visibility.cases(current_user))
                                              .order_by(Case.created_at.desc()).limit(50)))
    update_form = forms.get("update_form") or UpdateCaseForm(formdata=None)
    update_form.case.choices = choices([("", "Choose a case")] + [(c.reference, f"{c.reference}: {c.workflow_id.replace('_', ' ')} ({c.state.replace('_', ' ')})") for c in their_cases])
    handoff_form = forms.get("handoff_form") or HandOffForm(formdata=None)
    handoff_form.team.choices = _team_choices()
    recorded = list(db.session.scalars(select(Contact).where(Contact.id.in_(current["contact_ids"] or [-1])).order_by(Contact.id)))
    reason = current["reason"]
    definition = get_definition(reason) if reason != GENERAL_ENQUIRY else None
    services = [d for d in registry().all() if current["channel"] in d.channels]
    return render_template("caseworker/contact.html", title="Contact in progress", current=current, customer=customer,
                           definition=definition, services=services, their_cases=their_cases, recorded=recorded,
                           answer_form=forms.get("answer_form") or AnswerForm(formdata=None), update_form=update_form,
                           handoff_form=handoff_form, wrap_form=WrapUpForm(formdata=None)), status


@bp.get("/contacts/current")
@staff_required(*CONTACT_ROLES)
def contact_current():
    current = _contact_or_start()
    if current is None:
        return redirect(url_for(".contact_start"))
    return _render_current(current)


@bp.post("/contacts/current/caller")
@staff_required(*CONTACT_ROLES)
def contact_attach_caller():
    """The anonymous caller is identified: the contact carries on as theirs, nothing started again."""
    current = _contact_or_start()
    if current is None:
        return redirect(url_for(".contact_start"))
    if not FlaskForm().validate_on_submit():
        abort(400, "Your form has expired. Go back, refresh the page and try again.")
    customer = db.session.get(Customer, whole_number(request.form.get("customer")) or -1)
    if customer is None or customer.merged_into_id is not None:
        abort(404)
    if current.get("customer_id") not in (None, customer.id):
        flash("This contact already has a caller. Wrap it up and start a new one for someone else.", "error")
        return redirect(url_for(".contact_current"))
    moved = attach_caller(current["contact_ids"], customer, current_user)
    audit.record(current_user, "write", "contact.attach_caller", customer_id=customer.id, contacts=moved)
    contact_session.set_customer(customer.id)
    flash(f"This contact is now with {customer.full_name or 'the customer'}'s record.", "success")
    return redirect(url_for(".contact_current"))


@bp.post("/contacts/current/answer")
@staff_required(*CONTACT_ROLES)
def contact_answer():
    current = _contact_or_start()
    if current is None:
        return redirect(url_for(".contact_start"))
    form = AnswerForm()
    if not form.validate_on_submit():
        return _render_current(current, 400, answer_form=form)
    contact = record_contact(channel=current["channel"], reason=current["reason"], outcome="resolved_first_contact",
                             customer=_customer(current), staff=current_user)
    if contact.customer_id:
        audit.record(current_user, "write", "contact.answer", customer_id=contact.customer_id)
    contact_session.add_contact(contact.id)
    flash("Recorded as answered." if contact.outcome != "repeat" else
          "Recorded. They contacted us about this in the last 7 days, so it counts as a repeat contact.", "success")
    return redirect(url_for(".contact_current"))


@bp.post("/contacts/current/update-case")
@staff_required(*CONTACT_ROLES)
def contact_update_case():
    current = _contact_or_start()
    if current is None:
        return redirect(url_for(".contact_start"))
    customer = _customer(current)
    form = UpdateCaseForm()
    form.case.choices = choices([(request.form.get("case", ""), "")])
    if not form.validate_on_submit():
        return _render_current(current, 400, update_form=form)
    found = db.session.scalar(select(Case).where(Case.reference == form.case.data))
    if found is None or customer is None or found.customer_id != customer.id:
        abort(404)
    actor = Actor.for_staff(current_user)
    case_work.add_note(found, actor, f"Contact ({current['channel'].replace('_', ' ')}): {form.case_note.data}", public=False)
    contact = record_contact(channel=current["channel"], reason=found.workflow_id,
                             outcome="progress_chase" if found.state_category != "closed" else "resolved_first_contact",
                             customer=customer, case=found, staff=current_user)
    audit.record(current_user, "write", "case.note", customer_id=customer.id, case_id=found.id)
    contact_session.add_contact(contact.id)
    flash(f"Case {found.reference} updated.", "success")
    return redirect(url_for(".contact_current"))


@bp.post("/contacts/current/hand-off")
@staff_required(*CONTACT_ROLES)
def contact_hand_off():
    current = _contact_or_start()
    if current is None:
        return redirect(url_for(".contact_start"))
    form = HandOffForm()
    form.team.choices = _team_choices()
    if form.validate_on_submit():
        customer = _customer(current)
        try:
            case_work.add_task(Actor.for_staff(current_user), form.team.data, form.title.data, form.due_on.data,
                               customer_id=customer.id if customer else None)
        except case_work.CaseWorkRefused as exc:
            outbox.rollback()
            form.team.errors = [str(exc)]
            return _render_current(current, 400, handoff_form=form)
        contact = record_contact(channel=current["channel"], reason=current["reason"], outcome="handed_off",
                                 customer=customer, staff=current_user)
        contact_session.add_contact(contact.id)
        flash("Handed off: the team has a task.", "success")
        return redirect(url_for(".contact_current"))
    return _render_current(current, 400, handoff_form=form)


@bp.post("/contacts/current/wrap-up")
@staff_required(*CONTACT_ROLES)
def contact_wrap_up():
    current = _contact_or_start()
    if current is None:
        return redirect(url_for(".contact_start"))
    form = WrapUpForm()
    if not form.validate_on_submit():
        abort(400, "Your form has expired. Go back, refresh the page and try again.")
    duration = contact_session.duration_seconds()
    ids = current["contact_ids"]
    if not ids:
        if not form.outcome.data:
            flash("Choose an outcome: nothing has been recorded for this contact yet.", "error")
            return redirect(url_for(".contact_current"))
        contact = record_contact(channel=current["channel"], reason=current["reason"], outcome=form.outcome.data,
                                 customer=_customer(current), staff=current_user, duration_seconds=duration)
        ids = [contact.id]
    else:
        # The call's time is shared across what was done in it, so totals add up to the call.
        share = duration // len(ids)
        for contact in db.session.scalars(select(Contact).where(Contact.id.in_(ids))):
            contact.duration_seconds = share
    customer_id = current.get("customer_id")
    contact_session.end()
    flash(f"Contact wrapped up ({duration // 60} min {duration % 60} s).", "success")
    return redirect(url_for(".customer", customer_id=customer_id) if customer_id else url_for(".search"))


# --- raising a request on the caller's behalf: the service's own pages, staff side -----------------

def _service_or_404(service_id: str):
    definition = get_definition(service_id)
    if definition is None:
        abort(404)
    current = contact_session.current()
    if current is not None and current["channel"] not in definition.channels:
        abort(404)
    return definition


# Services with their own steps (items, dates, payment) are raised through their own staff pages,
# never the generic form: a bulky booking from the generic pages would book nothing.
OWN_STEPS = {"bulky_waste": "staff_bulky.book"}


def _own_steps(definition):
    if not has_own_steps(definition):
        return None
    if definition.id not in OWN_STEPS:
        abort(404)
    return redirect(url_for(OWN_STEPS[definition.id], contact=1))


def _prefill(definition, customer: Customer | None) -> dict:
    """Tell us once: what the council already knows about the caller fills the form."""
    return prefill.answers_for(definition, customer)


@bp.get("/contacts/current/raise/<service_id>")
@staff_required(*CONTACT_ROLES)
def raise_begin(service_id):
    current = _contact_or_start()
    if current is None:
        return redirect(url_for(".contact_start"))
    definition = _service_or_404(service_id)
    if (elsewhere := _own_steps(definition)) is not None:
        return elsewhere
    draft = contact_session.draft(definition)
    for k, v in _prefill(definition, _customer(current)).items():
        draft["answers"].setdefault(k, v)
    contact_session.save_answers(definition, {})
    return redirect(url_for(".raise_page", service_id=service_id, page_id=definition.pages[0].id))


@bp.route("/contacts/current/raise/<service_id>/<page_id>", methods=["GET", "POST"])
@staff_required(*CONTACT_ROLES)
def raise_page(service_id, page_id):
    current = _contact_or_start()
    if current is None:
        return redirect(url_for(".contact_start"))
    definition = _service_or_404(service_id)
    if (elsewhere := _own_steps(definition)) is not None:
        return elsewhere
    page = definition.page(page_id)
    if page is None:
        abort(404)
    walk = contact_session.walk(definition)
    answers = walk.answers
    missing = walk.skipped_before(page)
    if missing is not None:
        return redirect(url_for(".raise_page", service_id=service_id, page_id=missing.id))
    prop = _draft_property(definition, answers)
    if page.is_address:
        return _raise_address(definition, page, answers, prop)
    if not walk.is_shown(page):
        abort(404)  # the same show_if the resident's pages obey
    questions = walk.questions(page)
    asked = [q for q in questions if q.asks]
    form = page_form(page, lambda q: question_options(definition, q, prop), data={q.id: answers.get(q.id) for q in asked},
                     questions=asked)
    rule_error = None
    if form.validate_on_submit():
        walk.record({q.id: getattr(form, q.id).data for q in asked})
        step = walk.after(page, _rule_context(definition, walk.answers, prop), changing=bool(request.args.get("change")))
        rule_error = step.rule
        if rule_error is None:
            return _raise_step(definition, step)
    fields = [(getattr(form, q.id) if q.asks else None, field_params(q, False, page.title), q) for q in questions]
    return render_template("caseworker/raise_page.html", title=page.title, definition=definition, page=page, form=form,
                           fields=fields, rule_error=rule_error, current=current), (400 if form.errors or rule_error else 200)


def _draft_property(definition, answers):
    uprn = answers.get(definition.property_question) if definition.property_question else None
    return properties.by_uprn(uprn) if isinstance(uprn, str) and uprn else None


def _rule_context(definition, answers, prop):
    return RuleContext(now=utcnow(), calendar=working_calendar(), answers=answers,
                       property=properties.rule_facts(prop, property_facts_read(definition)), staff=True)


def _raise_step(definition, step):
    if step.to_check:
        return redirect(url_for(".raise_check", service_id=definition.id))
    return redirect(url_for(".raise_page", service_id=definition.id, page_id=step.page.id))


def _after_address(definition, page):
    walk = contact_session.walk(definition)
    return _raise_step(definition, walk.after(page, None, changing=bool(request.args.get("change"))))


def _raise_address(definition, page, answers, prop):
    question = next(q for q in page.questions if q.type == "address")
    if request.args.get("manual") and question.manual_entry:
        return _raise_manual_address(definition, page, question, answers)
    postcode = request.args.get("postcode")
    if postcode is None:
        form = PostcodeForm(data={"postcode": prop.postcode if prop else None})
        if form.validate_on_submit():
            if not properties.addresses_at(form.postcode.data):
                form.postcode.errors.append(f"There are no addresses for {form.postcode.data}. Check the postcode with the caller.")
            else:
                return redirect(url_for(".raise_page", service_id=definition.id, page_id=page.id, postcode=form.postcode.data,
                                        **({"change": 1} if request.args.get("change") else {})))
        return render_template("caseworker/raise_postcode.html", title=page.title, definition=definition, page=page,
                               form=form, current=contact_session.current()), (400 if form.errors else 200)
    check = PostcodeForm(formdata=None, data={"postcode": postcode}, meta={"csrf": False})
    check.validate()
    addresses = properties.addresses_at(check.postcode.data) if not check.errors else []
    if not addresses:
        return redirect(url_for(".raise_page", service_id=definition.id, page_id=page.id))
    form = AddressChoiceForm(addresses, data={"uprn": answers.get(question.id)})
    if form.validate_on_submit():
        walk = contact_session.walk(definition)
        changed = answers.get(question.id) != form.uprn.data
        walk.record({question.id: form.uprn.data})
        if changed:  # the old address's bins are not this one's
            walk.forget_address_dependants()
            dependant = walk.address_dependant_page()
            if request.args.get("change") and dependant is not None:
                return redirect(url_for(".raise_page", service_id=definition.id, page_id=dependant.id))
        return _after_address(definition, page)
    return render_template("caseworker/raise_address.html", title=page.title, definition=definition, page=page, form=form,
                           postcode=check.postcode.data, current=contact_session.current()), (400 if form.errors else 200)


def _raise_manual_address(definition, page, question, answers):
    """The caller's address is not in the list: type it (the same check the resident's page uses)."""
    typed = answers.get(question.id) if is_manual_address(answers.get(question.id)) else {}
    form = ManualAddressForm(data={k: typed.get(k) for k in ("line1", "line2", "town", "postcode")})
    if form.validate_on_submit():
        contact_session.walk(definition).record({question.id: form.address})
        return _after_address(definition, page)
    return render_template("caseworker/raise_manual_address.html", title=page.title, definition=definition, page=page,
                           form=form, current=contact_session.current()), (400 if form.errors else 200)


@bp.route("/contacts/current/raise/<service_id>/check", methods=["GET", "POST"])
@staff_required(*CONTACT_ROLES)
def raise_check(service_id):
    current = _contact_or_start()
    if current is None:
        return redirect(url_for(".contact_start"))
    definition = _service_or_404(service_id)
    if (elsewhere := _own_steps(definition)) is not None:
        return elsewhere
    draft = contact_session.draft(definition)
    answers = draft["answers"]
    missing = contact_session.walk(definition).first_unanswered()
    if missing is not None:
        return redirect(url_for(".raise_page", service_id=service_id, page_id=missing.id))
    form = FlaskForm()
    problems = {}
    if form.validate_on_submit():
        try:
            result = submit(definition, answers, current["channel"], _customer(current), Actor.for_staff(current_user),
                            submission_key=draft["key"])
            contact = db.session.scalar(select(Contact).where(Contact.case_id == result.case.id).order_by(Contact.id).limit(1))
            if result.case.customer_id:
                audit.record(current_user, "write", "case.raise", customer_id=result.case.customer_id, case_id=result.case.id)
        except SubmissionRejected as exc:
            outbox.rollback()
            problems = dict(exc.errors)
            if exc.rule is not None:
                problems["_rule"] = exc.rule.title
        else:
            contact_session.finish(definition)
            if contact is not None and contact.id not in current["contact_ids"]:
                contact_session.add_contact(contact.id)
            if current.get("customer_id") is None and result.case.customer_id:
                contact_session.set_customer(result.case.customer_id)
            note = f" It duplicates {result.duplicate_of.reference}." if result.duplicate_of else ""
            flash(f"Request {result.case.reference} raised.{note} Read the reference to the caller.", "success")
            return redirect(url_for(".contact_current"))
    rows = answer_rows(definition, answers, lambda p: url_for(".raise_page", service_id=service_id, page_id=p.id, change=1))
    return render_template("caseworker/raise_check.html", title="Check the answers with the caller", definition=definition,
                           rows=rows, form=form, problems=problems, current=current), (400 if problems else 200)
