"""The second factor at staff sign-in: enrolment (QR code, recovery codes shown once) and the code.

Between a correct password and a correct code the person is not signed in: the session holds only
who they are, their session version and when the password was checked (five minutes to answer)."""
from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_user

from caseworker.forms import TwoFactorCodeForm, TwoFactorEnrolForm
from caseworker.routes import bp
from frontdoor.auth import is_staff
from frontdoor.extensions import db, limiter
from frontdoor.models import StaffUser
from frontdoor.services import two_factor

PENDING = "staff_two_factor"
SECRET = "staff_two_factor_secret"
PENDING_SECONDS = 300


def two_factor_step(user: StaffUser, next_url: str):
    """After a correct password: the redirect to the code or enrolment page, or None to sign in now."""
    policy = current_app.config["STAFF_TWO_FACTOR"]
    if not user.has_two_factor and not two_factor.required(user, policy):
        return None
    session[PENDING] = {"id": user.id, "version": user.session_version, "next": next_url, "at": int(time.time())}
    session.pop(SECRET, None)
    return redirect(url_for(".two_factor_code" if user.has_two_factor else ".two_factor_set_up"))


def _pending_user() -> StaffUser | None:
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user = db.session.get(StaffUser, pending.get("id"))
    if user is None or not user.active or user.session_version != pending.get("version"):
        return None
    return user


def _pending_key() -> str:
    pending = session.get(PENDING)
    return f"staff-2fa:{pending.get('id') if isinstance(pending, dict) else 'none'}"


def _start_again():
    session.pop(PENDING, None)
    session.pop(SECRET, None)
    flash("Sign in again to continue.", "info")
    return redirect(url_for(".sign_in"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit("10 per minute; 100 per hour", methods=["POST"])
@limiter.limit("5 per minute; 20 per hour", key_func=_pending_key, methods=["POST"])
def two_factor_code():
    user = _pending_user()
    if user is None or not user.has_two_factor:
        return _start_again()
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        how = two_factor.verify(user, form.code.data)
        if how is not None:
            next_url = session.pop(PENDING)["next"]
            login_user(user)
            if how == "recovery":
                flash(f"You used a recovery code. You have {two_factor.recovery_codes_left(user)} left: "
                      "ask an admin to reset your two factors if you have lost your device.", "info")
            return redirect(next_url)
        form.code.errors.append("Enter a correct code from your authenticator app, or an unused recovery code")
    return render_template("caseworker/two_factor_code.html", title="Enter your code", form=form), (400 if form.errors else 200)


@bp.route("/sign-in/two-factor", methods=["GET", "POST"])
@limiter.limit("10 per minute; 100 per hour", methods=["POST"])
def two_factor_set_up():
    """Set up an authenticator app: at sign-in when it is required, or by a signed-in member of staff."""
    user = current_user if is_staff() else _pending_user()
    if user is None:
        return _start_again()
    if user.has_two_factor:
        return redirect(url_for(".queue"))
    secret = session.get(SECRET) or two_factor.new_secret()
    session[SECRET] = secret
    form = TwoFactorEnrolForm()
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(user, secret, form.code.data)
        if codes is not None:
            session.pop(SECRET, None)
            pending = session.pop(PENDING, None)
            if not is_staff():
                login_user(user)
            # Shown on this response only: the codes are stored hashed and never shown again.
            return render_template("caseworker/two_factor_recovery_codes.html", title="Your recovery codes", codes=codes,
                                   next_url=(pending or {}).get("next") or url_for(".queue"))
        form.code.errors.append("Enter the 6-digit code your authenticator app shows now")
    qr = two_factor.qr_code_svg(user, secret, current_app.config["TWO_FACTOR_ISSUER"])
    return render_template("caseworker/two_factor_set_up.html", title="Set up two-factor sign-in", form=form, qr=qr,
                           secret=secret, required=two_factor.required(user, current_app.config["STAFF_TWO_FACTOR"])), \
        (400 if form.errors else 200)
