"""Residents' pages. Thin: read the form, call one service, render or redirect."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovTextInput
from wtforms import StringField
from wtforms.validators import StopValidation

from frontdoor.extensions import limiter
from frontdoor.models.base import utcnow
from frontdoor.auth import is_staff
from frontdoor.services import outbox, properties, uploads
from frontdoor.services.actors import Actor
from frontdoor.services.references import normalise_issued_reference, normalise_reference
from frontdoor.services.registry import definition as get_definition
from frontdoor.services.registry import registry, working_calendar
from frontdoor.services.submissions import SubmissionRejected, question_options, submit
from frontdoor.services.resident_cases import feedback_for
from frontdoor.services.workflow_versions import for_case
from frontdoor.services.tracking import (booking_for_case, find_for_tracking, find_subscription_for_tracking,
                                         public_timeline)
from portal import journey
from portal.access import grant_booking, grant_subscription, grant_tracked, may_see_tracked
from markupsafe import Markup

from frontdoor.services.check_answers import answer_rows
from workflows.validation import is_manual_address
from workflows.forms import AddressChoiceForm, ManualAddressForm, PostcodeForm, field_params, page_form
from workflows.rules import RuleContext, property_facts_read

bp = Blueprint("portal", __name__, template_folder="templates")


def _definition_or_404(service_id: str):
    definition = get_definition(service_id)
    if definition is None or "web" not in definition.channels:
        abort(404)
    return definition


def _property(answers: dict, definition):
    uprn = answers.get(definition.property_question) if definition.property_question else None
    return properties.by_uprn(uprn) if uprn else None  # None for a typed address too


@bp.get("/")
def index():
    return render_template("portal/index.html", title="Services", services=[d for d in registry().all() if "web" in d.channels])


@bp.get("/services/<service_id>")
def start(service_id):
    definition = _definition_or_404(service_id)
    return render_template("portal/start.html", title=definition.title, definition=definition)


@bp.get("/services/<service_id>/begin")
def begin(service_id):
    definition = _definition_or_404(service_id)
    journey.start_again(definition)
    journey.draft(definition)
    return redirect(url_for(".page", service_id=service_id, page_id=definition.pages[0].id))


@bp.route("/services/<service_id>/<page_id>", methods=["GET", "POST"])
def page(service_id, page_id):
    definition = _definition_or_404(service_id)
    page = definition.page(page_id)
    if page is None:
        abort(404)
    if journey.sent_reference(definition):
        return _already_sent(definition)
    walk = journey.walk(definition)
    answers = walk.answers
    missing = walk.skipped_before(page)
    if missing is not None:
        return redirect(url_for(".page", service_id=service_id, page_id=missing.id))
    if page.is_address:
        return _address_page(definition, page, answers)
    if not walk.is_shown(page):
        abort(404)  # a page hidden by show_if cannot be reached by URL
    prop = _property(answers, definition)
    questions = walk.questions(page)
    asked = [q for q in questions if q.asks]
    form = page_form(page, lambda q: question_options(definition, q, prop),
                     data={q.id: answers.get(q.id) for q in asked}, questions=asked)
    pending, upload_errors = {}, {}
    if request.method == "POST":
        for q in (q for q in asked if q.type == "file"):
            files = [f for f in request.files.getlist(q.id) if f and f.filename]
            records, error = uploads.check(files, q) if files else ([], None)
            if error:
                upload_errors[q.id] = error
            pending[q.id] = records
            getattr(form, q.id).data = [{k: v for k, v in r.items() if k != "_bytes"} for r in records] or answers.get(q.id)
    valid = form.validate_on_submit()
    for qid, error in upload_errors.items():
        getattr(form, qid).errors = [error]
        valid = False
    if valid:
        values = {q.id: getattr(form, q.id).data for q in asked}
        for qid, records in pending.items():
            if records:
                values[qid] = uploads.save(records)
        walk.record(values)
        return _after_page(definition, page)
    single = len(questions) == 1 and questions[0].asks
    fields = [(getattr(form, q.id) if q.asks else None, field_params(q, single, page.title), q) for q in questions]
    staff_view = is_staff()
    return render_template("portal/page.html", title=page.title, definition=definition, page=page, form=form,
                           fields=fields, single=single, back=_back_url(definition, page),
                           multipart=any(q.type == "file" for q in asked),
                           guidance=page.advisor_guidance if staff_view else None)


def _address_page(definition, page, answers):
    question = next(q for q in page.questions if q.type == "address")
    if request.args.get("manual") and question.manual_entry:
        return _manual_address_page(definition, page, question, answers)
    postcode = request.args.get("postcode")
    if postcode is None:
        form = PostcodeForm()
        if form.validate_on_submit():
            if not properties.addresses_at(form.postcode.data):
                form.postcode.errors.append(f"We could not find any addresses for {form.postcode.data}. Check the postcode, or call us if it is right.")
            else:
                return redirect(url_for(".page", service_id=definition.id, page_id=page.id, postcode=form.postcode.data, **_change_arg()))
        return render_template("portal/postcode.html", title=page.title, definition=definition, page=page, form=form,
                               question=question, back=_back_url(definition, page), manual_url=_manual_url(definition, page, question))
    check = PostcodeForm(formdata=None, data={"postcode": postcode}, meta={"csrf": False})
    check.validate()
    addresses = properties.addresses_at(check.postcode.data) if not check.errors else []
    if not addresses:
        return redirect(url_for(".page", service_id=definition.id, page_id=page.id))
    form = AddressChoiceForm(addresses, data={"uprn": answers.get(question.id)})
    if form.validate_on_submit():
        walk = journey.walk(definition)
        changed = answers.get(question.id) != form.uprn.data
        walk.record({question.id: form.uprn.data})
        if changed:  # answers that depended on the old address (its bins) must be asked again
            walk.forget_address_dependants()
            if request.args.get("change"):
                dependant = walk.address_dependant_page()
                if dependant is not None:
                    return redirect(url_for(".page", service_id=definition.id, page_id=dependant.id))
        return _after_page(definition, page)
    return render_template("portal/address.html", title=page.title, definition=definition, page=page, form=form,
                           postcode=check.postcode.data, back=url_for(".page", service_id=definition.id, page_id=page.id),
                           manual_url=_manual_url(definition, page, question))


def _manual_url(definition, page, question):
    if not question.manual_entry:
        return None
    return url_for(".page", service_id=definition.id, page_id=page.id, manual=1, **_change_arg())


def _manual_address_page(definition, page, question, answers):
    """GOV.UK address pattern: the resident types the address the list did not have."""
    typed = answers.get(question.id) if is_manual_address(answers.get(question.id)) else {}
    form = ManualAddressForm(data={k: typed.get(k) for k in ("line1", "line2", "town", "postcode")})
    if form.validate_on_submit():
        journey.save_answers(definition, {question.id: form.address})
        return _after_page(definition, page)
    return render_template("portal/manual_address.html", title=page.title, definition=definition, page=page, form=form,
                           back=url_for(".page", service_id=definition.id, page_id=page.id, **_change_arg()))


def _change_arg():
    return {"change": 1} if request.args.get("change") else {}


def _after_page(definition, page):
    walk = journey.walk(definition)
    ctx = None
    if page.rules:
        prop = _property(walk.answers, definition)
        ctx = RuleContext(now=utcnow(), calendar=working_calendar(), answers=walk.answers,
                          property=properties.rule_facts(prop, property_facts_read(definition)), staff=False)
    step = walk.after(page, ctx, changing=bool(request.args.get("change")))
    if step.rule is not None:
        return render_template("portal/rule_failed.html", title=step.rule.title, result=step.rule, definition=definition,
                               back=url_for(".page", service_id=definition.id, page_id=page.id))
    if step.to_check:
        return redirect(url_for(".check", service_id=definition.id))
    return redirect(url_for(".page", service_id=definition.id, page_id=step.page.id))


def _already_sent(definition):
    """Any page of a journey this session has just sent: the reference, and a way to start again."""
    return render_template("portal/already_sent.html", title="You have already sent this", definition=definition,
                           reference=journey.sent_reference(definition))


def _back_url(definition, page):
    before = journey.walk(definition).previous_page(page)
    if request.args.get("change"):
        return url_for(".check", service_id=definition.id)
    if before:
        return url_for(".page", service_id=definition.id, page_id=before.id)
    return url_for(".start", service_id=definition.id)


def _answer_rows(definition, answers):
    return answer_rows(definition, answers, lambda p: url_for(".page", service_id=definition.id, page_id=p.id, change=1))


@bp.route("/services/<service_id>/check", methods=["GET", "POST"])
@limiter.limit("20 per minute; 200 per hour", methods=["POST"])
def check(service_id):
    definition = _definition_or_404(service_id)
    sent = journey.sent_reference(definition)
    if sent and request.method == "POST":  # the form sent again: the same answer as the first time
        return redirect(url_for(".confirmation", service_id=service_id, reference=sent))
    if sent:
        return _already_sent(definition)
    current = journey.draft(definition)
    answers = current["answers"]
    missing = journey.first_unanswered_page(definition, answers)
    if missing is not None:
        return redirect(url_for(".page", service_id=service_id, page_id=missing.id))
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            result = submit(definition, answers, "web", None, Actor.resident(), submission_key=current["key"])
        except SubmissionRejected as exc:
            outbox.rollback()
            if exc.rule is not None:
                return render_template("portal/rule_failed.html", title=exc.rule.title, result=exc.rule,
                                       definition=definition, back=url_for(".check", service_id=service_id))
            return render_template("portal/check.html", title="Check your answers before sending", definition=definition,
                                   rows=_answer_rows(definition, answers), form=form, problems=exc.errors), 400
        journey.finish(definition, result.case.reference)
        return redirect(url_for(".confirmation", service_id=service_id, reference=result.case.reference))
    return render_template("portal/check.html", title="Check your answers before sending", definition=definition,
                           rows=_answer_rows(definition, answers), form=form, problems={})


@bp.get("/services/<service_id>/done/<reference>")
def confirmation(service_id, reference):
    """Bookmarkable: shows only the reference and what happens next, never personal data."""
    from frontdoor.services.queues import case_by_reference

    definition = _definition_or_404(service_id)
    ref = normalise_reference(reference)
    case = case_by_reference(ref) if ref else None
    if case is None or case.workflow_id != service_id:
        abort(404)
    original = case.duplicate_of
    due = working_calendar().local(case.sla_due_at).date() if case.sla_due_at else None
    return render_template("portal/confirmation.html", title="Request received" if original is None else "Already reported",
                           definition=definition, case=case, original=original, due=due)


class TrackForm(FlaskForm):
    reference = StringField("Reference", widget=GovTextInput())
    email = StringField("Email address or phone number", widget=GovTextInput())

    def validate_reference(self, field):
        if not (field.data or "").strip():
            raise StopValidation("Enter your reference, like 7K4P-9QXR")
        if normalise_issued_reference(field.data) is None:
            raise StopValidation("Enter your reference as it appears in your email, like 7K4P-9QXR, "
                                 "or GW-7K4P-9QXR for a garden waste subscription")

    def validate_email(self, field):
        if not (field.data or "").strip():
            raise StopValidation("Enter the email address or phone number you used when you made the request")


@bp.route("/track", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
# Per reference too: guessing one reference's email from many addresses is limited as well.
@limiter.limit("5 per 10 minutes; 20 per day", methods=["POST"],
               key_func=lambda: "track:" + (normalise_issued_reference(request.form.get("reference", "")) or "none"))
def track(service_id=None):
    """The reference with its email or phone proves the request is theirs: this session may then see
    it, and change or cancel a booking or subscription on the pages that already do that."""
    form = TrackForm()
    if form.validate_on_submit():
        sub = find_subscription_for_tracking(form.reference.data, form.email.data)
        if sub is not None:
            grant_subscription(sub)
            return redirect(url_for("garden.subscription", reference=sub.reference))
        case = find_for_tracking(form.reference.data, form.email.data)
        if case is not None:
            grant_tracked(case.reference)
            booking = booking_for_case(case)
            if booking is not None:
                grant_booking(booking)
            return _tracked_page(case, booking)
        # The same words for an unknown reference and a wrong email: nothing to learn by guessing.
        form.reference.errors.append("We could not find a request with that reference and email address or phone number. Check both and try again.")
        return render_template("portal/track.html", title="Track a request", form=form), 404
    return render_template("portal/track.html", title="Track a request", form=form)


@bp.get("/track/<reference>")
def tracked(reference):
    """A request this session has proved is its own (on /track or by the emailed link); else ask."""
    from frontdoor.services.queues import case_by_reference

    case = case_by_reference(reference) if may_see_tracked(reference) else None
    if case is None:
        return redirect(url_for(".track"))
    return _tracked_page(case, booking_for_case(case))


def _tracked_page(case, booking):
    definition = for_case(case)
    due = working_calendar().local(case.sla_due_at).date() if case.sla_due_at else None
    return render_template("portal/tracked.html", title=f"Request {case.reference}", case=case,
                           definition=definition, state=definition.state(case.state) if definition else None,
                           timeline=public_timeline(case), due=due, feedback=feedback_for(case),
                           booking=booking)
