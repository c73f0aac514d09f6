"""Admins manage staff, their roles and teams."""
from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from caseworker.forms import StaffForm, TeamForm, choices
from caseworker.routes import bp
from frontdoor.auth import staff_required
from frontdoor.extensions import db
from frontdoor.models import StaffUser, Team
from frontdoor.services import audit, lockout, two_factor


def _teams():
    return list(db.session.scalars(select(Team).order_by(Team.name)))


@bp.get("/admin/staff")
@staff_required("admin")
def admin_staff():
    staff = list(db.session.scalars(select(StaffUser).order_by(StaffUser.name)))
    return render_template("caseworker/admin_staff.html", title="Staff and teams", staff=staff, teams=_teams(),
                           team_form=TeamForm(formdata=None))


@bp.route("/admin/staff/new", methods=["GET", "POST"], defaults={"staff_id": None})
@bp.route("/admin/staff/<int:staff_id>", methods=["GET", "POST"])
@staff_required("admin")
def admin_staff_edit(staff_id):
    user = db.session.get(StaffUser, staff_id) if staff_id is not None else None
    if staff_id is not None and user is None:
        abort(404)
    form = StaffForm(obj=None, data={"name": user.name, "email": user.email, "role": user.role,
                                     "teams": [t.slug for t in user.teams], "active": "yes" if user.active else "no"} if user else None)
    form.teams.choices = choices([(t.slug, t.name) for t in _teams()])
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        clash = db.session.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email))
        if clash is not None and clash is not user:
            form.email.errors.append("Another member of staff has this email address")
        elif user is None and not form.password.data:
            form.password.errors.append("Enter a password for the new member of staff")
        elif user is current_user and (form.role.data != "admin" or form.active.data != "yes"):
            form.role.errors.append("You cannot remove your own admin role or sign-in: ask another admin")
        else:
            if user is None:
                user = StaffUser(email=email, name="", role="advisor", password_hash="")
                db.session.add(user)
            user.name, user.email, user.role = form.name.data.strip(), email, form.role.data
            if user.active and form.active.data != "yes":
                user.end_sessions()
            user.active = form.active.data == "yes"
            user.teams = [t for t in _teams() if t.slug in (form.teams.data or [])]
            if form.password.data:
                user.set_password(form.password.data)
            flash(f"Saved {user.name}.", "success")
            return redirect(url_for(".admin_staff"))
    return render_template("caseworker/admin_staff_edit.html", title="Edit staff" if user else "Add staff", form=form,
                           user=user, reset_form=FlaskForm(formdata=None)), (400 if form.errors else 200)


@bp.post("/admin/staff/<int:staff_id>/two-factor/reset")
@staff_required("admin")
def admin_staff_two_factor_reset(staff_id):
    """A lost device: the person sets up an authenticator app again at their next sign-in."""
    user = db.session.get(StaffUser, staff_id)
    if user is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:  # (current_user is a proxy: never `is` the row)
        # One person alone never removes an admin's second factor: another admin does it.
        flash("You cannot reset your own two-factor sign-in: ask another admin", "error")
        return redirect(url_for(".admin_staff_edit", staff_id=user.id))
    two_factor.reset(user, current_user)
    flash(f"Reset two-factor sign-in for {user.name}. They will set it up again when they next sign in.", "success")
    return redirect(url_for(".admin_staff_edit", staff_id=user.id))


@bp.post("/admin/teams")
@staff_required("admin")
def admin_team_add():
    form = TeamForm()
    if form.validate_on_submit():
        slug = form.slug.data.strip().lower()
        if not re.fullmatch(r"[a-z0-9_]{2,50}", slug):
            form.slug.errors.append("Use 2 to 50 lower-case letters, numbers and underscores")
        elif db.session.scalar(select(Team).where(Team.slug == slug)):
            form.slug.errors.append("There is already a team with this short name")
        else:
            db.session.add(Team(slug=slug, name=form.name.data.strip()))
            flash("Team added.", "success")
            return redirect(url_for(".admin_staff"))
    staff = list(db.session.scalars(select(StaffUser).order_by(StaffUser.name)))
    return render_template("caseworker/admin_staff.html", title="Staff and teams", staff=staff, teams=_teams(),
                           team_form=form), 400


@bp.get("/admin/lockouts")
@staff_required("admin")
def admin_lockouts():
    rows = lockout.current()
    page = render_template("caseworker/admin_lockouts.html", title="Sign-in lock-outs", rows=rows, form=FlaskForm())
    if rows:
        audit.record_read(current_user, "sign_in_lockout.list", lockout_ids=[row.id for row, _ in rows])
    return page


@bp.post("/admin/lockouts/<int:lockout_id>/clear")
@staff_required("admin")
def admin_lockout_clear(lockout_id):
    if not FlaskForm().validate_on_submit():
        abort(400)
    if lockout.clear(lockout_id, current_user):
        flash("Lock-out cleared: they can sign in again.", "success")
    return redirect(url_for(".admin_lockouts"))
