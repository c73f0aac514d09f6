"""Staff pages. Thin: check permission, call one service, render or redirect."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from caseworker.forms import SignInForm, TransitionForm
from frontdoor.auth import is_staff, staff_required
from frontdoor.extensions import db, limiter
from frontdoor.models import StaffUser
from frontdoor.models.base import utcnow
from frontdoor.services import outbox, queues
from frontdoor.services.actors import Actor
from frontdoor.services.registry import working_calendar
from frontdoor.services.workflow_versions import for_case
from frontdoor.services.transitions import TransitionRefused, available, transition

bp = Blueprint("caseworker", __name__, template_folder="templates")


def _nav():
    return [
        {"href": url_for(".queue"), "text": "Queue", "active": request.endpoint == "caseworker.queue"},
        {"href": url_for(".sign_out"), "text": f"Sign out ({current_user.name})"},
    ]


@bp.context_processor
def staff_globals():
    extra = {"nav_service_name": "Front Door staff", "nav_service_url": url_for("caseworker.queue")}
    if is_staff():
        extra["navigation"] = _nav()
    return extra


def _safe_next(target: str | None) -> str:
    if target and urlparse(target).netloc == "" and target.startswith("/staff") and not target.startswith("//"):
        return target
    return url_for(".queue")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute; 100 per hour", methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == form.email.data.strip().lower()))
        if user is not None and user.active and user.check_password(form.password.data):
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.email.errors.append("Enter a correct email address and password")
    return render_template("caseworker/sign_in.html", title="Staff sign in", form=form)


@bp.route("/sign-out", methods=["GET", "POST"])
def sign_out():
    form = FlaskForm()
    if not form.validate_on_submit():
        return render_template("caseworker/sign_out.html", title="Sign out", form=form)
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for(".sign_in"))


@bp.get("/")
@staff_required()
def queue():
    cases = queues.open_cases_for(current_user)
    return render_template("caseworker/queue.html", title="Your queue", cases=cases, calendar=working_calendar(),
                           now_ts=utcnow().timestamp())


@bp.route("/cases/<reference>", methods=["GET", "POST"])
@staff_required()
def case(reference):
    found = queues.case_by_reference(reference)
    if found is None:
        abort(404)
    if not queues.can_see(current_user, found):
        abort(403)
    actor = Actor.for_staff(current_user)
    form = TransitionForm()
    error = None
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                expected = int(form.version.data) if (form.version.data or "").isdigit() else None
                data = {"note": form.note.data, **_transition_fields(found, form.transition.data)}
                event = transition(found, form.transition.data, actor, data, expected_version=expected)
                outbox.commit()
                flash(f"Case {found.reference} moved to '{for_case(found).state(event.to_state).label}'.", "success")
                return redirect(url_for(".case", reference=found.reference))
            except TransitionRefused as exc:
                outbox.rollback()
                found = queues.case_by_reference(reference)
                error = str(exc)
        else:
            error = next(iter(form.errors.values()))[0] if form.errors else "Check the form and try again."
    definition = for_case(found)
    return render_template(
        "caseworker/case.html", title=f"Case {found.reference}", case=found, definition=definition,
        transitions=available(found, actor), form=form, error=error, calendar=working_calendar(),
    ), (400 if error else 200)


def _transition_fields(case, name: str) -> dict:
    """The values for the fields the definition asks for on this step (named '<transition>__<field>')."""
    definition = for_case(case)
    step = definition.transition(case.state, name) if definition else None
    if step is None:
        return {}
    return {f["id"]: request.form.get(f"{name}__{f['id']}", "") for f in step.fields}
