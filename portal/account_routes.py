"""Residents' accounts and "My requests", under /account. Thin: read the form, call one service, render."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, redirect, render_template, request, send_file, session, url_for
from flask_login import login_user, logout_user

from frontdoor.auth import current_resident, resident_required
from frontdoor.extensions import db, limiter
from frontdoor.ids import local_path
from frontdoor.services import accounts, case_attachments, outbox, subscriptions
from frontdoor.services import resident_cases as mine
from frontdoor.services.accounts import AccountError
from workflows.uploads import MIME
from frontdoor.services.customers import split_name
from portal.account_forms import (ActionForm, ChangeEmailForm, CloseAccountForm, ConfirmForm, DetailsForm, EmailForm,
                                  FeedbackForm, InformationForm, NewPasswordForm, RegisterForm, SignInForm)
from workflows.validation import normalise_phone

bp = Blueprint("account", __name__, template_folder="templates", url_prefix="/account")

# The same words whether or not the email has an account.
SENT = "If that email address can be used, we have sent a message to it. Check your inbox, and your spam folder."


def _email_key() -> str:
    return "email:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.app_context_processor
def resident_nav():
    if request.blueprint == "caseworker":
        return {}
    if current_resident() is not None:
        return {"navigation": [
            {"href": url_for("account.requests"), "text": "My requests", "active": request.endpoint in ("account.requests", "account.request")},
            {"href": url_for("account.home"), "text": "Your account", "active": request.endpoint == "account.home"},
            {"href": url_for("account.sign_out"), "text": "Sign out"},
        ]}
    return {"navigation": [{"href": url_for("account.sign_in"), "text": "Sign in"},
                           {"href": url_for("portal.track"), "text": "Track a request"}]}


def _sign_in(account):
    # The session is a signed cookie (no server-side id to fix), so there is nothing to rotate;
    # the CSRF token is kept so forms open in other tabs still work.
    session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
    login_user(account)


def _safe_next(target: str | None) -> str:
    target = local_path(target)
    if target and not target.startswith("/staff"):
        return target
    return url_for(".requests")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            accounts.register(form.full_name.data, form.email.data, form.password.data)
        except AccountError as exc:
            outbox.rollback()
            field = form.password if "password" in str(exc).lower() else form.full_name if "name" in str(exc).lower() else form.email
            field.errors.append(str(exc))
        else:
            return redirect(url_for(".check_email"))
    return render_template("account/register.html", title="Create an account", form=form)


@bp.get("/check-your-email")
def check_email():
    return render_template("account/message.html", title="Check your email", message=SENT
                           + " The link in it works once and for 24 hours.")


@bp.route("/verify/<token>", methods=["GET", "POST"])
def verify(token):
    form = ConfirmForm()
    if accounts.peek_token(token, "verify") is None:
        return _bad_link()
    if form.validate_on_submit():
        account = accounts.verify(token)
        if account is None:
            outbox.rollback()
            return _bad_link()
        _sign_in(account)
        return redirect(url_for(".home", verified=1))
    return render_template("account/confirm.html", title="Confirm your email address", form=form,
                           button="Confirm my email address")


def _bad_link():
    return render_template("account/message.html", title="That link has expired or has been used",
                           message="Links we email work once and for a limited time. Sign in, or ask for a new link.",
                           links=[(url_for(".sign_in"), "Sign in"), (url_for(".forgot_password"), "Reset your password")]), 400


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("5 per minute; 50 per hour", methods=["POST"])
@limiter.limit("10 per 15 minutes", key_func=_email_key, methods=["POST"])
def sign_in():
    if current_resident() is not None:
        return redirect(url_for(".requests"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            account = accounts.authenticate(form.email.data, form.password.data)
        except AccountError as locked:
            account = None
            form.email.errors.append(str(locked))
        # A failed attempt is counted for the lock-out: the request's unit of work commits it, error page or not.
        if account is not None:
            _sign_in(account)
            return redirect(_safe_next(request.args.get("next")))
        if not form.email.errors:
            form.email.errors.append("Enter a correct email address and password. If you have just registered, confirm your email first")
    return render_template("account/sign_in.html", title="Sign in", form=form)


@bp.route("/sign-out", methods=["GET", "POST"])
def sign_out():
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        account = current_resident()
        if account is not None:
            accounts.end_sessions(account)  # a copy of this cookie, anywhere, stops working too
        logout_user()
        session.pop("drafts", None)  # a shared computer: the next person must not see half-filled forms
        return render_template("account/message.html", title="You have signed out", message="You have signed out.",
                               links=[(url_for(".sign_in"), "Sign in again")])
    if current_resident() is None:
        return redirect(url_for(".sign_in"))
    return render_template("account/confirm.html", title="Sign out", form=form, button="Sign out")


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit("3 per minute; 20 per hour", methods=["POST"])
@limiter.limit("5 per hour", key_func=_email_key, methods=["POST"])
def forgot_password():
    form = EmailForm()
    if form.validate_on_submit():
        try:
            accounts.request_reset(form.email.data)
        except AccountError as exc:
            outbox.rollback()
            form.email.errors.append(str(exc))
        else:
            return render_template("account/message.html", title="Check your email", message=SENT
                                   + " A password reset link works once and for 1 hour.")
    return render_template("account/email_form.html", title="Reset your password", form=form,
                           intro="Enter the email address you use to sign in. We will send you a link to choose a new password.")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def reset_password(token):
    if accounts.peek_token(token, "reset") is None:
        return _bad_link()
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            account = accounts.reset_password(token, form.password.data)
        except AccountError as exc:
            outbox.rollback()
            form.password.errors.append(str(exc))
        else:
            if account is None:
                outbox.rollback()
                return _bad_link()
            logout_user()
            return render_template("account/message.html", title="Your password has been changed",
                                   message="Sign in with your new password.", links=[(url_for(".sign_in"), "Sign in")])
    return render_template("account/password_form.html", title="Choose a new password", form=form)


@bp.get("")
@resident_required
def home():
    account = current_resident()
    return render_template("account/home.html", title="Your account", account=account, customer=account.customer,
                           verified=request.args.get("verified"),
                           garden=subscriptions.for_customer(account.customer_id))


@bp.route("/details", methods=["GET", "POST"])
@resident_required
def details():
    account = current_resident()
    customer = account.customer
    form = DetailsForm(data={"full_name": customer.full_name, "phone": customer.phone or "",
                             "contact_preference": customer.contact_preference})
    if form.validate_on_submit():
        customer.first_name, customer.last_name = split_name(form.full_name.data)
        phone = (form.phone.data or "").strip() or None
        customer.phone, customer.phone_e164 = phone, normalise_phone(phone) if phone else None
        customer.contact_preference = form.contact_preference.data
        accounts.audit(account, "details_changed")
        return redirect(url_for(".home"))
    return render_template("account/details.html", title="Your details", form=form)


@bp.route("/change-email", methods=["GET", "POST"])
@resident_required
@limiter.limit("5 per minute", methods=["POST"])
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            accounts.request_email_change(current_resident(), form.email.data, form.password.data)
        except AccountError as exc:
            outbox.rollback()
            (form.password if "password" in str(exc) else form.email).errors.append(str(exc))
        else:
            return render_template("account/message.html", title="Check your email", message=SENT
                                   + " Your email address changes when you use the link in it.")
    return render_template("account/change_email.html", title="Change your email address", form=form)


@bp.route("/confirm-email/<token>", methods=["GET", "POST"])
def confirm_email(token):
    if accounts.peek_token(token, "change_email") is None:
        return _bad_link()
    form = ConfirmForm()
    if form.validate_on_submit():
        account = accounts.confirm_email_change(token)
        if account is None:
            outbox.rollback()
            return _bad_link()
        return render_template("account/message.html", title="Your email address has changed",
                               message="Use your new email address to sign in from now on.",
                               links=[(url_for(".home"), "Your account")])
    return render_template("account/confirm.html", title="Confirm your new email address", form=form,
                           button="Confirm my new email address")


@bp.get("/requests")
@resident_required
def requests():
    all_cases = [mine.summary(c) for c in mine.cases_for(current_resident())]
    return render_template("account/requests.html", title="My requests",
                           open_cases=[s for s in all_cases if s["case"].state_category != "closed"],
                           closed_cases=[s for s in all_cases if s["case"].state_category == "closed"])


def _mine_or_404(reference):
    case = mine.case_for(current_resident(), reference)
    if case is None:
        abort(404)
    return case


def _request_page(case, status=200, action_error=None, info_form=None, feedback_form=None, failed_action=None):
    account = current_resident()
    s = mine.summary(case)
    return render_template(
        "account/request.html", title=f"Request {case.reference}", **s,
        timeline=[e for e in case.events if e.public_message], actions=mine.resident_transitions(case, account),
        action_form=ActionForm(), info_form=info_form or InformationForm(formdata=None),
        can_add=mine.can_add_information(case), feedback=mine.feedback_for(case),
        feedback_form=feedback_form or FeedbackForm(formdata=None), action_error=action_error,
        failed_action=failed_action,
        attachments=case_attachments.for_case(case, resident=True), human_size=case_attachments.human_size), status


@bp.get("/requests/<reference>", endpoint="request")
@resident_required
def request_(reference):
    return _request_page(_mine_or_404(reference))


@bp.get("/requests/<reference>/attachments/<int:attachment_id>")
@resident_required
def attachment(reference, attachment_id):
    """A file staff attached and marked visible, on the resident's own request; anything else is not found."""
    row = case_attachments.find(_mine_or_404(reference), attachment_id, resident=True)
    if row is None or not case_attachments.path_of(row).is_file():
        abort(404)
    return send_file(case_attachments.open_bytes(row), mimetype=MIME[row.kind], as_attachment=True,
                     download_name=row.name)


