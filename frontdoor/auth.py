"""Who is signed in. Session ids are prefixed by kind so staff and residents never mix."""
from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from frontdoor.extensions import db, login_manager
from frontdoor.ids import whole_number
from frontdoor.models import ResidentAccount, StaffUser


def init_app(app):
    login_manager.login_view = "caseworker.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str):
    # "<kind>:<id>:<session_version>": sign-out, a password change, deactivation or closure bumps the
    # version, which ends every older session of that person.
    kind, _, raw = user_id.partition(":")
    if kind == "staff":
        return _current_session_of(StaffUser, raw, lambda user: user.active)
    if kind == "resident":
        return _current_session_of(ResidentAccount, raw, lambda account: account.is_active)
    return None


def _current_session_of(model, raw: str, usable):
    raw_id, _, version = raw.partition(":")
    person_id, session_version = whole_number(raw_id), whole_number(version)
    if person_id is None or session_version is None:
        return None
    person = db.session.get(model, person_id)
    if person is not None and usable(person) and person.session_version == session_version:
        return person
    return None


def current_resident() -> ResidentAccount | None:
    user = current_user
    if bool(getattr(user, "is_authenticated", False)) and isinstance(user, ResidentAccount):
        return user
    return None


def resident_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_resident() is None:
            return redirect(url_for("account.sign_in", next=request.path))
        return view(*args, **kwargs)

    return wrapped


def is_staff(user=None) -> bool:
    user = user or current_user
    return bool(getattr(user, "is_authenticated", False)) and isinstance(user, StaffUser)


def staff_required(*roles: str):
    """Staff only; with roles, only those roles (admin always)."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not is_staff():
                return redirect(url_for("caseworker.sign_in", next=request.full_path))
            if roles and current_user.role not in roles and current_user.role != "admin":
                abort(403)
            return view(*args, **kwargs)

        # Read by the staff menu (caseworker/menu.py): a page is offered to exactly who may open it.
        wrapped.staff_roles = roles
        return wrapped

    return decorate
