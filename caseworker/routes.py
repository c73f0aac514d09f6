"""Staff pages. Thin: check permission, call one service, render or redirect."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from caseworker.answers import answer_rows
from caseworker.menu import staff_menu
from caseworker.forms import (AskInformationForm, AttachmentForm, ClaimForm, choices, AssignForm, BulkForm, NoteForm, SignInForm, TaskForm,
                              TransitionForm)
from frontdoor.auth import is_staff, staff_required
from frontdoor.extensions import db, limiter
from frontdoor.ids import local_path, whole_number
from frontdoor.metrics.definitions import is_past_due
from frontdoor.models import StaffUser
from frontdoor.models.base import utcnow
from frontdoor.services import audit, case_attachments, case_work, customers, lockout, outbox, queues
from frontdoor.services.actors import Actor
from workflows.uploads import MIME
from frontdoor.services.registry import working_calendar
from frontdoor.services.registry import definition as get_definition
from frontdoor.services.workflow_versions import for_case
from frontdoor.services.transitions import TransitionRefused, available, transition

bp = Blueprint("caseworker", __name__, template_folder="templates")


bp.add_app_template_global(staff_menu)


def _safe_next(target: str | None) -> str:
    if local_path(target, "/staff"):
        return target
    return url_for(".queue")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute; 100 per hour", methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == form.email.data.strip().lower()))
        signed_in, locked = lockout.attempt("staff", user, form.password.data)
        if signed_in:
            second = two_factor_step(user, _safe_next(request.args.get("next")))
            if second is not None:
                return second
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.email.errors.append(locked or "Enter a correct email address and password")
    return render_template("caseworker/sign_in.html", title="Staff sign in", form=form)


@bp.route("/sign-out", methods=["GET", "POST"])
def sign_out():
    form = FlaskForm()
    if not form.validate_on_submit():
        return render_template("caseworker/sign_out.html", title="Sign out", form=form)
    if is_staff():
        current_user.end_sessions()  # a copy of this cookie, anywhere, stops working too
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for(".sign_in"))


def _actor():
    return Actor.for_staff(current_user)


def _version(raw) -> int | None:
    return whole_number(raw)


def _workable_case(reference):
    """A case the signed-in member of staff may change: 404 if unknown, 403 if not theirs to work."""
    found = _case_or_404(reference)
    if not queues.can_work(current_user, found):
        abort(403)
    return found


def _case_or_404(reference):
    found = queues.case_by_reference(reference)
    if found is None:
        abort(404)
    if not queues.can_see(current_user, found):
        abort(403)
    return found


@bp.get("/")
@staff_required()
def queue():
    if current_user.role == "advisor":
        return redirect(url_for(".search"))
    args = request.args
    filters = queues.QueueFilters(
        team=args.get("team") or None, service=args.get("service") or None, state=args.get("state") or None,
        sla=args.get("sla") or None, ward=args.get("ward") or None, assignee=args.get("assignee") or None,
        sort=args.get("sort") or "due", page=whole_number(args.get("page"), minimum=1) or 1,
    )
    cases, total = queues.queue(current_user, filters, working_calendar())
    read_ids = [c.id for c in cases]
    options = queues.filter_options(current_user)
    form = BulkForm()
    transitions = {}
    for c in cases:
        for t in available(c, _actor()):
            transitions[t.name] = t.label
    form.transition.choices = choices([("", "Choose a step")] + sorted(transitions.items()))
    page = render_template("caseworker/queue.html", title="Your queue", cases=cases, total=total, filters=filters,
                           page_size=queues.PAGE_SIZE, form=form, options=options,
                           service_pairs=[(s, get_definition(s).title if get_definition(s) else s) for s in options["services"]],
                           ward_pairs=[(w, w) for w in options["wards"]],
                           calendar=working_calendar(), now=utcnow(), is_past_due=is_past_due)
    if read_ids:  # addresses of the cases listed
        audit.record_read(current_user, "case.queue", case_ids=read_ids)
    return page


@bp.post("/bulk")
@staff_required("caseworker", "team_lead")
def bulk():
    form = BulkForm()
    form.transition.choices = choices([(request.form.get("transition", ""), "")])
    references = request.form.getlist("cases")
    if not form.validate_on_submit() or not form.transition.data:
        flash("Choose a step and at least one case.", "error")
        return redirect(url_for(".queue"))
    if not references:
        flash("Choose at least one case.", "error")
        return redirect(url_for(".queue"))
    try:
        moved = queues.bulk_transition(references, form.transition.data, _actor(), form.note.data or "")
    except TransitionRefused as exc:
        outbox.rollback()
        flash(f"Nothing was changed. {exc}", "error")
        return redirect(url_for(".queue"))
    flash(f"{len(moved)} cases moved.", "success")
    return redirect(url_for(".queue"))


@bp.post("/cases/<reference>/claim")
@staff_required("caseworker", "team_lead")
def claim(reference):
    found = _case_or_404(reference)
    form = ClaimForm()
    if not form.validate_on_submit():
        abort(400, "Your form has expired. Go back, refresh the page and try again.")
    try:
        queues.assign(found, current_user, _actor(), expected_version=_version(form.version.data))
        flash(f"You are now working on {found.reference}.", "success")
    except (TransitionRefused, queues.AssignmentRefused) as exc:
        outbox.rollback()
        flash(str(exc), "error")
    return redirect(url_for(".case", reference=reference))


@bp.post("/cases/<reference>/assign")
@staff_required("caseworker", "team_lead")
def assign(reference):
    found = _case_or_404(reference)
    form = AssignForm()
    form.assignee.choices = choices([("", "Nobody")] + [(str(s.id), s.name) for s in queues.assignable_staff(found)])
    if not form.validate_on_submit():
        flash("Choose someone from the list.", "error")
        return redirect(url_for(".case", reference=reference))
    assignee = db.session.get(StaffUser, int(form.assignee.data)) if form.assignee.data else None
    try:
        queues.assign(found, assignee, _actor(), expected_version=_version(form.version.data))
        flash(f"Case {found.reference} assigned to {assignee.name if assignee else 'nobody'}.", "success")
    except (TransitionRefused, queues.AssignmentRefused) as exc:
        outbox.rollback()
        flash(str(exc), "error")
    return redirect(url_for(".case", reference=reference))


def _render_case(found, form=None, error=None, status=200, **forms):
    definition = for_case(found)
    assign_form = AssignForm(formdata=None)
    assign_form.assignee.choices = choices([("", "Nobody")] + [(str(s.id), s.name) for s in queues.assignable_staff(found)])
    assign_form.assignee.data = str(found.assignee_id or "")
    task_form = forms.get("task_form") or TaskForm(formdata=None)
    task_form.team.choices = _team_choices()
    can_work = queues.can_work(current_user, found)
    page = render_template(
        "caseworker/case.html", title=f"Case {found.reference}", case=found, definition=definition,
        # Moving to a waiting state has its own form (the question for the resident), not a radio here.
        transitions=[t for t in available(found, _actor()) if not (definition and definition.state(t.to).category == "waiting")] if can_work else [],
        form=form or TransitionForm(formdata=None), error=error,
        calendar=working_calendar(), now_ts=utcnow().timestamp(), can_work=can_work, assign_form=assign_form, task_form=task_form,
        note_form=forms.get("note_form") or NoteForm(formdata=None),
        ask_form=forms.get("ask_form") or AskInformationForm(formdata=None),
        ask_transition=next((t for t in available(found, _actor()) if definition and definition.state(t.to).category == "waiting"), None) if can_work else None,
        tasks=case_work.tasks_for_case(found), related=case_work.related_cases(found),
        answer_rows=answer_rows(found, definition),
        attachments=case_attachments.for_case(found), human_size=case_attachments.human_size,
        attachment_form=forms.get("attachment_form") or AttachmentForm(formdata=None),
    )
    audit.record(current_user, "read", "case.view", customer_id=found.customer_id, case_id=found.id)
    return page, status


def _team_choices():
    from frontdoor.models import Team
    return choices([("", "Choose a team")] + [(t.slug, t.name) for t in db.session.scalars(select(Team).order_by(Team.name))])


@bp.route("/cases/<reference>", methods=["GET", "POST"])
@staff_required()
def case(reference):
    found = _case_or_404(reference)
    form = TransitionForm()
    error = None
    if request.method == "POST":
        if not queues.can_work(current_user, found):
            abort(403)
        if form.validate_on_submit():
            try:
                data = {"note": form.note.data, **_transition_fields(found, form.transition.data)}
                event = transition(found, form.transition.data, _actor(), data,
                                   expected_version=_version(form.version.data))
                audit.record(current_user, "write", "case.transition", customer_id=found.customer_id, case_id=found.id)
                flash(f"Case {found.reference} moved to '{for_case(found).state(event.to_state).label}'.", "success")
                return redirect(url_for(".case", reference=found.reference))
            except TransitionRefused as exc:
                outbox.rollback()
                found = queues.case_by_reference(reference)
                error = str(exc)
        else:
            error = next(iter(form.errors.values()))[0] if form.errors else "Check the form and try again."
    return _render_case(found, form, error, 400 if error else 200)


@bp.post("/cases/<reference>/notes")
@staff_required("caseworker", "team_lead")
def add_note(reference):
    found = _workable_case(reference)
    form = NoteForm()
    if form.validate_on_submit():
        case_work.add_note(found, _actor(), form.text.data, public=form.visibility.data == "public")
        audit.record(current_user, "write", "case.note", customer_id=found.customer_id, case_id=found.id)
        flash("Note added.", "success")
        return redirect(url_for(".case", reference=reference))
    return _render_case(found, error=next(iter(form.errors.values()))[0], status=400, note_form=form)


@bp.post("/cases/<reference>/attachments")
@staff_required("caseworker", "team_lead")
def attach(reference):
    found = _workable_case(reference)
    form = AttachmentForm()
    if not form.validate_on_submit():
        abort(400, "Your form has expired. Go back, refresh the page and try again.")
    try:
        row = case_attachments.attach(found, _actor(), request.files.get("file"),
                                      visible_to_resident=bool(form.visible_to_resident.data))
    except case_attachments.AttachmentRefused as exc:
        outbox.rollback()
        form.file.errors = [str(exc)]
        return _render_case(queues.case_by_reference(reference), error=str(exc), status=400, attachment_form=form)
    audit.record(current_user, "write", "case.attachment", customer_id=found.customer_id, case_id=found.id,
                 attachment_id=row.id)
    flash(f"{row.name} attached.", "success")
    return redirect(url_for(".case", reference=reference))


@bp.get("/cases/<reference>/attachments/<int:attachment_id>")
@staff_required()
def attachment(reference, attachment_id):
    found = _case_or_404(reference)
    row = case_attachments.find(found, attachment_id)
    if row is None or not case_attachments.path_of(row).is_file():
        abort(404)
    audit.record(current_user, "read", "case.attachment", customer_id=found.customer_id, case_id=found.id,
                 attachment_id=row.id)
    return send_file(case_attachments.open_bytes(row), mimetype=MIME[row.kind], as_attachment=True,
                     download_name=row.name)


@bp.post("/cases/<reference>/ask")
@staff_required("caseworker", "team_lead")
def ask_information(reference):
    """Ask the resident for more information: a move to the definition's waiting state (clock paused), notified."""
    found = _workable_case(reference)
    form = AskInformationForm()
    definition = for_case(found)
    step = next((t for t in available(found, _actor()) if definition and definition.state(t.to).category == "waiting"), None)
    if form.validate_on_submit():
        if step is None:
            return _render_case(found, error="You cannot ask for information while the case is in this state.", status=400, ask_form=form)
        try:
            transition(found, step.name, _actor(), {"note": form.question.data, "public_message": form.question.data},
                       expected_version=_version(form.version.data))
            audit.record(current_user, "write", "case.ask_information", customer_id=found.customer_id, case_id=found.id)
        except TransitionRefused as exc:
            outbox.rollback()
            return _render_case(queues.case_by_reference(reference), error=str(exc), status=400, ask_form=form)
        flash("We have asked the resident for more information. The SLA clock is paused until they reply.", "success")
        return redirect(url_for(".case", reference=reference))
    return _render_case(found, error=next(iter(form.errors.values()))[0], status=400, ask_form=form)