@bp.post("/requests/<reference>/action")
@resident_required
def action(reference):
    case = _mine_or_404(reference)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        mine.take_action(case, current_resident(), form.action.data, form.reason.data or "")
    except mine.ActionRefused as exc:
        outbox.rollback()
        return _request_page(case, 400, action_error=str(exc), failed_action=form.action.data)
    return redirect(url_for(".request", reference=case.reference))


@bp.post("/requests/<reference>/information")
@resident_required
def information(reference):
    case = _mine_or_404(reference)
    form = InformationForm()
    if form.validate_on_submit():
        try:
            mine.add_information(case, current_resident(), form.information.data)
            return redirect(url_for(".request", reference=case.reference))
        except mine.ActionRefused as exc:
            outbox.rollback()
            form.information.errors.append(str(exc))
    return _request_page(case, 400, info_form=form)


@bp.post("/requests/<reference>/feedback")
@resident_required
def feedback(reference):
    case = _mine_or_404(reference)
    form = FeedbackForm()
    if form.validate_on_submit():
        try:
            mine.leave_feedback(case, form.rating.data, form.comment.data)
            return redirect(url_for(".request", reference=case.reference))
        except mine.ActionRefused as exc:
            outbox.rollback()
            form.rating.errors.append(str(exc))
    return _request_page(case, 400, feedback_form=form)


@bp.get("/your-data")
@resident_required
def your_data():
    return render_template("account/your_data.html", title="Your data", data=mine.export_for_people(current_resident()))


@bp.get("/your-data.json")
@resident_required
def your_data_json():
    body = json.dumps(mine.export(current_resident()), indent=2, default=str)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=your-data.json", "Cache-Control": "no-store"})


@bp.route("/close", methods=["GET", "POST"])
@resident_required
@limiter.limit("5 per minute", methods=["POST"])
def close():
    form = CloseAccountForm()
    if form.validate_on_submit():
        account = current_resident()
        if not account.check_password(form.password.data):
            form.password.errors.append("Your password is not right")
        else:
            accounts.close(account)
            logout_user()
            session.pop("drafts", None)
            return render_template("account/message.html", title="Your account has been closed",
                                   message="We have removed your personal details. Your requests are kept, without "
                                   "your details, so we can count how well our services work.")
    return render_template("account/close.html", title="Close your account", form=form)
