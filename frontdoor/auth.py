"""Who is signed in. Session ids are prefixed by kind so staff and residents never mix."""
from __future__ import annotations

from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user

from frontdoor.extensions import db, login_manager
from frontdoor.models import StaffUser


def init_app(app):
    login_manager.login_view = "caseworker.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str):
    kind, _, raw = user_id.partition(":")
    if kind == "staff" and raw.isdigit():
        user = db.session.get(StaffUser, int(raw))
        return user if user is not None and user.active else None
    return None


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

        return wrapped

    return decorate
