"""Per-account lock-out after repeated failed sign-ins (issue 16, Low), for staff and residents.

Failures are counted per account AND caller's address: SIGN_IN_LOCKOUT_FAILURES failures within
SIGN_IN_LOCKOUT_WINDOW_MINUTES lock that account out from that address for SIGN_IN_LOCKOUT_MINUTES,
even with the right password. Someone guessing from elsewhere cannot lock the owner (or a contact
centre behind one address) out. Counted in the database, so it holds when Redis is down; the
caller commits (a failed sign-in's count must be kept). Unknown or inactive accounts cost the
same password-hash work as a real one, so timing does not tell which emails have accounts.
"""
from __future__ import annotations

import math
from datetime import timedelta

from flask import current_app, request
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from frontdoor.extensions import db
from frontdoor.models import SignInLockout, StaffUser
from frontdoor.models.base import utcnow

_DUMMY_HASH = generate_password_hash("not-a-real-password-for-timing")


def attempt(kind: str, account, password: str | None) -> tuple[bool, str | None]:
    """(signed in?, the lock-out message or None). account may be None (no such email)."""
    password = password or ""
    active = account is not None and (account.active if kind == "staff" else account.is_active)
    if not active or not account.password_hash:
        check_password_hash(_DUMMY_HASH, password)
        return False, None
    row = _row(kind, account.id)
    now = utcnow()
    if row is not None and row.locked_until is not None and _aware(row.locked_until) > now:
        check_password_hash(_DUMMY_HASH, password)
        return False, _try_again(_aware(row.locked_until) - now)
    if account.check_password(password):
        if row is not None:
            db.session.delete(row)
            db.session.flush()
        return True, None
    return False, _failed(kind, account.id, row, now)


def _failed(kind: str, account_id: int, row: SignInLockout | None, now) -> str | None:
    cfg = current_app.config
    window = timedelta(minutes=cfg["SIGN_IN_LOCKOUT_WINDOW_MINUTES"])
    if row is None:
        row = SignInLockout(account_kind=kind, account_id=account_id, address=_address(), failures=0, first_failed_at=now)
        db.session.add(row)
    elif _aware(row.first_failed_at) + window <= now or row.locked_until is not None:  # a new window
        row.failures, row.first_failed_at, row.locked_until = 0, now, None
    row.failures += 1
    message = None
    if row.failures >= cfg["SIGN_IN_LOCKOUT_FAILURES"]:
        lock = timedelta(minutes=cfg["SIGN_IN_LOCKOUT_MINUTES"])
        row.locked_until = now + lock
        message = _try_again(lock)
    db.session.flush()
    return message


def _try_again(left: timedelta) -> str:
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    return f"You have tried to sign in too many times. Try again in {minutes} minute{'s' if minutes != 1 else ''}"


def _row(kind: str, account_id: int) -> SignInLockout | None:
    return db.session.scalar(select(SignInLockout).where(
        SignInLockout.account_kind == kind, SignInLockout.account_id == account_id,
        SignInLockout.address == _address()).with_for_update())


def _address() -> str:
    return (request.remote_addr or "unknown")[:64]


def _aware(value):
    from datetime import timezone

    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def current() -> list[tuple[SignInLockout, str]]:
    """Lock-outs in force, newest first, with the account's email (for the admin page)."""
    rows = db.session.scalars(select(SignInLockout).where(SignInLockout.locked_until > utcnow())
                              .order_by(SignInLockout.locked_until.desc())).all()
    from frontdoor.models import ResidentAccount

    out = []
    for row in rows:
        model = StaffUser if row.account_kind == "staff" else ResidentAccount
        account = db.session.get(model, row.account_id)
        email = getattr(account, "email", None) or getattr(account, "email_normalised", None) or "(closed)"
        out.append((row, email))
    return out


def clear(lockout_id: int, staff: StaffUser) -> bool:
    """An admin ends a lock-out; audited."""
    from frontdoor.services import audit

    row = db.session.get(SignInLockout, lockout_id)
    if row is None:
        return False
    audit.record(staff, "write", "sign_in_lockout.clear", account_kind=row.account_kind,
                 account_id=row.account_id, address=row.address)
    db.session.execute(delete(SignInLockout).where(SignInLockout.id == lockout_id))
    db.session.flush()
    return True