@bp.post("/cases/<reference>/tasks")
@staff_required("caseworker", "team_lead")
def add_task(reference):
    found = _workable_case(reference)
    form = TaskForm()
    form.team.choices = _team_choices()
    if form.validate_on_submit():
        try:
            case_work.add_task(_actor(), form.team.data, form.title.data, form.due_on.data, case=found)
            flash("Task created.", "success")
            return redirect(url_for(".case", reference=reference))
        except case_work.CaseWorkRefused as exc:
            outbox.rollback()
            form.team.errors = [str(exc)]
    return _render_case(found, error=next(iter(form.errors.values()))[0], status=400, task_form=form)


@bp.get("/tasks")
@staff_required("caseworker", "team_lead")
def tasks():
    from frontdoor.models import Task
    query = select(Task).where(Task.status == "open")
    if current_user.role != "admin":
        query = query.where(Task.team_id.in_([t.id for t in current_user.teams] or [-1]))
    rows = list(db.session.scalars(query.order_by(Task.due_on, Task.id).limit(200)))
    return render_template("caseworker/tasks.html", title="Tasks for your teams", tasks=rows, form=FlaskForm())


@bp.post("/tasks/<int:task_id>/done")
@staff_required("caseworker", "team_lead")
def task_done(task_id):
    from frontdoor.models import Task
    task = db.session.get(Task, task_id)
    if task is None:
        abort(404)
    if current_user.role != "admin" and task.team_id not in {t.id for t in current_user.teams}:
        abort(403)
    if not FlaskForm().validate_on_submit():
        abort(400, "Your form has expired. Go back, refresh the page and try again.")
    try:
        case_work.complete_task(task, _actor())
        flash("Task marked as done.", "success")
    except case_work.CaseWorkRefused as exc:
        outbox.rollback()
        flash(str(exc), "error")
    return redirect(url_for(".tasks"))


