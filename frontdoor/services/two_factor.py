"""Two factors for local staff accounts: TOTP (RFC 6238, what authenticator apps compute) and
one-time recovery codes. Services flush; the request commits."""
from __future__ import annotations

import hashlib
import secrets

import pyotp
import qrcode
import qrcode.image.svg
from markupsafe import Markup
from sqlalchemy import delete, select

from frontdoor.extensions import db
from frontdoor.models import StaffRecoveryCode, StaffUser
from frontdoor.models.base import utcnow
from frontdoor.services import audit

RECOVERY_CODES = 10
STEP_SECONDS = 30
RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def required(user: StaffUser, policy: str) -> bool:
    """Must this person sign in with a second factor under the STAFF_TWO_FACTOR policy?"""
    return policy == "all" or (policy == "admins" and user.role == "admin")


def new_secret() -> str:
    return pyotp.random_base32()


def qr_code_svg(user: StaffUser, secret: str, issuer: str) -> Markup:
    """The otpauth:// address as an inline SVG QR code: nothing leaves the server to draw it."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)
    svg = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).to_string(encoding="unicode")
    svg = svg.replace("<svg ", '<svg role="img" aria-label="QR code to scan with your authenticator app" ', 1)
    return Markup(svg)


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())


def _matching_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The 30-second step the code belongs to (this one or either neighbour, for clock drift), if
    it is later than the last accepted one: a code seen once never works again."""
    code = _digits(code)
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now = int(utcnow().timestamp()) // STEP_SECONDS
    for step in (now, now - 1, now + 1):
        if (last_step is None or step > last_step) and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _hash(code: str) -> str:
    normalised = "".join(ch for ch in (code or "").lower() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_recovery_codes(user: StaffUser) -> list[str]:
    db.session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.staff_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))  # 50 random bits
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(StaffRecoveryCode(staff_id=user.id, code_hash=_hash(raw)))
    return codes


def confirm_enrolment(user: StaffUser, secret: str, code: str) -> list[str] | None:
    """Turn two factors on once the app shows a correct code; returns the recovery codes (to show once)."""
    step = _matching_step(secret, code, None)
    if step is None:
        return None
    user.totp_secret, user.totp_last_step, user.two_factor_enabled_at = secret, step, utcnow()
    codes = _new_recovery_codes(user)
    db.session.flush()
    return codes


def verify(user: StaffUser, code: str) -> str | None:
    """'app' for a fresh authenticator code, 'recovery' for an unused recovery code (now used), else None."""
    if not user.has_two_factor:
        return None
    step = _matching_step(user.totp_secret, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        db.session.flush()
        return "app"
    found = db.session.scalar(select(StaffRecoveryCode).where(
        StaffRecoveryCode.staff_id == user.id, StaffRecoveryCode.code_hash == _hash(code),
        StaffRecoveryCode.used_at.is_(None)))
    if found is not None:
        found.used_at = utcnow()
        db.session.flush()
        return "recovery"
    return None


def recovery_codes_left(user: StaffUser) -> int:
    return len(list(db.session.scalars(select(StaffRecoveryCode.id).where(
        StaffRecoveryCode.staff_id == user.id, StaffRecoveryCode.used_at.is_(None)))))


def reset(user: StaffUser, admin: StaffUser) -> None:
    """A lost device: an admin removes the person's second factor; they enrol again at next sign-in.
    Every session of theirs ends, and the audit log says who did it."""
    user.totp_secret = user.two_factor_enabled_at = user.totp_last_step = None
    db.session.execute(delete(StaffRecoveryCode).where(StaffRecoveryCode.staff_id == user.id))
    user.end_sessions()
    audit.record(admin, "write", "staff.two_factor_reset", staff_id=user.id, staff_email=user.email)