@bp.post("/cases/<reference>/confirm-details")
@staff_required()
def confirm_details(reference):
    """Copy the phone and address given on this case onto the customer, once checked with them."""
    found = _case_or_404(reference)
    if not FlaskForm().validate_on_submit():
        abort(400, "Your form has expired. Go back, refresh the page and try again.")
    try:
        changed = customers.confirm_case_details(found, current_user)
        flash("The customer's record now has the details from this case." if changed else "Nothing to change.", "success")
    except customers.ProfileRefused as exc:
        outbox.rollback()
        flash(str(exc), "error")
    return redirect(url_for(".case", reference=reference))


from caseworker import admin, caller, contact_routes, customer_routes, file_routes, two_factor_routes  # noqa: E402,F401  routes on this blueprint
from caseworker.two_factor_routes import two_factor_step  # noqa: E402


@bp.get("/cases/id/<int:case_id>")
@staff_required()
def case_by_id(case_id):
    from frontdoor.models import Case
    found = db.session.get(Case, case_id)
    if found is None:
        abort(404)
    return redirect(url_for(".case", reference=found.reference))


def _transition_fields(case, name: str) -> dict:
    """The values for the fields the definition asks for on this step (named '<transition>__<field>')."""
    definition = for_case(case)
    step = definition.transition(case.state, name) if definition else None
    if step is None:
        return {}
    return {f["id"]: request.form.get(f"{name}__{f['id']}", "") for f in step.fields}
